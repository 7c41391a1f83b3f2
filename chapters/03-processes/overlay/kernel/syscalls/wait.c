/**
 * @file
 * @ingroup syscalls
 * @brief wait4: reap a child, learn how it ended.
 *
 * wait4 calls proc_wait4() (kernel/proc/proc.c), which picks a child by
 * pid, sleeps until one has exited and reaps it, and answers with its
 * status word. Of the options, WNOHANG alone is known.
 */
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/**
 * @brief wait4(pid, status, options, rusage).
 *
 * The status is written once a child is reaped; a bad pointer is -EFAULT,
 * and the child stays reaped, as on Linux. rusage is not filled in.
 * @param a the six argument registers
 * @return the child's pid, 0 (WNOHANG), -ECHILD, -EINVAL, -EFAULT
 */
long
sys_wait4(const long a[6])
{
    long pid = a[0];
    long status = a[1];
    long options = a[2];
    if (options & ~1L)
        return -EINVAL;
    int st = 0;
    long r = proc_wait4((int)pid, &st, (int)options);
    if (r > 0 && status != 0 && copy_to_user(UPTR(status), &st, 4) < 0)
        return -EFAULT;
    return r;
}
