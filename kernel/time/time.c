/**
 * @file
 * @ingroup time
 * @brief The tick counter and uptime.
 *
 * jiffies counts timer interrupts since boot (the Linux name). A 64-bit
 * counter at HZ = 100 wraps after about 5.8 billion years. Written only by
 * time_tick() in the timer interrupt; read anywhere: a 64-bit aligned load
 * is atomic on x86_64, and `volatile` makes every read see the memory.
 */
#include "kernel/time.h"

static volatile uint64_t jiffies;
static wallclock_fn wallclock;

/* The tick hooks, sorted by order (kernel.ld). */
extern const struct tick_hook __tick_hooks_start[], __tick_hooks_end[];

/**
 * @brief Count one timer interrupt and call every tick hook.
 * @pre interrupts off (IRQ context)
 */
void
time_tick(void)
{
    jiffies++;
    for_each_in_set(h, __tick_hooks_start, __tick_hooks_end)
    {
        h->fn();
    }
}

/**
 * @brief Timer ticks since boot.
 * @return jiffies, HZ of them a second
 */
uint64_t
time_jiffies(void)
{
    return jiffies;
}

/**
 * @brief Nanoseconds since boot, at tick resolution (10 ms).
 * @return the uptime in nanoseconds
 */
uint64_t
time_uptime_ns(void)
{
    return jiffies * (NSEC_PER_SEC / HZ);
}

/**
 * @brief Install the driver that reads wall-clock time (the CMOS RTC).
 * @param read returns seconds since the Unix epoch
 */
void
time_set_wallclock(wallclock_fn read)
{
    wallclock = read;
}

/**
 * @brief Seconds since the Unix epoch from the wall clock, 0 if none.
 * @return the wall-clock time, or 0 when no driver installed a clock
 */
uint64_t
time_wallclock(void)
{
    return wallclock != NULL ? wallclock() : 0;
}
