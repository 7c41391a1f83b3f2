/**
 * @file
 * @ingroup proc
 * @brief Job control: stopping and continuing processes, orphaned groups.
 *
 * A shell runs each command line as a process group and keeps at most one
 * of them in the terminal's foreground. ^Z stops the foreground group
 * (SIGTSTP), `bg` and `fg` continue it (SIGCONT), and the shell learns of
 * every stop and continue from wait4 with WUNTRACED and WCONTINUED. This
 * file holds the process side of that dance; the terminal side (who is
 * in the foreground, SIGTTIN and SIGTTOU for the others) is in kernel/tty.
 *
 * A process group is **orphaned** when no member has a parent in another
 * group of the same session: nobody is left who could continue it (its
 * shell is gone). A stopped orphaned group would sleep forever, so POSIX
 * has the kernel send it SIGHUP and SIGCONT, and stop signals from the
 * terminal are not acted on in orphaned groups.
 *
 * Locking: everything here runs under proc_table_lock(), which protects
 * every process's group, session, parent and signal state.
 */
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/sync.h"
#include "uapi/errno.h"
#include "uapi/wait.h"

/**
 * Kernel-internal answer of the wait_check hook: a child has news for
 * jobctl_wait(); it ends proc_wait4() and never reaches a program.
 */
#define EJOBNEWS 1024

/**
 * @brief Is process group @p pgid orphaned, leaving @p ignore out?
 *
 * As Linux's will_become_orphaned_pgrp(): the group is orphaned unless a
 * live member other than @p ignore has a parent that is not init, is in
 * another group, and is in the same session. An exiting @p ignore is no
 * such parent either: its children are about to become init's. An empty
 * group counts as orphaned.
 * @param pgid   the group
 * @param ignore a process to leave out (one that is exiting), or NULL
 * @return true when orphaned
 * @pre proc_table_lock() held
 */
bool
jobctl_pgrp_orphaned_locked(int pgid, const struct proc *ignore)
{
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (q == ignore || q->pgid != pgid || q->state == PROC_ZOMBIE)
            continue;
        struct proc *parent = q->parent;
        if (parent != NULL && parent != ignore && parent->pid != 1 &&
            parent->pgid != pgid && parent->sid == q->sid)
            return false;
    }
    return true;
}

/**
 * @brief Is process group @p pgid orphaned? (For the terminal's checks.)
 * @param pgid the group
 * @return true when orphaned (or empty)
 */
bool
jobctl_pgrp_orphaned(int pgid)
{
    irqflags_t flags = proc_table_lock();
    bool orphaned = jobctl_pgrp_orphaned_locked(pgid, NULL);
    proc_table_unlock(flags);
    return orphaned;
}

/**
 * @brief Does the current thread block or ignore @p sig?
 *
 * The terminal asks before sending SIGTTIN or SIGTTOU to a background
 * process: a process that blocks or ignores the signal is let through
 * (a write) or told -EIO (a read), as Linux's tty layer does.
 * @param sig the signal
 * @return true when blocked by the thread or set to SIG_IGN
 */
bool
signal_ignored_or_blocked(int sig)
{
    struct proc *p = proc_current();
    if (thread_current()->sig_blocked & SIGBIT(sig))
        return true;
    irqflags_t flags = proc_table_lock();
    bool ignored = p->sig.action[sig].handler == SIG_IGN;
    proc_table_unlock(flags);
    return ignored;
}

/* Does group @p pgid have a stopped member? @pre table locked */
static bool
has_stopped_jobs(int pgid)
{
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (q->pgid == pgid && q->stopped)
            return true;
    }
    return false;
}

/*
 * Tell @p p's parent that @p p stopped or continued: the news waits for
 * its wait4 (WUNTRACED, WCONTINUED), and SIGCHLD with @p why as si_code
 * unless the parent asked for none (SA_NOCLDSTOP). @pre table locked
 */
static void
notify_parent(struct proc *p, int why, int sig)
{
    struct proc *parent = p->parent;
    p->jobctl_news = why;
    if (parent == NULL)
        return;
    if (!(parent->sig.action[SIGCHLD].flags & SA_NOCLDSTOP)) {
        struct sig_info info;
        siginfo_child(&info, p);
        info.code = why;
        info.status = sig;
        signal_send(parent, SIGCHLD, &info);
    }
    wait_queue_wake_all(&parent->child_exit);
}

