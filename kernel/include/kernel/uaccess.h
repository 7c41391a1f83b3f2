/**
 * @file
 * @ingroup mm
 * @brief User pointers and the only functions allowed to follow them.
 *
 * A pointer a user program hands to a system call may point anywhere: at
 * nothing, into the kernel, across the end of a region. The kernel keeps
 * such addresses in a uptr_t, a struct the compiler will not let anyone
 * dereference, and reads or writes them only through copy_from_user(),
 * copy_to_user() and strncpy_from_user(), which return -EFAULT for a bad
 * pointer instead of crashing (how they know: kernel/mm/uaccess.c).
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include "kernel/types.h"

/** A user-space address: opaque, never dereferenced by the kernel. */
typedef struct {
    uint64_t addr; /**< the address in the user's address space */
} uptr_t;

/** Make a uptr_t from a system-call argument. */
#define UPTR(x) ((uptr_t){(uint64_t)(x)})

int copy_from_user(void *dst, uptr_t src, size_t n);
int copy_to_user(uptr_t dst, const void *src, size_t n);
long strncpy_from_user(char *dst, uptr_t src, size_t max);
#if CHAPTER >= 4
bool user_access_ok(uptr_t u, size_t n);
#endif
#if CHAPTER >= 5
uptr_t uaccess_lend(void *buf, size_t n);
void uaccess_unlend(void);
#endif

#endif /* KERNEL_UACCESS_H */
