/**
 * @file
 * @ingroup syscalls
 * @brief alarm, getitimer, setitimer, the POSIX timers (timer_create and
 *        friends) and timerfd.
 *
 * Thin wrappers: copy the structures in, call the timer code
 * (kernel/time/itimer.c, kernel/time/posix_timer.c, fs/timerfd.c), copy
 * the answers out. As on Linux, a bad pointer for the old setting is
 * found after the new one took effect.
 */
#include "kernel/timer.h"
#include "fs/file.h"
#include "fs/timerfd.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/* Copy @p size bytes of @p src to user address @p dst unless it is 0. */
static long
put_optional(long dst, const void *src, size_t size)
{
    if (dst == 0)
        return 0;
    return copy_to_user(UPTR(dst), src, size) < 0 ? -EFAULT : 0;
}

/**
 * @brief alarm(seconds): SIGALRM after that many seconds; 0 cancels.
 * @param a the six argument registers
 * @return the seconds the previous alarm had left (0: none)
 */
long
sys_alarm(const long a[6])
{
    return itimer_alarm((unsigned)a[0]);
}

/**
 * @brief getitimer(which, value).
 * @param a the six argument registers
 * @return 0; -EINVAL (which); -EFAULT
 */
long
sys_getitimer(const long a[6])
{
    struct itimerval v;
    int err = itimer_get((int)a[0], &v);
    if (err < 0)
        return err;
    return copy_to_user(UPTR(a[1]), &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/**
 * @brief setitimer(which, value, old): a NULL value disarms, as Linux
 *        allows.
 * @param a the six argument registers
 * @return 0; -EINVAL (which, a timeval out of range); -EFAULT
 */
long
sys_setitimer(const long a[6])
{
    struct itimerval v = {{0, 0}, {0, 0}}, old;
    if (a[1] != 0 && copy_from_user(&v, UPTR(a[1]), sizeof(v)) < 0)
        return -EFAULT;
    int err = itimer_set((int)a[0], &v, &old);
    if (err < 0)
        return err;
    return put_optional(a[2], &old, sizeof(old));
}

/**
 * @brief timer_create(clock, sevp, timerid): sevp may be NULL.
 * @param a the six argument registers
 * @return 0; -EINVAL; -EOPNOTSUPP; -EAGAIN; -ENOMEM; -EFAULT
 */
long
sys_timer_create(const long a[6])
{
    struct sigevent ev;
    if (a[1] != 0 && copy_from_user(&ev, UPTR(a[1]), sizeof(ev)) < 0)
        return -EFAULT;
    int id;
    int err = ptimer_create((int)a[0], a[1] != 0 ? &ev : NULL, &id);
    if (err < 0)
        return err;
    if (copy_to_user(UPTR(a[2]), &id, sizeof(id)) < 0) {
        ptimer_delete(id);
        return -EFAULT;
    }
    return 0;
}

/**
 * @brief timer_settime(timerid, flags, new, old).
 * @param a the six argument registers
 * @return 0; -EINVAL; -EFAULT
 */
long
sys_timer_settime(const long a[6])
{
    struct itimerspec v, old;
    if (a[2] == 0) // no new setting: Linux says -EINVAL, not -EFAULT
        return -EINVAL;
    if (copy_from_user(&v, UPTR(a[2]), sizeof(v)) < 0)
        return -EFAULT;
    int err = ptimer_settime((int)a[0], (int)a[1], &v, a[3] ? &old : NULL);
    if (err < 0)
        return err;
    return put_optional(a[3], &old, sizeof(old));
}

/**
 * @brief timer_gettime(timerid, value).
 * @param a the six argument registers
 * @return 0; -EINVAL; -EFAULT
 */
long
sys_timer_gettime(const long a[6])
{
    struct itimerspec v;
    int err = ptimer_gettime((int)a[0], &v);
    if (err < 0)
        return err;
    return copy_to_user(UPTR(a[1]), &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/**
 * @brief timer_getoverrun(timerid).
 * @param a the six argument registers
 * @return the overrun count; -EINVAL
 */
long
sys_timer_getoverrun(const long a[6])
{
    return ptimer_getoverrun((int)a[0]);
}

/**
 * @brief timer_delete(timerid).
 * @param a the six argument registers
 * @return 0; -EINVAL
 */
long
sys_timer_delete(const long a[6])
{
    return ptimer_delete((int)a[0]);
}

/**
 * @brief timerfd_create(clock, flags).
 * @param a the six argument registers
 * @return the descriptor; -EINVAL; -EMFILE; -ENOMEM
 */
long
sys_timerfd_create(const long a[6])
{
    struct file *f;
    int err = timerfd_create((int)a[0], (int)a[1], &f);
    if (err < 0)
        return err;
    int fd = fd_install(f, 0, (a[1] & TFD_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/**
 * @brief timerfd_settime(fd, flags, new, old).
 * @param a the six argument registers
 * @return 0; -EBADF; -EINVAL (not a timerfd, flags, times); -EFAULT
 */
long
sys_timerfd_settime(const long a[6])
{
    struct itimerspec v, old;
    if (copy_from_user(&v, UPTR(a[2]), sizeof(v)) < 0)
        return -EFAULT;
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    int err = timerfd_settime(f, (int)a[1], &v, a[3] ? &old : NULL);
    file_put(f);
    if (err < 0)
        return err;
    return put_optional(a[3], &old, sizeof(old));
}

/**
 * @brief timerfd_gettime(fd, value).
 * @param a the six argument registers
 * @return 0; -EBADF; -EINVAL (not a timerfd); -EFAULT
 */
long
sys_timerfd_gettime(const long a[6])
{
    struct itimerspec v;
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    int err = timerfd_gettime(f, &v);
    file_put(f);
    if (err < 0)
        return err;
    return copy_to_user(UPTR(a[1]), &v, sizeof(v)) < 0 ? -EFAULT : 0;
}
