/**
 * @file
 * @ingroup proc
 * @brief Signals, first form: sending, masks, and delivery on the way out.
 *
 * A signal is a bit. Sending sets the bit in the target process's pending
 * set (a standard signal does not queue: a second one while the first is
 * pending is lost) together with a note of who sent it (struct sig_info),
 * and wakes the target's thread if it sleeps and the signal is not
 * blocked. Nothing else happens at that moment: a signal acts only when
 * its target is about to return to user mode, after a system call or an
 * interrupt or exception taken in user mode. There signal_deliver() takes
 * each pending, unblocked signal and does what its action says:
 *
 * - SIG_IGN, or SIG_DFL of a signal whose default is to be ignored
 *   (SIGCHLD, SIGURG, SIGWINCH, SIGCONT): nothing. Such signals are even
 *   dropped when sent, unless blocked.
 * - SIG_DFL of a stop signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): stopping
 *   a process is job control, which comes with the terminal; in this
 *   chapter a stop signal is ignored.
 * - SIG_DFL otherwise: the process ends; its parent's wait4 sees
 *   WIFSIGNALED with the signal's number (no core dumps).
 * - a handler: the machine part (arch_signal_frame) saves the registers
 *   on the user stack and points them at the handler; rt_sigreturn undoes
 *   it when the handler returns.
 *
 * A system call that sleeps gives up when signal_pending() becomes true:
 * it returns -ERESTARTSYS, which never reaches the program: if a handler
 * runs without SA_RESTART, the program sees -EINTR; otherwise the call is
 * made again (the saved rip goes back over the syscall instruction).
 *
 * Locking: the process table's lock (proc_table_lock) protects every
 * process's pending set and actions: kill walks the table under it anyway,
 * and wait4 checks for signals under it before sleeping, so no signal can
 * arrive between that check and the sleep. The blocked mask belongs to
 * its thread and is changed only by that thread.
 */
#include "kernel/signal.h"
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"
#include "uapi/unistd.h"

/** Groups beyond this are empty (and -pid cannot overflow). */
#define PROC_PID_MAX 0x40000000

/* Would @p sig do nothing at all in @p p if delivered now? */
static bool
sig_ignored(struct proc *p, int sig)
{
    uint64_t h = p->sig.action[sig].handler;
    if (sig == SIGKILL)
        return false;
    if (h == SIG_IGN)
        return true;
    return h == SIG_DFL &&
           (SIGBIT(sig) & (SIG_DEFAULT_IGNORE | SIG_DEFAULT_STOP));
}

/* The signals the current thread would take now. */
static k_sigset_t
deliverable(struct proc *p, struct thread *t)
{
    return p->sig.pending & ~(t->sig_blocked & ~SIG_UNBLOCKABLE);
}

/**
 * @brief Is a signal waiting for the current thread (and not blocked)?
 * @return true when a blocking call should give up (-ERESTARTSYS/-EINTR)
 */
bool
signal_pending(void)
{
    struct proc *p = proc_current();
    return p != NULL && deliverable(p, thread_current()) != 0;
}

/**
 * @brief Make signal @p sig pending in @p p and wake its thread.
 *
 * Signal 0 only checks that @p p exists. A signal @p p ignores is dropped
 * (unless blocked: it may have a handler by the time it is unblocked).
 * Init (pid 1) only receives signals it has a handler for, as on Linux.
 * @param p    the target (a zombie receives nothing)
 * @param sig  0..NSIG-1
 * @param info who sent it and why; kept if @p sig was not yet pending
 * @return 0
 * @pre proc_table_lock() held
 */
int
signal_send(struct proc *p, int sig, const struct sig_info *info)
{
    if (sig == 0 || p->state == PROC_ZOMBIE)
        return 0;
    // a process fork is still making has no thread yet: nothing blocked
    struct thread *t = p->thread;
    bool blocked =
        t != NULL && ((t->sig_blocked & ~SIG_UNBLOCKABLE) & SIGBIT(sig));
    if (!blocked && sig_ignored(p, sig))
        return 0;
    if (p->pid == 1 && p->sig.action[sig].handler == SIG_DFL)
        return 0;
    if (!(p->sig.pending & SIGBIT(sig))) {
        p->sig.pending |= SIGBIT(sig);
        p->sig.info[sig] = *info;
    }
    // an interruptible sleeper notices with signal_pending(); the others
    // (a mutex, ...) go back to sleep when their condition is still false
    if (!blocked && t != NULL)
        sched_wake(t);
    return 0;
}

