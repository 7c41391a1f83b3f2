/**
 * @file
 * @ingroup time
 * @brief POSIX timers: timer_create, timer_settime, timer_gettime,
 *        timer_getoverrun, timer_delete.
 *
 * The interval timers of setitimer are three fixed timers per process,
 * each tied to one signal. POSIX timers lift both limits: a process
 * makes as many as it needs, on the clock it chooses (CLOCK_REALTIME,
 * CLOCK_MONOTONIC, CLOCK_BOOTTIME, or the process's CPU time), and says
 * how each tells of its
 * expiry with a struct sigevent: a signal of its choice carrying a value
 * of its choice (SIGEV_SIGNAL, or SIGEV_THREAD_ID to one thread), or
 * nothing at all (SIGEV_NONE: the program asks timer_gettime). Each is a
 * kernel timer (kernel/time/ktimer.c) with an id, small integers from 0
 * per process, like descriptors. A timer on CPU time cannot be a kernel
 * timer, whose deadlines are on the monotonic clock: like ITIMER_PROF it
 * counts down at each tick charged to its process (ptimer_cpu_tick()).
 *
 * Overruns. A signal that is already pending is not sent again, so a
 * fast interval timer whose signal is blocked (or whose handler is slow)
 * would lose expirations unseen. Instead it counts them: while its last
 * signal is still pending, each expiry adds one to the overrun, which
 * the pending signal's si_overrun shows, and which timer_getoverrun()
 * reports once the signal has been delivered. The count restarts with
 * each new signal.
 *
 * Timers belong to the process: fork does not copy them, execve and exit
 * delete them.
 *
 * Locking: proc_table_lock() protects every process's timers (sending
 * the signal needs it anyway).
 */
#include "kernel/clock.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "uapi/errno.h"

/** The most timers a process may have (timer_create: -EAGAIN past it). */
#define PTIMER_MAX 64
/** The highest signal number (SIGRTMAX). */
#define PTIMER_SIGMAX 64
/** Nanoseconds in one tick. */
#define TICK_NS (NSEC_PER_SEC / HZ)

/** One POSIX timer. */
struct ptimer {
    int id;                /**< what timer_create returned */
    struct proc *proc;     /**< whose it is */
    int clock;             /**< the clock its dates are on */
    struct ktimer timer;   /**< armed at the next expiry */
    uint64_t cpu_left;     /**< a CPU-time timer: CPU ns left; 0: off */
    uint64_t interval;     /**< reload in ns; 0: one-shot */
    int notify;            /**< SIGEV_SIGNAL, SIGEV_NONE, ... */
    int signo;             /**< the signal it sends */
    uint64_t value;        /**< the sigval it sends */
    bool sent;             /**< its signal may still be pending */
    int overrun;           /**< expirations while it was pending */
    int overrun_last;      /**< overrun of the last signal delivered */
    struct list_node link; /**< in ptimers.list */
};

/** A process's POSIX timers (struct proc's ptimers). */
struct ptimers {
    struct list_node list; /**< struct ptimer, by link */
    int next_id;           /**< where the search for a free id starts */
    int count;             /**< timers on the list */
};

/* The note of @p t's last signal if it is still pending (not yet
 * delivered), else NULL. @pre proc_table_lock held */
static struct sig_info *
ptimer_pending_note_locked(const struct ptimer *t)
{
    return sigqueue_find_timer(t->proc, t->signo, t->id);
}

/* Bring the overrun counts up to date: a signal sent and no longer
 * pending was delivered, with the overruns counted until then.
 * @pre proc_table_lock held */
static void
ptimer_settle_locked(struct ptimer *t)
{
    if (t->sent && ptimer_pending_note_locked(t) == NULL) {
        t->overrun_last = t->overrun;
        t->overrun = 0;
        t->sent = false;
    }
}

/*
 * One expiry (and @p missed more that passed unseen): count it as an
 * overrun while the last signal is pending, or send a new signal.
 * @pre proc_table_lock held
 */
