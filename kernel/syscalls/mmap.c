/**
 * @file
 * @ingroup syscalls
 * @brief mmap, munmap, mprotect, mremap, madvise, brk.
 *
 * Thin wrappers: each takes its arguments from the registers and calls
 * the address-space function of the same name in kernel/mm/mmap.c or
 * kernel/mm/mremap.c, on the current process's mm.
 */
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/* The current process's address space. */
static struct mm *
current_mm(void)
{
    return proc_current()->mm;
}

/**
 * @brief mmap(addr, length, prot, flags, fd, offset).
 * @param a the six argument registers
 * @return the mapping's address, or -errno (see mm_mmap())
 */
long
sys_mmap(const long a[6])
{
    return mm_mmap(current_mm(), (vaddr_t)a[0], (size_t)a[1], (int)a[2],
                   (int)a[3], (int)a[4], (uint64_t)a[5]);
}

/**
 * @brief munmap(addr, length).
 * @param a the six argument registers
 * @return 0, or -errno (see mm_munmap())
 */
long
sys_munmap(const long a[6])
{
    return mm_munmap(current_mm(), (vaddr_t)a[0], (size_t)a[1]);
}

/**
 * @brief mprotect(addr, length, prot).
 * @param a the six argument registers
 * @return 0, or -errno (see mm_mprotect())
 */
long
sys_mprotect(const long a[6])
{
    return mm_mprotect(current_mm(), (vaddr_t)a[0], (size_t)a[1], (int)a[2]);
}

/**
 * @brief mremap(old_address, old_size, new_size, flags, new_address).
 * @param a the six argument registers
 * @return the mapping's address, or -errno (see mm_mremap())
 */
long
sys_mremap(const long a[6])
{
    return mm_mremap(current_mm(), (vaddr_t)a[0], (size_t)a[1], (size_t)a[2],
                     (int)a[3]);
}

/**
 * @brief msync(addr, length, flags).
 * @param a the six argument registers
 * @return 0, or -errno (see mm_msync())
 */
long
sys_msync(const long a[6])
{
    return mm_msync(current_mm(), (vaddr_t)a[0], (size_t)a[1], (int)a[2]);
}

/**
 * @brief mincore(addr, length, vec): which pages are in memory.
 *
 * Linux's checks first: an unaligned address is EINVAL, a range past the
 * user half ENOMEM, then the answer goes out a chunk at a time through a
 * kernel buffer (a bad @p vec is EFAULT).
 * @param a the six argument registers
 * @return 0, or -errno (see mm_mincore())
 */
long
sys_mincore(const long a[6])
{
    vaddr_t addr = (vaddr_t)a[0];
    size_t len = (size_t)a[1];
    uint64_t vec = (uint64_t)a[2];
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    if (len > TASK_SIZE || addr > TASK_SIZE - len)
        return -ENOMEM;
    size_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
    uint8_t chunk[256];
    while (pages > 0) {
        size_t n = MIN(pages, sizeof(chunk));
        long got = mm_mincore(current_mm(), addr, n, chunk);
        if (got < 0)
            return got;
        if (copy_to_user(UPTR(vec), chunk, n) < 0)
            return -EFAULT;
        addr += n * PAGE_SIZE;
        vec += n;
        pages -= n;
    }
    return 0;
}

/**
 * @brief madvise(addr, length, advice).
 * @param a the six argument registers
 * @return 0, or -errno (see mm_madvise())
 */
long
sys_madvise(const long a[6])
{
    return mm_madvise(current_mm(), (vaddr_t)a[0], (size_t)a[1], (int)a[2]);
}

/**
 * @brief brk(addr): move the end of the heap; brk(0) asks for it.
 *
 * Returns the end of the heap after the call; on failure that is the old
 * end, as Linux does (the C library compares).
 * @param a the six argument registers
 * @return the end of the heap
 */
long
sys_brk(const long a[6])
{
    return (long)mm_brk(current_mm(), (vaddr_t)a[0]);
}