/**
 * @brief Send @p sig to the current process (SIGPIPE after EPIPE).
 * @param sig the signal number
 */
void
signal_raise(int sig)
{
    struct proc *p = proc_current();
    struct sig_info info = {.code = SI_USER, .pid = p->pid};
    irqflags_t flags = proc_table_lock();
    signal_send(p, sig, &info);
    proc_table_unlock(flags);
}

/* Send @p sig to every process of group @p pgid but @p skip; how many? */
static int
send_group_locked(int pgid, int sig, const struct sig_info *info,
                  const struct proc *skip)
{
    int n = 0;
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (q == skip || (pgid > 0 && q->pgid != pgid))
            continue;
        if (pgid < 0 && q->pid == 1)
            continue; // kill(-1): everybody but init (and the caller)
        signal_send(q, sig, info);
        n++;
    }
    return n;
}

/**
 * @brief Send @p sig to every process of group @p pgid (the terminal's ^C).
 * @param pgid the process group
 * @param sig  the signal number
 * @return 0, or -ESRCH when the group is empty
 */
int
signal_send_pgrp(int pgid, int sig)
{
    struct sig_info info = {.code = SI_KERNEL};
    if (pgid <= 0 || sig < 0 || sig >= NSIG)
        return -ESRCH;
    irqflags_t flags = proc_table_lock();
    int n = send_group_locked(pgid, sig, &info, NULL);
    proc_table_unlock(flags);
    return n > 0 ? 0 : -ESRCH;
}

/* May @p self send @p sig to @p t? Linux's check_kill_permission: to
 * itself; as root (CAP_KILL); to a process whose real or saved uid is the
 * sender's real or effective uid; SIGCONT within its own session.
 * @pre proc_table_lock() held */
static bool
may_signal(const struct proc *self, const struct proc *t, int sig)
{
    const struct cred *c = &self->cred, *tc = &t->cred;
    if (t == self || cred_capable(c, CAP_KILL))
        return true;
    if (c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid ||
        c->uid == tc->uid)
        return true;
    return sig == SIGCONT && t->sid == self->sid;
}

/* kill's group forms: @p sig to every process of group @p pgid (-1:
 * everybody but init and @p self) that @p self may signal. How many got
 * it; *@p refused counts those it may not signal. @pre the lock held */
static int
kill_group_locked(const struct proc *self, int pgid, int sig,
                  const struct sig_info *info, int *refused)
{
    int n = 0;
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (pgid > 0 ? q->pgid != pgid : (q == self || q->pid == 1))
            continue;
        if (!may_signal(self, q, sig)) {
            (*refused)++;
            continue;
        }
        signal_send(q, sig, info);
        n++;
    }
    return n;
}

/**
 * @brief kill(), tkill(): send @p sig as the current process.
 *
 * Linux's permission rule (may_signal()): a user signals its own
 * processes, root any. kill(-1) is 0 once any process other than init
 * and the caller exists, even when every one refused (Linux's answer);
 * a group that refused every member is -EPERM.
 * @param pid  > 0: that process; 0: the caller's group; -1: everybody but
 *             init and the caller; < -1: group -pid
 * @param sig  0 (only check that the target exists) .. NSIG-1
 * @param code SI_USER (kill) or SI_TKILL (tkill, tgkill)
 * @return 0; -EINVAL for a bad signal; -ESRCH when no process matches;
 *         -EPERM when the caller may signal none of them
 */
int
signal_kill(int pid, int sig, int code)
{
    struct proc *self = proc_current();
    struct sig_info info = {.code = code, .pid = self->pid};
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    irqflags_t flags = proc_table_lock();
    int n = 0, refused = 0;
    if (pid > 0) {
        struct proc *p = proc_find_locked(pid);
        if (p != NULL && !may_signal(self, p, sig))
            n = -EPERM;
        else if (p != NULL)
            n = 1 + signal_send(p, sig, &info);
    } else if (pid == -1) {
        n = kill_group_locked(self, -1, sig, &info, &refused);
        n += refused; // Linux: 0 even if every one refused
    } else if (pid == 0 || pid > -PROC_PID_MAX) {
        n = kill_group_locked(self, pid == 0 ? self->pgid : -pid, sig, &info,
                              &refused);
        if (n == 0 && refused > 0)
            n = -EPERM;
    }
    proc_table_unlock(flags);
    return n > 0 ? 0 : n < 0 ? n : -ESRCH;
}

