/**
 * @file
 * @ingroup proc
 * @brief Processes: an address space, a thread, a parent and children.
 *
 * A process is what a user program runs in: its own address space (struct
 * mm), one thread (chapter 3; threads of one process come with clone in a
 * later chapter), a process id, a parent that will collect its exit status
 * with wait4, and its children. A process that has exited but not been
 * waited for is a zombie: it keeps only its pid and status.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/compiler.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/sync.h"
#if CHAPTER >= 4
#include "kernel/cred.h"
#include "kernel/signal.h"
#endif

/** Where a process is in its life. */
enum proc_state {
    PROC_RUNNING, /**< alive (its thread may be running or sleeping) */
    PROC_ZOMBIE,  /**< exited, status kept for the parent's wait4 */
};

/** A process. */
struct proc {
    int pid;                      /**< process id; 1 is init */
    struct list_node table;       /**< in the process table (proc.c) */
    char name[16];                /**< the program's name, for messages */
    enum proc_state state;        /**< see enum proc_state */
    int exit_status;              /**< wait4 status word, Linux encoding */
    struct mm *mm;                /**< the address space */
    struct thread *thread;        /**< its one thread */
    struct proc *parent;          /**< who waits for it (init when orphaned) */
    struct list_node children;    /**< its children, through sibling */
    struct list_node sibling;     /**< in the parent's children */
    struct wait_queue child_exit; /**< sleep here in wait4 */
    uint64_t fs_base;        /**< the FS base (TLS) user set with arch_prctl */
    vaddr_t clear_child_tid; /**< set_tid_address */
#if CHAPTER >= 4
    /* signals, process groups and sessions */
    struct sig_state sig; /**< handlers and pending signals */
    int pgid;             /**< process group (inherited on fork) */
    int sid;              /**< session (inherited on fork) */
    bool execed;          /**< has called execve (setpgid: EACCES) */
    /* files (fs/include/fs/file.h) */
    struct fdtable *fs_fdt; /**< open file descriptors */
#if CHAPTER >= 5
    struct dentry *fs_cwd; /**< working directory (one reference) */
#else
    struct fnode *fs_cwd; /**< working directory */
#endif
    unsigned fs_umask; /**< file creation mask (umask) */
    /* identity, limits, clone and accounting (kernel/proc/cred.c, clone.c) */
    struct cred cred;                  /**< user and group ids */
    struct rlimit rlim[RLIM_NLIMITS];  /**< resource limits */
    const struct clone_req *clone_req; /**< clone's request, during fork */
    struct proc *vfork_parent;         /**< a vfork parent waiting for us */
    bool vfork_busy;                   /**< a vfork child still uses us */
    struct wait_queue vfork_done;      /**< the vfork parent sleeps here */
    uint64_t robust_list;              /**< set_robust_list's head */
    uint64_t ticks;                    /**< timer ticks spent running */
    uint64_t child_ticks;              /**< ticks of waited-for children */
    int nice;                          /**< setpriority's value, -20..19 */
#endif
#if CHAPTER >= 5
    /* procfs: what /proc/[pid] shows beyond the above (procinfo.c) */
    uint64_t start_ticks; /**< jiffies when it was forked */
    vaddr_t arg_start;    /**< its argument strings on the user stack */
    vaddr_t arg_end;      /**< one past the last argument's NUL */
    vaddr_t env_start;    /**< its environment strings */
    vaddr_t env_end;      /**< one past the last one's NUL */
    char *exe_path;       /**< the program's absolute path (kmalloc), or NULL */
    bool make_it_fail;    /**< /proc/[pid]/make-it-fail: its allocations
                               may fail on purpose (failinject.c) */
#endif
#if CHAPTER >= 6
    /* job control (kernel/proc/jobctl.c) */
    bool stopped;    /**< stopped by a stop signal, until SIGCONT */
    int stop_sig;    /**< the signal that stopped it */
    int jobctl_news; /**< CLD_STOPPED or CLD_CONTINUED not yet reported
                          to a wait of the parent; 0: none */
    /** a wait for news in progress (jobctl_wait()): what it asks, what
        the proc_hooks wait_check found */
    struct {
        int pid;      /**< the children it waits for, as wait4's pid */
        int options;  /**< WUNTRACED, WCONTINUED, WNOWAIT; 0: none */
        int found;    /**< the child with news, or 0 */
        int status;   /**< its wait status word */
        uint32_t uid; /**< its real uid (waitid's si_uid) */
    } jobwait;
    /* CPU time in the kernel (kernel/proc/cputime.c): of ticks and
       child_ticks, those that found it in the kernel */
    uint64_t sys_ticks;       /**< system time, in ticks */
    uint64_t child_sys_ticks; /**< reaped children's system time */
    /* timers (kernel/time/itimer.c, kernel/time/posix_timer.c) */
    struct itimers *itimers; /**< alarm and setitimer's, or NULL */
    struct ptimers *ptimers; /**< timer_create's, or NULL */
#endif
};

/** What the ELF loader found: where to start, and the auxv facts. */
struct elf_image {
    vaddr_t entry;       /**< the program's entry point (after relocation) */
    vaddr_t phdr;        /**< user address of the program headers, or 0 */
    unsigned phnum;      /**< number of program headers */
    unsigned phent;      /**< size of one program header */
    vaddr_t load_bias;   /**< 0 for ET_EXEC, the base for ET_DYN */
    vaddr_t interp_base; /**< AT_BASE: where the dynamic loader is, or 0 */
    vaddr_t start;       /**< where the process starts: entry, or ld.so's */
    vaddr_t brk;         /**< end of the highest segment: the heap's start */
};

