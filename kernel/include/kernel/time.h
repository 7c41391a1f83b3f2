/**
 * @file
 * @ingroup time
 * @brief Kernel time: a tick counter driven by the timer interrupt.
 *
 * A clock driver (the PIT in chapter 1) calls time_tick() HZ times a second.
 * Everything else reads jiffies, uptime or sleeps on them. Whatever must
 * happen at every tick (the scheduler's time slice, say) registers a
 * function with tick_hook(); time_tick() calls them in order.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "kernel/compiler.h"
#include "kernel/types.h"

/** Timer interrupts per second. */
#define HZ 100
#define NSEC_PER_SEC 1000000000UL

/** One entry of the tick-hook linker set. */
struct tick_hook {
    void (*fn)(void); /**< called at each tick, interrupts off */
    const char *name; /**< its name, for debugging */
};

/**
 * Call @p fn at every timer tick, after jiffies has counted it, in the
 * order of @p order (two digits; lower first). @p fn runs in the timer
 * interrupt: it must not sleep.
 */
#define tick_hook(order, fn)                                                   \
    static const struct tick_hook __tick_hook_##fn __used __aligned(8)         \
        __section(".tick_hooks." #order) = {fn, #fn}

void time_tick(void);
uint64_t time_jiffies(void);
uint64_t time_uptime_ns(void);

/** A wall clock: reads seconds since 1970-01-01 UTC. */
typedef uint64_t (*wallclock_fn)(void);
void time_set_wallclock(wallclock_fn read);
uint64_t time_wallclock(void);

#endif /* KERNEL_TIME_H */
