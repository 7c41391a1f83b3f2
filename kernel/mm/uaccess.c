/**
 * @file
 * @ingroup mm
 * @brief copy_from_user, copy_to_user, strncpy_from_user.
 *
 * The only way the kernel follows a pointer a program gave it. A bad
 * pointer (outside user space, unmapped, without the right) must give
 * -EFAULT, never a kernel crash. Two ways to get there:
 *
 * - chapter 3 walks the user range page by page: the page must lie in a
 *   region of the current process with the needed right; a page not yet
 *   present (or shared copy-on-write, for a write) is brought in with
 *   mm_fault() exactly as if the program had touched it; the bytes are
 *   then copied through the direct map;
 * - from chapter 4 the range is only checked against USER_TOP and the
 *   bytes are copied directly by the routines of usercopy.S. A page that
 *   is missing is brought in by the page-fault handler (mm_fault()); one
 *   the program may not touch makes the copy instruction fault, and the
 *   exception table (kernel/arch/x86_64/mm/extable.c) turns the fault into
 *   -EFAULT. The common case, a good pointer, costs no walk at all.
 */
#include "kernel/uaccess.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#if CHAPTER >= 5
/**
 * @brief Let copy_to_user/copy_from_user reach kernel buffer @p buf.
 *
 * The file operations take user addresses. sendfile has no user buffer:
 * it moves the bytes through a kernel one, which it lends to the
 * operations with this call, for the current thread only, until
 * uaccess_unlend(). (Linux once allowed every kernel address this way,
 * set_fs(KERNEL_DS); the loan covers one buffer.)
 * @param buf the kernel buffer
 * @param n   its size
 * @return the address to pass as the "user" buffer
 */
uptr_t
uaccess_lend(void *buf, size_t n)
{
    struct thread *t = thread_current();
    t->lent_start = (uint64_t)buf;
    t->lent_end = (uint64_t)buf + n;
    return UPTR(buf);
}

/**
 * @brief End the loan of uaccess_lend(): kernel addresses give -EFAULT
 *        again.
 */
void
uaccess_unlend(void)
{
    thread_current()->lent_end = 0;
}
#endif

#if CHAPTER >= 4
/* Is [u, u + n) inside user space (no wrap past the top), or inside the
 * kernel buffer the thread lent (chapter 5)? */
static bool
user_range_ok(uint64_t u, size_t n)
{
#if CHAPTER >= 5
    struct thread *t = thread_current();
    if (t->lent_end != 0 && u >= t->lent_start && u + n >= u &&
        u + n <= t->lent_end)
        return true;
#endif
    return u < USER_TOP && u + n >= u && u + n <= USER_TOP;
}

/**
 * @brief Is [@p u, @p u + @p n) inside user space (no wrap past the
 *        top), or inside the kernel buffer the thread lent (chapter 5)?
 *
 * Linux's access_ok(): a system call checks a whole buffer with it
 * before it moves a byte (read, write, the iovecs of readv), so a buffer
 * that runs into the kernel is -EFAULT at once, not after a partial
 * transfer. A kernel address is refused even when @p n is 0. Only the
 * range is checked: a byte may still be unmapped (the copy then fails).
 * @param u the user address
 * @param n bytes
 * @return true when the range may be copied to or from
 */
bool
user_access_ok(uptr_t u, size_t n)
{
    return user_range_ok(u.addr, n);
}

/**
 * @brief Copy @p n bytes from user @p src to kernel @p dst.
 * @param dst kernel buffer
 * @param src user address
 * @param n   bytes
 * @return 0 or -EFAULT (outside user space, or a byte could not be read)
 * @pre process context (the current process's address space is active)
 */
// [copy_from_user]
int
copy_from_user(void *dst, uptr_t src, size_t n)
{
    lockdep_might_sleep(RET_IP); // a fault on a file's page may sleep
    if (!user_range_ok(src.addr, n))
        return -EFAULT;
    return (int)arch_copy_user(dst, (const void *)src.addr, n);
}
// [copy_from_user]

/**
 * @brief Copy @p n bytes from kernel @p src to user @p dst.
 * @param dst user address
 * @param src kernel buffer
 * @param n   bytes
 * @return 0 or -EFAULT (outside user space, or a byte could not be
 *         written); bytes before the bad one may have been written
 * @pre process context (the current process's address space is active)
 */
int
copy_to_user(uptr_t dst, const void *src, size_t n)
{
    lockdep_might_sleep(RET_IP);
    if (!user_range_ok(dst.addr, n))
        return -EFAULT;
    return (int)arch_copy_user((void *)dst.addr, src, n);
}

/**
 * @brief Copy a NUL-terminated user string into @p dst (at most @p max).
 *
 * The string may end anywhere below USER_TOP; bytes at or past it count
 * as unreadable.
 * @param dst kernel buffer of @p max bytes
 * @param src user address of the string
 * @param max size of @p dst
 * @return the string's length, -EFAULT, or -ENAMETOOLONG when it does not
 *         fit (with its NUL) in @p max bytes
 * @pre process context (the current process's address space is active)
 */
long
strncpy_from_user(char *dst, uptr_t src, size_t max)
{
    lockdep_might_sleep(RET_IP);
    if (src.addr >= USER_TOP)
        return -EFAULT;
    size_t room = MIN(max, USER_TOP - src.addr);
    long n = arch_strncpy_user(dst, (const char *)src.addr, room);
    if (n == -ENAMETOOLONG && room < max)
        return -EFAULT; // ran into the end of user space
    return n;
}
#else  /* CHAPTER < 4 */
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
    if (u >= USER_TOP || u + n < u || u + n > USER_TOP)
        return -EFAULT; // a kernel address is refused even for 0 bytes
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
#endif /* CHAPTER */
