/**
 * @file
 * @ingroup proc
 * @brief Signal actions, masks, waiting for a signal, and delivery.
 *
 * What rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend and
 * sigaltstack do to a process's signal state, and signal_deliver(), the
 * hook on every return to user mode (kernel/syscalls/table.c after a
 * system call, kernel/arch/x86_64/cpu/trap.c after a trap from user mode)
 * that acts on pending signals: see kernel/proc/signal.c for the story.
 *
 * Locking: actions and the pending set under proc_table_lock(); a thread's
 * mask is its own.
 */
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "uapi/errno.h"
#include "uapi/unistd.h"

/** Faults: delivered before any other pending signal, as on Linux. */
#define SYNC_SET                                                               \
    (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) |     \
     SIGBIT(SIGFPE) | SIGBIT(SIGSYS))

/**
 * @brief rt_sigaction: read and/or change the action of @p sig.
 *
 * Making a pending signal ignored discards it (POSIX).
 * @param sig 1..NSIG-1
 * @param act the new action, or NULL
 * @param old receives the old action, or NULL
 * @return 0; -EINVAL for a bad number, or a new action for SIGKILL/SIGSTOP
 */
int
signal_action(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
    struct proc *p = proc_current();
    if (sig < 1 || sig >= NSIG)
        return -EINVAL;
    if (act != NULL && (SIGBIT(sig) & SIG_UNBLOCKABLE))
        return -EINVAL;
    irqflags_t flags = proc_table_lock();
    if (old != NULL)
        *old = p->sig.action[sig];
    if (act != NULL) {
        p->sig.action[sig] = *act;
        p->sig.action[sig].mask &= ~SIG_UNBLOCKABLE;
        bool dfl_ignored =
            act->handler == SIG_DFL && (SIGBIT(sig) & SIG_DEFAULT_IGNORE);
        if (act->handler == SIG_IGN || dfl_ignored)
            sigqueue_flush(p, sig); // and its queued instances
    }
    proc_table_unlock(flags);
    return 0;
}

/**
 * @brief rt_sigprocmask: read and/or change the current thread's mask.
 * @param how SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK (only read with a NULL
 *            @p set)
 * @param set the signals, or NULL
 * @param old receives the old mask, or NULL
 * @return 0; -EINVAL for a bad @p how
 */
int
signal_mask(int how, const k_sigset_t *set, k_sigset_t *old)
{
    struct thread *t = thread_current();
    if (old != NULL)
        *old = t->sig_blocked;
    if (set == NULL)
        return 0;
    switch (how) {
    case SIG_BLOCK:
        t->sig_blocked |= *set;
        break;
    case SIG_UNBLOCK:
        t->sig_blocked &= ~*set;
        break;
    case SIG_SETMASK:
        t->sig_blocked = *set;
        break;
    default:
        return -EINVAL;
    }
    t->sig_blocked &= ~SIG_UNBLOCKABLE; // never blocked, silently
    return 0;
}

/**
 * @brief rt_sigpending: the signals pending while blocked.
 * @return the set
 */
k_sigset_t
signal_pending_set(void)
{
    return proc_current()->sig.pending & thread_current()->sig_blocked;
}

/**
 * @brief rt_sigsuspend: wait for a signal with @p mask as the mask.
 *
 * The old mask comes back after the handler: the signal frame saves it
 * (sig_saved) instead of the temporary one. The check and the sleep run
 * with interrupts off: on one CPU, no sender can run in between.
 * @param mask the mask while waiting
 * @return -EINTR, always (after the handler has run)
 */
int
signal_suspend(k_sigset_t mask)
{
    struct thread *t = thread_current();
    t->sig_saved = t->sig_blocked;
    t->sig_restore = true;
    t->sig_blocked = mask & ~SIG_UNBLOCKABLE;
    irqflags_t flags = arch_irq_save();
    while (!signal_pending()) {
        t->state = THREAD_SLEEPING; // signal_send wakes us (sched_wake)
        schedule();
    }
    arch_irq_restore(flags);
    return -EINTR;
}

/**
 * @brief sigaltstack: read and/or set the alternate signal stack.
 * @param ss  the new stack, or NULL
 * @param old receives the old one, or NULL
 * @param sp  the user stack pointer now (running on the stack?)
 * @return 0; -EPERM while running on it; -EINVAL for bad flags; -ENOMEM
 *         for a stack smaller than MINSIGSTKSZ
 */
int
signal_altstack(const struct k_stack *ss, struct k_stack *old, uint64_t sp)
{
    struct k_stack *cur = &proc_current()->sig.altstack;
    bool on = !(cur->flags & SS_DISABLE) && sp - cur->sp < cur->size;
    if (old != NULL) {
        *old = *cur;
        old->flags = on ? SS_ONSTACK : (cur->flags & SS_DISABLE);
    }
    if (ss == NULL)
        return 0;
    if (on)
        return -EPERM;
    if (ss->flags != 0 && ss->flags != SS_DISABLE)
        return -EINVAL;
    if (ss->flags == SS_DISABLE) {
        *cur = (struct k_stack){.flags = SS_DISABLE};
        return 0;
    }
    if (ss->size < MINSIGSTKSZ)
        return -ENOMEM;
    *cur = (struct k_stack){.sp = ss->sp, .size = ss->size};
    return 0;
}

/* The signals the current thread would take now. */
static k_sigset_t
deliverable(struct proc *p, struct thread *t)
{
    return p->sig.pending & ~(t->sig_blocked & ~SIG_UNBLOCKABLE);
}

