/**
 * @file
 * @ingroup time
 * @brief The clocks of clock_gettime and the sleeps of nanosleep.
 *
 * kernel/time/clock.c builds every Linux clock from two sources: the tick
 * counter (kernel/time/time.c) and the wall-clock time the RTC gave at
 * boot.
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include "kernel/types.h"
#include "uapi/time.h"

void clock_tick(void);
uint64_t clock_monotonic_ns(void);
int clock_read(int id, struct timespec *ts);
int clock_resolution(int id, struct timespec *ts);
int clock_sleep(int id, bool absolute, const struct timespec *req,
                struct timespec *rem);
bool clock_timespec_valid(const struct timespec *ts);

#endif /* KERNEL_CLOCK_H */
