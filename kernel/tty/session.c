/**
 * @file
 * @ingroup tty
 * @brief The controlling terminal: which session owns which terminal.
 *
 * A session (the processes of one login) has at most one controlling
 * terminal, and a terminal belongs to at most one session. Keel stores
 * the link on the terminal side only, as tty->session, and finds a
 * process's controlling terminal by looking its session id up in the
 * registry of terminals (tty_ctty_locked()); so setsid(), which makes a
 * new session id, leaves the caller with no controlling terminal, and
 * fork() passes it on for free. Linux keeps both directions
 * (tty->session and signal->tty); the rules here are Linux's
 * (drivers/tty/tty_jobctrl.c):
 *
 * - a session leader without a terminal acquires one by opening a
 *   terminal that has no session without O_NOCTTY (not /dev/console, nor
 *   a pty master), or with TIOCSCTTY (only root may steal a terminal
 *   from another session, with argument 1);
 * - the terminal's foreground process group (tty->pgrp) gets the
 *   signals typed at it, and is the one group that may read from it;
 *   a process of another group that reads gets SIGTTIN, one that writes
 *   with TOSTOP set or changes the settings gets SIGTTOU
 *   (tty_check_change());
 * - the session loses its terminal when its leader exits or gives it up
 *   (TIOCNOTTY): the foreground group gets SIGHUP and SIGCONT. A hang-up
 *   (the master of a pty closed) ends the link too.
 *
 * Locking: tty_table_lock guards the registry; tty->session and
 * tty->pgrp change only with both tty_table_lock and tty->lock held, so
 * either lock is enough to read them. Order: tty_table_lock, then
 * tty->lock. Signals are sent with neither held.
 */
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/tty.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

/** Guards the registry below and the drivers' open counts. */
struct spinlock tty_table_lock = SPINLOCK_INIT("tty table");
/** Every terminal that exists: the console and the ptys. */
static struct tty *tty_table[TTY_MAX];

/**
 * @brief Add @p tty to the registry (so a session can find it).
 * @param tty the terminal
 * @return 0, or -ENOSPC when TTY_MAX terminals exist
 */
int
tty_add(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    for (int i = 0; i < TTY_MAX; i++) {
        if (tty_table[i] == NULL) {
            tty_table[i] = tty;
            spin_unlock_irqrestore(&tty_table_lock, flags);
            return 0;
        }
    }
    spin_unlock_irqrestore(&tty_table_lock, flags);
    return -ENOSPC;
}

/**
 * @brief Take @p tty out of the registry (a pty pair being freed).
 * @param tty the terminal
 */
void
tty_remove(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    for (int i = 0; i < TTY_MAX; i++)
        if (tty_table[i] == tty)
            tty_table[i] = NULL;
    spin_unlock_irqrestore(&tty_table_lock, flags);
}

/**
 * @brief The controlling terminal of session @p sid.
 * @param sid a session id (0: none)
 * @return the terminal, or NULL
 * @pre tty_table_lock held
 */
struct tty *
tty_ctty_locked(int sid)
{
    for (int i = 0; sid > 0 && i < TTY_MAX; i++)
        if (tty_table[i] != NULL && tty_table[i]->session == sid)
            return tty_table[i];
    return NULL;
}

/**
 * @brief /dev/tty: the caller's controlling terminal, with a reference.
 * @param out set to the terminal; the driver's get() has counted the
 *            new file
 * @return 0; -ENXIO when the caller has no controlling terminal; the
 *         driver's get() errors
 */
int
tty_get_ctty(struct tty **out)
{
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    struct tty *tty = tty_ctty_locked(proc_current()->sid);
    int err = tty == NULL ? -ENXIO : 0;
    if (err == 0 && tty->driver != NULL && tty->driver->get != NULL)
        err = tty->driver->get(tty);
    spin_unlock_irqrestore(&tty_table_lock, flags);
    *out = tty;
    return err;
}

/**
 * @brief Is @p tty the calling process's controlling terminal?
 * @param tty the terminal
 * @return true when the caller's session owns it
 */
bool
tty_is_ctty(struct tty *tty)
{
    int sid = proc_current()->sid;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    bool mine = sid > 0 && tty->session == sid;
    spin_unlock_irqrestore(&tty->lock, flags);
    return mine;
}

