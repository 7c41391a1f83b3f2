/**
 * @file
 * @ingroup proc
 * @brief siginfo: the kernel's note of why a signal came, and what user
 *        programs read of it.
 *
 * A signal is sent with a struct sig_info: si_code and the fields that
 * go with it. Four places give it to a program: the handler's frame
 * (siginfo_t, kernel/arch/x86_64/proc/signal.c), rt_sigtimedwait
 * (siginfo_t too), a read of a signalfd (struct signalfd_siginfo) and
 * waitid (a siginfo_t of SIGCHLD). siginfo_t is a union: the same bytes
 * at offset 16 are a sender's pid for kill(), a timer's id for a POSIX
 * timer and a faulting address for SIGSEGV. Which member is meant is not
 * written anywhere; it follows from the signal and si_code, by the rule
 * Linux's siginfo_layout() spells out:
 *
 * @verbatim
 *   si_code              signal                     layout   fields
 *   SI_USER, SI_KERNEL   any                        kill     pid uid
 *   SI_TIMER (-2)        any                        timer    tid overrun value
 *   other negative       any (sigqueue, tkill...)   rt       pid uid value
 *   1..N                 SEGV BUS ILL FPE TRAP      fault    addr
 *   1..6                 SIGCHLD                    chld     pid uid status
 *                                                            utime stime
 *   1..6                 others (SIGIO's POLL_*)    poll     (band fd)
 *   anything else        any                        kill     pid uid
 * @endverbatim
 *
 * This file holds that rule once, and the conversions that follow it: to
 * a siginfo_t, from one (rt_sigqueueinfo), and to a signalfd record. Keel
 * sends no SIGIO with a band nor SIGSYS, so the poll and sys layouts
 * carry only the signal and si_code here.
 *
 * Locking: none; the functions work on the caller's copies.
 */
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "uapi/signalfd.h"
#include "uapi/time.h"

/** What the union of a siginfo_t holds (Linux's enum siginfo_layout). */
enum siginfo_layout {
    SIL_KILL,  /**< pid, uid */
    SIL_TIMER, /**< tid, overrun, value */
    SIL_POLL,  /**< band, fd (not kept by Keel) */
    SIL_FAULT, /**< addr */
    SIL_CHLD,  /**< pid, uid, status, utime, stime */
    SIL_RT,    /**< pid, uid, value */
    SIL_SYS,   /**< call_addr, syscall, arch (not kept by Keel) */
};

/** The largest si_code of each signal's own codes (Linux's NSIG*). */
static const struct {
    uint8_t limit;  /**< codes 1..limit are the signal's own */
    uint8_t layout; /**< and mean this layout */
} sil_own[] = {
    [SIGILL] = {11, SIL_FAULT},  [SIGFPE] = {15, SIL_FAULT},
    [SIGSEGV] = {10, SIL_FAULT}, [SIGBUS] = {5, SIL_FAULT},
    [SIGTRAP] = {6, SIL_FAULT},  [SIGCHLD] = {6, SIL_CHLD},
    [SIGIO] = {6, SIL_POLL},     [SIGSYS] = {2, SIL_SYS},
};
/** SIGIO's codes POLL_IN..POLL_HUP: the poll layout for any signal. */
#define NSIGPOLL 6

// [siginfo_layout]
/* Which member of the union a signal @p sig with @p code uses. */
static enum siginfo_layout
siginfo_layout(int sig, int code)
{
    if (code > SI_USER && code < SI_KERNEL) {
        if (sig > 0 && sig < (int)ARRAY_SIZE(sil_own) &&
            code <= sil_own[sig].limit)
            return sil_own[sig].layout;
        return code <= NSIGPOLL ? SIL_POLL : SIL_KILL;
    }
    if (code == SI_TIMER)
        return SIL_TIMER;
    if (code == SI_SIGIO)
        return SIL_POLL;
    return code < 0 ? SIL_RT : SIL_KILL;
}
// [siginfo_layout]

/**
 * @brief The siginfo_t a program sees for signal @p sig sent with @p info.
 *
 * What Linux's copy_siginfo_to_user() gives: the signal, si_code, and
 * the fields of the layout si_code selects; every other byte 0.
 * @param si   filled in (all 128 bytes)
 * @param sig  the signal
 * @param info why it was sent
 */
