/**
 * @file
 * @ingroup time
 * @brief Linux's clocks on top of the tick counter, and sleeping on them.
 *
 * Every clock is a count of nanoseconds since some start:
 *
 * - CLOCK_MONOTONIC (and _RAW, _COARSE, and CLOCK_BOOTTIME, which equals
 *   it because Keel never suspends): the uptime, time_uptime_ns().
 * - CLOCK_REALTIME (and _COARSE): the wall-clock time the RTC read at
 *   the first use, minus the uptime then, plus the uptime now. The RTC
 *   is read once, so realtime moves exactly with monotonic: it never
 *   jumps (there is no settimeofday).
 * - CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID: the ticks the
 *   process was charged (proc_account_tick); one thread per process, so
 *   the two are the same.
 *
 * All of them advance in whole ticks (10 ms at HZ = 100): that is their
 * resolution, and what clock_getres reports.
 *
 * Sleeping: clock_sleep() turns the request into a deadline on the
 * clock, then sleeps one tick at a time until the clock has passed it,
 * checking for a pending signal after every wake-up, so a signal ends the
 * sleep within a tick.
 */
#include "kernel/clock.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** Nanoseconds in one tick: the resolution of every clock. */
#define TICK_NS (NSEC_PER_SEC / HZ)

/* The Unix time at uptime 0, in nanoseconds; 0 until the first use. */
static uint64_t realtime_base;

/* The wall-clock time at boot, read from the RTC once. */
static uint64_t
realtime_offset(void)
{
    if (realtime_base == 0) {
        uint64_t wall = time_wallclock() * NSEC_PER_SEC;
        uint64_t up = time_uptime_ns();
        realtime_base = wall > up ? wall - up : 1;
    }
    return realtime_base;
}

/* The nanoseconds clock @p id shows now, or -EINVAL for an unknown id. */
static int
clock_ns(int id, uint64_t *ns)
{
    struct proc *p = proc_current();
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        *ns = realtime_offset() + time_uptime_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *ns = time_uptime_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = p != NULL ? p->ticks * TICK_NS : 0;
        return 0;
    default:
        return -EINVAL;
    }
}

/* Nanoseconds to a timespec. */
static void
ns_to_timespec(uint64_t ns, struct timespec *ts)
{
    ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
    ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
}

/**
 * @brief Is @p ts a valid time (seconds >= 0, nanoseconds in range)?
 * @param ts the time
 * @return true when nanosleep and clock_nanosleep accept it
 */
bool
clock_timespec_valid(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 &&
           ts->tv_nsec < (int64_t)NSEC_PER_SEC;
}

/**
 * @brief clock_gettime: read clock @p id.
 * @param id CLOCK_*
 * @param ts receives the time
 * @return 0, or -EINVAL for an unknown clock
 */
int
clock_read(int id, struct timespec *ts)
{
    uint64_t ns;
    int err = clock_ns(id, &ns);
    if (err == 0)
        ns_to_timespec(ns, ts);
    return err;
}

/**
 * @brief clock_getres: the resolution of clock @p id (one tick).
 * @param id CLOCK_*
 * @param ts receives the resolution
 * @return 0, or -EINVAL for an unknown clock
 */
int
clock_resolution(int id, struct timespec *ts)
{
    uint64_t ns;
    int err = clock_ns(id, &ns);
    if (err == 0)
        ns_to_timespec(TICK_NS, ts);
    return err;
}

/**
 * @brief Sleep until clock @p id passes a deadline, or a signal comes.
 * @param id       CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME
 * @param absolute @p req is a time on the clock (TIMER_ABSTIME), not a
 *                 duration
 * @param req      the valid (clock_timespec_valid) time or duration
 * @param rem      receives what was left of a relative sleep that a
 *                 signal interrupted (may be NULL)
 * @return 0 after the whole sleep; -EINTR when a signal is pending;
 *         -EOPNOTSUPP for the thread's CPU clock (as Linux); -EINVAL for
 *         an unknown clock or the process's CPU clock (Linux can sleep on
 *         it; Keel cannot yet)
 * @pre called from a system call, interrupts on
 */
int
clock_sleep(int id, bool absolute, const struct timespec *req,
            struct timespec *rem)
{
    uint64_t now;
    if (id == CLOCK_THREAD_CPUTIME_ID)
        return -EOPNOTSUPP;
    if (id == CLOCK_PROCESS_CPUTIME_ID)
        return -EINVAL;
    int err = clock_ns(id, &now);
    if (err < 0)
        return err;
    uint64_t want = (uint64_t)req->tv_sec * NSEC_PER_SEC + req->tv_nsec;
    uint64_t deadline = absolute ? want : now + want;
    while (now < deadline) {
        if (signal_pending()) {
            if (rem != NULL && !absolute)
                ns_to_timespec(deadline - now, rem);
            return -EINTR;
        }
        sched_sleep_ticks(1);
        clock_ns(id, &now);
    }
    return 0;
}
