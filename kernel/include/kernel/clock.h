/**
 * @file
 * @ingroup time
 * @brief The clocks of clock_gettime and the sleeps of nanosleep.
 *
 * kernel/time/clock.c builds every Linux clock from two sources: the tick
 * counter (kernel/time/time.c) and the wall-clock time the RTC gave at
 * boot. A sleep or a timer turns a time on any of them into a deadline
 * on the monotonic clock (clock_deadline()), which the timer engine
 * (kernel/timer.h) waits for.
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include "kernel/types.h"
#include "uapi/time.h"

void clock_tick(void);
uint64_t clock_monotonic_ns(void);
int clock_read(int id, struct timespec *ts);
int clock_resolution(int id, struct timespec *ts);
int clock_deadline(int id, bool absolute, const struct timespec *ts,
                   uint64_t *deadline);
uint64_t clock_timespec_ns(const struct timespec *ts);
void clock_ns_timespec(uint64_t ns, struct timespec *ts);
bool clock_timespec_valid(const struct timespec *ts);

#endif /* KERNEL_CLOCK_H */
