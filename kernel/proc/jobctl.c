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
#include "kernel/signal.h"

/**
 * @brief Is process group @p pgid orphaned, leaving @p ignore out?
 *
 * As Linux's will_become_orphaned_pgrp(): the group is orphaned unless a
 * live member other than @p ignore has a parent that is not init, is in
 * another group, and is in the same session. An empty group counts as
 * orphaned.
 * @param pgid   the group
 * @param ignore a process to leave out (one that is exiting), or NULL
 * @return true when orphaned
 * @pre proc_table_lock() held
 */
bool
jobctl_pgrp_orphaned_locked(int pgid, const struct proc *ignore)
{
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc *q = proc_table_at(i);
        if (q == NULL || q == ignore || q->pgid != pgid ||
            q->state == PROC_ZOMBIE)
            continue;
        struct proc *parent = q->parent;
        if (parent != NULL && parent->pid != 1 && parent->pgid != pgid &&
            parent->sid == q->sid)
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
