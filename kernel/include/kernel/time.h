/**
 * @file
 * @ingroup time
 * @brief Kernel time: a tick counter driven by the timer interrupt.
 *
 * A clock driver (the PIT in chapter 1) calls time_tick() HZ times a second.
 * Everything else reads jiffies, uptime or sleeps on them.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "kernel/types.h"

/** Timer interrupts per second. */
#define HZ 100
#define NSEC_PER_SEC 1000000000UL

void time_tick(void);
uint64_t time_jiffies(void);
uint64_t time_uptime_ns(void);

/** A wall clock: reads seconds since 1970-01-01 UTC. */
typedef uint64_t (*wallclock_fn)(void);
void time_set_wallclock(wallclock_fn read);
uint64_t time_wallclock(void);

#endif /* KERNEL_TIME_H */
