/**
 * @file
 * @ingroup time
 * @brief The timer engine: one sorted list of deadlines, fired by the tick.
 *
 * Everything in the kernel that waits for a time (a sleeping nanosleep,
 * alarm, a POSIX timer, a timerfd) arms a struct ktimer: a deadline on
 * the monotonic clock and a function to call then. The engine keeps the
 * armed timers on one list in deadline order, so the tick looks only at
 * the front: at each tick it takes off every timer whose deadline has
 * come and calls its function. Arming walks the list from the back to
 * find its place (new timers usually expire last); a heap would arm in
 * O(log n), but a list is enough for the handful of timers a teaching
 * kernel runs, and a reader can see it whole.
 *
 * The tick is the only source of time here, so a timer fires at the
 * first tick at or after its deadline: up to one tick (10 ms) late,
 * never early. "Now" at the tick is clock_monotonic_ns(), so a thread a
 * timer wakes always reads a clock that has passed the deadline.
 *
 * Locking: ktimer_lock protects the list and every timer's `armed` and
 * `expires`. A timer's function runs without it (it may arm timers),
 * in the timer interrupt, so on one CPU a thread that cancels a timer
 * never races with its function: when ktimer_cancel() returns, the
 * function is not running and will not run.
 */
#include "kernel/clock.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/sync.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "uapi/errno.h"

static struct spinlock ktimer_lock = SPINLOCK_INIT("ktimer");
/** The armed timers, earliest deadline first. */
static struct list_node ktimers = LIST_INIT(ktimers);

/**
 * @brief Make @p t a disarmed timer that calls @p fn when it fires.
 * @param t  the timer
 * @param fn its function
 */
void
ktimer_init(struct ktimer *t, ktimer_fn fn)
{
    t->expires = 0;
    t->fn = fn;
    t->armed = false;
    list_init(&t->link);
}

/* Put @p t on the list after the last timer due no later than it, so
 * timers with one deadline fire in the order they were armed.
 * @pre ktimer_lock held, t on no list */
// [ktimer_insert]
static void
ktimer_insert(struct ktimer *t)
{
    struct list_node *pos = ktimers.prev;
    while (pos != &ktimers &&
           list_entry(pos, struct ktimer, link)->expires > t->expires)
        pos = pos->prev;
    list_insert_after(pos, &t->link);
    t->armed = true;
}
// [ktimer_insert]

/**
 * @brief Arm @p t to fire at monotonic time @p expires (re-arm if armed).
 *
 * A deadline that has passed fires at the next tick.
 * @param t       the timer
 * @param expires clock_monotonic_ns() time; KTIMER_NEVER disarms it
 */
void
ktimer_arm(struct ktimer *t, uint64_t expires)
{
    irqflags_t f = spin_lock_irqsave(&ktimer_lock);
    if (t->armed)
        list_remove(&t->link);
    t->armed = false;
    t->expires = expires;
    if (expires != KTIMER_NEVER)
        ktimer_insert(t);
    spin_unlock_irqrestore(&ktimer_lock, f);
}

/**
 * @brief Disarm @p t.
 * @param t the timer
 * @return true if it was armed (it will not fire now)
 * @post its function is not running and will not run until it is armed
 */
bool
ktimer_cancel(struct ktimer *t)
{
    irqflags_t f = spin_lock_irqsave(&ktimer_lock);
    bool was = t->armed;
    if (was)
        list_remove(&t->link);
    t->armed = false;
    spin_unlock_irqrestore(&ktimer_lock, f);
    return was;
}

/**
 * @brief Nanoseconds until @p t fires.
 * @param t the timer
 * @return the time left; 0 when disarmed or due at the next tick
 */
uint64_t
ktimer_remaining(const struct ktimer *t)
{
    irqflags_t f = spin_lock_irqsave(&ktimer_lock);
    uint64_t expires = t->armed ? t->expires : 0;
    spin_unlock_irqrestore(&ktimer_lock, f);
    uint64_t now = clock_monotonic_ns();
    return expires > now ? expires - now : 0;
}

/**
 * @brief Nanoseconds until periodic timer @p t's next expiry.
 *
 * Between a deadline and the tick that fires it, a timer is due but not
 * yet fired: ktimer_remaining() says 0. A timer that repeats every
 * @p interval has a next expiry all the same, which is what timer_gettime
 * and timerfd_gettime report (Linux moves the timer on when asked).
 * @param t        the timer
 * @param interval its period in nanoseconds; 0: a one-shot timer
 * @return the time left; 0 when disarmed, or a one-shot timer is due
 */
uint64_t
ktimer_remaining_periodic(const struct ktimer *t, uint64_t interval)
{
    irqflags_t f = spin_lock_irqsave(&ktimer_lock);
    bool armed = t->armed;
    uint64_t expires = t->expires;
    spin_unlock_irqrestore(&ktimer_lock, f);
    uint64_t now = clock_monotonic_ns();
    if (!armed || expires > now)
        return armed ? expires - now : 0;
    return interval != 0 ? interval - (now - expires) % interval : 0;
}