// [ptimer_expire]
static void
ptimer_expire_locked(struct ptimer *t, uint64_t missed)
{
    if (t->notify == SIGEV_NONE)
        return;
    ptimer_settle_locked(t);
    if (t->sent) {
        t->overrun += (int)(1 + missed);
        ptimer_pending_note_locked(t)->overrun = t->overrun;
        return;
    }
    struct sig_info info = {.code = SI_TIMER,
                            .pid = t->proc->pid,
                            .timerid = t->id,
                            .overrun = (int)missed,
                            .value = t->value};
    t->overrun = (int)missed;
    t->sent = true;
    signal_send(t->proc, t->signo, &info);
}
// [ptimer_expire]

/* The kernel timer fired: the expiry, then the next one if periodic. */
static void
ptimer_fire(struct ktimer *k)
{
    struct ptimer *t = list_entry(k, struct ptimer, timer);
    irqflags_t f = proc_table_lock();
    uint64_t missed = 0;
    if (t->interval != 0)
        missed = ktimer_forward(k, clock_monotonic_ns(), t->interval);
    ptimer_expire_locked(t, missed);
    proc_table_unlock(f);
}

/* Does @p clock count CPU time (the process's: one thread each)? */
static bool
ptimer_clock_is_cpu(int clock)
{
    return clock == CLOCK_PROCESS_CPUTIME_ID ||
           clock == CLOCK_THREAD_CPUTIME_ID;
}

/* One tick of CPU time for CPU-time timer @p t: count down, and at 0
 * expire and reload (periods the tick overshot are skipped, counted).
 * @pre proc_table_lock held */
static void
ptimer_cpu_count(struct ptimer *t)
{
    if (t->cpu_left == 0)
        return;
    if (t->cpu_left > TICK_NS) {
        t->cpu_left -= TICK_NS;
        return;
    }
    uint64_t over = TICK_NS - t->cpu_left, missed = 0;
    t->cpu_left = 0;
    if (t->interval != 0) {
        missed = over / t->interval;
        t->cpu_left = t->interval - over % t->interval;
    }
    ptimer_expire_locked(t, missed);
}

/**
 * @brief The tick's share: count down the CPU-time timers of the process
 *        the tick charges (the running one, as proc_account_tick() does).
 * @pre interrupts off (timer interrupt)
 */
static void
ptimer_cpu_tick(void)
{
    struct thread *th = thread_current();
    struct proc *p = th != NULL ? th->proc : NULL;
    if (p == NULL || p->ptimers == NULL)
        return;
    irqflags_t f = proc_table_lock();
    struct list_node *n;
    list_for_each(n, &p->ptimers->list)
    {
        struct ptimer *t = list_entry(n, struct ptimer, link);
        if (ptimer_clock_is_cpu(t->clock))
            ptimer_cpu_count(t);
    }
    proc_table_unlock(f);
}
tick_hook(12, ptimer_cpu_tick); // after proc_account_tick, on its clock

/* The timer @p id of the current process. @pre proc_table_lock held */
static struct ptimer *
ptimer_find_locked(int id)
{
    struct ptimers *pt = proc_current()->ptimers;
    if (pt == NULL)
        return NULL;
    struct list_node *n;
    list_for_each(n, &pt->list)
    {
        struct ptimer *t = list_entry(n, struct ptimer, link);
        if (t->id == id)
            return t;
    }
    return NULL;
}

/* The lowest id from next_id on that no timer has. @pre lock held */
static int
ptimer_free_id_locked(struct ptimers *pt)
{
    for (;;) {
        int id = pt->next_id;
        pt->next_id = pt->next_id == INT32_MAX ? 0 : pt->next_id + 1;
        if (ptimer_find_locked(id) == NULL)
            return id;
    }
}

/* Check @p ev as Linux's good_sigevent() does; fill @p t from it. */
static int
ptimer_set_event(struct ptimer *t, const struct sigevent *ev)
{
    t->notify = ev->sigev_notify;
    t->signo = ev->sigev_signo;
    t->value = ev->sigev_value;
    switch (ev->sigev_notify) {
    case SIGEV_THREAD_ID:
        // one thread per process: the thread id is the pid
        if (ev->sigev_tid != proc_current()->pid)
            return -EINVAL;
        /* fall through */
    case SIGEV_SIGNAL:
    case SIGEV_THREAD: // the C library's business: a signal to the kernel
        if (ev->sigev_signo <= 0 || ev->sigev_signo > PTIMER_SIGMAX)
            return -EINVAL;
        return 0;
    case SIGEV_NONE:
        return 0;
    default:
        return -EINVAL;
    }
}

