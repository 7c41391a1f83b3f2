/**
 * @file
 * @ingroup syscalls
 * @brief poll, ppoll, select, pselect6: copy in, wait, copy back.
 *
 * Four ways to ask the same question (fs/poll.c answers it): an
 * array of struct pollfd or three fd_set bitmaps; a timeout in
 * milliseconds, a struct timeval or a struct timespec; ppoll and pselect6
 * also install a signal mask for the duration of the wait.
 *
 * Timeouts become deadlines on the monotonic clock. select, pselect6
 * and ppoll write the time that was left back into the caller's timeout,
 * as Linux does (C libraries often pass a copy, so programs rarely see
 * it); a zero timeout is left alone.
 *
 * A signal ends the wait with -EINTR, also under SA_RESTART: Linux never
 * restarts these calls after a handler. The mask of ppoll and pselect6
 * then stays in place until the handler has been set up, and the old one
 * comes back when the handler returns, as with sigsuspend.
 */
#include "fs/poll.h"
#include "kernel/clock.h"
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "uapi/errno.h"
#include "uapi/resource.h"
#include "uapi/time.h"

/* The deadline of a valid timeout @p ts from now: 0 for a zero one (do
 * not wait), POLL_FOREVER past 2554 AD. */
static uint64_t
deadline_after(const struct timespec *ts)
{
    if (ts->tv_sec == 0 && ts->tv_nsec == 0)
        return 0;
    uint64_t now = clock_monotonic_ns();
    uint64_t max_sec = (POLL_FOREVER - now) / NSEC_PER_SEC - 1;
    if ((uint64_t)ts->tv_sec >= max_sec)
        return POLL_FOREVER;
    return now + (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

/* What is left until @p deadline (0 when it has passed). */
static struct timespec
time_left(uint64_t deadline)
{
    uint64_t now = clock_monotonic_ns();
    uint64_t left = deadline > now ? deadline - now : 0;
    return (struct timespec){(int64_t)(left / NSEC_PER_SEC),
                             (int64_t)(left % NSEC_PER_SEC)};
}

/*
 * Install the mask at user @p uset (@p size bytes) for a wait; *@p old
 * gets the mask to put back. 0 (also when @p uset is NULL: nothing
 * installed), -EINVAL (size), -EFAULT.
 */
static int
sigmask_install(long uset, long size, k_sigset_t *old, bool *installed)
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

/*
 * The wait is over with result @p r: put the old mask back now, or, when
 * a signal ended the wait, after its handler (the signal frame keeps the
 * old mask, as for sigsuspend: kernel/proc/sigdeliver.c).
 */
static void
sigmask_done(k_sigset_t old, long r)
{
    struct thread *t = thread_current();
    if (r == -EINTR) {
        t->sig_saved = old;
        t->sig_restore = true;
    } else {
        signal_mask(SIG_SETMASK, &old, NULL);
    }
}

/* Copy in @p nfds entries at @p ufds, poll them until @p deadline, copy
 * the revents back: the count, 0, -EINVAL, -EFAULT, -ENOMEM, -EINTR. */
static long
poll_user(long ufds, long nfds, uint64_t deadline)
{
    struct rlimit lim;
    rlimit_get(proc_current(), RLIMIT_NOFILE, &lim);
    if ((unsigned long)nfds > lim.rlim_cur)
        return -EINVAL; // as Linux: more entries than open files may be
    size_t bytes = (size_t)nfds * sizeof(struct pollfd);
    struct pollfd *fds = kmalloc(bytes > 0 ? bytes : 1);
    if (fds == NULL)
        return -ENOMEM;
    long r = copy_from_user(fds, UPTR(ufds), bytes);
    if (r == 0)
        r = fs_poll(fds, (size_t)nfds, deadline);
    if (r >= 0 && copy_to_user(UPTR(ufds), fds, bytes) < 0)
        r = -EFAULT;
    kfree(fds);
    return r;
}

/**
 * @brief poll(fds, nfds, timeout_ms): a negative timeout waits forever.
 * @param a the six argument registers
 * @return entries with events; 0 on timeout; -EINVAL (nfds past
 *         RLIMIT_NOFILE), -EFAULT, -ENOMEM, -EINTR
 */
long
sys_poll(const long a[6])
{
    int ms = (int)a[2];
    uint64_t deadline = POLL_FOREVER;
    if (ms >= 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        deadline = deadline_after(&ts);
    }
    return poll_user(a[0], a[1], deadline);
}

/**
 * @brief ppoll(fds, nfds, timeout, sigmask, sigsetsize).
 *
 * A NULL timeout waits forever; the time left is written back. The mask
 * (if any) replaces the caller's while it waits.
 * @param a the six argument registers
 * @return as poll(); -EINVAL for a bad timespec or sigsetsize
 */
long
sys_ppoll(const long a[6])
{
    struct timespec ts;
    uint64_t deadline = POLL_FOREVER;
    if (a[2] != 0) {
        if (copy_from_user(&ts, UPTR(a[2]), sizeof(ts)) < 0)
            return -EFAULT;
        if (!clock_timespec_valid(&ts))
            return -EINVAL;
        deadline = deadline_after(&ts);
    }
    k_sigset_t old;
    bool masked;
    int err = sigmask_install(a[3], a[4], &old, &masked);
    if (err < 0)
        return err;
    long r = poll_user(a[0], a[1], deadline);
    if (masked)
        sigmask_done(old, r);
    if (a[2] != 0 && deadline != 0) {
        ts = time_left(deadline);
        (void)copy_to_user(UPTR(a[2]), &ts, sizeof(ts)); // as Linux: no
                                                         // error if not
    }
    return r;
}

/* Set @p i (0 in, 1 out, 2 ex) of @p s. */
static uint64_t *
set_words(struct fd_sets *s, int i)
{
    return i == 0 ? s->in : i == 1 ? s->out : s->ex;
}

/*
 * select's part of select and pselect6: copy in the words of the three
 * user sets @p usets (NULL: empty) that @p nfds covers, wait, copy the
 * ready bits back. The count, 0, -EINVAL, -EBADF, -EFAULT, -ENOMEM,
 * -EINTR.
 */
static long
select_user(int nfds, const long usets[3], uint64_t deadline)
{
    if (nfds < 0)
        return -EINVAL;
    size_t bytes = ((size_t)MIN(nfds, FD_MAX) + 63) / 64 * 8;
    struct fd_sets *want = kzalloc(2 * sizeof(*want));
    if (want == NULL)
        return -ENOMEM;
    struct fd_sets *got = want + 1;
    long r = 0;
    // nfds 0 covers no word: like Linux's copy of 0 bytes, no pointer is
    // looked at, whatever it is
    for (int i = 0; i < 3 && r == 0 && bytes > 0; i++)
        if (usets[i] != 0 &&
            copy_from_user(set_words(want, i), UPTR(usets[i]), bytes) < 0)
            r = -EFAULT;
    if (r == 0)
        r = fs_select(nfds, want, got, deadline);
    for (int i = 0; i < 3 && r >= 0 && bytes > 0; i++)
        if (usets[i] != 0 &&
            copy_to_user(UPTR(usets[i]), set_words(got, i), bytes) < 0)
            r = -EFAULT;
    kfree(want);
    return r;
}

/**
 * @brief select(nfds, readfds, writefds, exceptfds, timeout).
 *
 * The timeout is a struct timeval (NULL: forever); microseconds past a
 * second carry into the seconds, as on Linux; the time left is written
 * back.
 * @param a the six argument registers
 * @return the ready bits; 0 on timeout; -EINVAL (negative nfds, bad
 *         timeout), -EBADF, -EFAULT, -ENOMEM, -EINTR
 */
long
sys_select(const long a[6])
{
    struct timeval tv;
    uint64_t deadline = POLL_FOREVER;
    if (a[4] != 0) {
        if (copy_from_user(&tv, UPTR(a[4]), sizeof(tv)) < 0)
            return -EFAULT;
        struct timespec ts = {tv.tv_sec + tv.tv_usec / 1000000,
                              tv.tv_usec % 1000000 * 1000};
        if (!clock_timespec_valid(&ts))
            return -EINVAL;
        deadline = deadline_after(&ts);
    }
    const long sets[3] = {a[1], a[2], a[3]};
    long r = select_user((int)a[0], sets, deadline);
    if (a[4] != 0 && deadline != 0) {
        struct timespec left = time_left(deadline);
        tv = (struct timeval){left.tv_sec, left.tv_nsec / 1000};
        (void)copy_to_user(UPTR(a[4]), &tv, sizeof(tv)); // no error if not
    }
    return r;
}

/** pselect6's sixth argument: where the mask is and its size. */
struct sigmask_arg {
    uint64_t set;  /**< user address of the mask, or 0 */
    uint64_t size; /**< its size: 8 */
};

/**
 * @brief pselect6(nfds, readfds, writefds, exceptfds, timeout, sigmask).
 *
 * select with a struct timespec and a signal mask, passed as a pointer
 * to a {mask, size} pair (NULL, or a NULL mask: none).
 * @param a the six argument registers
 * @return as select(); -EINVAL for a bad sigsetsize
 */
long
sys_pselect6(const long a[6])
{
    struct timespec ts;
    uint64_t deadline = POLL_FOREVER;
    if (a[4] != 0) {
        if (copy_from_user(&ts, UPTR(a[4]), sizeof(ts)) < 0)
            return -EFAULT;
        if (!clock_timespec_valid(&ts))
            return -EINVAL;
        deadline = deadline_after(&ts);
    }
    struct sigmask_arg sm = {0, 0};
    if (a[5] != 0 && copy_from_user(&sm, UPTR(a[5]), sizeof(sm)) < 0)
        return -EFAULT;
    k_sigset_t old;
    bool masked;
    int err = sigmask_install((long)sm.set, (long)sm.size, &old, &masked);
    if (err < 0)
        return err;
    const long sets[3] = {a[1], a[2], a[3]};
    long r = select_user((int)a[0], sets, deadline);
    if (masked)
        sigmask_done(old, r);
    if (a[4] != 0 && deadline != 0) {
        ts = time_left(deadline);
        (void)copy_to_user(UPTR(a[4]), &ts, sizeof(ts)); // no error if not
    }
    return r;
}
