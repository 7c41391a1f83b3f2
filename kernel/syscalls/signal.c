/**
 * @file
 * @ingroup syscalls
 * @brief The signal calls: rt_sigaction, rt_sigprocmask, rt_sigreturn,
 *        rt_sigpending, rt_sigsuspend, pause, kill, tkill, tgkill,
 *        sigaltstack.
 *
 * Thin wrappers: copy the user's structs in, call kernel/proc/signal.c or
 * kernel/proc/sigdeliver.c, copy the results out. A signal set is 8 bytes
 * on x86_64: any other sigsetsize is -EINVAL, as on Linux.
 */
#include "kernel/signal.h"
#include "kernel/arch.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/**
 * @brief rt_sigaction(sig, act, oldact, sigsetsize).
 * @param a the six argument registers
 * @return 0; -EINVAL (bad signal, SIGKILL/SIGSTOP, sigsetsize); -EFAULT
 */
long
sys_rt_sigaction(const long a[6])
{
    struct k_sigaction act, old;
    if (a[3] != sizeof(k_sigset_t))
        return -EINVAL;
    if (a[1] != 0 && copy_from_user(&act, UPTR(a[1]), sizeof(act)) < 0)
        return -EFAULT;
    int err = signal_action((int)a[0], a[1] != 0 ? &act : NULL, &old);
    if (err == 0 && a[2] != 0 &&
        copy_to_user(UPTR(a[2]), &old, sizeof(old)) < 0)
        return -EFAULT;
    return err;
}

/**
 * @brief rt_sigprocmask(how, set, oldset, sigsetsize).
 * @param a the six argument registers
 * @return 0; -EINVAL (bad how with a set, sigsetsize); -EFAULT
 */
long
sys_rt_sigprocmask(const long a[6])
{
    k_sigset_t set, old;
    if (a[3] != sizeof(k_sigset_t))
        return -EINVAL;
    if (a[1] != 0 && copy_from_user(&set, UPTR(a[1]), sizeof(set)) < 0)
        return -EFAULT;
    int err = signal_mask((int)a[0], a[1] != 0 ? &set : NULL, &old);
    if (err == 0 && a[2] != 0 &&
        copy_to_user(UPTR(a[2]), &old, sizeof(old)) < 0)
        return -EFAULT;
    return err;
}

/**
 * @brief rt_sigreturn(): back from a handler to the interrupted code.
 *
 * A frame that cannot be read or is not acceptable kills the process with
 * SIGSEGV, as on Linux.
 * @param a the six argument registers (unused)
 * @return the restored rax, so that the registers come back unchanged
 */
long
sys_rt_sigreturn(const long a[6] __unused)
{
    void *frame = thread_current()->user_frame;
    k_sigset_t mask;
    if (arch_signal_return(frame, &mask) < 0) {
        signal_fault(SIGSEGV, SI_KERNEL, 0);
        return arch_frame_result(frame);
    }
    signal_mask(SIG_SETMASK, &mask, NULL);
    return arch_frame_result(frame);
}

/**
 * @brief rt_sigpending(set, sigsetsize): the blocked signals pending.
 * @param a the six argument registers
 * @return 0; -EINVAL (sigsetsize over 8); -EFAULT
 */
long
sys_rt_sigpending(const long a[6])
{
    k_sigset_t set = signal_pending_set();
    if ((unsigned long)a[1] > sizeof(set))
        return -EINVAL;
    return copy_to_user(UPTR(a[0]), &set, a[1]);
}

/**
 * @brief rt_sigsuspend(mask, sigsetsize): wait for a signal.
 * @param a the six argument registers
 * @return -EINTR after a handler ran; -EINVAL; -EFAULT
 */
long
sys_rt_sigsuspend(const long a[6])
{
    k_sigset_t mask;
    if (a[1] != sizeof(mask))
        return -EINVAL;
    if (copy_from_user(&mask, UPTR(a[0]), sizeof(mask)) < 0)
        return -EFAULT;
    return signal_suspend(mask);
}

/**
 * @brief pause(): wait for a signal with the current mask.
 * @param a the six argument registers (unused)
 * @return -EINTR after a handler ran
 */
long
sys_pause(const long a[6] __unused)
{
    return signal_suspend(thread_current()->sig_blocked);
}

/**
 * @brief kill(pid, sig).
 * @param a the six argument registers
 * @return 0; -EINVAL (bad signal); -ESRCH (no such process or group)
 */
long
sys_kill(const long a[6])
{
    return signal_kill((int)a[0], (int)a[1], SI_USER);
}

/**
 * @brief tkill(tid, sig): a thread id is its process id in this chapter.
 * @param a the six argument registers
 * @return 0; -EINVAL (bad tid or signal); -ESRCH
 */
long
sys_tkill(const long a[6])
{
    if ((int)a[0] <= 0)
        return -EINVAL;
    return signal_kill((int)a[0], (int)a[1], SI_TKILL);
}

/**
 * @brief tgkill(tgid, tid, sig): thread @p tid of process @p tgid.
 * @param a the six argument registers
 * @return 0; -EINVAL (bad ids or signal); -ESRCH (no such thread in
 *         that process: with one thread per process, tid must be tgid)
 */
long
sys_tgkill(const long a[6])
{
    if ((int)a[0] <= 0 || (int)a[1] <= 0)
        return -EINVAL;
    if ((int)a[2] < 0 || (int)a[2] >= NSIG)
        return -EINVAL;
    if (a[0] != a[1])
        return -ESRCH;
    return signal_kill((int)a[1], (int)a[2], SI_TKILL);
}

/**
 * @brief sigaltstack(ss, old_ss).
 * @param a the six argument registers
 * @return 0; -EPERM (on the stack now); -EINVAL; -ENOMEM (too small);
 *         -EFAULT
 */
long
sys_sigaltstack(const long a[6])
{
    struct k_stack ss, old;
    if (a[0] != 0 && copy_from_user(&ss, UPTR(a[0]), sizeof(ss)) < 0)
        return -EFAULT;
    uint64_t sp = arch_frame_user_sp(thread_current()->user_frame);
    int err = signal_altstack(a[0] != 0 ? &ss : NULL, &old, sp);
    if (err == 0 && a[1] != 0 &&
        copy_to_user(UPTR(a[1]), &old, sizeof(old)) < 0)
        return -EFAULT;
    return err;
}