/**
 * @brief What sending @p sig does before it is even pending: job control.
 *
 * SIGCONT continues a stopped process, whatever its action (a handler
 * runs too, once it is delivered), and discards the stop signals that
 * are pending; a stop signal discards a pending SIGCONT. So the last of
 * "stop" and "continue" sent wins, as POSIX asks.
 * @param p   the target
 * @param sig the signal being sent
 * @pre proc_table_lock() held
 */
void
jobctl_signal_sent(struct proc *p, int sig)
{
    if (SIGBIT(sig) & SIG_DEFAULT_STOP) {
        p->sig.pending &= ~SIGBIT(SIGCONT);
        return;
    }
    if (sig != SIGCONT)
        return;
    p->sig.pending &= ~SIG_DEFAULT_STOP;
    if (!p->stopped)
        return;
    p->stopped = false;
    notify_parent(p, CLD_CONTINUED, SIGCONT);
    if (p->thread != NULL)
        sched_wake(p->thread);
}

/**
 * @brief The default action of a stop signal: stop until SIGCONT.
 *
 * Called by signal_deliver() on the way back to user mode. The process
 * tells its parent (SIGCHLD, wait4's WUNTRACED) and sleeps until SIGCONT
 * clears `stopped` (jobctl_signal_sent()) or SIGKILL arrives; other
 * signals stay pending meanwhile. A system call that was interrupted on
 * the way is then made again, because no handler ran (signal_deliver()
 * sees to that). SIGTSTP, SIGTTIN and SIGTTOU do not stop a process of an
 * orphaned group: nobody could continue it, so the signal is dropped, as
 * on Linux.
 * @param sig SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU
 * @pre interrupts off (the return path); no lock held
 */
// [stop]
void
jobctl_stop(int sig)
{
    struct proc *p = proc_current();
    struct thread *t = thread_current();
    irqflags_t flags = proc_table_lock();
    if (sig != SIGSTOP && jobctl_pgrp_orphaned_locked(p->pgid, NULL)) {
        proc_table_unlock(flags);
        return;
    }
    p->stopped = true;
    p->stop_sig = sig;
    notify_parent(p, CLD_STOPPED, sig);
    while (p->stopped && !(p->sig.pending & SIGBIT(SIGKILL))) {
        t->state = THREAD_SLEEPING; // SIGCONT or SIGKILL wakes us
        proc_table_unlock(flags);
        schedule();
        flags = proc_table_lock();
    }
    proc_table_unlock(flags);
}
// [stop]

/* Does wait4's @p pid select child @p c of @p self? */
static bool
wait_selects(const struct proc *self, const struct proc *c, int pid)
{
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == self->pgid;
    return pid == -1 || c->pgid == -pid;
}

/*
 * Find a child of @p self with news its wait asks for (self->jobwait):
 * a stop not yet reported (WUNTRACED) or a continue (WCONTINUED). The
 * news is taken unless WNOWAIT. @pre table locked
 */
static bool
find_news(struct proc *self)
{
    int options = self->jobwait.options;
    struct list_node *n;
    list_for_each(n, &self->children)
    {
        struct proc *c = list_entry(n, struct proc, sibling);
        if (c->state == PROC_ZOMBIE ||
            !wait_selects(self, c, self->jobwait.pid))
            continue;
        int status;
        if (c->jobctl_news == CLD_STOPPED && c->stopped &&
            (options & WUNTRACED))
            status = (c->stop_sig << 8) | 0x7f;
        else if (c->jobctl_news == CLD_CONTINUED && (options & WCONTINUED))
            status = 0xffff;
        else
            continue;
        if (!(options & PROC_WNOWAIT))
            c->jobctl_news = 0;
        self->jobwait.found = c->pid;
        self->jobwait.status = status;
        self->jobwait.uid = c->cred.uid;
        return true;
    }
    return false;
}

/* The wait_check hook: end proc_wait4()'s sleep when a child has news. */
static int
jobctl_wait_check(struct proc *self)
{
    if (self->jobwait.options == 0)
        return 0;
    return find_news(self) ? -EJOBNEWS : 0;
}

/* waitid without WEXITED: sleep until a selected child has news of a
 * stop or continue, leaving zombies alone. A zombie is then no child to
 * wait for: with only zombies selected the answer is -ECHILD, as Linux's
 * do_wait gives (it clears its "no task" error only for live children).
 * 0 with @p nohang and no news; -EJOBNEWS with the news in
 * self->jobwait; -ECHILD; -ERESTARTSYS.
 * @pre self->jobwait set up; table unlocked */
