/**
 * @file
 * @ingroup proc
 * @brief Signals: what other subsystems need to know about them.
 *
 * A blocking call (wait4, a pipe read, nanosleep, the console) must give
 * up when a signal arrives for the sleeping thread: it returns
 * -ERESTARTSYS (restarted after a handler with SA_RESTART, or when no
 * handler runs; -EINTR for the caller otherwise) or -EINTR (never
 * restarted). A write to a pipe nobody reads raises SIGPIPE; the terminal
 * sends SIGINT to its foreground process group.
 *
 * The state: handlers are per process (threads of one process will share
 * them), pending signals per process, the blocked mask per thread (struct
 * thread's sig_blocked).
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include "kernel/list.h"
#include "kernel/sync.h"
#include "kernel/types.h"
#include "uapi/signal.h"

/**
 * Kernel-internal result of an interrupted blocking call: the return path
 * turns it into a restart or into -EINTR (never seen by user programs).
 */
#define ERESTARTSYS 512
/** Restart after any signal, even one with a handler (Linux's value). */
#define ERESTARTNOINTR 513
/** Restart when no handler runs; -EINTR when one does (pause, poll). */
#define ERESTARTNOHAND 514
/**
 * Like ERESTARTNOHAND, but the call goes on through restart_syscall (219)
 * and the thread's restart block, not by running the same call again:
 * nanosleep resumes with the time that was left.
 */
#define ERESTART_RESTARTBLOCK 516

/** Signals that can be neither caught, blocked nor ignored. */
#define SIG_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/** Signals whose default action is to do nothing. */
#define SIG_DEFAULT_IGNORE                                                     \
    (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))
/** Signals that stop by default (job control: kernel/proc/jobctl.c). */
#define SIG_DEFAULT_STOP                                                       \
    (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

/**
 * Why a signal was sent, for the handler's siginfo (and signalfd,
 * sigtimedwait, waitid). Which fields mean something depends on `code`
 * and the signal, as in Linux's siginfo union: kill and sigqueue fill
 * pid and uid (sigqueue and timers also value), SIGCHLD pid, uid, status
 * and the child's times, a fault addr, a POSIX timer timerid, overrun
 * and value.
 */
struct sig_info {
    int code;       /**< si_code */
    int pid;        /**< sender, or the child for SIGCHLD */
    int uid;        /**< the sender's real uid */
    int status;     /**< SIGCHLD: exit code, or the signal that ended,
                          stopped or continued the child */
    uint64_t addr;  /**< faults: the address */
    int timerid;    /**< POSIX timers: the timer's id */
    int overrun;    /**< POSIX timers: expirations not delivered */
    uint64_t value; /**< sigqueue and timers: the sigval */
    uint64_t utime; /**< SIGCHLD: the child's user time, in ticks */
    uint64_t stime; /**< SIGCHLD: the child's system time, in ticks */
};

/**
 * A process's signal state (struct proc's `sig`).
 *
 * A standard signal (1..31) pending is its bit in `pending` and one note
 * in `info`: a second send while it is pending is lost. A real-time
 * signal (SIGRTMIN..SIGRTMAX) is queued: each send adds an instance with
 * its own note to `queue` (struct sigqueue, kernel/proc/sigqueue.c), and
 * its bit stays set while an instance is left.
 */
struct sig_state {
    struct k_sigaction action[NSIG]; /**< handlers, by signal number */
    k_sigset_t pending;              /**< sent, not yet delivered */
    struct sig_info info[NSIG];      /**< about each pending standard signal */
    struct k_stack altstack;         /**< sigaltstack (per thread later) */
    struct list_node queue;          /**< real-time instances, oldest first */
    unsigned queued;                 /**< how many (RLIMIT_SIGPENDING) */
    struct wait_queue sent;          /**< woken at every signal sent: the
                                          signalfd pollers, sigtimedwait */
};

struct proc;
struct thread;

bool signal_pending(void);
void signal_raise(int sig);
int signal_send_pgrp(int pgid, int sig);
int signal_send_group_locked(int pgid, int sig, const struct sig_info *info,
                             const struct proc *skip);
int signal_send(struct proc *p, int sig, const struct sig_info *info);
void signal_fault(int sig, int code, uint64_t addr);
void signal_deliver(void *frame, long nr);
int signal_kill(int pid, int sig, int code);
int signal_action(int sig, const struct k_sigaction *act,
                  struct k_sigaction *old);
int signal_mask(int how, const k_sigset_t *set, k_sigset_t *old);
k_sigset_t signal_pending_set(void);
int signal_suspend(k_sigset_t mask);
int signal_altstack(const struct k_stack *ss, struct k_stack *old, uint64_t sp);
int pgrp_setpgid(int pid, int pgid);
int pgrp_getpgid(int pid);
int pgrp_setsid(void);
int pgrp_getsid(int pid);
bool jobctl_pgrp_orphaned_locked(int pgid, const struct proc *ignore);
bool jobctl_pgrp_orphaned(int pgid);
bool signal_ignored_or_blocked(int sig);
void jobctl_signal_sent(struct proc *p, int sig);
void jobctl_stop(int sig);
int jobctl_wait(int pid, int options, int *status, uint32_t *uid);
/** jobctl_wait() option: stops and continues only, not exits (waitid
 *  without WEXITED). */
#define JOBCTL_WNOEXIT 0x02000000

/* queued signals, sigtimedwait (kernel/proc/sigqueue.c) */
int sigqueue_add(struct proc *p, int sig, const struct sig_info *info);
void sigqueue_take(struct proc *p, int sig, struct sig_info *info);
void sigqueue_flush(struct proc *p, int sig);
int sigqueue_dequeue(k_sigset_t set, struct sig_info *info);
int sigqueue_send(int pid, int tid, int sig, const struct sig_info *info);
struct sig_info *sigqueue_find_timer(struct proc *p, int sig, int timerid);

/* taking signals synchronously (kernel/proc/sigwait.c) */
/** sigwait_timed()'s deadline that never comes. */
#define SIGWAIT_FOREVER UINT64_MAX
int sigwait_timed(k_sigset_t set, struct sig_info *info, uint64_t deadline);
bool sigwait_pending(k_sigset_t set);
struct wait_queue *sigwait_queue(void);
void sigwait_rewake(void);

/* siginfo (kernel/proc/siginfo.c) */
struct k_signalfd_siginfo;
void siginfo_to_user(struct k_siginfo *si, int sig,
                     const struct sig_info *info);
void siginfo_from_user(struct sig_info *info, int sig,
                       const struct k_siginfo *si);
void siginfo_to_signalfd(struct k_signalfd_siginfo *ssi, int sig,
                         const struct sig_info *info);
void siginfo_child(struct sig_info *info, const struct proc *child);

/* the machine part is in kernel/arch.h (arch_signal_frame() and friends) */

#endif /* KERNEL_SIGNAL_H */