/**
 * @brief A fault in user mode: send @p sig, which the process cannot refuse.
 *
 * If the signal is blocked or ignored, it is unblocked and its action
 * reset to the default, so the process is killed, as Linux does (a handler
 * that faults again with its own signal blocked dies the same way).
 * @param sig  SIGSEGV, SIGILL, SIGFPE, SIGBUS or SIGTRAP
 * @param code the si_code (SEGV_MAPERR, ...)
 * @param addr the address for si_addr
 */
void
signal_fault(int sig, int code, uint64_t addr)
{
    struct proc *p = proc_current();
    struct thread *t = thread_current();
    struct sig_info info = {.code = code, .addr = addr};
    irqflags_t flags = proc_table_lock();
    struct k_sigaction *act = &p->sig.action[sig];
    if ((t->sig_blocked & SIGBIT(sig)) || act->handler == SIG_IGN) {
        t->sig_blocked &= ~SIGBIT(sig);
        memset(act, 0, sizeof(*act));
    }
    if (p->pid == 1 && act->handler == SIG_DFL) {
        // init is protected from signals, but not from its own faults
        proc_table_unlock(flags);
        proc_kill_fault(sig);
    }
    signal_send(p, sig, &info);
    proc_table_unlock(flags);
}

/**
 * @brief Tell @p child's parent that the child ended (SIGCHLD).
 * @param child  the child, just made a zombie
 * @param status its wait status
 * @pre proc_table_lock() held
 */
static void
signal_child_exit(struct proc *child, int status)
{
    struct sig_info info = {.pid = child->pid};
    if (status & 0x7f) {
        info.code = CLD_KILLED;
        info.status = status & 0x7f;
    } else {
        info.code = CLD_EXITED;
        info.status = (status >> 8) & 0xff;
    }
    signal_send(child->parent, SIGCHLD, &info);
}

/**
 * @brief Are @p parent's children freed at exit, never zombies?
 *
 * So it is when the parent sets SIGCHLD to SIG_IGN or SA_NOCLDWAIT: its
 * wait4 then waits for all children to end and answers -ECHILD.
 * @param parent the parent of an exiting child
 * @return true to free the child at once
 * @pre proc_table_lock() held
 */
static bool
signal_child_autoreap(struct proc *parent)
{
    const struct k_sigaction *act = &parent->sig.action[SIGCHLD];
    return act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT);
}

/**
 * @brief Signal state of a new process: its parent's actions, group and
 *        session; nothing pending. Init is its own group and session.
 * @param child  the new process
 * @param parent its parent, or NULL for init
 */
static void
signal_fork(struct proc *child, struct proc *parent)
{
    if (parent == NULL) {
        child->pgid = child->sid = child->pid;
        child->sig.altstack.flags = SS_DISABLE;
        return;
    }
    memcpy(child->sig.action, parent->sig.action, sizeof(child->sig.action));
    child->sig.altstack = parent->sig.altstack;
    child->pgid = parent->pgid;
    child->sid = parent->sid;
}

/**
 * @brief execve: caught signals go back to SIG_DFL (the handlers' code is
 *        gone); ignored ones stay ignored; the mask and pending set stay.
 * @param p    the process that is executing a new program
 * @param path the program (unused)
 * @param sp   its stack pointer (unused)
 */
static void
signal_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    irqflags_t flags = proc_table_lock();
    for (int sig = 1; sig < NSIG; sig++) {
        if (p->sig.action[sig].handler != SIG_IGN)
            memset(&p->sig.action[sig], 0, sizeof(p->sig.action[sig]));
    }
    p->sig.altstack = (struct k_stack){.flags = SS_DISABLE};
    p->execed = true;
    proc_table_unlock(flags);
}

/* fork: the child's thread inherits the signal mask. */
static void
signal_fork_thread(struct thread *t, const struct thread *from)
{
    t->sig_blocked = from->sig_blocked;
}

/* exit: SIGCHLD to the parent; true when it ignores SIGCHLD, so nobody
 * waits for the zombie. @pre proc_table_lock() held */
static bool
signal_zombie(struct proc *p, int status)
{
    signal_child_exit(p, status);
    return signal_child_autoreap(p->parent);
}

/* wait4: a signal interrupts the wait (checked under the table lock,
 * which kill takes too: it cannot slip in between check and sleep). */
static int
signal_wait_check(struct proc *self)
{
    (void)self;
    return signal_pending() ? -ERESTARTSYS : 0;
}

proc_hooks(50, signal, .alloc = signal_fork, .fork_thread = signal_fork_thread,
           .exec = signal_exec, .zombie = signal_zombie,
           .wait_check = signal_wait_check);
