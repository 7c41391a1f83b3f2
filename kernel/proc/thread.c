/**
 * @file
 * @ingroup proc
 * @brief Kernel threads: create, start, exit, join.
 *
 * thread_create() gives a thread a kernel stack (with a guard page below
 * it, kernel/mm/kstack.c) and a first stack frame that makes the scheduler's
 * context switch "return" into thread_start(), which runs the function and
 * then thread_exit(). A finished thread is a zombie until someone frees its
 * stack: thread_join() for a joined thread, or sched_reap() for a detached
 * one. A thread cannot free the stack it is running on, which is why
 * freeing always happens from another thread.
 *
 * Locking: the `dead` list is protected by sched_lock.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "uapi/errno.h"

static struct list_node dead = LIST_INIT(dead);
static int next_tid = 1;

/*
 * A new thread whose stack starts with @p size bytes copied from @p frame
 * (none when @p size is 0) and whose first switch runs fn(arg), where arg
 * is @p arg, or the copy's address when there is a copy. Runnable at once.
 */
static struct thread *
thread_new(thread_fn fn, void *arg, const void *frame, size_t size,
           const char *name)
{
    struct thread *t = kzalloc(sizeof(*t));
    if (t == NULL)
        return NULL;
    t->kstack_top = kstack_alloc();
    if (t->kstack_top == 0) {
        kfree(t);
        return NULL;
    }
    strlcpy(t->name, name, sizeof(t->name));
    vaddr_t top = t->kstack_top;
    if (size > 0) {
        top -= size;
        memcpy((void *)top, frame, size);
        t->user_frame = (void *)top;
        arg = t->user_frame;
    }
    t->ksp = arch_thread_prepare(top, fn, arg);
    t->mm_root = thread_current()->mm_root;
    arch_fpu_save(t->fpu); // a new thread inherits the creator's FPU state
    list_init(&t->wait_link);

    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    t->tid = next_tid++;
    t->state = THREAD_RUNNABLE;
    t->slice = SCHED_SLICE;
    sched_enqueue_locked(t);
    spin_unlock_irqrestore(&sched_lock, flags);
    return t;
}

/**
 * @brief Create a runnable kernel thread running fn(arg).
 * @param fn   the thread's function; its return value is the exit code
 * @param arg  passed to @p fn
 * @param name shown in messages (truncated to 15 characters)
 * @return the thread, or NULL when memory is out
 */
struct thread *
thread_create(thread_fn fn, void *arg, const char *name)
{
    return thread_new(fn, arg, NULL, 0, name);
}

/**
 * @brief Create a thread whose stack starts with a copy of @p frame.
 *
 * For fork: the child's first kernel stack holds the parent's saved user
 * registers, and @p fn receives their address, to return to user mode
 * with them. The caller keeps interrupts off until it has finished
 * setting the thread up (its process, its page tables): the thread is on
 * the run queue already.
 * @param fn    runs first, with the copied frame's address
 * @param frame the registers to copy (a multiple of 16 bytes)
 * @param size  their size
 * @param name  the thread's name
 * @return the thread, or NULL when memory is out
 */
struct thread *
thread_create_with_frame(thread_fn fn, const void *frame, size_t size,
                         const char *name)
{
    return thread_new(fn, NULL, frame, size, name);
}

/**
 * @brief The first C code of every new thread (called by switch.S).
 *
 * The switch into this thread happened inside schedule() with sched_lock
 * held; this is the one place a thread starts without returning from
 * schedule(), so it releases the lock itself, with interrupts on.
 * @param fn  the thread's function
 * @param arg its argument
 */
void
thread_start(int (*fn)(void *), void *arg)
{
    lockdep_handover(&sched_lock);
    spin_unlock_irqrestore(&sched_lock, 0);
    arch_irq_enable();
    sched_reap();
    thread_exit(fn(arg));
}

/**
 * @brief End the current thread with @p code; never returns.
 * @param code the exit code thread_join() returns
 */
__noreturn void
thread_exit(int code)
{
    struct thread *t = thread_current();
    if (t->tid == 0)
        panic("kmain cannot exit");
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    t->exit_code = code;
    t->state = THREAD_ZOMBIE;
    if (t->detached)
        list_push_back(&dead, &t->run_link);
    spin_unlock_irqrestore(&sched_lock, flags);
    schedule();
    panic("zombie thread %s ran again", t->name);
}

/* Free a zombie's stack and descriptor. @pre t is not running */
static void
thread_free(struct thread *t)
{
    kstack_free(t->kstack_top);
    kfree(t);
}

/**
 * @brief Wait for @p t to exit, free it, and return its exit code.
 *
 * Waits by yielding (or idling when nothing else runs), so it works even
 * while the scheduler is incomplete; gives up after @p timeout_ticks.
 * @param t             a thread that is not detached
 * @param timeout_ticks how long to wait, in timer ticks
 * @return the exit code, or -ETIMEDOUT (the thread is then left alone)
 */
int
thread_join(struct thread *t, uint64_t timeout_ticks)
{
    uint64_t deadline = time_jiffies() + timeout_ticks;
    while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_ZOMBIE) {
        if (time_jiffies() >= deadline)
            return -ETIMEDOUT;
        if (!sched_yield())
            arch_idle();
    }
    int code = t->exit_code;
    thread_free(t);
    return code;
}

/**
 * @brief Let @p t be freed automatically when it exits.
 * @param t a thread nobody will join
 */
void
thread_detach(struct thread *t)
{
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    t->detached = true;
    if (t->state == THREAD_ZOMBIE)
        list_push_back(&dead, &t->run_link);
    spin_unlock_irqrestore(&sched_lock, flags);
}

/**
 * @brief Free detached zombies (never the current thread).
 * @pre sched_lock not held
 */
void
sched_reap(void)
{
    for (;;) {
        irqflags_t flags = spin_lock_irqsave(&sched_lock);
        struct thread *victim = NULL;
        struct list_node *n;
        list_for_each(n, &dead)
        {
            struct thread *t = list_entry(n, struct thread, run_link);
            if (t != thread_current()) {
                victim = t;
                break;
            }
        }
        if (victim != NULL)
            list_remove(&victim->run_link);
        spin_unlock_irqrestore(&sched_lock, flags);
        if (victim == NULL)
            return;
        thread_free(victim);
    }
}
