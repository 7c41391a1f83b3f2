/**
 * @file
 * @ingroup syscalls
 * @brief clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 *        clock_nanosleep and times.
 *
 * Thin wrappers around the clocks of kernel/time/clock.c: copy the
 * timespec in, check it, call the clock, copy the answer out. (A C
 * library normally reads the time through the vDSO without a system
 * call; Keel has no vDSO, so musl and glibc fall back to these.)
 */
#include "kernel/time.h"
#include "kernel/arch.h"
#include "kernel/clock.h"
#include "kernel/proc.h"
#include "kernel/procinfo.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/time.h"
#include "uapi/unistd.h"

/**
 * @brief clock_gettime(id, ts).
 * @param a the six argument registers
 * @return 0; -EINVAL for an unknown clock; -EFAULT
 */
long
sys_clock_gettime(const long a[6])
{
    struct timespec ts;
    int err = clock_read((int)a[0], &ts);
    if (err < 0)
        return err;
    return copy_to_user(UPTR(a[1]), &ts, sizeof(ts));
}

/**
 * @brief clock_getres(id, res): res may be NULL.
 * @param a the six argument registers
 * @return 0; -EINVAL for an unknown clock; -EFAULT
 */
long
sys_clock_getres(const long a[6])
{
    struct timespec ts;
    int err = clock_resolution((int)a[0], &ts);
    if (err < 0 || a[1] == 0)
        return err;
    return copy_to_user(UPTR(a[1]), &ts, sizeof(ts));
}

/**
 * @brief gettimeofday(tv, tz): either pointer may be NULL; tz is UTC.
 * @param a the six argument registers
 * @return 0, or -EFAULT
 */