void
siginfo_to_user(struct k_siginfo *si, int sig, const struct sig_info *info)
{
    memset(si, 0, sizeof(*si));
    si->signo = sig;
    si->code = info->code;
    switch (siginfo_layout(sig, info->code)) {
    case SIL_KILL:
        si->u.kill.pid = info->pid;
        si->u.kill.uid = (uint32_t)info->uid;
        break;
    case SIL_RT:
        si->u.rt.pid = info->pid;
        si->u.rt.uid = (uint32_t)info->uid;
        si->u.rt.value = info->value;
        break;
    case SIL_TIMER:
        si->u.timer.tid = info->timerid;
        si->u.timer.overrun = info->overrun;
        si->u.timer.value = info->value;
        break;
    case SIL_CHLD:
        si->u.chld.pid = info->pid;
        si->u.chld.uid = (uint32_t)info->uid;
        si->u.chld.status = info->status;
        si->u.chld.utime = (int64_t)info->utime;
        si->u.chld.stime = (int64_t)info->stime;
        break;
    case SIL_FAULT:
        si->u.fault.addr = info->addr;
        break;
    case SIL_POLL:
    case SIL_SYS:
        break; // not kept: see the file's comment
    }
}

/**
 * @brief Read a siginfo_t a program gave (rt_sigqueueinfo) as a sig_info.
 *
 * The inverse of siginfo_to_user(): the fields of the layout that
 * @p sig and the given si_code select are kept, the rest is ignored. Who
 * may claim what si_code is the caller's check.
 * @param info filled in
 * @param sig  the signal it will be sent as (the siginfo's own si_signo
 *             does not count, as on Linux)
 * @param si   the program's siginfo_t, in kernel memory
 */
void
siginfo_from_user(struct sig_info *info, int sig, const struct k_siginfo *si)
{
    memset(info, 0, sizeof(*info));
    info->code = si->code;
    switch (siginfo_layout(sig, si->code)) {
    case SIL_KILL:
        info->pid = si->u.kill.pid, info->uid = (int)si->u.kill.uid;
        break;
    case SIL_RT:
        info->pid = si->u.rt.pid, info->uid = (int)si->u.rt.uid;
        info->value = si->u.rt.value;
        break;
    case SIL_TIMER:
        info->timerid = si->u.timer.tid, info->overrun = si->u.timer.overrun;
        info->value = si->u.timer.value;
        break;
    case SIL_CHLD:
        info->pid = si->u.chld.pid, info->uid = (int)si->u.chld.uid;
        info->status = si->u.chld.status;
        info->utime = (uint64_t)si->u.chld.utime;
        info->stime = (uint64_t)si->u.chld.stime;
        break;
    case SIL_FAULT:
        info->addr = si->u.fault.addr;
        break;
    case SIL_POLL:
    case SIL_SYS:
        break;
    }
}

/**
 * @brief The signalfd record of signal @p sig sent with @p info.
 *
 * As Linux's signalfd_copyinfo(): the same layouts as a siginfo_t, each
 * field in its own place; ssi_int is the low half of the sigval.
 * @param ssi  filled in (all 128 bytes)
 * @param sig  the signal
 * @param info why it was sent
 */
void
siginfo_to_signalfd(struct k_signalfd_siginfo *ssi, int sig,
                    const struct sig_info *info)
{
    memset(ssi, 0, sizeof(*ssi));
    ssi->ssi_signo = (uint32_t)sig;
    ssi->ssi_code = info->code;
    enum siginfo_layout layout = siginfo_layout(sig, info->code);
    if (layout == SIL_KILL || layout == SIL_RT || layout == SIL_CHLD) {
        ssi->ssi_pid = (uint32_t)info->pid;
        ssi->ssi_uid = (uint32_t)info->uid;
    }
    if (layout == SIL_RT || layout == SIL_TIMER) {
        ssi->ssi_ptr = info->value;
        ssi->ssi_int = (int32_t)info->value;
    }
    if (layout == SIL_TIMER) {
        ssi->ssi_tid = (uint32_t)info->timerid;
        ssi->ssi_overrun = (uint32_t)info->overrun;
    }
    if (layout == SIL_CHLD) {
        ssi->ssi_status = info->status;
        ssi->ssi_utime = info->utime;
        ssi->ssi_stime = info->stime;
    }
    if (layout == SIL_FAULT)
        ssi->ssi_addr = info->addr;
}

/**
 * @brief The SIGCHLD note of @p child: who it is and the time it ran.
 *
 * The caller adds si_code and si_status (how it exited, stopped or went
 * on). The times are in clock ticks as Linux reports them (USER_HZ),
 * user and system time apart as the tick found them (cputime.c).
 * @param info  filled in (the rest 0)
 * @param child the child
 * @pre proc_table_lock() held (the child's fields are read)
 */
void
siginfo_child(struct sig_info *info, const struct proc *child)
{
    memset(info, 0, sizeof(*info));
    info->pid = child->pid;
    info->uid = (int)child->cred.uid;
    info->utime = (child->ticks - child->sys_ticks) * USER_HZ / HZ;
    info->stime = child->sys_ticks * USER_HZ / HZ;
}