/* Make @p tty the controlling terminal of the caller's session, its
 * group the foreground. @pre tty_table_lock held */
static void
set_ctty_locked(struct tty *tty, struct proc *p)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    tty->session = p->sid;
    tty->pgrp = p->pgid;
    spin_unlock_irqrestore(&tty->lock, flags);
}

// [tty_open_ctty]
/**
 * @brief An open of @p tty: a session leader without a terminal gets it.
 *
 * As Linux's tty_open_proc_set_tty(): only without O_NOCTTY, only a
 * session leader without a controlling terminal, only a terminal no
 * session has. The caller leaves out /dev/console and pty masters.
 * @param tty   the terminal just opened
 * @param oflags the open's flags
 */
void
tty_open_ctty(struct tty *tty, unsigned oflags)
{
    struct proc *p = proc_current();
    if ((oflags & O_NOCTTY) || p->sid != p->pid)
        return;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    if (tty_ctty_locked(p->sid) == NULL && tty->session == 0 && !tty->hungup)
        set_ctty_locked(tty, p);
    spin_unlock_irqrestore(&tty_table_lock, flags);
}
// [tty_open_ctty]

/**
 * @brief TIOCSCTTY: make @p tty the caller's controlling terminal.
 *
 * The caller must be a session leader without one (asking again for the
 * terminal it has is fine); a terminal of another session is taken only
 * by root with @p steal = 1, as Linux's tiocsctty().
 * @param tty   the terminal
 * @param steal the ioctl's argument
 * @return 0; -EPERM
 */
int
tty_set_ctty(struct tty *tty, int steal)
{
    struct proc *p = proc_current();
    int err = 0;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    if (p->sid == p->pid && tty->session == p->sid)
        goto out; // ours already
    if (p->sid != p->pid || tty_ctty_locked(p->sid) != NULL) {
        err = -EPERM;
        goto out;
    }
    if (tty->session != 0 && !(steal == 1 && capable(CAP_SYS_ADMIN))) {
        err = -EPERM;
        goto out;
    }
    set_ctty_locked(tty, p);
out:
    spin_unlock_irqrestore(&tty_table_lock, flags);
    return err;
}

/* The session lets go of @p tty: the foreground group, returned, gets
 * the hang-up signals. @pre tty_table_lock held */
static int
release_locked(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    int pgrp = tty->pgrp;
    tty->session = 0;
    tty->pgrp = 0;
    spin_unlock_irqrestore(&tty->lock, flags);
    return pgrp;
}

/* SIGHUP, then SIGCONT (a stopped job must run to see it), to @p pgrp. */
static void
hangup_signals(int pgrp)
{
    if (pgrp <= 0)
        return;
    signal_send_pgrp(pgrp, SIGHUP);
    signal_send_pgrp(pgrp, SIGCONT);
}

/**
 * @brief TIOCNOTTY: give up the controlling terminal.
 *
 * A session leader's whole session loses it, and the foreground group
 * gets SIGHUP and SIGCONT (Linux's disassociate_ctty(0)). Another member
 * cannot leave alone here (the link is the session's), so for it this
 * does nothing.
 * @param tty the terminal the ioctl came through
 * @return 0; -ENOTTY when it is not the caller's controlling terminal
 */
int
tty_drop_ctty(struct tty *tty)
{
    struct proc *p = proc_current();
    if (!tty_is_ctty(tty))
        return -ENOTTY;
    if (p->sid != p->pid)
        return 0;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    int pgrp = tty->session == p->sid ? release_locked(tty) : 0;
    spin_unlock_irqrestore(&tty_table_lock, flags);
    hangup_signals(pgrp);
    return 0;
}

/* Which session group @p pgrp is in: 0 when no process is in it. */
static int
session_of_pgrp(int pgrp)
{
    int sid = 0;
    irqflags_t flags = proc_table_lock();
    for (struct proc *q = proc_next(NULL); q != NULL && sid == 0;
         q = proc_next(q)) {
        if (q->pgid == pgrp && q->state != PROC_ZOMBIE)
            sid = q->sid;
    }
    proc_table_unlock(flags);
    return sid;
}

/**
 * @brief TIOCSPGRP: make @p pgrp the foreground group of @p tty.
 * @param tty  the caller's controlling terminal
 * @param pgrp a group of the caller's session
 * @return 0; -ENOTTY (not the controlling terminal); -EINVAL (negative);
 *         -ESRCH (no such group); -EPERM (a group of another session)
 */
