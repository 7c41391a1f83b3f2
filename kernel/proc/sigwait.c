/**
 * @file
 * @ingroup proc
 * @brief Taking signals synchronously: rt_sigtimedwait, and signalfd's
 *        wait.
 *
 * A handler runs whenever the signal happens to arrive, in the middle of
 * whatever the program was doing; that is why so little may be done in
 * one. The other way is to block the signals and *take* them when the
 * program is ready: sigwaitinfo() and sigtimedwait() sleep until one of
 * a set is pending and return it with its siginfo, no handler involved;
 * a signalfd (fs/signalfd.c) makes the same wait a read, so that
 * signals can be waited for in poll() beside the other descriptors.
 *
 * Blocked signals do not wake their thread (signal_send() wakes it only
 * for a signal that would be delivered). So the waiter puts a watch on
 * its process's `sent` queue, which every send wakes (sigqueue_add()),
 * and sleeps once, as poll does: until a signal is sent, the deadline's
 * tick, or an unblocked signal, which ends the wait with -EINTR so that
 * its handler can run.
 *
 * Locking: the pending set is read under proc_table_lock(); the waiter's
 * note that something was sent under its own lock (struct sigwait).
 */
#include "kernel/clock.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** A thread in sigwait_timed(): its watch of the process's sends. */
struct sigwait {
    struct wait_watch watch; /**< on proc->sig.sent */
    struct spinlock lock;    /**< protects woken */
    bool woken;              /**< a signal was sent since the last look */
    struct thread *thread;   /**< the waiter */
};

/* A signal was sent to the waiter's process: note it, wake the waiter.
 * @pre the queue's lock held */
static void
sigwait_wake(struct wait_watch *w)
{
    struct sigwait *sw = list_entry(w, struct sigwait, watch);
    irqflags_t f = spin_lock_irqsave(&sw->lock);
    sw->woken = true;
    spin_unlock_irqrestore(&sw->lock, f);
    sched_wake(sw->thread);
}

/* The timer tick at or after monotonic time @p deadline (ns). */
static uint64_t
deadline_tick(uint64_t deadline)
{
    if (deadline == SIGWAIT_FOREVER)
        return UINT64_MAX;
    uint64_t now = clock_monotonic_ns(), tick_ns = NSEC_PER_SEC / HZ;
    if (deadline <= now)
        return time_jiffies();
    return time_jiffies() + (deadline - now + tick_ns - 1) / tick_ns;
}

/* Sleep until a signal is sent, the tick of @p deadline or a signal to
 * handle; at once if a signal was sent since the last look. */
static void
sigwait_sleep(struct sigwait *sw, uint64_t deadline)
{
    irqflags_t f = spin_lock_irqsave(&sw->lock);
    if (!sw->woken && !signal_pending()) {
        sched_sleep_until(deadline_tick(deadline), &sw->lock, f);
        f = spin_lock_irqsave(&sw->lock);
    }
    sw->woken = false;
    spin_unlock_irqrestore(&sw->lock, f);
}

/**
 * @brief Wait until a signal of @p set is pending, and take it.
 *
 * rt_sigtimedwait, and a blocking read of a signalfd. The signals of
 * @p set are taken whether blocked or not (a program blocks them first,
 * or a handler could take them before the wait does); SIGKILL and
 * SIGSTOP never are.
 * @param set      the signals to wait for
 * @param info     receives the note of the signal taken
 * @param deadline monotonic nanoseconds (clock_monotonic_ns()) to wait
 *                 until: now or earlier only looks; SIGWAIT_FOREVER
 * @return the signal; -EAGAIN when the deadline passed first; -EINTR
 *         when a signal outside @p set is to be delivered
 * @pre interrupts on, no lock held (it sleeps)
 */
// [sigwait_timed]
int
sigwait_timed(k_sigset_t set, struct sig_info *info, uint64_t deadline)
{
    struct sigwait sw = {.woken = false, .thread = thread_current()};
    spin_init(&sw.lock, "sigwait");
    set &= ~SIG_UNBLOCKABLE;
    // watch first, then look: a send in between is noted, not lost
    wait_queue_watch(&proc_current()->sig.sent, &sw.watch, sigwait_wake);
    int sig;
    for (;;) {
        sig = sigqueue_dequeue(set, info);
        if (sig != 0)
            break;
        if (deadline != SIGWAIT_FOREVER && clock_monotonic_ns() >= deadline) {
            sig = -EAGAIN;
            break;
        }
        if (signal_pending()) {
            sig = -EINTR;
            break;
        }
        sigwait_sleep(&sw, deadline);
    }
    wait_queue_unwatch(&sw.watch);
    return sig;
}
// [sigwait_timed]

/**
 * @brief Is a signal of @p set pending for the current process (blocked
 *        or not)? A signalfd is readable then.
 * @param set the signals
 * @return true if one is
 */
bool
sigwait_pending(k_sigset_t set)
{
    struct proc *p = proc_current();
    irqflags_t flags = proc_table_lock();
    bool any = (p->sig.pending & set & ~SIG_UNBLOCKABLE) != 0;
    proc_table_unlock(flags);
    return any;
}

/**
 * @brief The queue every signal sent to the current process wakes (for
 *        a signalfd's poll).
 * @return the queue; it lives as long as the process
 */
struct wait_queue *
sigwait_queue(void)
{
    return &proc_current()->sig.sent;
}

/**
 * @brief Wake the watchers of the current process's sends, as if a
 *        signal were sent: a signalfd's mask changed, its pollers look
 *        again.
 */
void
sigwait_rewake(void)
{
    wait_queue_wake_all(&proc_current()->sig.sent);
}
