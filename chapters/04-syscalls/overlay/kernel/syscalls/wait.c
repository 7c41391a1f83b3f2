/**
 * @file
 * @ingroup syscalls
 * @brief wait4 and waitid: reap a child, learn how it ended.
 *
 * Both call proc_wait4() (kernel/proc/proc.c), which picks a child by pid
 * or group, sleeps until one has exited and reaps it; wait4 answers with
 * a status word, waitid with a siginfo and may leave the child (WNOWAIT).
 * The resource usage both may give is zeros: Keel does not count it.
 */
#include "uapi/wait.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/signal.h"

/** Bytes of struct rusage (two timevals, fourteen longs). */
#define RUSAGE_SIZE 144

/**
 * @brief Give the caller the resource usage of a reaped child, as wait4
 *        and waitid do: all zeros, since Keel does not count it yet.
 *
 * The pointer is checked like any other: a kernel address, an unmapped
 * page or a read-only one is -EFAULT (the child stays reaped, as on
 * Linux). NULL asks for nothing.
 * @param ru the user's struct rusage, or 0
 * @return 0 or -EFAULT
 */
int
wait_put_rusage(long ru)
{
    static const uint8_t zeros[RUSAGE_SIZE];
    if (ru == 0)
        return 0;
    return copy_to_user(UPTR(ru), zeros, sizeof(zeros));
}

/**
 * @brief wait4(pid, status, options, rusage).
 *
 * The status, then the rusage (zeros, see wait_put_rusage()) are written
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
    // WUNTRACED (2), WCONTINUED (8): accepted, nothing stops in chapter
    // 4; __WNOTHREAD, __WALL, __WCLONE: accepted, there are no threads
    if ((uint32_t)options &
        ~(1u | 2u | 8u | 0x20000000u | 0x40000000u | 0x80000000u))
        return -EINVAL;
    int st = 0;
    long r = proc_wait4((int)pid, &st, (int)options);
    if (r > 0 && status != 0 && copy_to_user(UPTR(status), &st, 4) < 0)
        return -EFAULT;
    if (r > 0 && wait_put_rusage(a[3]) < 0)
        return -EFAULT;
    return r;
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
    int pid = 0;
    if ((options & ~known) || !(options & WEXITED))
        pid = -EINVAL;
    else if (idtype == P_ALL)
        id = -1;
    else if (idtype == P_PGID && id >= 0)
        id = pgid_selector((int)id);
    else if (idtype != P_PID || id <= 0)
        pid = -EINVAL;
    int status = 0;
    uint32_t uid = 0;
    if (pid == 0)
        pid = proc_waitid((int)id, options & WNOWAIT, options & WNOHANG,
                          &status, &uid);
    struct siginfo_chld si;
    memset(&si, 0, sizeof(si));
    if (pid > 0)
        fill_siginfo(&si, pid, status, uid);
    // Linux's order: the rusage of a reaped child, then infop, which is
    // written whatever the answer (zeros for an error or no child ready),
    // so a bad infop is -EFAULT even when the wait itself failed
    if (pid > 0 && wait_put_rusage(a[4]) < 0)
        return -EFAULT;
    if (infop != 0 && copy_to_user(UPTR(infop), &si, sizeof(si)) < 0)
        return -EFAULT;
    return pid < 0 ? pid : 0;
}
