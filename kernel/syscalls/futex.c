/**
 * @file
 * @ingroup syscalls
 * @brief set_robust_list, get_robust_list: where a thread's robust
 *        futexes are listed.
 *
 * Every program's C library registers the list at start-up. There are no
 * futexes yet, so the list is only remembered and given back.
 */
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define ROBUST_LIST_HEAD_SIZE 24

/**
 * @brief set_robust_list(head, len): remembered for the futex chapter.
 * @param a the six argument registers
 * @return 0, or -EINVAL when len is not the size of the list head (24)
 */
long
sys_set_robust_list(const long a[6])
{
    if (a[1] != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    proc_current()->robust_list = (uint64_t)a[0];
    return 0;
}

/**
 * @brief get_robust_list(pid, head_ptr, len_ptr): the caller's only.
 * @param a the six argument registers
 * @return 0; -ESRCH for another process; -EFAULT
 */
long
sys_get_robust_list(const long a[6])
{
    uint64_t head = proc_current()->robust_list;
    uint64_t len = ROBUST_LIST_HEAD_SIZE;
    if (a[0] != 0 && a[0] != proc_current()->pid) // only the caller's
        return -ESRCH;
    if (copy_to_user(UPTR(a[1]), &head, 8) < 0 ||
        copy_to_user(UPTR(a[2]), &len, 8) < 0)
        return -EFAULT;
    return 0;
}
