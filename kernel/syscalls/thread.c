/**
 * @file
 * @ingroup syscalls
 * @brief The calling thread's own settings: arch_prctl, set_tid_address.
 *
 * The first calls of every static program: its C library points FS at
 * the thread-local storage with arch_prctl(ARCH_SET_FS) (errno itself
 * lives there) and tells the kernel with set_tid_address where to clear
 * the thread id when the thread exits.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/**
 * @brief arch_prctl(code, addr): set or get the FS base.
 * @param a the six argument registers
 * @return 0; -EPERM for an address at or past TASK_SIZE; -EFAULT; -EINVAL
 *         otherwise
 */
long
sys_arch_prctl(const long a[6])
{
    long code = a[0];
    long addr = a[1];
    struct thread *t = thread_current();
    if (code == ARCH_SET_FS) {
        // Linux's TASK_SIZE_MAX: the last page below the hole is no
        // more a place for thread-local storage than the kernel half
        if ((uint64_t)addr >= TASK_SIZE)
            return -EPERM;
        t->fs_base = addr;
        proc_current()->fs_base = addr;
        arch_set_fs_base(addr);
        return 0;
    }
    if (code == ARCH_GET_FS)
        return copy_to_user(UPTR(addr), &t->fs_base, 8);
    return -EINVAL;
}

/**
 * @brief set_tid_address(ptr): remembered; returns the thread id.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_set_tid_address(const long a[6])
{
    long tidptr = a[0];
    proc_current()->clear_child_tid = tidptr;
    return proc_current()->pid;
}
