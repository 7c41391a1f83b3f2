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
 * The tick alone would give a resolution of 10 ms (HZ = 100). Between two
 * ticks, clock_monotonic_ns() interpolates with the CPU's time-stamp
 * counter: at every tick clock_tick() notes the TSC and keeps a running
 * average of TSC cycles per tick (the TSC is calibrated against the
 * PIT), and a reading adds the cycles since the last tick, converted to
 * nanoseconds and capped just below one tick. The cap, and remembering
 * the last value returned, keep the clock monotonic even when the TSC
 * runs unevenly, as it can under QEMU's emulation (TCG). The _COARSE
 * clocks and the CPU-time clocks keep tick resolution.
 *
 * Sleeping and timers: clock_deadline() turns a time on any clock (a
 * duration, or with TIMER_ABSTIME a date on that clock) into a deadline
 * on the monotonic clock, which is what the timer engine waits for
 * (kernel/time/ktimer.c). Every clock here moves with the monotonic one,
 * so the conversion is exact: realtime never jumps (no settimeofday).
 */
#include "kernel/clock.h"
#include "kernel/arch.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** Nanoseconds in one tick: the resolution of every clock. */
#define TICK_NS (NSEC_PER_SEC / HZ)

/* The Unix time at uptime 0, in nanoseconds; 0 until the first use. */
static uint64_t realtime_base;

/* The TSC at the last tick, and the average TSC cycles per tick (0 until
 * two ticks have been seen). Written by clock_tick() only. */
static volatile uint64_t tick_tsc;
static volatile uint64_t tsc_per_tick;
/* The last monotonic reading, so that no later one is smaller. */
static uint64_t last_ns;

/**
 * @brief Note the TSC at a timer tick and refine cycles per tick.
 * @pre interrupts off (the timer interrupt)
 */
void
clock_tick(void)
{
    uint64_t now = arch_cycles();
    if (tick_tsc != 0) {
        uint64_t delta = now - tick_tsc;
        // an average over about eight ticks smooths a late interrupt
        tsc_per_tick =
            tsc_per_tick == 0 ? delta : (tsc_per_tick * 7 + delta) / 8;
    }
    tick_tsc = now;
}
tick_hook(20, clock_tick); // the TSC at this tick, for nanoseconds

/**
 * @brief Nanoseconds since boot: the ticks plus the TSC since the last one.
 * @return the monotonic time, never less than a previous return
 */
uint64_t
clock_monotonic_ns(void)
{
    // interrupts off: jiffies and tick_tsc belong to the same tick
    irqflags_t flags = arch_irq_save();
    uint64_t ns = time_uptime_ns();
    uint64_t per_tick = tsc_per_tick;
    if (per_tick != 0) {
        uint64_t since = arch_cycles() - tick_tsc;
        uint64_t frac =
            since >= per_tick ? TICK_NS - 1 : since * TICK_NS / per_tick;
        ns += frac < TICK_NS ? frac : TICK_NS - 1;
    }
    if (ns < last_ns)
        ns = last_ns;
    last_ns = ns;
    arch_irq_restore(flags);
    return ns;
}

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
    case CLOCK_REALTIME_COARSE:
        *ns = realtime_offset() + time_uptime_ns();
        return 0;
    case CLOCK_REALTIME:
        *ns = realtime_offset() + clock_monotonic_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
        *ns = clock_monotonic_ns();
        return 0;
    case CLOCK_MONOTONIC_COARSE:
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

/**
 * @brief Nanoseconds to a timespec.
 * @param ns the time
 * @param ts receives it
 */
void
clock_ns_timespec(uint64_t ns, struct timespec *ts)
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
        clock_ns_timespec(ns, ts);
    return err;
}

/**
 * @brief clock_getres: the resolution of clock @p id: 1 ns for the clocks
 *        the TSC refines (once calibrated), one tick for the others.
 * @param id CLOCK_*
 * @param ts receives the resolution
 * @return 0, or -EINVAL for an unknown clock
 */
int
clock_resolution(int id, struct timespec *ts)
{
    uint64_t ns;
    int err = clock_ns(id, &ns);
    bool fine = tsc_per_tick != 0 &&
                (id == CLOCK_REALTIME || id == CLOCK_MONOTONIC ||
                 id == CLOCK_MONOTONIC_RAW || id == CLOCK_BOOTTIME);
    if (err == 0)
        clock_ns_timespec(fine ? 1 : TICK_NS, ts);
    return err;
}

/**
 * @brief A valid timespec in nanoseconds, saturated: a time past 2554 AD
 *        is "never" (UINT64_MAX), as on Linux.
 * @param ts the time (clock_timespec_valid())
 * @return the nanoseconds
 */
uint64_t
clock_timespec_ns(const struct timespec *ts)
{
    uint64_t max_sec = (UINT64_MAX - NSEC_PER_SEC) / NSEC_PER_SEC;
    if ((uint64_t)ts->tv_sec > max_sec)
        return UINT64_MAX;
    return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

/**
 * @brief The monotonic time at which clock @p id shows @p ts (absolute)
 *        or @p ts has passed on it (relative).
 *
 * What a sleep or a timer on clock @p id waits for, as a deadline for
 * the timer engine. A date already past gives the monotonic time now.
 * @param id       CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME
 * @param absolute @p ts is a time on the clock (TIMER_ABSTIME)
 * @param ts       the valid (clock_timespec_valid()) time or duration
 * @param deadline receives the clock_monotonic_ns() time; UINT64_MAX
 *                 for one that never comes
 * @return 0; -EOPNOTSUPP for the thread's CPU clock and the _RAW and
 *         _COARSE clocks (as Linux's sleeps);
 *         -EINVAL for an unknown clock or the process's CPU clock (Linux
 *         can wait on it; Keel cannot yet)
 */
int
clock_deadline(int id, bool absolute, const struct timespec *ts,
               uint64_t *deadline)
{
    uint64_t on_clock;
    // the raw and coarse clocks can be read, not waited for (as Linux)
    if (id == CLOCK_THREAD_CPUTIME_ID || id == CLOCK_MONOTONIC_RAW ||
        id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE)
        return -EOPNOTSUPP;
    if (id == CLOCK_PROCESS_CPUTIME_ID)
        return -EINVAL;
    int err = clock_ns(id, &on_clock);
    if (err < 0)
        return err;
    uint64_t mono = clock_monotonic_ns(), want = clock_timespec_ns(ts);
    // every clock moves with the monotonic one: only the offset differs
    uint64_t wait = !absolute ? want : want > on_clock ? want - on_clock : 0;
    *deadline = wait > UINT64_MAX - mono ? UINT64_MAX : mono + wait;
    return 0;
}
