/**
 * @file
 * @ingroup time
 * @brief alarm, setitimer and getitimer: a process's three interval
 *        timers.
 *
 * Every process has three timers, each with a value (the time to the
 * next expiry, 0: disarmed) and an interval (the value it is reloaded
 * with when it expires, 0: fire once), measured on three clocks:
 *
 * | timer          | counts                  | signal    |
 * |----------------|-------------------------|-----------|
 * | ITIMER_REAL    | wall time               | SIGALRM   |
 * | ITIMER_VIRTUAL | the process's user time | SIGVTALRM |
 * | ITIMER_PROF    | user and system time    | SIGPROF   |
 *
 * alarm(s) is ITIMER_REAL with a value of s seconds and no interval.
 *
 * ITIMER_REAL is a kernel timer (kernel/time/ktimer.c) on the monotonic
 * clock. The CPU-time timers cannot be: their clock moves only while the
 * process runs. They count down at each tick that charges the process
 * (the tick hook itimer_cpu_tick(), beside proc_account_tick()):
 * ITIMER_PROF at every such tick, ITIMER_VIRTUAL only at those that
 * stopped the program in user mode (irq_from_user(), the split
 * kernel/proc/cputime.c makes too).
 *
 * The timers belong to the process: fork does not copy them (the child
 * starts with none); execve keeps them, as Linux does (a program may arm
 * an alarm and exec another under it); exit disarms them.
 *
 * Locking: proc_table_lock() protects every process's timers; it is the
 * lock that sending a signal needs anyway.
 */
#include "kernel/clock.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "uapi/errno.h"

/** Nanoseconds in one tick. */
#define TICK_NS (NSEC_PER_SEC / HZ)

/** A process's interval timers (struct proc's itimers). */
struct itimers {
    struct proc *proc;        /**< whose they are */
    struct ktimer real;       /**< ITIMER_REAL, on the monotonic clock */
    uint64_t real_interval;   /**< its reload in ns, 0: one-shot */
    uint64_t cpu_left[3];     /**< VIRTUAL, PROF: CPU ns left, 0: off */
    uint64_t cpu_interval[3]; /**< their reloads in ns */
};

/** The signal each timer sends. */
static const int itimer_signal[3] = {SIGALRM, SIGVTALRM, SIGPROF};

/* Send the signal of timer @p which to @p p. @pre proc_table_lock held */
static void
itimer_send(struct proc *p, int which)
{
    struct sig_info info = {.code = SI_KERNEL};
    signal_send(p, itimer_signal[which], &info);
}

/* ITIMER_REAL fired: SIGALRM, and the reload if it has an interval. */
// [itimer_real_fire]
static void
itimer_real_fire(struct ktimer *k)
{
    struct itimers *it = list_entry(k, struct itimers, real);
    irqflags_t f = proc_table_lock();
    itimer_send(it->proc, ITIMER_REAL);
    if (it->real_interval != 0)
        ktimer_forward(k, clock_monotonic_ns(), it->real_interval);
    proc_table_unlock(f);
}
// [itimer_real_fire]

/* The timers of @p p, made on first use; NULL when memory is out.
 * @pre proc_table_lock not held (it may allocate) */
static struct itimers *
itimers_of(struct proc *p)
{
    if (p->itimers == NULL) {
        struct itimers *it = kzalloc(sizeof(*it));
        if (it == NULL)
            return NULL;
        it->proc = p;
        ktimer_init(&it->real, itimer_real_fire);
        p->itimers = it; // only the process itself makes them
    }
    return p->itimers;
}

/* Nanoseconds to a timeval, truncated to microseconds (as Linux). */
static struct timeval
ns_to_timeval(uint64_t ns)
{
    struct timeval tv = {(int64_t)(ns / NSEC_PER_SEC),
                         (int64_t)(ns % NSEC_PER_SEC / 1000)};
    return tv;
}

/* Read timer @p which of @p it into @p v. @pre proc_table_lock held */
static void
itimer_read_locked(const struct itimers *it, int which, struct itimerval *v)
{
    uint64_t value, interval;
    if (which == ITIMER_REAL) {
        value = ktimer_remaining_periodic(&it->real, it->real_interval);
        // armed but due: Linux says 1 us, never 0 (0 means disarmed)
        if (value == 0 && it->real.armed)
            value = 1000;
        interval = it->real_interval;
    } else {
        value = it->cpu_left[which];
        interval = it->cpu_interval[which];
    }
    v->it_value = ns_to_timeval(value);
    v->it_interval = ns_to_timeval(interval);
}

/* A valid timeval (Linux's timeval_valid()) in nanoseconds, or -1. */
static int64_t
timeval_ns(const struct timeval *tv)
{
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
        return -1;
    if ((uint64_t)tv->tv_sec > (UINT64_MAX >> 2) / NSEC_PER_SEC)
        return (int64_t)(UINT64_MAX >> 2); // centuries: never in practice
    return tv->tv_sec * (int64_t)NSEC_PER_SEC + tv->tv_usec * 1000;
}

