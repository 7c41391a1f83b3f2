/**
 * @file
 * @ingroup proc
 * @brief Processes: the table, fork, exit, wait4, and death by a fault.
 *
 * The process tree: every process but init has a parent, and each parent
 * keeps a list of its children. exit turns a process into a zombie (its
 * memory is freed at once, its pid and status stay) and wakes the parent;
 * wait4 in the parent collects the status and frees the zombie. Orphans
 * go to init (pid 1), which must wait for them in turn. When init itself
 * exits, Keel powers off: there is nothing left to run.
 *
 * fork copies the address space copy-on-write (kernel/mm/uvm.c) and gives
 * the child a thread whose kernel stack begins with a copy of the parent's
 * saved user registers, rax = 0: the child "returns" from fork with 0, the
 * parent with the child's pid.
 *
 * The process table is a list, not an array: how many processes fit is
 * a matter of memory, as on Linux. proc_limit() is Linux's threads-max,
 * the number of kernel stacks that fit in an eighth of memory (2048 in
 * 256 MiB); fork past it is -EAGAIN, and so is fork past the caller's
 * RLIMIT_NPROC (kernel/proc/rlimit.c). Process ids count up to PID_MAX
 * and wrap around to PID_WRAP, skipping ids still in use.
 *
 * Locking: proc_lock protects the table, the tree and every state and
 * status field; a process's mm is used only by its own thread.
 */
#include "kernel/proc.h"
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

static struct spinlock proc_lock = SPINLOCK_INIT("proc");
/** Every process, zombies too, oldest first (through proc.table). */
static struct list_node procs = LIST_INIT(procs);
static int nprocs; // how many are in procs
static int last_pid;
static struct proc *init_proc;

/** Process ids stay below this (Linux's default pid_max)... */
#define PID_MAX 32768
/** ...and start again here when they reach it (Linux's RESERVED_PIDS). */
#define PID_WRAP 300
/** The fewest processes proc_limit() allows, however small the memory. */
#define PROC_LIMIT_MIN 64

/** Room for a copy of the saved user registers (arch_frame_size()). */
#define FRAME_MAX 256

/**
 * @brief The process of the running thread.
 * @return the process, or NULL for a kernel thread
 */
struct proc *
proc_current(void)
{
    return thread_current()->proc;
}

/**
 * @brief How many processes may exist at once: Linux's threads-max.
 *
 * Linux lets kernel stacks take at most an eighth of memory
 * (kernel/fork.c, set_max_threads); so does Keel, and a process here
 * has one stack. The kernel-stack area (kernel/mm/kstack.c) has room
 * for more than any memory QEMU gives gets.
 * @return the limit, at least PROC_LIMIT_MIN
 */
int
proc_limit(void)
{
    uint64_t n = pmm_total_frames() * PAGE_SIZE / (8 * KSTACK_SIZE);
    if (n > KSTACK_MAX_THREADS / 2)
        n = KSTACK_MAX_THREADS / 2; // half the stacks stay for kernel threads
    return n < PROC_LIMIT_MIN ? PROC_LIMIT_MIN : (int)n;
}

/* Is @p pid a process's id (or, from chapter 4, a process group's or a
 * session's, which outlive their leader)? @pre proc_lock held */
static bool
pid_in_use_locked(int pid)
{
    struct list_node *n;
    list_for_each(n, &procs)
    {
        const struct proc *q = list_entry(n, struct proc, table);
        if (q->pid == pid || q->pgid == pid || q->sid == pid)
            return true;
    }
    return false;
}

/* The next free process id after last_pid, wrapping at PID_MAX.
 * The table is never full of ids (proc_limit() < PID_MAX - PID_WRAP).
 * @pre proc_lock held */
static int
pid_alloc_locked(void)
{
    do {
        last_pid = last_pid + 1 >= PID_MAX ? PID_WRAP : last_pid + 1;
    } while (pid_in_use_locked(last_pid));
    return last_pid;
}

/**
 * @brief A new process with no memory and no thread: a table entry and
 *        a pid.
 * @param parent the parent, or NULL for init
 * @param name   its name
 * @return the process, or NULL (-EAGAIN: proc_limit() reached, or
 *         memory out)
 */
