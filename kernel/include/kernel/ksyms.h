/**
 * @file
 * @ingroup lib
 * @brief The kernel's own symbol table, to turn addresses into names.
 *
 * A backtrace of raw addresses means little to a student; `kmain+0x2a/0x90`
 * says where it was. The build links the kernel twice: the first link's
 * function symbols (from `nm`) become a table compiled into the second.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include "kernel/types.h"

/** The result of a symbol lookup. */
struct ksym {
    const char *name; /**< function name */
    uint64_t addr;    /**< its first byte */
    uint64_t size;    /**< its length in bytes (0 when unknown) */
};

bool ksym_lookup(uint64_t addr, struct ksym *out);
int ksym_format(char *buf, size_t size, uint64_t addr);
uint64_t ksym_address(const char *name);

#endif /* KERNEL_KSYMS_H */