/* The current process's timer list, made on first use. */
static struct ptimers *
ptimers_of(struct proc *p)
{
    if (p->ptimers == NULL) {
        struct ptimers *pt = kzalloc(sizeof(*pt));
        if (pt == NULL)
            return NULL;
        list_init(&pt->list);
        p->ptimers = pt;
    }
    return p->ptimers;
}

/**
 * @brief timer_create: a new, disarmed timer on @p clock.
 * @param clock CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, or the
 *              CPU time of the process or thread (the same here)
 * @param ev    how it notifies, or NULL: SIGALRM carrying the timer's id
 * @param id    receives its id
 * @return 0; -EINVAL (an unknown clock or a bad sigevent); -EOPNOTSUPP
 *         (a clock without timers: _RAW, _COARSE); -EAGAIN (too many
 *         timers); -ENOMEM
 */
int
ptimer_create(int clock, const struct sigevent *ev, int *id)
{
    if (clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_REALTIME_COARSE ||
        clock == CLOCK_MONOTONIC_COARSE)
        return -EOPNOTSUPP;
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
        clock != CLOCK_BOOTTIME && !ptimer_clock_is_cpu(clock))
        return -EINVAL;
    struct proc *p = proc_current();
    struct ptimer *t = kzalloc(sizeof(*t));
    struct ptimers *pt = ptimers_of(p);
    if (t == NULL || pt == NULL) {
        kfree(t);
        return -ENOMEM;
    }
    struct sigevent dflt = {.sigev_signo = SIGALRM,
                            .sigev_notify = SIGEV_SIGNAL};
    int err = ptimer_set_event(t, ev != NULL ? ev : &dflt);
    irqflags_t f = proc_table_lock();
    if (err == 0 && pt->count >= PTIMER_MAX)
        err = -EAGAIN;
    if (err == 0) {
        t->id = *id = ptimer_free_id_locked(pt);
        t->value = ev != NULL ? t->value : (uint64_t)t->id;
        t->proc = p;
        t->clock = clock;
        ktimer_init(&t->timer, ptimer_fire);
        list_push_back(&pt->list, &t->link);
        pt->count++;
    }
    proc_table_unlock(f);
    if (err < 0)
        kfree(t);
    return err;
}

/* A valid itimerspec in ns: 0, or -EINVAL (Linux's timespec64_valid). */
static int
itimerspec_check(const struct itimerspec *v)
{
    return clock_timespec_valid(&v->it_value) &&
                   clock_timespec_valid(&v->it_interval)
               ? 0
               : -EINVAL;
}

/* What timer_gettime shows of @p t. @pre proc_table_lock held */
static void
ptimer_read_locked(const struct ptimer *t, struct itimerspec *v)
{
    uint64_t left = ptimer_clock_is_cpu(t->clock)
                        ? t->cpu_left
                        : ktimer_remaining_periodic(&t->timer, t->interval);
    // a one-shot timer due but not fired: Linux shows 1 ns, never 0
    // (which would mean disarmed), but for SIGEV_NONE
    if (left == 0 && t->timer.armed && t->notify != SIGEV_NONE)
        left = 1;
    clock_ns_timespec(left, &v->it_value);
    clock_ns_timespec(t->interval, &v->it_interval);
}

/* The CPU time to wait on @p clock for @p ts (a duration, or with
 * @p absolute a CPU time): at least 1 ns, so the timer is armed. */
static uint64_t
ptimer_cpu_wait(int clock, bool absolute, const struct timespec *ts)
{
    uint64_t want = clock_timespec_ns(ts);
    if (absolute) {
        struct timespec now;
        clock_read(clock, &now);
        uint64_t used = clock_timespec_ns(&now);
        want = want > used ? want - used : 0;
    }
    return want != 0 ? want : 1;
}

