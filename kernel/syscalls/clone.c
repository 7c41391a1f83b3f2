/**
 * @file
 * @ingroup syscalls
 * @brief clone, vfork and waitid.
 *
 * clone is fork with options (kernel/proc/clone.c). Keel accepts what C
 * libraries pass for fork, vfork and posix_spawn: an exit signal, the
 * tid pointers, CLONE_VFORK, a new stack, and CLONE_VM together with
 * CLONE_VFORK (the memory is copied, see kernel/proc/clone.c). It
 * refuses with -EINVAL what needs threads, which come in a later
 * chapter: CLONE_VM alone, CLONE_THREAD, the other sharing flags and a
 * new TLS.
 *
 * waitid is wait4 with a siginfo answer and WNOWAIT.
 */
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/signal.h"
#include "uapi/wait.h"

/** The clone flags Keel implements. */
#define CLONE_SUPPORTED                                                        \
    (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID |                  \
     CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)

/**
 * @brief clone(flags, stack, parent_tid, child_tid, tls).
 * @param a the six argument registers
 * @return the child's pid (0 in the child); -EINVAL for flags Keel does
 *         not implement (threads) or a stack outside user space;
 *         -EAGAIN; -ENOMEM
 */
long
sys_clone(const long a[6])
{
    struct clone_req req = {(unsigned long)a[0], (uint64_t)a[2], (uint64_t)a[3],
                            (uint64_t)a[1]};
    if (req.flags & ~(unsigned long)CLONE_SUPPORTED)
        return -EINVAL;
    // a stack in the kernel half could only fault (Linux lets it)
    if (req.stack >= USER_TOP)
        return -EINVAL;
    // sharing memory is only faked (a copy) for a vfork, never for threads
    if ((req.flags & CLONE_VM) && !(req.flags & CLONE_VFORK))
        return -EINVAL;
    return proc_clone(&req);
}

/**
 * @brief vfork(): the parent sleeps until the child execs or exits.
 * @param a the six argument registers (unused)
 * @return the child's pid (0 in the child); -EAGAIN; -ENOMEM
 */
long
sys_vfork(const long a[6] __unused)
{
    struct clone_req req = {CLONE_VFORK | SIGCHLD, 0, 0, 0};
    return proc_clone(&req);
}

/* Fill @p si from a child's wait status. */
static void
fill_siginfo(struct siginfo_chld *si, int pid, int status, uint32_t uid)
{
    si->si_signo = SIGCHLD;
    si->si_pid = pid;
    si->si_uid = uid;
    if ((status & 0x7f) == 0) {
        si->si_code = CLD_EXITED;
        si->si_status = (status >> 8) & 0xff;
    } else {
        si->si_code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        si->si_status = status & 0x7f;
    }
}

/* P_PGID's group as proc_wait4() selects groups: 0 is the caller's
 * group, -g group g (group 1, init's, is spelled 0 when it is ours). */
static int
pgid_selector(int pgid)
{
    if (pgid == 0 || pgid == proc_current()->pgid)
        return 0;
    return pgid == 1 ? 0x7fffffff : -pgid; // init's group has no child
}

/**
 * @brief waitid(idtype, id, infop, options, rusage).
 *
 * P_ALL, P_PID and P_PGID (0: the caller's group); WEXITED is required (stopped and continued children
 * come with job control), WNOHANG and WNOWAIT work. rusage gets zeros
 * (see wait_put_rusage()); a bad infop or rusage is -EFAULT, and the
 * child stays reaped (unless WNOWAIT).
 * @param a the six argument registers
 * @return 0 (with WNOHANG and no exited child, infop's si_pid is 0);
 *         -ECHILD; -EINVAL for an unknown idtype, bad options;
 *         -EFAULT
 */
long
sys_waitid(const long a[6])
{
    long idtype = a[0], id = (int)a[1], infop = a[2];
    unsigned long options = (unsigned long)a[3];
    const unsigned long known = WNOHANG | WSTOPPED | WEXITED | WCONTINUED |
                                WNOWAIT | WNOTHREAD | WALL | WCLONE;
    if ((options & ~known) || !(options & WEXITED))
        return -EINVAL;
    if (idtype == P_ALL)
        id = -1;
    else if (idtype == P_PGID && id >= 0)
        id = pgid_selector((int)id);
    else if (idtype != P_PID || id <= 0)
        return -EINVAL;
    int status = 0;
    uint32_t uid = 0;
    int pid = proc_waitid((int)id, options & WNOWAIT, options & WNOHANG,
                          &status, &uid);
    if (pid < 0)
        return pid;
    struct siginfo_chld si;
    memset(&si, 0, sizeof(si));
    if (pid > 0)
        fill_siginfo(&si, pid, status, uid);
    // Linux's order: the rusage of a reaped child, then infop
    if (pid > 0 && wait_put_rusage(a[4]) < 0)
        return -EFAULT;
    if (infop != 0 && copy_to_user(UPTR(infop), &si, sizeof(si)) < 0)
        return -EFAULT;
    return 0;
}
