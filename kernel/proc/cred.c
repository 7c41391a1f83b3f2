/**
 * @file
 * @ingroup proc
 * @brief User and group ids, resource limits and CPU-time accounting.
 *
 * Linux gives each process three user ids: the real one (who started it),
 * the effective one (whose rights it uses) and the saved one (a right it
 * may take back), and the same three for groups. Root (effective uid 0)
 * may set them to anything; any other process may only move them among
 * the values it already has, so a program that dropped root cannot get
 * it back. Keel starts init as root; fork copies the ids and execve keeps
 * them (there are no set-user-id files).
 *
 * Resource limits are per process too: a soft limit the kernel enforces
 * and a hard limit, the soft one's ceiling, that only root may raise.
 * The defaults are Linux's.
 *
 * Locking: only a process's own thread changes its ids and limits, and
 * each process has one thread, so none is needed.
 */
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** Linux's nr_open: the ceiling of RLIMIT_NOFILE. */
#define NR_OPEN_MAX 1048576

/* Linux's defaults (include/asm-generic/resource.h). */
static const struct rlimit rlimit_defaults[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_FSIZE] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_DATA] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_STACK] = {8 * 1024 * 1024, RLIM_INFINITY},
    [RLIMIT_CORE] = {0, RLIM_INFINITY},
    [RLIMIT_RSS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_NPROC] = {PROC_MAX, PROC_MAX},
    [RLIMIT_NOFILE] = {1024, 4096},
    [RLIMIT_MEMLOCK] = {8 * 1024 * 1024, 8 * 1024 * 1024},
    [RLIMIT_AS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_LOCKS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_SIGPENDING] = {1024, 1024},
    [RLIMIT_MSGQUEUE] = {819200, 819200},
    [RLIMIT_NICE] = {0, 0},
    [RLIMIT_RTPRIO] = {0, 0},
    [RLIMIT_RTTIME] = {RLIM_INFINITY, RLIM_INFINITY},
};

/**
 * @brief Start a new process as root with the default limits.
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
    memcpy(p->rlim, rlimit_defaults, sizeof(p->rlim));
    wait_queue_init(&p->vfork_done, "vfork");
}

/* A reaped child's time is its parent's, for times(). @pre proc lock held */
static void
cred_free(struct proc *p)
{
    if (p->parent != NULL)
        p->parent->child_ticks += p->ticks + p->child_ticks;
}

proc_hooks(30, cred, .alloc = cred_init, .free = cred_free);

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

/**
 * @brief Read one resource limit of @p p.
 * @param p   the process
 * @param res RLIMIT_*
 * @param out receives the limit
 * @return 0, or -EINVAL for an unknown resource
 */
int
rlimit_get(struct proc *p, unsigned res, struct rlimit *out)
{
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    *out = p->rlim[res];
    return 0;
}

/**
 * @brief Change one resource limit of @p p.
 * @param p   the process
 * @param res RLIMIT_*
 * @param lim the new soft and hard limits
 * @return 0; -EINVAL for an unknown resource or soft > hard; -EPERM when
 *         a non-root process raises the hard limit, or RLIMIT_NOFILE goes
 *         past Linux's nr_open
 */
int
rlimit_set(struct proc *p, unsigned res, const struct rlimit *lim)
{
    if (res >= RLIM_NLIMITS || lim->rlim_cur > lim->rlim_max)
        return -EINVAL;
    if (lim->rlim_max > p->rlim[res].rlim_max && !cred_is_root())
        return -EPERM;
    if (res == RLIMIT_NOFILE && lim->rlim_max > NR_OPEN_MAX)
        return -EPERM;
    p->rlim[res] = *lim;
    return 0;
}

/**
 * @brief Charge the running process for one timer tick.
 *
 * Tick sampling, as in early Unix: whoever runs when the timer fires
 * pays for the whole tick. Keel does not tell user from kernel time, so
 * all of it counts as user time.
 * @pre interrupts off (timer interrupt)
 */
void
proc_account_tick(void)
{
    struct thread *t = thread_current();
    struct proc *p = t != NULL ? t->proc : NULL;
    if (p != NULL)
        p->ticks++;
}
tick_hook(10, proc_account_tick); // times() and the CPU-time clocks