/**
 * @brief Re-arm @p t, which just fired, one period of @p interval after
 *        its deadline, or as many periods as it takes to pass @p now.
 *
 * An interval timer keeps its rhythm: the next deadline is counted from
 * the last deadline, not from when the tick noticed it, so the lateness
 * of ticks does not add up. Periods that passed entirely (the tick came
 * late, or @p interval is shorter than a tick) are skipped and counted:
 * those are the overruns a POSIX timer reports.
 * @param t        the timer, disarmed, t->expires its last deadline
 * @param now      the monotonic time now
 * @param interval the period in nanoseconds, > 0
 * @return the periods skipped (0 when the next deadline is the first
 *         one after the last)
 */
// [ktimer_forward]
uint64_t
ktimer_forward(struct ktimer *t, uint64_t now, uint64_t interval)
{
    uint64_t next = t->expires + interval, missed = 0;
    if (next < t->expires) {
        next = KTIMER_NEVER - 1; // beyond 2554 AD: far enough
    } else if (next <= now) {
        missed = (now - next) / interval + 1;
        next += missed * interval;
    }
    ktimer_arm(t, next);
    return missed;
}
// [ktimer_forward]

/**
 * @brief Fire every timer due at monotonic time @p now, earliest first.
 *
 * Each timer is off the list (disarmed) before its function runs, so the
 * function may arm it again; the lock is dropped around the call.
 * @param now the monotonic time
 * @pre interrupts off (the tick)
 */
// [ktimer_fire_due]
void
ktimer_fire_due(uint64_t now)
{
    irqflags_t f = spin_lock_irqsave(&ktimer_lock);
    while (!list_empty(&ktimers)) {
        struct ktimer *t = list_entry(ktimers.next, struct ktimer, link);
        if (t->expires > now)
            break; // sorted: every later one is later still
        list_remove(&t->link);
        t->armed = false;
        spin_unlock_irqrestore(&ktimer_lock, f);
        t->fn(t);
        f = spin_lock_irqsave(&ktimer_lock);
    }
    spin_unlock_irqrestore(&ktimer_lock, f);
}
// [ktimer_fire_due]

/* The tick's share: after clock_tick, so the clock has this tick. An
 * armed timer will wake someone, so the scheduler's hang check must not
 * count this tick (sched_tick runs after us). Interrupts are off on the
 * only CPU: the list cannot change while we look. */
static void
ktimer_tick(void)
{
    ktimer_fire_due(clock_monotonic_ns());
    if (!list_empty(&ktimers))
        sched_hang_defer();
}
tick_hook(25, ktimer_tick); // fire the timers whose deadline has come

/** A thread asleep until a deadline: the timer that wakes it. */
struct ktimer_sleeper {
    struct ktimer timer;   /**< armed at the deadline */
    struct thread *thread; /**< who sleeps */
    struct spinlock lock;  /**< protects fired against the sleep */
    volatile bool fired;   /**< the deadline has come */
};

/* The sleeper's deadline came: note it and wake the thread. */
static void
sleeper_fire(struct ktimer *t)
{
    struct ktimer_sleeper *s = list_entry(t, struct ktimer_sleeper, timer);
    irqflags_t f = spin_lock_irqsave(&s->lock);
    s->fired = true;
    spin_unlock_irqrestore(&s->lock, f);
    sched_wake(s->thread);
}

/**
 * @brief Sleep until the monotonic clock passes @p deadline, or a signal.
 *
 * A timed sleep: one timer wakes the thread at the deadline (no waking
 * at every tick to look at the clock). The thread is marked asleep
 * before it drops the lock that guards `fired` (sched_sleep_until()),
 * so the timer cannot fire unseen between the check and the sleep; a
 * signal's sender wakes it with sched_wake().
 * @param deadline clock_monotonic_ns() time; KTIMER_NEVER: only a signal
 *                 ends the sleep
 * @return 0 once the clock has passed @p deadline; -EINTR when a signal
 *         is pending first (the caller decides how to restart)
 * @pre thread context, interrupts on, no spinlock held
 */
// [ktimer_sleep_until]
int
ktimer_sleep_until(uint64_t deadline)
{
    if (clock_monotonic_ns() >= deadline)
        return 0;
    struct ktimer_sleeper s = {.thread = thread_current(), .fired = false};
    spin_init(&s.lock, "sleeper");
    ktimer_init(&s.timer, sleeper_fire);
    ktimer_arm(&s.timer, deadline);
    int err = 0;
    irqflags_t f = spin_lock_irqsave(&s.lock);
    while (!s.fired) {
        if (signal_pending()) {
            err = -EINTR;
            break;
        }
        sched_sleep_until(UINT64_MAX, &s.lock, f); // drops s.lock
        f = spin_lock_irqsave(&s.lock);
    }
    spin_unlock_irqrestore(&s.lock, f);
    ktimer_cancel(&s.timer); // before s leaves the stack
    return err;
}
// [ktimer_sleep_until]
