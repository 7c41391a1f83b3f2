/**
 * @file
 * @ingroup lib
 * @brief Fixed-width integers and the few machine-width types Keel uses.
 *
 * The kernel is freestanding: it has no libc, so it takes its integer types
 * from the compiler's own <stdint.h>/<stddef.h>/<stdbool.h>, which gcc ships
 * for exactly this use. The typedefs below name machine-width quantities
 * whose meaning matters to a reader (a physical address is not a pointer).
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A physical address: a number, never dereferenced directly. */
typedef uint64_t paddr_t;
/** A kernel virtual address held as a number (for arithmetic). */
typedef uint64_t vaddr_t;
/** Signed size, as returned by read/write-like calls (count or -errno). */
typedef int64_t ssize_t;

#endif /* KERNEL_TYPES_H */
