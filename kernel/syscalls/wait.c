/**
 * @file
 * @ingroup syscalls
 * @brief wait4 and waitid: reap a child, learn how it ended.
 *
 * Both call jobctl_wait() (kernel/proc/jobctl.c), which picks a child by
 * pid or group and sleeps until one has exited (proc_wait4()) or, when
 * asked, stopped (WUNTRACED, waitid's WSTOPPED) or continued
 * (WCONTINUED); wait4 answers with a status word, waitid with a siginfo
 * and may leave the child (WNOWAIT). The resource usage both may give
 * is the reaped child's CPU time, user and system (kernel/proc/cputime.c).
 */
#include "uapi/wait.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/signal.h"

/* The caller's reaped-children times now (ticks, system ticks). */
static void
reaped_times(uint64_t t[2])
{
    struct proc *self = proc_current();
    irqflags_t flags = proc_table_lock();
    t[0] = self->child_ticks;
    t[1] = self->child_sys_ticks;
    proc_table_unlock(flags);
}

/*
 * The rusage of the child a wait reaped: what the reap added to the
 * caller's child times since @p before (reaped_times() before the wait)
 * is the child's CPU time with its own reaped children's, which is what
 * Linux's wait4 reports. One thread per process: no other reap can come
 * in between. A stop or continue report adds nothing: zeros (Linux
 * gives the child's usage so far).
 */
static int
put_reaped_rusage(long ru, const uint64_t before[2])
{
    uint64_t after[2];
    if (ru == 0)
        return 0;
    reaped_times(after);
    return rusage_put(ru, after[0] - before[0], after[1] - before[1], 0);
}

/**
 * @brief wait4(pid, status, options, rusage).
 *
 * The status, then the rusage (the reaped child's CPU time) are written
 * once a child is reaped; a bad pointer for either is -EFAULT, and the
 * child stays reaped, as on Linux.
 * @param a the six argument registers
 * @return the child's pid, 0 (WNOHANG), -ECHILD, -EINVAL, -EFAULT
 */
long
sys_wait4(const long a[6])
{
    long pid = a[0];
    long status = a[1];
    long options = a[2];
    // __WNOTHREAD, __WALL, __WCLONE: accepted, there are no threads
    if ((uint32_t)options &
        ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
        return -EINVAL;
    int st = 0;
    uint64_t before[2];
    reaped_times(before);
    long r = jobctl_wait(
        (int)pid, (int)options & (WNOHANG | WUNTRACED | WCONTINUED), &st, NULL);
    if (r > 0 && status != 0 && copy_to_user(UPTR(status), &st, 4) < 0)
        return -EFAULT;
    if (r > 0 && put_reaped_rusage(a[3], before) < 0)
        return -EFAULT;
    return r;
}

/** Bytes of siginfo_t waitid writes: si_signo, si_errno, si_code ... */
#define WAITID_HEAD 12
/** ... and at offset 16, si_pid, si_uid and si_status. */
#define WAITID_CHLD 12

/*
 * Write what Linux's waitid writes of the siginfo at @p infop: si_signo,
 * si_errno, si_code and the child's pid, uid and status, through the
 * siginfo of every other consumer (kernel/proc/siginfo.c). The rest,
 * si_utime and si_stime included, is left as it was, as on Linux; all
 * the fields are 0 when @p pid is 0 (WNOHANG and no child ready).
 */
static int
put_siginfo(long infop, int pid, int status, uint32_t uid)
{
    struct sig_info info = {.pid = pid, .uid = (int)uid};
    if (pid == 0) {
        // nothing to report: every field 0
    } else if (status == 0xffff) {
        info.code = CLD_CONTINUED;
        info.status = SIGCONT;
    } else if ((status & 0xff) == 0x7f) {
        info.code = CLD_STOPPED;
        info.status = (status >> 8) & 0xff;
    } else if ((status & 0x7f) == 0) {
        info.code = CLD_EXITED;
        info.status = (status >> 8) & 0xff;
    } else {
        info.code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        info.status = status & 0x7f;
    }
    struct k_siginfo si;
    siginfo_to_user(&si, pid > 0 ? SIGCHLD : 0, &info);
    if (copy_to_user(UPTR(infop), &si, WAITID_HEAD) < 0 ||
        copy_to_user(UPTR(infop + 16), &si.u, WAITID_CHLD) < 0)
        return -EFAULT;
    return 0;
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

/* waitid's choice of children and what to wait for, as jobctl_wait()
 * takes them; -EINVAL for an unknown idtype, a bad id or bad options. */
static int
waitid_args(long idtype, long id, unsigned long options, int *pid, int *wopts)
{
    const unsigned long known = WNOHANG | WSTOPPED | WEXITED | WCONTINUED |
                                WNOWAIT | WNOTHREAD | WALL | WCLONE;
    if ((options & ~known) || !(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    if (idtype == P_ALL)
        *pid = -1;
    else if (idtype == P_PGID && id >= 0)
        *pid = pgid_selector((int)id);
    else if (idtype == P_PID && id > 0)
        *pid = (int)id;
    else
        return -EINVAL;
    *wopts = (int)(options & (WNOHANG | WSTOPPED | WCONTINUED));
    if (options & WNOWAIT)
        *wopts |= PROC_WNOWAIT;
    if (!(options & WEXITED))
        *wopts |= JOBCTL_WNOEXIT;
    return 0;
}

/**
 * @brief waitid(idtype, id, infop, options, rusage).
 *
 * P_ALL, P_PID and P_PGID (0: the caller's group); WEXITED, WSTOPPED
 * and WCONTINUED say what to report (one at least: without WEXITED an
 * exited child is left for a later wait), WNOHANG and WNOWAIT work. rusage gets
 * the reaped child's CPU time; a bad infop or rusage is -EFAULT, and the
 * child stays reaped (unless WNOWAIT).
 * @param a the six argument registers
 * @return 0 (with WNOHANG and no exited child, infop's si_pid is 0);
 *         -ECHILD; -EINVAL for an unknown idtype, bad options;
 *         -EFAULT for a bad rusage or infop, even when the wait failed
 *         (Linux writes infop, zeroed, on every path)
 */
long
sys_waitid(const long a[6])
{
    long infop = a[2];
    int pid = 0, wopts = 0, status = 0;
    uint32_t uid = 0;
    uint64_t before[2];
    reaped_times(before);
    int r = waitid_args(a[0], (int)a[1], (unsigned long)a[3], &pid, &wopts);
    if (r == 0)
        r = jobctl_wait(pid, wopts, &status, &uid);
    // Linux's order: the rusage of a reaped child, then infop, which is
    // written whatever the answer (zeros for an error or no child ready),
    // so a bad infop is -EFAULT even when the wait itself failed
    if (r > 0 && put_reaped_rusage(a[4], before) < 0)
        return -EFAULT;
    if (infop != 0 && put_siginfo(infop, r > 0 ? r : 0, status, uid) < 0)
        return -EFAULT;
    return r < 0 ? r : 0;
}
