/**
 * @file
 * @ingroup syscalls
 * @brief eventfd, eventfd2 and the epoll calls: copy in, call fs/.
 *
 * epoll_wait's timeout is in milliseconds (negative: forever);
 * epoll_pwait also installs a signal mask for the wait, as ppoll does,
 * and epoll_pwait2 takes a struct timespec (NULL: forever). A signal
 * ends any of them with -EINTR, never restarted; the pwait mask then
 * stays until the handler has been set up, as with sigsuspend.
 */
#include "fs/epoll.h"
#include "fs/poll.h"
#include "kernel/clock.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/**
 * @brief eventfd(initval): eventfd2 without flags.
 * @param a the six argument registers
 * @return the descriptor; -EMFILE; -ENOMEM
 */
long
sys_eventfd(const long a[6])
{
    return eventfd_open((unsigned)a[0], 0);
}

/**
 * @brief eventfd2(initval, flags).
 * @param a the six argument registers
 * @return the descriptor; -EINVAL (flags); -EMFILE; -ENOMEM
 */
long
sys_eventfd2(const long a[6])
{
    return eventfd_open((unsigned)a[0], (int)a[1]);
}

/**
 * @brief epoll_create(size): the size is only checked, as on Linux.
 * @param a the six argument registers
 * @return the descriptor; -EINVAL (size not positive); -EMFILE; -ENOMEM
 */
long
sys_epoll_create(const long a[6])
{
    if ((int)a[0] <= 0)
        return -EINVAL;
    return epoll_open(0);
}

/**
 * @brief epoll_create1(flags).
 * @param a the six argument registers
 * @return the descriptor; -EINVAL (flags); -EMFILE; -ENOMEM
 */
long
sys_epoll_create1(const long a[6])
{
    return epoll_open((int)a[0]);
}

/**
 * @brief epoll_ctl(epfd, op, fd, event): the event is read first
 *        (except for EPOLL_CTL_DEL), as Linux does.
 * @param a the six argument registers
 * @return as epoll_ctl_fd(); -EFAULT
 */
long
sys_epoll_ctl(const long a[6])
{
    struct epoll_event ev = {0, 0};
    int op = (int)a[1];
    if (op != EPOLL_CTL_DEL && copy_from_user(&ev, UPTR(a[3]), sizeof(ev)) < 0)
        return -EFAULT;
    return epoll_ctl_fd((int)a[0], op, (int)a[2], &ev);
}

/* The deadline of a timeout of @p ms milliseconds (negative: none). */
static uint64_t
ms_deadline(int ms)
{
    if (ms < 0)
        return POLL_FOREVER;
    if (ms == 0)
        return 0;
    return clock_monotonic_ns() + (uint64_t)ms * 1000000ULL;
}

/* Install the user mask at @p uset (@p size bytes) for the wait, as
 * ppoll: 0 (nothing to install when @p uset is 0), -EINVAL, -EFAULT. */
static int
epoll_sigmask(long uset, long size, k_sigset_t *old, bool *installed)
{
    *installed = false;
    if (uset == 0)
        return 0;
    k_sigset_t mask;
    if (size != sizeof(mask))
        return -EINVAL;
    if (copy_from_user(&mask, UPTR(uset), sizeof(mask)) < 0)
        return -EFAULT;
    signal_mask(SIG_SETMASK, &mask, old);
    *installed = true;
    return 0;
}

/* The wait of every epoll_*wait*, with the mask at @p a[4], a[5]. */
static long
epoll_pwait_common(const long a[6], uint64_t deadline)
{
    k_sigset_t old;
    bool masked;
    int err = epoll_sigmask(a[4], a[5], &old, &masked);
    if (err < 0)
        return err;
    long r = epoll_wait_fd((int)a[0], UPTR(a[1]), (int)a[2], deadline);
    if (masked && r == -EINTR) {
        // the handler runs with the wait's mask; the old comes back after
        thread_current()->sig_saved = old;
        thread_current()->sig_restore = true;
    } else if (masked) {
        signal_mask(SIG_SETMASK, &old, NULL);
    }
    return r;
}

/**
 * @brief epoll_wait(epfd, events, maxevents, timeout_ms).
 * @param a the six argument registers
 * @return as epoll_wait_fd()
 */
long
sys_epoll_wait(const long a[6])
{
    return epoll_wait_fd((int)a[0], UPTR(a[1]), (int)a[2],
                         ms_deadline((int)a[3]));
}

/**
 * @brief epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, size).
 * @param a the six argument registers
 * @return as epoll_wait_fd(); -EINVAL (size), -EFAULT (the mask)
 */
long
sys_epoll_pwait(const long a[6])
{
    return epoll_pwait_common(a, ms_deadline((int)a[3]));
}

/**
 * @brief epoll_pwait2(epfd, events, maxevents, timeout, sigmask, size):
 *        a struct timespec timeout, NULL for none.
 * @param a the six argument registers
 * @return as epoll_pwait(); -EFAULT, -EINVAL (the timeout)
 */
long
sys_epoll_pwait2(const long a[6])
{
    uint64_t deadline = POLL_FOREVER;
    if (a[3] != 0) {
        struct timespec ts;
        if (copy_from_user(&ts, UPTR(a[3]), sizeof(ts)) < 0)
            return -EFAULT;
        if (!clock_timespec_valid(&ts))
            return -EINVAL;
        uint64_t ns = clock_timespec_ns(&ts);
        deadline = ns == 0 ? 0 : clock_monotonic_ns() + ns;
    }
    return epoll_pwait_common(a, deadline);
}
