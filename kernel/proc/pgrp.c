/**
 * @file
 * @ingroup proc
 * @brief Process groups and sessions.
 *
 * A process group is the set of processes a shell starts for one command
 * line (a pipeline): the terminal sends ^C's SIGINT to a whole group, and
 * kill(-pgid) reaches all of it. A session is the set of groups started
 * from one login (one terminal). Both are just numbers in struct proc:
 * the pid of the process that made the group (its leader) or the session.
 * Init is its own group and session; fork inherits both; setsid starts a
 * new session and group; setpgid moves a process between the groups of
 * its session.
 *
 * Locking: pgid and sid under proc_table_lock().
 */
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "uapi/errno.h"

/* Is some process of session @p sid in group @p pgid? @pre table locked */
static bool
group_exists(int pgid, int sid)
{
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (q->pgid == pgid && q->sid == sid)
            return true;
    }
    return false;
}

/* The setpgid rules for @p self moving @p p to @p pgid. @pre locked */
static int
setpgid_check(struct proc *self, struct proc *p, int pgid)
{
    if (p == NULL || (p != self && p->parent != self))
        return -ESRCH; // only oneself and one's own children
    if (p != self && p->sid != self->sid)
        return -EPERM;
    if (p != self && p->execed)
        return -EACCES; // a child that has run execve is out of reach
    if (p->sid == p->pid)
        return -EPERM; // a session leader stays where it is
    if (pgid != p->pid && !group_exists(pgid, self->sid))
        return -EPERM; // join a group of our session, or make one
    return 0;
}

/**
 * @brief setpgid: put process @p pid into group @p pgid.
 * @param pid  the caller or one of its children (0: the caller)
 * @param pgid an existing group of the caller's session, or the process's
 *             own pid for a new group (0: that pid)
 * @return 0; -EINVAL (negative pgid); -ESRCH (not us, not our child);
 *         -EPERM (other session, a session leader, no such group);
 *         -EACCES (the child has called execve)
 */
int
pgrp_setpgid(int pid, int pgid)
{
    struct proc *self = proc_current();
    // Linux's order: 0 names the caller, a pgid of 0 the process itself,
    // and only then is a negative pgid (setpgid(-1, 0) too) -EINVAL
    if (pid == 0)
        pid = self->pid;
    if (pgid == 0)
        pgid = pid;
    if (pgid < 0)
        return -EINVAL;
    if (pid < 0)
        return -ESRCH;
    irqflags_t flags = proc_table_lock();
    struct proc *p = proc_find_locked(pid);
    int err = setpgid_check(self, p, pgid);
    if (err == 0)
        p->pgid = pgid;
    proc_table_unlock(flags);
    return err;
}

/* The pgid (or sid) of process @p pid (0: the caller), or -ESRCH. */
static int
get_id(int pid, bool sid)
{
    struct proc *self = proc_current();
    if (pid < 0)
        return -ESRCH;
    irqflags_t flags = proc_table_lock();
    struct proc *p = pid == 0 ? self : proc_find_locked(pid);
    int r = p == NULL ? -ESRCH : sid ? p->sid : p->pgid;
    proc_table_unlock(flags);
    return r;
}

/**
 * @brief getpgid: the group of @p pid.
 * @param pid a process (0: the caller)
 * @return the group; -ESRCH
 */
int
pgrp_getpgid(int pid)
{
    return get_id(pid, false);
}

/**
 * @brief getsid: the session of @p pid.
 * @param pid a process (0: the caller)
 * @return the session; -ESRCH
 */
int
pgrp_getsid(int pid)
{
    return get_id(pid, true);
}

/**
 * @brief setsid: the caller leads a new session and a new group.
 * @return the new session id (the caller's pid); -EPERM when a group
 *         with the caller's pid exists (it leads one already)
 */
int
pgrp_setsid(void)
{
    struct proc *self = proc_current();
    irqflags_t flags = proc_table_lock();
    int r = self->pid;
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (q->pgid == self->pid)
            r = -EPERM;
    }
    if (r > 0)
        self->pgid = self->sid = self->pid;
    proc_table_unlock(flags);
    return r;
}