/**
 * @brief timer_settime: arm timer @p id (a value of 0 disarms it).
 * @param id    the timer
 * @param flags TIMER_ABSTIME: the value is a date on the timer's clock
 * @param value the first expiry and the interval
 * @param old   receives the setting before, or NULL
 * @return 0; -EINVAL (no such timer, a time out of range)
 */
int
ptimer_settime(int id, int flags, const struct itimerspec *value,
               struct itimerspec *old)
{
    if (itimerspec_check(value) < 0)
        return -EINVAL;
    uint64_t deadline = KTIMER_NEVER;
    irqflags_t f = proc_table_lock();
    struct ptimer *t = ptimer_find_locked(id);
    if (t == NULL) {
        proc_table_unlock(f);
        return -EINVAL;
    }
    if (old != NULL)
        ptimer_read_locked(t, old);
    bool on = value->it_value.tv_sec != 0 || value->it_value.tv_nsec != 0;
    bool absolute = (flags & TIMER_ABSTIME) != 0;
    if (on && ptimer_clock_is_cpu(t->clock))
        t->cpu_left = ptimer_cpu_wait(t->clock, absolute, &value->it_value);
    else if (on)
        clock_deadline(t->clock, absolute, &value->it_value, &deadline);
    else
        t->cpu_left = 0;
    t->interval = on ? clock_timespec_ns(&value->it_interval) : 0;
    t->overrun = t->overrun_last = 0;
    t->sent = false; // a signal still pending is the old setting's
    ktimer_arm(&t->timer, deadline);
    proc_table_unlock(f);
    return 0;
}

/**
 * @brief timer_gettime: the time to timer @p id's next expiry, and its
 *        interval (0 and 0 when disarmed).
 * @param id    the timer
 * @param value receives both
 * @return 0; -EINVAL (no such timer)
 */
int
ptimer_gettime(int id, struct itimerspec *value)
{
    irqflags_t f = proc_table_lock();
    struct ptimer *t = ptimer_find_locked(id);
    if (t != NULL)
        ptimer_read_locked(t, value);
    proc_table_unlock(f);
    return t != NULL ? 0 : -EINVAL;
}

/**
 * @brief timer_getoverrun: the expirations that the last delivered signal
 *        of timer @p id stood for beyond the first.
 * @param id the timer
 * @return the count; -EINVAL (no such timer)
 */
int
ptimer_getoverrun(int id)
{
    irqflags_t f = proc_table_lock();
    struct ptimer *t = ptimer_find_locked(id);
    int n = -EINVAL;
    if (t != NULL) {
        ptimer_settle_locked(t);
        n = t->overrun_last;
    }
    proc_table_unlock(f);
    return n;
}

/* Disarm @p t and take it off its list. @pre proc_table_lock held */
static void
ptimer_unlink_locked(struct ptimers *pt, struct ptimer *t)
{
    ktimer_cancel(&t->timer);
    list_remove(&t->link);
    pt->count--;
}

/**
 * @brief timer_delete: disarm timer @p id and forget it. A signal it sent
 *        that is still pending stays pending.
 * @param id the timer
 * @return 0; -EINVAL (no such timer)
 */
int
ptimer_delete(int id)
{
    irqflags_t f = proc_table_lock();
    struct ptimer *t = ptimer_find_locked(id);
    if (t != NULL)
        ptimer_unlink_locked(proc_current()->ptimers, t);
    proc_table_unlock(f);
    if (t == NULL)
        return -EINVAL;
    kfree(t);
    return 0;
}

/* exec and exit: delete every timer of @p p. */
static void
ptimer_delete_all(struct proc *p)
{
    struct ptimers *pt = p->ptimers;
    if (pt == NULL)
        return;
    irqflags_t f = proc_table_lock();
    p->ptimers = NULL;
    while (!list_empty(&pt->list)) {
        struct ptimer *t = list_entry(pt->list.next, struct ptimer, link);
        ptimer_unlink_locked(pt, t);
        kfree(t);
    }
    proc_table_unlock(f);
    kfree(pt);
}

/* execve: a new program starts with no timers. */
static void
ptimer_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    ptimer_delete_all(p);
}

proc_hooks(35, ptimer, .exec = ptimer_exec, .exit = ptimer_delete_all,
           .release = ptimer_delete_all);
