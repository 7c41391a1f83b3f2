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
 * Root's power itself is a set of capabilities, one bit per privilege
 * (CAP_SETUID, CAP_KILL, CAP_DAC_OVERRIDE, ...), and every check asks
 * capable() for the one it needs, not whether the uid is 0. A process has
 * three sets: effective (what it may do now), permitted (what it may put
 * into effective) and inheritable. They follow the uids as Linux's do
 * when no file carries capabilities:
 *
 * @verbatim
 *   init                      effective = permitted = all
 *   setuid family:
 *     some uid was 0, none is now   permitted = effective = none
 *     euid 0 -> not 0               effective = none
 *     euid not 0 -> 0               effective = permitted
 *   execve: uid or euid 0     permitted = all; effective = all if euid 0
 *           otherwise         permitted = effective = none
 *   capset: may only drop bits (effective within permitted)
 * @endverbatim
 *
 * So a root program may drop a privilege with capset and keep the rest,
 * and a program that dropped its uids lost them all.
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
    p->cred.cap_effective = p->cred.cap_permitted = CAP_FULL_SET;
}

/*
 * execve: the capabilities a program starts with, from its uids (Linux's
 * cap_bprm_creds_from_file() for a file without capabilities): root's
 * program gets every capability back, even those it had dropped; anyone
 * else's gets none. The inheritable set stays.
 */
static void
cred_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    struct cred *c = &p->cred;
    bool root = c->uid == 0 || c->euid == 0;
    c->cap_permitted = root ? CAP_FULL_SET : 0;
    c->cap_effective = c->euid == 0 ? c->cap_permitted : 0;
}

proc_hooks(30, cred, .alloc = cred_init, .exec = cred_exec);

/**
 * @brief Does @p c hold capability @p cap in its effective set?
 * @param c   a process's credentials
 * @param cap a CAP_* number
 * @return true when the privilege is there
 */
bool
cred_capable(const struct cred *c, int cap)
{
    return (c->cap_effective >> cap) & 1;
}

/**
 * @brief May the current process use privilege @p cap (Linux's capable())?
 *
 * The kernel's own threads, at boot before init, may do anything.
 * @param cap a CAP_* number
 * @return true when it may
 */
bool
capable(int cap)
{
    struct proc *p = proc_current();
    return p == NULL || cred_capable(&p->cred, cap);
}

/* May an unprivileged process take @p v (-1: unchanged) as an id, given
 * its three current ids? */
static bool
id_allowed(long v, const uint32_t ids[3])
{
    return v == -1 || v == ids[0] || v == ids[1] || v == ids[2];
}

/* setresuid's rule on one triple (real, effective, saved) @p ids; @p cap
 * (CAP_SETUID or CAP_SETGID) lets a process take any id. */
static int
set_triple(uint32_t *ids[3], long r, long e, long s, int cap)
{
    const uint32_t now[3] = {*ids[0], *ids[1], *ids[2]};
    const long want[3] = {r, e, s};
    for (int i = 0; i < 3; i++) {
        if (want[i] < -1 || want[i] > 0xfffffffeL)
            return -EINVAL;
    }
    if (!capable(cap)) {
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
    const struct cred old = *c;
    int err = set_triple(ids, r, e, s, CAP_SETUID);
    if (err < 0)
        return err;
    // [caps_setuid]
    // the capabilities follow the uids (Linux's cap_emulate_setxuid())
    bool had_root = old.uid == 0 || old.euid == 0 || old.suid == 0;
    if (had_root && c->uid != 0 && c->euid != 0 && c->suid != 0)
        c->cap_permitted = c->cap_effective = 0;
    if (old.euid == 0 && c->euid != 0)
        c->cap_effective = 0;
    if (old.euid != 0 && c->euid == 0)
        c->cap_effective = c->cap_permitted;
    // [caps_setuid]
    return 0;
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
    return set_triple(ids, r, e, s, CAP_SETGID);
}

/**
 * @brief capset's rules (Linux's cap_capset()): set the current process's
 *        three capability sets.
 *
 * A process may only lower its permitted set, must keep effective within
 * the new permitted set, and may add to the inheritable set only what it
 * holds in permitted (or anything, with CAP_SETPCAP; never a capability
 * Linux does not know).
 * @param effective   the new effective set
 * @param permitted   the new permitted set
 * @param inheritable the new inheritable set
 * @return 0, or -EPERM for a set the rules refuse (nothing changed)
 */
int
cred_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable)
{
    struct cred *c = &proc_current()->cred;
    uint64_t may_inherit = c->cap_inheritable | c->cap_permitted;
    if (cred_capable(c, CAP_SETPCAP))
        may_inherit = CAP_FULL_SET;
    if ((inheritable & ~may_inherit) || (permitted & ~c->cap_permitted) ||
        (effective & ~permitted))
        return -EPERM;
    c->cap_effective = effective;
    c->cap_permitted = permitted;
    c->cap_inheritable = inheritable;
    return 0;
}