static int
wait_news_only(struct proc *self, int pid, bool nohang)
{
    irqflags_t flags = proc_table_lock();
    int r;
    for (;;) {
        bool any = false;
        struct list_node *n;
        list_for_each(n, &self->children)
        {
            const struct proc *c = list_entry(n, struct proc, sibling);
            any =
                any || (c->state != PROC_ZOMBIE && wait_selects(self, c, pid));
        }
        if (!any) {
            r = -ECHILD;
            break;
        }
        // the wait_check hooks: this file's news, and a pending signal
        r = proc_hooks_wait_check(self);
        if (r < 0 || nohang)
            break;
        proc_table_sleep(&self->child_exit, &flags);
    }
    proc_table_unlock(flags);
    return r;
}

/**
 * @brief wait4 and waitid with job control: exits, stops and continues.
 *
 * Exits are proc_wait4()'s (or proc_waitid()'s) business. This adds the
 * news of stopped (WUNTRACED) and continued (WCONTINUED) children: they
 * are looked for first, and again each time the wait is about to sleep
 * (the wait_check hook below, run under the table lock that a stopping or
 * continuing child takes to post its news), so none is missed.
 * @param pid     as wait4's: a child, -1 any, 0 our group, < -1 a group
 * @param options WNOHANG, WUNTRACED, WCONTINUED, PROC_WNOWAIT, and
 *                JOBCTL_WNOEXIT (no exits: waitid without WEXITED)
 * @param status  receives the status word: (sig << 8) | 0x7f for a stop,
 *                0xffff for a continue, or the exit status
 * @param uid     NULL for wait4; for waitid receives the child's real uid
 *                (and an exited child is found through proc_waitid())
 * @return the child's pid; 0 (WNOHANG, no news); -ECHILD; -ERESTARTSYS
 */
int
jobctl_wait(int pid, int options, int *status, uint32_t *uid)
{
    struct proc *self = proc_current();
    irqflags_t flags = proc_table_lock();
    self->jobwait.pid = pid;
    self->jobwait.options = options & (WUNTRACED | WCONTINUED | PROC_WNOWAIT);
    if (!(options & (WUNTRACED | WCONTINUED)))
        self->jobwait.options = 0;
    bool news = self->jobwait.options != 0 && find_news(self);
    proc_table_unlock(flags);
    int r = -EJOBNEWS;
    if (!news && (options & JOBCTL_WNOEXIT))
        r = wait_news_only(self, pid, options & WNOHANG);
    else if (!news && uid != NULL)
        r = proc_waitid(pid, options & PROC_WNOWAIT, options & WNOHANG, status,
                        uid);
    else if (!news)
        r = proc_wait4(pid, status, options & (WNOHANG | PROC_WNOWAIT));
    flags = proc_table_lock();
    self->jobwait.options = 0;
    if (r == -EJOBNEWS) {
        r = self->jobwait.found;
        *status = self->jobwait.status;
        if (uid != NULL)
            *uid = self->jobwait.uid;
    }
    proc_table_unlock(flags);
    return r;
}

/* Send SIGHUP, then SIGCONT, to group @p pgid. @pre table locked */
static void
hangup_group(int pgid)
{
    struct sig_info info = {.code = SI_KERNEL};
    signal_send_group_locked(pgid, SIGHUP, &info, NULL);
    signal_send_group_locked(pgid, SIGCONT, &info, NULL);
}

/* Would @p p's exit orphan group @p pgid, which has stopped members? Its
 * link to the group is @p inside (p itself, or a child of p). */
static bool
exit_orphans(struct proc *p, const struct proc *inside, int pgid)
{
    const struct proc *outside = inside == p ? p->parent : p;
    return outside != NULL && outside->pgid != pgid &&
           outside->sid == inside->sid &&
           jobctl_pgrp_orphaned_locked(pgid, p) && has_stopped_jobs(pgid);
}

/*
 * The exit hook: a process that ends may orphan its own group (it was
 * the group's last link to a parent outside it) or the groups of its
 * children (it was their link). A group orphaned with stopped members
 * would sleep forever: it gets SIGHUP and SIGCONT (POSIX; Linux's
 * kill_orphaned_pgrp()).
 */
static void
jobctl_exit(struct proc *p)
{
    irqflags_t flags = proc_table_lock();
    if (exit_orphans(p, p, p->pgid))
        hangup_group(p->pgid);
    struct list_node *n;
    list_for_each(n, &p->children)
    {
        struct proc *c = list_entry(n, struct proc, sibling);
        if (c->pgid != p->pgid && exit_orphans(p, c, c->pgid))
            hangup_group(c->pgid);
    }
    proc_table_unlock(flags);
}

proc_hooks(45, jobctl, .exit = jobctl_exit, .wait_check = jobctl_wait_check);