int elf_check(const void *image, size_t size);
const char *elf_interp(const void *image, size_t size);
int elf_load(struct mm *mm, const void *image, size_t size,
             struct elf_image *out);
int elf_load_interp(struct mm *mm, const void *image, size_t size,
                    struct elf_image *out);
int ustack_setup(struct mm *mm, char *const argv[], int argc,
                 char *const envp[], int envc, const struct elf_image *img,
                 const char *execfn, vaddr_t *sp);

struct proc *proc_current(void);
struct proc *proc_alloc(struct proc *parent, const char *name);
int proc_limit(void);
void proc_set_init(struct proc *p);
/** The most arguments init takes from the command line (after `--`). */
#define INIT_MAX_ARGS 32

int proc_start_init(const char *path, const char *const args[], int nargs);
int proc_fork(void);
int proc_execve(const char *path, char *const argv[], int argc,
                char *const envp[], int envc);
__noreturn void proc_exit(int status);
int proc_wait4(int pid, int *status, int options);
/** proc_wait4() option: leave the zombie in place (waitid's WNOWAIT). */
#define PROC_WNOWAIT 0x01000000
void proc_kill_fault(int signal);
#if CHAPTER >= 4
irqflags_t proc_table_lock(void);
void proc_table_unlock(irqflags_t flags);
struct proc *proc_next(const struct proc *p);
struct proc *proc_find_locked(int pid);
#endif
#if CHAPTER >= 6
struct wait_queue;
void proc_table_sleep(struct wait_queue *wq, irqflags_t *flags);
#endif

/**
 * @brief What one subsystem does at each step of a process's life.
 *
 * The process code (proc.c, exec.c) knows only memory and the thread.
 * Everything else a process owns — open files, signal handlers, ids —
 * belongs to a subsystem that registers these functions with
 * proc_hooks(); proc_hooks.c runs them at fork, exec, exit and reaping,
 * in the order of their registrations' numbers. Every member may be NULL.
 */
struct proc_hooks {
    const char *name; /**< the subsystem, for messages */
    /** proc_alloc: set up the new process @p p (@p parent NULL for init) */
    void (*alloc)(struct proc *p, struct proc *parent);
    /** fork: give @p child its copy of @p parent's state; @p frame is the
     *  child's saved user registers. 0, or a negative errno that fails
     *  the fork (the hooks that already ran are released) */
    int (*fork)(struct proc *child, struct proc *parent, void *frame);
    /** fork: the child's thread @p t exists, not yet runnable; copy the
     *  per-thread state of @p from, the parent's thread */
    void (*fork_thread)(struct thread *t, const struct thread *from);
    /** execve: @p p runs the program at @p path now, its stack at @p sp */
    void (*exec)(struct proc *p, const char *path, vaddr_t sp);
    /** the first process @p p (init) is made from @p path, stack at @p sp */
    void (*start_init)(struct proc *p, const char *path, vaddr_t sp);
    /** exit, while @p p's memory is still mapped */
    void (*exit)(struct proc *p);
    /** exit after the memory is gone, or a fork that failed after this
     *  subsystem's fork hook: let go of what @p p holds */
    void (*release)(struct proc *p);
    /** @p p just became a zombie with @p status (proc lock held): tell the
     *  parent; true when nobody will wait, so it is freed at once */
    bool (*zombie)(struct proc *p, int status);
    /** before a wait4 sleeps: 0, or the errno that ends the wait */
    int (*wait_check)(struct proc *self);
    /** @p p leaves the process table for good (proc lock held) */
    void (*free)(struct proc *p);
};

/**
 * Register the process hooks of subsystem @p id, run in the order of
 * @p order (two digits; lower first); the rest are struct proc_hooks
 * members, e.g. `proc_hooks(10, files, .fork = fs_fork)` (fs/fdtable.c).
 */
#define proc_hooks(order, id, ...)                                             \
    static const struct proc_hooks __proc_hooks_##id __used __aligned(8)       \
        __section(".proc_hooks." #order) = {.name = #id, __VA_ARGS__}

/**
 * @brief Work a thread does on its way back to user mode, after a system
 *        call or a trap that interrupted user mode (pending signals act
 *        there). Register with return_hook(); proc_return_to_user() runs
 *        them in order.
 */
struct return_hook {
    /** @p frame: the saved user registers; @p nr: the system call that
     *  ends (its result already in the frame), -1 after a trap */
    void (*fn)(void *frame, long nr);
    const char *name; /**< its name, for readers */
};

/** Register @p fn to run on every return to user mode, in the order of
 *  @p order (two digits, lower first). */
#define return_hook(order, fn)                                                 \
    static const struct return_hook __return_hook_##fn __used __aligned(8)     \
        __section(".return_hooks." #order) = {fn, #fn}

void proc_return_to_user(void *frame, long nr);

void proc_hooks_alloc(struct proc *p, struct proc *parent);
int proc_hooks_fork(struct proc *child, struct proc *parent, void *frame);
void proc_hooks_fork_thread(struct thread *t, const struct thread *from);
void proc_hooks_exec(struct proc *p, const char *path, vaddr_t sp);
void proc_hooks_start_init(struct proc *p, const char *path, vaddr_t sp);
void proc_hooks_exit(struct proc *p);
void proc_hooks_release(struct proc *p);
bool proc_hooks_zombie(struct proc *p, int status);
int proc_hooks_wait_check(struct proc *self);
void proc_hooks_free(struct proc *p);

/** @name Linux wait status words. */
///@{
/** The status of a process that exited with @p code. */
#define W_EXITCODE(code) (((code)&0xff) << 8)
/** The status of a process killed by signal @p sig. */
#define W_SIGNALED(sig) ((sig)&0x7f)
///@}

#endif /* KERNEL_PROC_H */