/**
 * @brief getitimer: the time left on timer @p which, and its interval.
 * @param which ITIMER_REAL, ITIMER_VIRTUAL or ITIMER_PROF
 * @param value receives both, in microseconds (an armed timer never
 *              shows 0: that would mean disarmed)
 * @return 0, or -EINVAL for another @p which
 */
int
itimer_get(int which, struct itimerval *value)
{
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    struct proc *p = proc_current();
    *value = (struct itimerval){{0, 0}, {0, 0}};
    irqflags_t f = proc_table_lock();
    if (p->itimers != NULL)
        itimer_read_locked(p->itimers, which, value);
    proc_table_unlock(f);
    return 0;
}

/**
 * @brief setitimer: arm (or with a value of 0 disarm) timer @p which.
 *
 * The old setting is read and the new one made under one lock, so no
 * expiry can fall between them.
 * @param which ITIMER_REAL, ITIMER_VIRTUAL or ITIMER_PROF
 * @param value the new value and interval
 * @param old   receives the old setting, or NULL
 * @return 0; -EINVAL for another @p which or a timeval out of range
 *         (negative, or 1000000 microseconds or more); -ENOMEM
 */
int
itimer_set(int which, const struct itimerval *value, struct itimerval *old)
{
    int64_t ns = timeval_ns(&value->it_value);
    int64_t interval = timeval_ns(&value->it_interval);
    if (which < ITIMER_REAL || which > ITIMER_PROF || ns < 0 || interval < 0)
        return -EINVAL;
    struct itimers *it = itimers_of(proc_current());
    if (it == NULL)
        return -ENOMEM;
    irqflags_t f = proc_table_lock();
    if (old != NULL)
        itimer_read_locked(it, which, old);
    if (which == ITIMER_REAL) {
        // a disarmed timer keeps no interval (Linux's do_setitimer)
        it->real_interval = ns != 0 ? (uint64_t)interval : 0;
        ktimer_arm(&it->real,
                   ns != 0 ? clock_monotonic_ns() + ns : KTIMER_NEVER);
    } else {
        it->cpu_left[which] = (uint64_t)ns;
        it->cpu_interval[which] = (uint64_t)interval;
    }
    proc_table_unlock(f);
    return 0;
}

/**
 * @brief alarm: SIGALRM in @p seconds (0: cancel), replacing any alarm.
 * @param seconds the delay
 * @return the seconds the previous alarm had left, rounded to the nearest
 *         second but at least 1 if any time was left (as Linux: 0 would
 *         read as "no alarm")
 */
unsigned
itimer_alarm(unsigned seconds)
{
    struct itimerval v = {{0, 0}, {(int64_t)seconds, 0}}, old;
    if (itimer_set(ITIMER_REAL, &v, &old) < 0)
        return 0; // out of memory: as if there was none
    uint64_t left = (uint64_t)old.it_value.tv_sec;
    if ((left == 0 && old.it_value.tv_usec != 0) ||
        old.it_value.tv_usec >= 500000)
        left++;
    return (unsigned)left;
}

/* One CPU-time timer of @p it lost a tick: fire and reload at 0.
 * @pre proc_table_lock held */
static void
itimer_cpu_count(struct itimers *it, int which)
{
    uint64_t *left = &it->cpu_left[which];
    if (*left == 0)
        return;
    if (*left > TICK_NS) {
        *left -= TICK_NS;
        return;
    }
    itimer_send(it->proc, which);
    *left = it->cpu_interval[which];
}

/**
 * @brief The tick's share: count the CPU-time timers of the process the
 *        tick charges (the one running, as proc_account_tick() does).
 * @pre interrupts off (timer interrupt)
 */
static void
itimer_cpu_tick(void)
{
    struct thread *t = thread_current();
    struct proc *p = t != NULL ? t->proc : NULL;
    if (p == NULL || p->itimers == NULL)
        return;
    irqflags_t f = proc_table_lock();
    if (irq_from_user())
        itimer_cpu_count(p->itimers, ITIMER_VIRTUAL);
    itimer_cpu_count(p->itimers, ITIMER_PROF);
    proc_table_unlock(f);
}
tick_hook(11, itimer_cpu_tick); // after proc_account_tick, on its clock

/* exit: no more signals to a process that is going. */
static void
itimer_exit(struct proc *p)
{
    if (p->itimers != NULL)
        ktimer_cancel(&p->itimers->real);
}

/* After exit (or a failed fork): free them. */
static void
itimer_release(struct proc *p)
{
    if (p->itimers == NULL)
        return;
    ktimer_cancel(&p->itimers->real);
    irqflags_t f = proc_table_lock();
    struct itimers *it = p->itimers;
    p->itimers = NULL; // the CPU tick looks at it under the lock
    proc_table_unlock(f);
    kfree(it);
}

/* fork copies no timers: the child's pointer starts NULL (kzalloc), and
 * execve keeps them, so only exit needs hooks. */
proc_hooks(34, itimer, .exit = itimer_exit, .release = itimer_release);
