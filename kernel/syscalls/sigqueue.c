/**
 * @file
 * @ingroup syscalls
 * @brief The calls of queued and synchronous signals: rt_sigqueueinfo,
 *        rt_tgsigqueueinfo, rt_sigtimedwait, signalfd, signalfd4.
 *
 * Thin wrappers: copy the siginfo, set or timeout in, call
 * kernel/proc/sigqueue.c, kernel/proc/sigwait.c or fs/signalfd.c, copy
 * the siginfo out. A signal set is 8 bytes: any other sigsetsize is
 * -EINVAL, as on Linux.
 */
#include "fs/anon.h"
#include "kernel/clock.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/** The bytes of a siginfo_t Linux reads from a sender (its kernel_siginfo:
 *  the header and the largest union member it knows). */
#define SIGINFO_IN_SIZE 48

/* Read the sender's siginfo at @p uinfo as the note of @p sig. */
static int
get_siginfo(struct sig_info *info, int sig, long uinfo)
{
    struct k_siginfo si;
    memset(&si, 0, sizeof(si));
    if (copy_from_user(&si, UPTR(uinfo), SIGINFO_IN_SIZE) < 0)
        return -EFAULT;
    siginfo_from_user(info, sig, &si);
    return 0;
}

/**
 * @brief rt_sigqueueinfo(pid, sig, uinfo): send @p sig with a siginfo
 *        (sigqueue(3)).
 * @param a the six argument registers
 * @return 0; -EFAULT; -EPERM (si_code >= 0 or SI_TKILL, to another
 *         process); -ESRCH; -EINVAL (bad signal); -EAGAIN (queue full)
 */
long
sys_rt_sigqueueinfo(const long a[6])
{
    struct sig_info info;
    if (get_siginfo(&info, (int)a[1], a[2]) < 0)
        return -EFAULT;
    return sigqueue_send((int)a[0], 0, (int)a[1], &info);
}

/**
 * @brief rt_tgsigqueueinfo(tgid, tid, sig, uinfo): the same to one thread.
 * @param a the six argument registers
 * @return as rt_sigqueueinfo; -EINVAL also for a tgid or tid <= 0
 */
long
sys_rt_tgsigqueueinfo(const long a[6])
{
    struct sig_info info;
    if (get_siginfo(&info, (int)a[2], a[3]) < 0)
        return -EFAULT;
    if ((int)a[0] <= 0 || (int)a[1] <= 0)
        return -EINVAL;
    return sigqueue_send((int)a[0], (int)a[1], (int)a[2], &info);
}

/* The monotonic deadline @p ts from now (saturated: "never"). */
static uint64_t
deadline_after(const struct timespec *ts)
{
    uint64_t max_sec = (UINT64_MAX - NSEC_PER_SEC) / NSEC_PER_SEC;
    if ((uint64_t)ts->tv_sec > max_sec)
        return SIGWAIT_FOREVER;
    uint64_t now = clock_monotonic_ns();
    uint64_t want = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
    return now + want < now ? SIGWAIT_FOREVER : now + want;
}

/**
 * @brief rt_sigtimedwait(set, info, timeout, sigsetsize): take a signal
 *        of @p set, waiting at most @p timeout (NULL: for ever).
 *
 * The signal taken is gone even if @p info cannot be written (-EFAULT),
 * as on Linux. Never restarted: a handler that interrupts it leaves
 * -EINTR.
 * @param a the six argument registers
 * @return the signal; -EAGAIN (timeout; a zero timeout only looks);
 *         -EINTR; -EINVAL (sigsetsize, a timeout out of range); -EFAULT
 */
long
sys_rt_sigtimedwait(const long a[6])
{
    k_sigset_t set;
    struct timespec ts;
    if (a[3] != sizeof(set))
        return -EINVAL;
    if (copy_from_user(&set, UPTR(a[0]), sizeof(set)) < 0)
        return -EFAULT;
    if (a[2] != 0 && copy_from_user(&ts, UPTR(a[2]), sizeof(ts)) < 0)
        return -EFAULT;
    if (a[2] != 0 && !clock_timespec_valid(&ts))
        return -EINVAL;
    struct sig_info info;
    int sig = sigwait_timed(set, &info,
                            a[2] != 0 ? deadline_after(&ts) : SIGWAIT_FOREVER);
    if (sig > 0 && a[1] != 0) {
        struct k_siginfo si;
        siginfo_to_user(&si, sig, &info);
        if (copy_to_user(UPTR(a[1]), &si, sizeof(si)) < 0)
            return -EFAULT;
    }
    return sig;
}

/**
 * @brief signalfd4(fd, mask, sizemask, flags): a signalfd, or a new mask
 *        for one.
 * @param a the six argument registers
 * @return the descriptor; -EINVAL (sizemask, flags, fd not a signalfd);
 *         -EBADF; -EFAULT; -EMFILE; -ENOMEM
 */
long
sys_signalfd4(const long a[6])
{
    k_sigset_t mask;
    if (a[2] != sizeof(mask))
        return -EINVAL;
    if (copy_from_user(&mask, UPTR(a[1]), sizeof(mask)) < 0)
        return -EFAULT;
    return signalfd_open((int)a[0], mask, (unsigned)a[3]);
}

/**
 * @brief signalfd(fd, mask, sizemask): signalfd4 without flags.
 * @param a the six argument registers
 * @return as signalfd4
 */
long
sys_signalfd(const long a[6])
{
    const long b[6] = {a[0], a[1], a[2], 0, 0, 0};
    return sys_signalfd4(b);
}
