/**
 * @file
 * @ingroup proc
 * @brief Queued signals: real-time signals, each send one instance.
 *
 * The standard signals (1..31) are bits: sending SIGUSR1 three times
 * while it is blocked leaves one SIGUSR1 pending, with the note (struct
 * sig_info) of the first send. POSIX.1b added the real-time signals,
 * SIGRTMIN (32) to SIGRTMAX (64), which are *queued*: each send is an
 * instance with its own note, so three sigqueue() calls with the values
 * 1, 2, 3 are three deliveries, in that order, each with its value.
 *
 * @verbatim
 *   pending  bit 10 (SIGUSR1) ... bit 33 (SIGRTMIN+1) ... bit 35 (SIGRTMIN+3)
 *                |                      |                     |
 *   info[10] <---+                      |                     |
 *   queue:  [RTMIN+1 v=1] -> [RTMIN+3 v=7] -> [RTMIN+1 v=2] -> [RTMIN+1 v=3]
 * @endverbatim
 *
 * One queue per process holds every real-time instance, oldest first;
 * the pending bit of a real-time signal is set while the queue holds at
 * least one instance of it. Delivery takes the lowest pending number
 * (sigdeliver.c), and within a signal the oldest instance.
 *
 * Instances cost memory, so a process may have at most RLIMIT_SIGPENDING
 * of them (Linux counts them per user; Keel per process). Past it,
 * rt_sigqueueinfo and tkill fail with -EAGAIN; kill() and the kernel's
 * own signals cannot fail, so they set the bit without an instance, and
 * its note is lost (the signal then arrives as a bare SI_USER, as on
 * Linux). POSIX timers' signals are not held to the limit (Linux sets
 * their instance aside when the timer is made).
 *
 * Every send also wakes the process's `sent` queue: a signalfd's poller
 * or a thread in rt_sigtimedwait waits there for signals that, blocked,
 * would not wake it otherwise.
 *
 * Locking: the queue, the count and the pending set under
 * proc_table_lock(), as the rest of the signal state.
 */
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "uapi/errno.h"
#include "uapi/resource.h"

/** One queued instance of a real-time signal. */
struct sigqueue {
    struct list_node link; /**< in sig_state.queue, oldest first */
    int sig;               /**< SIGRTMIN..SIGRTMAX */
    struct sig_info info;  /**< why this instance was sent */
};

/** Faults: taken before any other pending signal (as sigdeliver.c). */
#define SIGQUEUE_SYNC                                                          \
    (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) |     \
     SIGBIT(SIGFPE) | SIGBIT(SIGSYS))

/*
 * Set up @p p's queue and its `sent` queue, unless done. A new process is
 * in the table (a kill(-1) may reach it) a moment before proc_alloc()
 * runs the alloc hooks, so whichever comes first sets them up.
 * @pre proc_table_lock() held
 */
static void
sigqueue_setup(struct proc *p)
{
    if (p->sig.queue.next != NULL)
        return; // struct proc is zeroed when made
    list_init(&p->sig.queue);
    p->sig.queued = 0;
    wait_queue_init(&p->sig.sent, "signals sent");
}

/* Is @p sig a real-time (queued) signal? */
static bool
sig_is_rt(int sig)
{
    return sig >= SIGRTMIN;
}

/* May one more instance be queued to @p p for a send with @p code? */
static bool
sigqueue_room(const struct proc *p, int code)
{
    return code == SI_TIMER ||
           p->sig.queued < p->rlim[RLIMIT_SIGPENDING].rlim_cur;
}

/* Queue an instance of real-time signal @p sig; false when over the
 * limit or out of memory. */
static bool
sigqueue_append(struct proc *p, int sig, const struct sig_info *info)
{
    if (!sigqueue_room(p, info->code))
        return false;
    struct sigqueue *q = kmalloc(sizeof(*q));
    if (q == NULL)
        return false;
    q->sig = sig;
    q->info = *info;
    list_push_back(&p->sig.queue, &q->link);
    p->sig.queued++;
    return true;
}

