/**
 * @file
 * @ingroup proc
 * @brief Process hooks: run every subsystem's part of fork, exec and exit.
 *
 * A process owns more than memory and a thread once later subsystems
 * arrive: open files, signal handlers, user ids. Rather than name each of
 * them in fork and exit, the process code calls the functions here, and
 * each subsystem registers its part with proc_hooks() (kernel/proc.h).
 * The linker gathers the registrations between `__proc_hooks_start` and
 * `__proc_hooks_end`, sorted by their order number (kernel.ld), so a
 * subsystem that needs another's state runs after it. A kernel with no
 * such subsystem has an empty set, and every function here does nothing.
 *
 * Locking: none of its own; each function says what its caller holds.
 */
#include "kernel/proc.h"

extern const struct proc_hooks __proc_hooks_start[], __proc_hooks_end[];

/** Every registration @p h, in order. */
#define for_each_proc_hooks(h)                                                 \
    for_each_in_set(h, __proc_hooks_start, __proc_hooks_end)

/**
 * @brief A new process: each subsystem sets up its state.
 * @param p      the process, fresh from the table
 * @param parent its parent, or NULL for init
 * @pre no locks held
 */
void
proc_hooks_alloc(struct proc *p, struct proc *parent)
{
    for_each_proc_hooks(h)
    {
        if (h->alloc != NULL)
            h->alloc(p, parent);
    }
}

/**
 * @brief fork: each subsystem gives the child its copy of the parent's.
 *
 * When one fails, those that ran before it release what they gave, in
 * reverse order, and the fork fails with its error.
 * @param child  the new process, its memory copied, no thread yet
 * @param parent the current process
 * @param frame  the child's copy of the parent's saved user registers
 * @return 0, or the first hook's negative errno (-ENOMEM, -EMFILE, ...)
 * @pre called from proc_fork() in the parent, no locks held
 */
int
proc_hooks_fork(struct proc *child, struct proc *parent, void *frame)
{
    for_each_proc_hooks(h)
    {
        int err = h->fork != NULL ? h->fork(child, parent, frame) : 0;
        if (err == 0)
            continue;
        while (h != __proc_hooks_start) {
            h--;
            if (h->fork != NULL && h->release != NULL)
                h->release(child);
        }
        return err;
    }
    return 0;
}

/**
 * @brief fork: the child's thread exists; copy the per-thread state.
 * @param t    the child's thread, not yet runnable
 * @param from the parent's thread (the current one)
 * @pre interrupts off
 */
void
proc_hooks_fork_thread(struct thread *t, const struct thread *from)
{
    for_each_proc_hooks(h)
    {
        if (h->fork_thread != NULL)
            h->fork_thread(t, from);
    }
}

/**
 * @brief execve succeeded: each subsystem forgets what the old program set.
 * @param p    the current process, its new image in place
 * @param path the program's path, as execve was given it
 * @param sp   the new user stack pointer (at argc)
 */
void
proc_hooks_exec(struct proc *p, const char *path, vaddr_t sp)
{
    for_each_proc_hooks(h)
    {
        if (h->exec != NULL)
            h->exec(p, path, sp);
    }
}

/**
 * @brief The first process is made: what init has without a parent.
 * @param p    init, its image in place, no thread yet
 * @param path its program's path
 * @param sp   its user stack pointer (at argc)
 */
void
proc_hooks_start_init(struct proc *p, const char *path, vaddr_t sp)
{
    for_each_proc_hooks(h)
    {
        if (h->start_init != NULL)
            h->start_init(p, path, sp);
    }
}

/**
 * @brief exit, first part: what needs the process's memory.
 * @param p the current process, its memory still mapped
 */
void
proc_hooks_exit(struct proc *p)
{
    for_each_proc_hooks(h)
    {
        if (h->exit != NULL)
            h->exit(p);
    }
}

/**
 * @brief exit after the memory is gone (or a fork that failed late):
 *        each subsystem lets go of what @p p holds.
 * @param p the exiting process, or a child whose fork failed
 */
void
proc_hooks_release(struct proc *p)
{
    for_each_proc_hooks(h)
    {
        if (h->release != NULL)
            h->release(p);
    }
}

/**
 * @brief @p p became a zombie: the subsystems tell its parent.
 * @param p      the zombie
 * @param status its wait status
 * @return true when a hook says nobody will wait for it: free it now
 * @pre the process table lock held
 */
bool
proc_hooks_zombie(struct proc *p, int status)
{
    bool reap = false;
    for_each_proc_hooks(h)
    {
        if (h->zombie != NULL)
            reap |= h->zombie(p, status);
    }
    return reap;
}

/**
 * @brief May a wait4 go to sleep, or must it end now?
 * @param self the waiting process
 * @return 0 to sleep, or the first hook's negative errno to return
 * @pre the process table lock held
 */
int
proc_hooks_wait_check(struct proc *self)
{
    for_each_proc_hooks(h)
    {
        int err = h->wait_check != NULL ? h->wait_check(self) : 0;
        if (err < 0)
            return err;
    }
    return 0;
}

/**
 * @brief @p p leaves the process table: the subsystems free its state.
 * @param p the process being freed (a zombie, or a fork that failed)
 * @pre the process table lock held
 */
void
proc_hooks_free(struct proc *p)
{
    for_each_proc_hooks(h)
    {
        if (h->free != NULL)
            h->free(p);
    }
}

/**
 * @brief On the way back to user mode: every subsystem's pending work
 *        (return_hook()), in order.
 * @param frame the saved user registers
 * @param nr    the system call that ends, or -1 after a trap
 * @pre interrupts off, the current thread's kernel stack
 */
void
proc_return_to_user(void *frame, long nr)
{
    extern const struct return_hook __return_hooks_start[],
        __return_hooks_end[];
    for_each_in_set(h, __return_hooks_start, __return_hooks_end)
    {
        h->fn(frame, nr);
    }
}