/* The next signal to act on: faults first, then the lowest number. */
static int
next_signal(k_sigset_t set)
{
    if (set & SYNC_SET)
        set &= SYNC_SET;
    return __builtin_ctzll(set) + 1;
}

/*
 * Die by @p sig (the default action of most signals). A fault's signal
 * (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS) is a notice, like Linux's
 * "segfault at" line; a kill, an interrupt or a broken pipe is only
 * information. After boot neither reaches the console unless loglevel=
 * asks for it (the kernel log has both).
 */
static __noreturn void
die(struct proc *p, int sig)
{
    if (SYNC_SET & SIGBIT(sig))
        pr_notice("keel: pid %d (%s) killed by signal %d\n", p->pid, p->name,
                  sig);
    else
        pr_info("keel: pid %d (%s) killed by signal %d\n", p->pid, p->name,
                sig);
    proc_exit(W_SIGNALED(sig));
}

/* Take signal @p sig off the pending set: its action and info. Returns
 * false if it runs no handler and does not kill: ignored, or a stop
 * signal (which stops the process here, until SIGCONT). */
static bool
take_signal(struct proc *p, int sig, struct k_sigaction *act,
            struct sig_info *info)
{
    irqflags_t flags = proc_table_lock();
    sigqueue_take(p, sig, info); // one instance (kernel/proc/sigqueue.c)
    *act = p->sig.action[sig];
    if (act->handler > SIG_IGN && (act->flags & SA_RESETHAND))
        memset(&p->sig.action[sig], 0, sizeof(p->sig.action[sig]));
    proc_table_unlock(flags);
    if (act->handler == SIG_IGN)
        return false;
    if (act->handler == SIG_DFL && (SIGBIT(sig) & SIG_DEFAULT_STOP)) {
        jobctl_stop(sig);
        return false;
    }
    return act->handler != SIG_DFL || !(SIGBIT(sig) & SIG_DEFAULT_IGNORE);
}

/* Is @p r a kernel-internal "make the call again" result? */
static bool
is_restart(long r)
{
    return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
           r == -ERESTART_RESTARTBLOCK;
}

/*
 * A handler is about to run while system call @p nr was interrupted with
 * @p r: make it again (ERESTARTSYS under SA_RESTART, ERESTARTNOINTR) or
 * let it fail with -EINTR (the others), as Linux's handle_signal() does.
 */
static void
restart_with_handler(void *frame, long nr, long r,
                     const struct k_sigaction *act)
{
    if (r == -ERESTARTNOINTR ||
        (r == -ERESTARTSYS && (act->flags & SA_RESTART)))
        arch_frame_restart(frame, nr);
    else
        arch_frame_set_return(frame, -EINTR);
}

/*
 * No handler ran (the signals were ignored, or stopped the process until
 * SIGCONT): the interrupted call @p nr is made again, or, after
 * ERESTART_RESTARTBLOCK, goes on through restart_syscall.
 */
static void
restart_without_handler(void *frame, long nr, long r)
{
    if (r == -ERESTART_RESTARTBLOCK)
        arch_frame_restart(frame, __NR_restart_syscall);
    else
        arch_frame_restart(frame, nr);
}

/**
 * @brief Act on the current thread's pending signals before it returns to
 *        user mode.
 *
 * Each pending, unblocked signal is taken in turn: ignored, or the process
 * stops until SIGCONT (jobctl_stop()), or dies, or a handler frame is
 * pushed (several pending signals nest, the last one's handler running
 * first, as on Linux). A system call interrupted with one of the restart
 * codes (kernel/signal.h) is made again when no handler runs; when one
 * does, -ERESTARTSYS restarts only under SA_RESTART, -ERESTARTNOINTR
 * always, and the others return -EINTR.
 * @param frame the user registers (struct trap_frame)
 * @param nr    the system call that is returning, or -1 after a trap
 * @pre interrupts off; about to return to user mode
 */
// [deliver]
void
signal_deliver(void *frame, long nr)
{
    struct proc *p = proc_current();
    struct thread *t = thread_current();
    long r = arch_frame_result(frame);
    bool restart = nr >= 0 && nr != __NR_rt_sigreturn && is_restart(r);
    k_sigset_t set;
    while ((set = deliverable(p, t)) != 0) {
        int sig = next_signal(set);
        struct k_sigaction act;
        struct sig_info info;
        if (!take_signal(p, sig, &act, &info))
            continue;
        if (act.handler == SIG_DFL)
            die(p, sig);
        if (restart) {
            restart_with_handler(frame, nr, r, &act);
            restart = false;
        }
        k_sigset_t old = t->sig_restore ? t->sig_saved : t->sig_blocked;
        t->sig_restore = false;
        if (arch_signal_frame(frame, sig, &info, &act, old, &p->sig.altstack) <
            0)
            die(p, SIGSEGV); // no room for the frame: as Linux does
        t->sig_blocked |= act.mask;
        if (!(act.flags & SA_NODEFER))
            t->sig_blocked |= SIGBIT(sig);
        t->sig_blocked &= ~SIG_UNBLOCKABLE;
    }
    if (restart)
        restart_without_handler(frame, nr, r);
    if (t->sig_restore) {
        t->sig_blocked = t->sig_saved;
        t->sig_restore = false;
    }
}
return_hook(10, signal_deliver);
// [deliver]
