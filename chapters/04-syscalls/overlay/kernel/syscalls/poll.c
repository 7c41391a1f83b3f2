/**
 * @file
 * @ingroup syscalls
 * @brief poll and ppoll: copy the array in, fs_poll(), copy it back.
 *
 * The two differ only in how the caller states the timeout (milliseconds,
 * or a struct timespec) and in ppoll's signal mask, which is installed for
 * the duration of the wait. select and pselect6 come with chapter 5.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "uapi/errno.h"
#include "uapi/time.h"

/* Copy in @p nfds entries at @p ufds, poll them for @p ticks, copy the
 * revents back: the count, 0, -EINVAL, -EFAULT, -ENOMEM, -EINTR. */
static long
poll_user(long ufds, long nfds, int64_t ticks)
{
    if ((unsigned long)nfds > FD_MAX)
        return -EINVAL; // Linux: more than RLIMIT_NOFILE entries
    size_t bytes = (size_t)nfds * sizeof(struct pollfd);
    struct pollfd *fds = kmalloc(bytes > 0 ? bytes : 1);
    if (fds == NULL)
        return -ENOMEM;
    long r = copy_from_user(fds, UPTR(ufds), bytes);
    if (r == 0)
        r = fs_poll(fds, (size_t)nfds, ticks);
    if (r >= 0 && copy_to_user(UPTR(ufds), fds, bytes) < 0)
        r = -EFAULT;
    kfree(fds);
    return r;
}

/* Milliseconds to timer ticks, rounded up: a wait is never cut short. */
static int64_t
ms_to_ticks(long ms)
{
    return ms < 0 ? -1 : (int64_t)(((uint64_t)ms * HZ + 999) / 1000);
}

/**
 * @brief poll(fds, nfds, timeout_ms): negative timeout waits forever.
 * @param a the six argument registers
 * @return entries with events; 0 on timeout; -EINVAL (nfds), -EFAULT,
 *         -ENOMEM, -EINTR
 */
long
sys_poll(const long a[6])
{
    return poll_user(a[0], a[1], ms_to_ticks((int)a[2]));
}

/**
 * @brief ppoll(fds, nfds, timeout, sigmask, sigsetsize).
 *
 * A NULL timeout waits forever. The mask replaces the caller's while it
 * waits and is put back afterwards (partial: a signal it let through is
 * delivered only if the old mask allows it too).
 * @param a the six argument registers
 * @return as poll(); -EINVAL for a bad timespec or sigsetsize
 */
long
sys_ppoll(const long a[6])
{
    int64_t ticks = -1;
    if (a[2] != 0) {
        struct timespec ts;
        if (copy_from_user(&ts, UPTR(a[2]), sizeof(ts)) < 0)
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
            return -EINVAL;
        uint64_t ns_per_tick = NSEC_PER_SEC / HZ;
        ticks = ts.tv_sec * HZ + (ts.tv_nsec + ns_per_tick - 1) / ns_per_tick;
    }
    if (a[3] == 0)
        return poll_user(a[0], a[1], ticks);
    k_sigset_t mask, old;
    if (a[4] != sizeof(mask))
        return -EINVAL;
    if (copy_from_user(&mask, UPTR(a[3]), sizeof(mask)) < 0)
        return -EFAULT;
    signal_mask(SIG_SETMASK, &mask, &old);
    long r = poll_user(a[0], a[1], ticks);
    signal_mask(SIG_SETMASK, &old, NULL);
    return r;
}