int
tty_set_pgrp(struct tty *tty, int pgrp)
{
    int sid = proc_current()->sid;
    if (!tty_is_ctty(tty))
        return -ENOTTY;
    if (pgrp < 0)
        return -EINVAL;
    int its = pgrp == 0 ? 0 : session_of_pgrp(pgrp);
    if (its == 0)
        return -ESRCH;
    if (its != sid)
        return -EPERM;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    irqflags_t f2 = spin_lock_irqsave(&tty->lock);
    if (tty->session == sid)
        tty->pgrp = pgrp;
    spin_unlock_irqrestore(&tty->lock, f2);
    spin_unlock_irqrestore(&tty_table_lock, flags);
    return 0;
}

// [tty_check_change]
/**
 * @brief May the caller use its controlling terminal @p tty in a way only
 *        the foreground group may (read; write with TOSTOP; settings)?
 *
 * Linux's __tty_check_change(): a process of a background group gets
 * @p sig (SIGTTIN or SIGTTOU) sent to its whole group, and the system call
 * is restarted once the group is continued. A process that blocks or
 * ignores the signal is let through, except that a read fails with
 * -EIO; so does anything from an orphaned group, which nobody would
 * continue.
 * @param tty the terminal
 * @param sig SIGTTIN (a read) or SIGTTOU
 * @return 0 (go on); -ERESTARTSYS (signal sent); -EIO
 */
int
tty_check_change(struct tty *tty, int sig)
{
    struct proc *p = proc_current();
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    bool mine = p->sid > 0 && tty->session == p->sid;
    int pgrp = tty->pgrp;
    spin_unlock_irqrestore(&tty->lock, flags);
    if (!mine || pgrp == 0 || pgrp == p->pgid)
        return 0;
    if (signal_ignored_or_blocked(sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (jobctl_pgrp_orphaned(p->pgid))
        return -EIO;
    signal_send_pgrp(p->pgid, sig);
    return -ERESTARTSYS;
}
// [tty_check_change]

/**
 * @brief Hang @p tty up: its session loses it, reads end, writes fail.
 *
 * What happens to a pty's slave when the last master file closes (the
 * modem line dropped, in the days of serial terminals). The session
 * leader and the foreground group get SIGHUP and SIGCONT; from now on a
 * read returns 0 and a write -EIO.
 * @param tty the terminal
 */
void
tty_hangup(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    int sid = tty->session;
    int pgrp = release_locked(tty);
    irqflags_t f2 = spin_lock_irqsave(&tty->lock);
    tty->hungup = true;
    spin_unlock_irqrestore(&tty->lock, f2);
    spin_unlock_irqrestore(&tty_table_lock, flags);
    wait_queue_wake_all(&tty->readers);
    wait_queue_wake_all(&tty->writers);
    wait_queue_wake_all(&tty->room);
    hangup_signals(pgrp);
    if (sid != pgrp) // the leader's group: a leader never leaves it
        hangup_signals(sid);
}

/**
 * @brief What /proc/PID/stat says of session @p sid's terminal.
 * @param sid  the session
 * @param rdev set to the terminal's device number
 * @param pgrp set to its foreground group (0: none)
 * @return true when the session has a controlling terminal
 */
bool
tty_ctty_info(int sid, uint64_t *rdev, int *pgrp)
{
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    struct tty *tty = tty_ctty_locked(sid);
    if (tty != NULL) {
        *rdev = tty->rdev;
        *pgrp = tty->pgrp;
    }
    spin_unlock_irqrestore(&tty_table_lock, flags);
    return tty != NULL;
}

/* A session leader exits: its session loses the terminal, and the
 * foreground group gets SIGHUP and SIGCONT (Linux's disassociate_ctty). */
static void
tty_proc_exit(struct proc *p)
{
    if (p->sid != p->pid)
        return;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    struct tty *tty = tty_ctty_locked(p->sid);
    int pgrp = tty != NULL ? release_locked(tty) : 0;
    spin_unlock_irqrestore(&tty_table_lock, flags);
    hangup_signals(pgrp);
}
proc_hooks(60, tty, .exit = tty_proc_exit);
