/**
 * @file
 * @ingroup mm
 * @brief copy_from_user, copy_to_user, strncpy_from_user.
 *
 * Each copy walks the user range page by page: the page must lie in a
 * region of the current process with the needed right; a page not yet
 * present (or shared copy-on-write, for a write) is brought in with
 * mm_fault() exactly as if the program had touched it; then the bytes are
 * copied through the direct map. The kernel therefore never touches a user
 * address directly, and a bad pointer can only produce -EFAULT.
 * (Chapter 4 replaces this page walk with direct access guarded by an
 * exception table, which is faster.)
 */
#include "kernel/uaccess.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* The kernel address of user byte @p va, made accessible for @p write;
 * NULL when the process may not access it. */
static void *
user_byte(vaddr_t va, bool write)
{
    struct proc *p = proc_current();
    if (p == NULL || va >= USER_TOP)
        return NULL;
    struct vma *v = mm_find_vma(p->mm, va);
    if (v == NULL || !(v->prot & VM_READ) || (write && !(v->prot & VM_WRITE)))
        return NULL;
    paddr_t pa;
    unsigned flags;
    if (!arch_translate(p->mm->root, va, &pa, &flags) ||
        (write && !(flags & VM_WRITE))) {
        if (mm_fault(p->mm, va, write, false) < 0 ||
            !arch_translate(p->mm->root, va, &pa, NULL))
            return NULL;
    }
    return phys_to_virt(pa);
}

/* Copy between kernel @p k and user @p u, page by page. */
static int
copy_user(void *k, uint64_t u, size_t n, bool to_user)
{
    if (u + n < u || u + n > USER_TOP)
        return -EFAULT;
    uint8_t *kp = k;
    while (n > 0) {
        size_t chunk = MIN(n, PAGE_SIZE - (u & (PAGE_SIZE - 1)));
        uint8_t *up = user_byte(u, to_user);
        if (up == NULL)
            return -EFAULT;
        if (to_user)
            memcpy(up, kp, chunk);
        else
            memcpy(kp, up, chunk);
        kp += chunk;
        u += chunk;
        n -= chunk;
    }
    return 0;
}

/**
 * @brief Copy @p n bytes from user @p src to kernel @p dst.
 * @param dst kernel buffer
 * @param src user address
 * @param n   bytes
 * @return 0 or -EFAULT
 */
int
copy_from_user(void *dst, uptr_t src, size_t n)
{
    return copy_user(dst, src.addr, n, false);
}

/**
 * @brief Copy @p n bytes from kernel @p src to user @p dst.
 * @param dst user address
 * @param src kernel buffer
 * @param n   bytes
 * @return 0 or -EFAULT
 */
int
copy_to_user(uptr_t dst, const void *src, size_t n)
{
    return copy_user((void *)src, dst.addr, n, true);
}

/**
 * @brief Copy a NUL-terminated user string into @p dst (at most @p max).
 * @param dst kernel buffer of @p max bytes
 * @param src user address of the string
 * @param max size of @p dst
 * @return the string's length, -EFAULT, or -ENAMETOOLONG when it does not
 *         fit (with its NUL) in @p max bytes
 */
long
strncpy_from_user(char *dst, uptr_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        char c;
        if (copy_from_user(&c, UPTR(src.addr + i), 1) < 0)
            return -EFAULT;
        dst[i] = c;
        if (c == 0)
            return (long)i;
    }
    return -ENAMETOOLONG;
}