/**
 * @brief Make @p sig pending in @p p with @p info (signal_send's last
 *        step, once it has decided the signal is to be kept).
 *
 * A standard signal already pending keeps its first note; a real-time
 * one gets an instance more. Wakes the watchers of p->sig.sent.
 * @param p    the target
 * @param sig  1..NSIG-1
 * @param info why it is sent
 * @return 0; -EAGAIN when a real-time signal from rt_sigqueueinfo or
 *         tkill finds no room (RLIMIT_SIGPENDING, or no memory)
 * @pre proc_table_lock() held
 */
// [sigqueue_add]
int
sigqueue_add(struct proc *p, int sig, const struct sig_info *info)
{
    sigqueue_setup(p);
    if (!sig_is_rt(sig)) {
        if (!(p->sig.pending & SIGBIT(sig)))
            p->sig.info[sig] = *info;
    } else if (!sigqueue_append(p, sig, info)) {
        // kill() and the kernel cannot fail: the note is lost
        if (info->code != SI_USER && info->code != SI_KERNEL)
            return -EAGAIN;
    }
    p->sig.pending |= SIGBIT(sig);
    wait_queue_wake_all(&p->sig.sent);
    return 0;
}
// [sigqueue_add]

/**
 * @brief The note of a pending @p sig that POSIX timer @p timerid sent.
 *
 * A timer does not send its signal again while one it sent is pending,
 * real-time or not: later expirations are counted in that note's
 * overrun instead (kernel/time/posix_timer.c).
 * @param p       the process
 * @param sig     the timer's signal
 * @param timerid the timer
 * @return the note (which the caller may update), or NULL when no signal
 *         of that timer is pending
 * @pre proc_table_lock() held
 */
struct sig_info *
sigqueue_find_timer(struct proc *p, int sig, int timerid)
{
    if (!(p->sig.pending & SIGBIT(sig)))
        return NULL;
    if (!sig_is_rt(sig)) {
        struct sig_info *i = &p->sig.info[sig];
        return i->code == SI_TIMER && i->timerid == timerid ? i : NULL;
    }
    sigqueue_setup(p);
    struct list_node *n;
    list_for_each(n, &p->sig.queue)
    {
        struct sigqueue *q = list_entry(n, struct sigqueue, link);
        if (q->sig == sig && q->info.code == SI_TIMER &&
            q->info.timerid == timerid)
            return &q->info;
    }
    return NULL;
}

/*
 * Take the oldest instance of real-time signal @p sig off @p p's queue
 * into @p info; the pending bit goes only with the last instance. A bit
 * without an instance (its note was lost to the limit) gives a bare
 * SI_USER note. @pre proc_table_lock() held, @p sig pending
 */
static void
sigqueue_take_rt(struct proc *p, int sig, struct sig_info *info)
{
    // >>> exercise 6.1 rt-queue
    struct sigqueue *first = NULL;
    bool more = false;
    struct list_node *n;
    list_for_each(n, &p->sig.queue)
    {
        struct sigqueue *q = list_entry(n, struct sigqueue, link);
        if (q->sig != sig)
            continue;
        if (first != NULL) {
            more = true; // another instance waits: the bit stays
            break;
        }
        first = q;
    }
    if (first != NULL) {
        *info = first->info;
        list_remove(&first->link);
        kfree(first);
        p->sig.queued--;
    } else {
        *info = (struct sig_info){.code = SI_USER};
    }
    if (!more)
        p->sig.pending &= ~SIGBIT(sig);
    // === stub: taken like a standard signal: one delivery, no note
    // *info = (struct sig_info){.code = SI_USER};
    // p->sig.pending &= ~SIGBIT(sig);
    // <<< exercise 6.1 rt-queue
}

/**
 * @brief Take pending signal @p sig of @p p: its note, and the signal
 *        off the pending set (or one instance off the queue).
 * @param p    the process
 * @param sig  a pending signal
 * @param info receives the note
 * @pre proc_table_lock() held
 */