long
sys_gettimeofday(const long a[6])
{
    struct timespec ts;
    clock_read(CLOCK_REALTIME, &ts);
    struct timeval tv = {ts.tv_sec, ts.tv_nsec / 1000};
    struct timezone tz = {0, 0};
    if (a[0] != 0 && copy_to_user(UPTR(a[0]), &tv, sizeof(tv)) < 0)
        return -EFAULT;
    if (a[1] != 0 && copy_to_user(UPTR(a[1]), &tz, sizeof(tz)) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief time(t): seconds since the epoch, also stored at t unless NULL.
 * @param a the six argument registers
 * @return the time, or -EFAULT
 */
long
sys_time(const long a[6])
{
    struct timespec ts;
    clock_read(CLOCK_REALTIME, &ts);
    if (a[0] != 0 && copy_to_user(UPTR(a[0]), &ts.tv_sec, 8) < 0)
        return -EFAULT;
    return ts.tv_sec;
}

/* Write the time left before @p deadline to user address @p urem. */
static long
put_remaining(uint64_t deadline, uint64_t urem)
{
    struct timespec rem;
    uint64_t now = clock_monotonic_ns();
    clock_ns_timespec(deadline > now ? deadline - now : 0, &rem);
    return copy_to_user(UPTR(urem), &rem, sizeof(rem)) < 0 ? -EFAULT : 0;
}

static long sleep_restart(struct thread *t);

/*
 * Sleep until monotonic @p deadline. A signal ends the sleep: the time
 * left goes to @p urem (unless 0), and the thread's restart block
 * remembers the deadline, so that the sleep goes on through
 * restart_syscall when no handler runs (Linux's hrtimer_nanosleep).
 */
// [sleep_relative]
static long
sleep_relative(uint64_t deadline, uint64_t urem)
{
    if (ktimer_sleep_until(deadline) == 0)
        return 0;
    if (urem != 0 && put_remaining(deadline, urem) < 0)
        return -EFAULT;
    struct thread *t = thread_current();
    t->restart_fn = sleep_restart;
    t->restart_deadline = deadline;
    t->restart_rem = urem;
    // -EINTR after a handler; restart_syscall when none runs
    return -ERESTART_RESTARTBLOCK;
}
// [sleep_relative]

/* restart_syscall's work for an interrupted relative sleep: the rest. */
static long
sleep_restart(struct thread *t)
{
    return sleep_relative(t->restart_deadline, t->restart_rem);
}

/* The sleep shared by nanosleep and clock_nanosleep. */
static long
do_sleep(int id, long flags, long ureq, long urem)
{
    struct timespec req;
    uint64_t deadline;
    // like Linux, flags other than TIMER_ABSTIME are ignored
    if (copy_from_user(&req, UPTR(ureq), sizeof(req)) < 0)
        return -EFAULT;
    if (!clock_timespec_valid(&req))
        return -EINVAL;
    bool absolute = (flags & TIMER_ABSTIME) != 0;
    int err = clock_deadline(id, absolute, &req, &deadline);
    if (err < 0)
        return err;
    if (!absolute)
        return sleep_relative(deadline, (uint64_t)urem);
    // a deadline does not move: the same call again is the restart
    return ktimer_sleep_until(deadline) == 0 ? 0 : -ERESTARTNOHAND;
}

/**
 * @brief nanosleep(req, rem): a relative sleep on CLOCK_MONOTONIC.
 * @param a the six argument registers
 * @return 0; -EINTR after a handler (rem holds what was left); the sleep
 *         goes on when no handler runs (restart_syscall); -EINVAL for a
 *         negative or out-of-range time; -EFAULT
 */
long
sys_nanosleep(const long a[6])
{
    return do_sleep(CLOCK_MONOTONIC, 0, a[0], a[1]);
}

/**
 * @brief clock_nanosleep(id, flags, req, rem).
 *
 * The C library's clock_nanosleep returns the error number as a positive
 * value; the system call itself returns -errno like every other.
 * @param a the six argument registers
 * @return 0; -EINTR; -EINVAL (bad clock or time); -EOPNOTSUPP (the
 *         thread's CPU clock); -EFAULT
 */
long
sys_clock_nanosleep(const long a[6])
{
    return do_sleep((int)a[0], a[1], a[2], a[3]);
}

/**
 * @brief restart_syscall(): resume the call a signal interrupted.
 *
 * User programs do not call it: the signal code makes the thread
 * execute it, in place of the interrupted call that returned
 * -ERESTART_RESTARTBLOCK, when no handler ran (a stop and continue).
 * The thread's restart block says what to resume; it is used once.
 * @param a the six argument registers (unused)
 * @return what the resumed call returns; -EINTR with nothing to resume
 */
// [restart_syscall]
long
sys_restart_syscall(const long a[6])
{
    (void)a;
    struct thread *t = thread_current();
    long (*fn)(struct thread *) = t->restart_fn;
    t->restart_fn = NULL;
    return fn != NULL ? fn(t) : -EINTR;
}
// [restart_syscall]

/*
 * On every return to user mode from a system call: the restart block
 * lives only until the thread goes back to user mode, unless it goes
 * back to execute restart_syscall (signal_deliver() rewound it to that).
 * So a handler that ran, or any later call, finds nothing to resume, as
 * on Linux (whose signal code resets the block). After signal_deliver.
 */
static void
restart_block_expire(void *frame, long nr)
{
    if (nr >= 0 && arch_frame_result(frame) != __NR_restart_syscall)
        thread_current()->restart_fn = NULL;
}
return_hook(90, restart_block_expire);

/**
 * @brief times(buf): CPU time of the process and its waited-for children.
 * @param a the six argument registers (buf may be NULL)
 * @return the clock ticks since boot, or -EFAULT
 */
long
sys_times(const long a[6])
{
    struct proc *p = proc_current();
    struct tms t = {(int64_t)(p->ticks - p->sys_ticks), (int64_t)p->sys_ticks,
                    (int64_t)(p->child_ticks - p->child_sys_ticks),
                    (int64_t)p->child_sys_ticks};
    if (a[0] != 0 && copy_to_user(UPTR(a[0]), &t, sizeof(t)) < 0)
        return -EFAULT;
    return (long)(time_jiffies() * USER_HZ / HZ);
}

/* getrusage's who (Linux's values) */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

/** struct rusage's fields after the two times: ru_maxrss .. ru_nivcsw. */
#define RUSAGE_LONGS 14

/** struct rusage, as Linux's x86_64 ABI lays it out (144 bytes). */
struct k_rusage {
    struct timeval utime, stime;    /**< user and system CPU time */
    int64_t counters[RUSAGE_LONGS]; /**< maxrss (KiB), faults, I/O, ... */
};

/* Ticks as a timeval. */
static struct timeval
ticks_timeval(uint64_t ticks)
{
    uint64_t us = ticks * (1000000 / HZ);
    return (struct timeval){(int64_t)(us / 1000000), (int64_t)(us % 1000000)};
}

/**
 * @brief Write a struct rusage: @p ticks of CPU time, @p sys_ticks of
 *        them in the kernel, the resident size; the other counters 0.
 * @param dst        the user's struct rusage
 * @param ticks      all the CPU time, in ticks
 * @param sys_ticks  the system part of it
 * @param maxrss_kib ru_maxrss
 * @return 0 or -EFAULT
 */
int
rusage_put(long dst, uint64_t ticks, uint64_t sys_ticks, int64_t maxrss_kib)
{
    struct k_rusage ru = {0};
    ru.utime = ticks_timeval(ticks - sys_ticks);
    ru.stime = ticks_timeval(sys_ticks);
    ru.counters[0] = maxrss_kib;
    return copy_to_user(UPTR(dst), &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

/**
 * @brief getrusage(who, usage): the CPU time of the caller (RUSAGE_SELF,
 *        and RUSAGE_THREAD: one thread per process) or of its waited-for
 *        children (RUSAGE_CHILDREN), split into user and system time as
 *        the tick found them (kernel/proc/cputime.c).
 *
 * ru_maxrss is the caller's resident size now, in KiB (Keel keeps no
 * maximum; for children 0); the other counters (page faults, context
 * switches, blocks) are not kept and are 0.
 * @param a the six argument registers
 * @return 0; -EINVAL for another who; -EFAULT for a bad usage
 */
long
sys_getrusage(const long a[6])
{
    int who = (int)a[0];
    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
        return -EINVAL;
    struct proc *p = proc_current();
    irqflags_t flags = proc_table_lock();
    uint64_t ticks = who == RUSAGE_CHILDREN ? p->child_ticks : p->ticks;
    uint64_t sys = who == RUSAGE_CHILDREN ? p->child_sys_ticks : p->sys_ticks;
    proc_table_unlock(flags);
    struct proc_info pi;
    int64_t rss = 0;
    if (who != RUSAGE_CHILDREN && proc_info_get(p->pid, &pi) == 0)
        rss = (int64_t)(pi.rss * PAGE_SIZE / 1024);
    return rusage_put(a[1], ticks, sys, rss);
}
