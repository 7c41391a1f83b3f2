/**
 * @file
 * @ingroup proc
 * @brief Resource limits: getrlimit, setrlimit and prlimit's mechanism.
 *
 * Each process has, per resource, a soft limit that the kernel enforces
 * (RLIMIT_NOFILE: the descriptors open may give; RLIMIT_STACK: the stack
 * exec reserves) and a hard limit, the soft one's ceiling, that only root
 * may raise. A new process starts with Linux's defaults; fork copies the
 * parent's (kernel/proc/clone.c) and execve keeps them.
 *
 * RLIMIT_NPROC bounds the processes of one user: fork fails with EAGAIN
 * when the caller's real user already has that many (zombies count
 * until they are reaped), unless the caller is root, as on Linux. Its
 * default, and RLIMIT_SIGPENDING's, is half of proc_limit(), the
 * system's bound: Linux gives init max_threads / 2 of both.
 *
 * Locking: only a process's own thread changes its limits, and each
 * process has one thread, so none is needed.
 */
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "kernel/string.h"
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
    [RLIMIT_NPROC] = {0, 0}, // proc_limit() / 2, set by rlimit_init
    [RLIMIT_NOFILE] = {1024, 4096},
    [RLIMIT_MEMLOCK] = {8 * 1024 * 1024, 8 * 1024 * 1024},
    [RLIMIT_AS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_LOCKS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_SIGPENDING] = {0, 0}, // as RLIMIT_NPROC
    [RLIMIT_MSGQUEUE] = {819200, 819200},
    [RLIMIT_NICE] = {0, 0},
    [RLIMIT_RTPRIO] = {0, 0},
    [RLIMIT_RTTIME] = {RLIM_INFINITY, RLIM_INFINITY},
};

/* A new process: Linux's default limits (fork then copies the parent's). */
static void
rlimit_init(struct proc *p, struct proc *parent)
{
    (void)parent;
    memcpy(p->rlim, rlimit_defaults, sizeof(p->rlim));
    uint64_t half = (uint64_t)proc_limit() / 2;
    p->rlim[RLIMIT_NPROC] = (struct rlimit){half, half};
    p->rlim[RLIMIT_SIGPENDING] = (struct rlimit){half, half};
}

proc_hooks(31, rlimit, .alloc = rlimit_init);

// [nproc_check]
/*
 * fork: may @p parent's user have one process more? Counted over the
 * table (the child is in it already, and not counted); root's processes
 * (real uid 0, Linux's INIT_USER) and a parent with CAP_SYS_RESOURCE or
 * CAP_SYS_ADMIN have no bound.
 */
static int
nproc_check(struct proc *child, struct proc *parent, void *frame)
{
    (void)frame;
    uint32_t uid = parent->cred.uid;
    if (uid == 0 || cred_capable(&parent->cred, CAP_SYS_RESOURCE) ||
        cred_capable(&parent->cred, CAP_SYS_ADMIN))
        return 0;
    uint64_t n = 0;
    irqflags_t flags = proc_table_lock();
    for (const struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q))
        n += q != child && q->cred.uid == uid;
    proc_table_unlock(flags);
    return n >= parent->rlim[RLIMIT_NPROC].rlim_cur ? -EAGAIN : 0;
}
// [nproc_check]
/* first of the fork hooks: a refused fork copies no file table, no
 * signal state (the address space is copied before the hooks run) */
proc_hooks(05, nproc, .fork = nproc_check);

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
    if (lim->rlim_max > p->rlim[res].rlim_max && !capable(CAP_SYS_RESOURCE))
        return -EPERM;
    if (res == RLIMIT_NOFILE && lim->rlim_max > NR_OPEN_MAX)
        return -EPERM;
    p->rlim[res] = *lim;
    return 0;
}