struct proc *
proc_alloc(struct proc *parent, const char *name)
{
    struct proc *p = kzalloc(sizeof(*p));
    if (p == NULL)
        return NULL;
    irqflags_t flags = spin_lock_irqsave(&proc_lock);
    if (nprocs >= proc_limit()) {
        spin_unlock_irqrestore(&proc_lock, flags);
        kfree(p);
        return NULL;
    }
    list_push_back(&procs, &p->table);
    nprocs++;
    p->pid = pid_alloc_locked();
    p->parent = parent;
    list_init(&p->children);
    list_init(&p->sibling);
    if (parent != NULL)
        list_push_back(&parent->children, &p->sibling);
    spin_unlock_irqrestore(&proc_lock, flags);
    strlcpy(p->name, name, sizeof(p->name));
    wait_queue_init(&p->child_exit, "child_exit");
    proc_hooks_alloc(p, parent); // the subsystems' state (proc_hooks.c)
    return p;
}

/* Take @p p out of the table and free it. @pre proc_lock held */
static void
proc_free_locked(struct proc *p)
{
    list_remove(&p->table);
    nprocs--;
    proc_hooks_free(p);
    list_remove(&p->sibling);
    kfree(p);
}

/* The child's first code after fork: back to user mode with rax = 0. */
static int
fork_child_return(void *frame)
{
    arch_resume_user(frame);
}

/**
 * @brief fork(): copy the current process.
 * @return the child's pid in the parent; -EAGAIN when proc_limit()
 *         processes exist, or a subsystem refuses (RLIMIT_NPROC); -ENOMEM
 * @pre called from a system call of a user process
 */
// [fork]
int
proc_fork(void)
{
    struct proc *parent = proc_current();
    struct thread *self = thread_current();
    struct proc *child = proc_alloc(parent, parent->name);
    if (child == NULL)
        return -EAGAIN;
    int err = -ENOMEM;
    child->mm = mm_fork(parent->mm);
    if (child->mm == NULL)
        goto err_free;
    child->fs_base = parent->fs_base;

    // the child resumes user mode from a copy of our frame, with rax = 0
    size_t size = arch_frame_size();
    uint8_t frame[FRAME_MAX] __aligned(16);
    BUG_ON(size > sizeof(frame));
    memcpy(frame, self->user_frame, size);
    arch_frame_set_return(frame, 0);
    // the rest of what a process owns, subsystem by subsystem
    err = proc_hooks_fork(child, parent, frame);
    if (err < 0) {
        mm_destroy(child->mm);
        goto err_free;
    }
    err = -ENOMEM; // from here on, only a thread can be missing
    irqflags_t flags = arch_irq_save(); // runnable only when complete
    struct thread *t =
        thread_create_with_frame(fork_child_return, frame, size, child->name);
    if (t == NULL) {
        arch_irq_restore(flags);
        mm_destroy(child->mm);
        proc_hooks_release(child);
        goto err_free;
    }
    t->proc = child;
    t->mm_root = child->mm->root;
    t->fs_base = child->fs_base;
    proc_hooks_fork_thread(t, self);
    thread_detach(t);
    child->thread = t;
    arch_irq_restore(flags);
    return child->pid;

err_free:;
    irqflags_t f = spin_lock_irqsave(&proc_lock);
    proc_free_locked(child);
    spin_unlock_irqrestore(&proc_lock, f);
    return err;
}
// [fork]

/* Give @p p's children to init; wake init if one is already a zombie.
 * @pre proc_lock held */
static void
reparent_children(struct proc *p)
{
    bool zombie = false;
    while (!list_empty(&p->children)) {
        struct list_node *n = p->children.next;
        struct proc *c = list_entry(n, struct proc, sibling);
        list_remove(n);
        c->parent = init_proc;
        list_push_back(&init_proc->children, &c->sibling);
        zombie |= c->state == PROC_ZOMBIE;
    }
    if (zombie)
        wait_queue_wake_all(&init_proc->child_exit);
}

/**
 * @brief End the current process with wait status @p status.
 *
 * Frees the address space at once, hands the children to init, becomes a
 * zombie and wakes the parent. When init exits, the machine powers off.
 * @param status a Linux wait status (W_EXITCODE or W_SIGNALED)
 */
