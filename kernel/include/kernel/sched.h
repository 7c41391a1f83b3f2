/**
 * @file
 * @ingroup proc
 * @brief Threads and the scheduler.
 *
 * A thread is a flow of control with its own kernel stack: its registers
 * are saved on that stack whenever it is not running. The scheduler keeps
 * the runnable threads on one queue and runs them round-robin, each for
 * at most SCHED_SLICE timer ticks before the timer interrupt preempts it.
 * The boot flow itself becomes the first thread, `kmain`; when no thread
 * is runnable the CPU waits in the scheduler for the next interrupt.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/list.h"
#include "kernel/sync.h"
#include "kernel/types.h"

/** Timer ticks a thread may run before it is preempted. */
#define SCHED_SLICE 5

/** The life of a thread. */
enum thread_state {
    THREAD_RUNNABLE, /**< on the run queue */
    THREAD_RUNNING,  /**< on the CPU (the current thread) */
    THREAD_SLEEPING, /**< on a wait queue or the sleep list */
    THREAD_ZOMBIE,   /**< finished; its stack waits to be freed */
};

/** A kernel thread. */
struct thread {
    int tid;                    /**< thread id, unique while it lives */
    char name[16];              /**< for messages and ps */
    enum thread_state state;    /**< see enum thread_state */
    uint64_t ksp;               /**< saved stack pointer while not running */
    vaddr_t kstack_top;         /**< top of its kernel stack */
    unsigned slice;             /**< ticks left before preemption */
    uint64_t wake_at;           /**< jiffies to wake at, when sleeping */
    bool detached;              /**< freed on exit, nobody joins it */
    int exit_code;              /**< what its function returned */
    struct list_node run_link;  /**< run queue or sleep list */
    struct list_node wait_link; /**< a wait queue's waiters */
    struct list_node all_link;  /**< list of all threads */
    paddr_t mm_root;            /**< page tables to run on; 0: the kernel's */
    uint64_t fs_base;           /**< user FS base (thread-local storage) */
    void *proc;       /**< the struct proc of a user thread, or NULL */
    void *user_frame; /**< the registers saved at entry from user mode */
    /** FPU/SSE registers while not running (user programs use SSE) */
    uint8_t fpu[512] __aligned(16);
    /** the locks it holds, as the lock checker sees them (lockdep.c) */
    struct held_lock held[LOCKDEP_DEPTH];
    unsigned held_depth; /**< entries of held[] in use */
#if CHAPTER >= 4
    /* signals: each thread has its own mask */
    uint64_t sig_blocked; /**< signals not delivered to it now */
    uint64_t sig_saved;   /**< the mask rt_sigsuspend replaced */
    bool sig_restore;     /**< put sig_saved back after the handler */
#endif
#if CHAPTER >= 5
    /* a kernel buffer lent to file operations as user memory (sendfile) */
    uint64_t lent_start; /**< its first byte (uaccess_lend()) */
    uint64_t lent_end;   /**< one past its last byte; 0: none lent */
#endif
#if CHAPTER >= 6
    /* restart_syscall: how an interrupted sleep goes on (nanosleep) */
    long (*restart_fn)(struct thread *t); /**< NULL: nothing to resume */
    uint64_t restart_deadline;            /**< the sleep's monotonic deadline */
    uint64_t restart_rem; /**< user address for the time left, or 0 */
#endif
};

/** What a new thread runs. */
typedef int (*thread_fn)(void *arg);

void sched_init(void);
struct thread *thread_current(void);
struct thread *thread_create(thread_fn fn, void *arg, const char *name);
struct thread *thread_create_with_frame(thread_fn fn, const void *frame,
                                        size_t size, const char *name);
__noreturn void thread_exit(int code);
int thread_join(struct thread *t, uint64_t timeout_ticks);
void thread_detach(struct thread *t);
void schedule(void);
bool sched_yield(void);
void sched_idle(void);
void sched_sleep_ticks(uint64_t ticks);
void sched_wake(struct thread *t);
#if CHAPTER >= 5
void sched_sleep_until(uint64_t wake_at, struct spinlock *held,
                       irqflags_t flags);
#endif
void sched_tick(void);
void sched_hang_defer(void);
bool sched_need_resched(void);
void sched_preempt(void);

#if CHAPTER >= 5
/* statistics for /proc (kernel/proc/sched.c) */
void sched_loadavg(unsigned long avg[3], unsigned *running);
void sched_cpu_ticks(uint64_t *idle, uint64_t *busy);
uint64_t sched_switches(void);
#endif

/* shared by sched.c and thread.c only */
extern struct spinlock sched_lock;
void sched_enqueue_locked(struct thread *t);
void sched_reap(void);
void thread_start(int (*fn)(void *), void *arg);

/* the kernel-stack allocator (kernel/mm/kstack.c) */
void kstack_init(void);
vaddr_t kstack_alloc(void);
void kstack_free(vaddr_t top);
size_t kstack_used(vaddr_t top);
size_t kstack_deepest(void);
bool kstack_is_guard(vaddr_t addr);
/** Bytes of one kernel stack (a guard page lies below each). */
#define KSTACK_SIZE (16 * 1024)
/** How many kernel stacks the stack area holds (512 MiB of addresses),
    so how many threads can exist at once. */
#define KSTACK_MAX_THREADS 16384

#endif /* KERNEL_SCHED_H */
