/**
 * @file
 * @ingroup syscalls
 * @brief getrlimit, setrlimit, prlimit64: resource limits.
 *
 * prlimit64 does both at once, for the caller (pid 0 or its own pid);
 * the older two are prlimit64 with one half left out. Keel reports the
 * limits and keeps them across fork and exec; the file layer reads
 * RLIMIT_NOFILE through rlimit_get().
 */
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/resource.h"

/* prlimit64 for the current process: set from @p unew, old to @p uold. */
static long
do_prlimit(unsigned res, long unew, long uold)
{
    struct proc *p = proc_current();
    struct rlimit old, lim;
    int err = rlimit_get(p, res, &old);
    if (err < 0)
        return err;
    if (unew != 0) {
        if (copy_from_user(&lim, UPTR(unew), sizeof(lim)) < 0)
            return -EFAULT;
        err = rlimit_set(p, res, &lim);
        if (err < 0)
            return err;
    }
    if (uold != 0 && copy_to_user(UPTR(uold), &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief prlimit64(pid, resource, new, old).
 * @param a the six argument registers
 * @return 0; -ESRCH for another process (partial: only the caller);
 *         -EINVAL; -EPERM; -EFAULT
 */
long
sys_prlimit64(const long a[6])
{
    long pid = (int)a[0];
    if (pid != 0 && pid != proc_current()->pid)
        return -ESRCH;
    return do_prlimit((unsigned)a[1], a[2], a[3]);
}

/**
 * @brief getrlimit(resource, rlim).
 * @param a the six argument registers
 * @return 0; -EINVAL for an unknown resource; -EFAULT
 */
long
sys_getrlimit(const long a[6])
{
    if (a[1] == 0)
        return -EFAULT;
    return do_prlimit((unsigned)a[0], 0, a[1]);
}

/**
 * @brief setrlimit(resource, rlim).
 * @param a the six argument registers
 * @return 0; -EINVAL (unknown resource, soft > hard); -EPERM; -EFAULT
 */
long
sys_setrlimit(const long a[6])
{
    if (a[1] == 0)
        return -EFAULT;
    return do_prlimit((unsigned)a[0], a[1], 0);
}