__noreturn void
proc_exit(int status)
{
    struct proc *p = proc_current();
    struct thread *self = thread_current();
    if (p == init_proc) {
        // a clean end is news only in the log; a failing init is a warning
        if (status == 0)
            pr_notice("keel: init exited with status 0\n");
        else
            pr_warn("keel: init exited with status %d%s\n",
                    (status >> 8) & 0xff,
                    (status & 0x7f) ? " (killed by a signal)" : "");
        int code = status == 0 ? KEEL_EXIT_OK : KEEL_EXIT_INIT;
        lockdep_print_stats();
        pr_notice("keel: power off (status %d)\n", code);
        arch_power_off(code);
    }
    proc_hooks_exit(p); // what still needs our memory
    // leave the address space, and detach it from the process (with
    // interrupts off: whoever walks the table sees it whole or not at
    // all), before freeing it
    irqflags_t irq = arch_irq_save();
    self->mm_root = vmm_kernel_root();
    mm_activate(NULL);
    struct mm *mm = p->mm;
    p->mm = NULL;
    arch_irq_restore(irq);
    mm_destroy(mm);
    proc_hooks_release(p); // the rest of what we hold

    irqflags_t flags = spin_lock_irqsave(&proc_lock);
    reparent_children(p);
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    // still under proc_lock: the parent cannot be reaped and freed meanwhile
    // (lock order proc_lock, then a wait queue's lock, as in wait4)
    struct proc *parent = p->parent;
    if (proc_hooks_zombie(p, status))
        proc_free_locked(p); // nobody will wait for it
    wait_queue_wake_all(&parent->child_exit);
    // from the unlock on, the parent's wait4 (or the line above) may free
    // p while this thread still runs to thread_exit(); a timer tick in
    // between would charge its time to the freed process
    self->proc = NULL;
    spin_unlock_irqrestore(&proc_lock, flags);
    thread_exit(0);
}

/*
 * Look among @p p's children for one that wait4's @p pid selects (-1:
 * any) and that has exited: 1 and *z when there is one; 0 when some
 * child matches but none has exited; -ECHILD when none matches; -EINVAL
 * for a @p pid that selects nothing this kernel knows. @pre proc_lock held
 */
static int
find_zombie(struct proc *p, int pid, struct proc **z)
{
    struct list_node *n;
    int found = -ECHILD;
#if CHAPTER < 4
    if (pid < -1 || pid == 0)
        return -EINVAL; // process groups come with job control
#endif
    list_for_each(n, &p->children)
    {
        struct proc *c = list_entry(n, struct proc, sibling);
#if CHAPTER >= 4
        // pid > 0: that child; -1: any; 0: our group; < -1: group -pid
        if ((pid > 0 && c->pid != pid) || (pid == 0 && c->pgid != p->pgid) ||
            (pid < -1 && c->pgid != -pid))
            continue;
#else
        if (pid != -1 && c->pid != pid)
            continue;
#endif
        found = 0;
        if (c->state == PROC_ZOMBIE) {
            *z = c;
            return 1;
        }
    }
    return found;
}

/**
 * @brief wait4(): collect a child's exit status.
 * @param pid     -1 for any child, or a child's pid (chapter 4 adds 0: a
 *                child in our group, < -1: in group -pid; before, -EINVAL)
 * @param status  receives the wait status
 * @param options 0, WNOHANG (1), PROC_WNOWAIT (leave the zombie)
 * @return the child's pid; 0 with WNOHANG when none has exited; -ECHILD
 *         when no child matches; -ESRCH for INT_MIN, as Linux; -EINVAL
 *         for a pid this kernel cannot
 *         select by; the errno of a proc_hooks wait_check that ends the
 *         wait (-ERESTARTSYS: a signal arrived while it slept)
 */
// [wait4]
int
proc_wait4(int pid, int *status, int options)
{
    struct proc *self = proc_current();
    if (pid == -2147483647 - 1) // INT_MIN: group -pid does not exist
        return -ESRCH;          // (Linux's answer; -pid would overflow)
    irqflags_t flags = spin_lock_irqsave(&proc_lock);
    for (;;) {
        struct proc *z;
        int found = find_zombie(self, pid, &z);
        if (found > 0) {
            int zpid = z->pid;
            *status = z->exit_status;
            if (!(options & PROC_WNOWAIT)) // a later look may take it
                proc_free_locked(z);
            spin_unlock_irqrestore(&proc_lock, flags);
            return zpid;
        }
        // no such child (or a bad pid), or one still running with WNOHANG
        if (found < 0 || (options & 1)) {
            spin_unlock_irqrestore(&proc_lock, flags);
            return found;
        }
        // a hook may end the wait instead (checked under proc_lock, which
        // whoever makes it true takes too: nothing slips in before the sleep)
        int err = proc_hooks_wait_check(self);
        if (err < 0) {
            spin_unlock_irqrestore(&proc_lock, flags);
            return err;
        }
        wait_queue_sleep(&self->child_exit, &proc_lock, &flags);
    }
}
// [wait4]