void
sigqueue_take(struct proc *p, int sig, struct sig_info *info)
{
    if (sig_is_rt(sig)) {
        sigqueue_take_rt(p, sig, info);
        return;
    }
    *info = p->sig.info[sig];
    p->sig.pending &= ~SIGBIT(sig);
}

/**
 * @brief Discard @p sig in @p p: its pending bit and every queued
 *        instance (the signal was made ignored).
 * @param p   the process
 * @param sig the signal
 * @pre proc_table_lock() held
 */
void
sigqueue_flush(struct proc *p, int sig)
{
    struct list_node *n = p->sig.queue.next;
    while (n != &p->sig.queue) {
        struct sigqueue *q = list_entry(n, struct sigqueue, link);
        n = n->next;
        if (sig != 0 && q->sig != sig)
            continue;
        list_remove(&q->link);
        kfree(q);
        p->sig.queued--;
    }
    p->sig.pending &= sig != 0 ? ~SIGBIT(sig) : 0;
}

/**
 * @brief Take the next pending signal of the current process that is in
 *        @p set, blocked or not (sigtimedwait, signalfd).
 *
 * The order is delivery's: faults first, then the lowest number; the
 * oldest instance of a real-time signal.
 * @param set  the signals to take
 * @param info receives its note
 * @return the signal, or 0 when none of @p set is pending
 */
int
sigqueue_dequeue(k_sigset_t set, struct sig_info *info)
{
    struct proc *p = proc_current();
    irqflags_t flags = proc_table_lock();
    k_sigset_t ready = p->sig.pending & set;
    int sig = 0;
    if (ready != 0) {
        if (ready & SIGQUEUE_SYNC)
            ready &= SIGQUEUE_SYNC;
        sig = __builtin_ctzll(ready) + 1;
        sigqueue_take(p, sig, info);
    }
    proc_table_unlock(flags);
    return sig;
}

/* A new process: nothing queued; its `sent` queue. */
static void
sigqueue_alloc_proc(struct proc *p, struct proc *parent)
{
    (void)parent;
    irqflags_t flags = proc_table_lock();
    sigqueue_setup(p);
    proc_table_unlock(flags);
}

/* The process leaves the table: its instances go. @pre proc lock held */
static void
sigqueue_free_proc(struct proc *p)
{
    sigqueue_setup(p);
    sigqueue_flush(p, 0);
}

proc_hooks(51, sigqueue, .alloc = sigqueue_alloc_proc,
           .free = sigqueue_free_proc);

/**
 * @brief rt_sigqueueinfo, rt_tgsigqueueinfo: send @p sig with a note the
 *        caller wrote.
 *
 * The caller says what si_code, pid, uid and value the receiver sees.
 * So that nobody can pose as the kernel, kill() or tkill() to another
 * process, a note with si_code >= 0 or SI_TKILL may only be sent to
 * oneself, as on Linux. The checks come in Linux's order: permission,
 * target, signal number.
 * @param pid  rt_sigqueueinfo: the process; rt_tgsigqueueinfo: the
 *             thread group (> 0)
 * @param tid  rt_tgsigqueueinfo's thread (> 0), or 0 for rt_sigqueueinfo
 *             (a thread's id is its process's in Keel)
 * @param sig  0 (only check) .. NSIG-1
 * @param info the note (from siginfo_from_user())
 * @return 0; -EPERM; -ESRCH (no such process, or @p tid not in @p pid);
 *         -EINVAL (bad signal); -EAGAIN (RLIMIT_SIGPENDING)
 */
int
sigqueue_send(int pid, int tid, int sig, const struct sig_info *info)
{
    int target = tid != 0 ? tid : pid;
    if ((info->code >= 0 || info->code == SI_TKILL) &&
        target != proc_current()->pid)
        return -EPERM;
    irqflags_t flags = proc_table_lock();
    struct proc *p = target > 0 ? proc_find_locked(target) : NULL;
    int err;
    if (p == NULL || (tid != 0 && p->pid != pid))
        err = -ESRCH;
    else if (sig < 0 || sig >= NSIG)
        err = -EINVAL;
    else
        err = signal_send(p, sig, info);
    proc_table_unlock(flags);
    return err;
}
