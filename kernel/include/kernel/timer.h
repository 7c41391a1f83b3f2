/**
 * @file
 * @ingroup time
 * @brief Kernel timers: call a function when the monotonic clock passes
 *        a deadline, and what is built on them.
 *
 * One engine (kernel/time/ktimer.c) keeps every armed struct ktimer on a
 * list sorted by deadline; the timer tick fires those whose deadline has
 * come. Everything else that waits for a time is a client of it:
 *
 * - a timed sleep (nanosleep, clock_nanosleep): the timer wakes the
 *   sleeping thread (ktimer_sleep_until());
 * - alarm and the interval timers (kernel/time/itimer.c);
 * - POSIX timers, timer_create (kernel/time/posix_timer.c);
 * - timerfd, a timer read as a file (fs/timerfd.c).
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/list.h"
#include "kernel/types.h"
#include "uapi/time.h"
#include "uapi/timer.h"

struct ktimer;

/** What a timer calls when it fires: in the timer interrupt (interrupts
 *  off), with no engine lock held; it may re-arm its own timer. */
typedef void (*ktimer_fn)(struct ktimer *t);

/** A kernel timer: embed it in the object it serves (list_entry). */
struct ktimer {
    uint64_t expires;      /**< monotonic nanoseconds it fires at */
    ktimer_fn fn;          /**< what firing calls */
    struct list_node link; /**< on the engine's sorted list, when armed */
    bool armed;            /**< on the list (not yet fired or cancelled) */
};

/** A deadline that never comes. */
#define KTIMER_NEVER UINT64_MAX

void ktimer_init(struct ktimer *t, ktimer_fn fn);
void ktimer_arm(struct ktimer *t, uint64_t expires);
bool ktimer_cancel(struct ktimer *t);
uint64_t ktimer_remaining(const struct ktimer *t);
uint64_t ktimer_remaining_periodic(const struct ktimer *t, uint64_t interval);
uint64_t ktimer_forward(struct ktimer *t, uint64_t now, uint64_t interval);
int ktimer_sleep_until(uint64_t deadline);
void ktimer_fire_due(uint64_t now);

/* alarm, setitimer, getitimer (kernel/time/itimer.c) */
int itimer_set(int which, const struct itimerval *value, struct itimerval *old);
int itimer_get(int which, struct itimerval *value);
unsigned itimer_alarm(unsigned seconds);

/* POSIX timers (kernel/time/posix_timer.c) */
int ptimer_create(int clock, const struct sigevent *ev, int *id);
int ptimer_settime(int id, int flags, const struct itimerspec *value,
                   struct itimerspec *old);
int ptimer_gettime(int id, struct itimerspec *value);
int ptimer_getoverrun(int id);
int ptimer_delete(int id);

#endif /* KERNEL_TIMER_H */
