/**
 * @file
 * @ingroup proc
 * @brief User and group ids: who a process is, and what it may do.
 *
 * Linux gives each process three user ids: the real one (who started it),
 * the effective one (whose rights it uses) and the saved one (a right it
 * may take back), and the same three for groups. Root (effective uid 0)
 * may set them to anything; any other process may only move them among
 * the values it already has, so a program that dropped root cannot get
 * it back. Keel starts init as root; fork copies the ids and execve keeps
 * them (there are no set-user-id files).
 *
 * Resource limits are in kernel/proc/rlimit.c, CPU time in cputime.c.
 *
 * Locking: only a process's own thread changes its ids, and
 * each process has one thread, so none is needed.
 */
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/**
 * @brief Start a new process as root.
 *
 * fork then replaces both with the parent's (kernel/proc/clone.c), so
 * only init keeps these.
 * @param p      the process, fresh from proc_alloc
 * @param parent its parent, or NULL for init (unused)
 */
static void
cred_init(struct proc *p, struct proc *parent)
{
    (void)parent;
    memset(&p->cred, 0, sizeof(p->cred));
}

proc_hooks(30, cred, .alloc = cred_init);

/**
 * @brief Is the current process privileged (effective uid 0)?
 * @return true for root
 */
bool
cred_is_root(void)
{
    return proc_current()->cred.euid == 0;
}

/* May an unprivileged process take @p v (-1: unchanged) as an id, given
 * its three current ids? */
static bool
id_allowed(long v, const uint32_t ids[3])
{
    return v == -1 || v == ids[0] || v == ids[1] || v == ids[2];
}

/* setresuid's rule on one triple (real, effective, saved) @p ids. */
static int
set_triple(uint32_t *ids[3], long r, long e, long s)
{
    const uint32_t now[3] = {*ids[0], *ids[1], *ids[2]};
    const long want[3] = {r, e, s};
    for (int i = 0; i < 3; i++) {
        if (want[i] < -1 || want[i] > 0xfffffffeL)
            return -EINVAL;
    }
    if (!cred_is_root()) {
        for (int i = 0; i < 3; i++) {
            if (!id_allowed(want[i], now))
                return -EPERM;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (want[i] != -1)
            *ids[i] = (uint32_t)want[i];
    }
    return 0;
}

/**
 * @brief setresuid(r, e, s): set the real, effective and saved user ids.
 *
 * setuid and setreuid are expressed through this (kernel/syscalls/cred.c).
 * @param r the new real uid, -1 to keep it
 * @param e the new effective uid, -1 to keep it
 * @param s the new saved uid, -1 to keep it
 * @return 0; -EPERM when a non-root process asks for an id it does not
 *         hold; -EINVAL for an id out of range
 */
int
cred_setresuid(long r, long e, long s)
{
    struct cred *c = &proc_current()->cred;
    uint32_t *ids[3] = {&c->uid, &c->euid, &c->suid};
    return set_triple(ids, r, e, s);
}

/**
 * @brief setresgid(r, e, s): the same for the group ids.
 * @param r the new real gid, -1 to keep it
 * @param e the new effective gid, -1 to keep it
 * @param s the new saved gid, -1 to keep it
 * @return 0; -EPERM; -EINVAL
 */
int
cred_setresgid(long r, long e, long s)
{
    struct cred *c = &proc_current()->cred;
    uint32_t *ids[3] = {&c->gid, &c->egid, &c->sgid};
    return set_triple(ids, r, e, s);
}