/**
 * @brief Kill the current process for a fault it caused (SIGSEGV, ...).
 * @param signal the signal number its parent's wait4 will report
 */
void
proc_kill_fault(int signal)
{
    struct proc *p = proc_current();
    // a notice, as Linux's "segfault at" line is news: in the log, and on
    // the console only with loglevel=6 or more once init runs
    pr_notice("keel: pid %d (%s) killed by signal %d\n", p->pid, p->name,
              signal);
    proc_exit(W_SIGNALED(signal));
}

/**
 * @brief Make @p p init, the process orphans are given to.
 * @param p the first user process
 */
void
proc_set_init(struct proc *p)
{
    init_proc = p;
}

#if CHAPTER >= 4
/**
 * @brief Lock the process table (kill and setpgid walk it).
 * @return the interrupt state to give proc_table_unlock()
 */
irqflags_t
proc_table_lock(void)
{
    return spin_lock_irqsave(&proc_lock);
}

/**
 * @brief Sleep on @p wq with the process table locked: the lock is let go
 *        while asleep and held again on waking, so a change made under it
 *        (a child's exit, stop or continue) cannot slip in unseen. For
 *        waits outside this file whose condition the table lock guards
 *        (job control's waitid without WEXITED).
 * @param wq    the queue, usually the caller's child_exit
 * @param flags what proc_table_lock() returned; updated
 * @pre the table locked by proc_table_lock()
 */
void
proc_table_sleep(struct wait_queue *wq, irqflags_t *flags)
{
    wait_queue_sleep(wq, &proc_lock, flags);
}

/**
 * @brief Unlock the process table.
 * @param flags what proc_table_lock() returned
 */
void
proc_table_unlock(irqflags_t flags)
{
    spin_unlock_irqrestore(&proc_lock, flags);
}

/**
 * @brief Walk the process table: the process after @p p, oldest first.
 *
 * `for (q = proc_next(NULL); q != NULL; q = proc_next(q))` visits every
 * process, zombies too, while the table stays locked.
 * @param p a process in the table, or NULL for the first
 * @return the next process, or NULL after the last
 * @pre proc_table_lock() held
 */
struct proc *
proc_next(const struct proc *p)
{
    const struct list_node *n = p == NULL ? procs.next : p->table.next;
    return n == &procs ? NULL : list_entry(n, struct proc, table);
}

/**
 * @brief The process with id @p pid.
 * @param pid a process id
 * @return the process (maybe a zombie), or NULL
 * @pre proc_table_lock() held
 */
struct proc *
proc_find_locked(int pid)
{
    struct list_node *n;
    list_for_each(n, &procs)
    {
        struct proc *p = list_entry(n, struct proc, table);
        if (p->pid == pid)
            return p;
    }
    return NULL;
}

/**
 * @brief How many processes exist (zombies included), for sysinfo.
 * @return the number in the process table
 */
int
proc_count(void)
{
    irqflags_t flags = spin_lock_irqsave(&proc_lock);
    int n = nprocs;
    spin_unlock_irqrestore(&proc_lock, flags);
    return n;
}

/**
 * @brief waitid(): wait4's sibling that can leave the zombie in place.
 *
 * proc_wait4() with WNOWAIT finds the child without reaping it; its uid
 * is read, and without @p keep a second, non-blocking wait4 reaps it (only
 * its parent can, so it is still there).
 * @param pid     as proc_wait4()'s
 * @param keep    leave the zombie (WNOWAIT)
 * @param nohang  return 0 at once when no child has exited (WNOHANG)
 * @param status  receives the wait status
 * @param uid     receives the child's real uid
 * @return the child's pid; 0 with @p nohang; -ECHILD when no child
 *         matches; -ERESTARTSYS when a signal arrives while it sleeps
 */
int
proc_waitid(int pid, bool keep, bool nohang, int *status, uint32_t *uid)
{
    int zpid = proc_wait4(pid, status, PROC_WNOWAIT | (nohang ? 1 : 0));
    if (zpid <= 0)
        return zpid;
    irqflags_t flags = spin_lock_irqsave(&proc_lock);
    struct proc *z = proc_find_locked(zpid);
    *uid = z != NULL ? z->cred.uid : 0;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (!keep)
        proc_wait4(zpid, status, 1);
    return zpid;
}
#endif
