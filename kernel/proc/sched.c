/**
 * @file
 * @ingroup proc
 * @brief The scheduler: one run queue, round-robin, preemption on the tick.
 *
 * Runnable threads wait in FIFO order on the run queue. schedule() puts
 * the current thread at the back (if it can still run), takes the thread
 * at the front and switches to it. The timer calls sched_tick() every
 * tick: it wakes sleepers whose time has come and, when the current
 * thread has used its SCHED_SLICE ticks, asks for a reschedule, which the
 * trap path performs on its way out of the interrupt (sched_preempt()).
 *
 * When nothing can run, schedule() waits for an interrupt right there
 * (`sti; hlt`) until a tick or a wake-up puts a thread on the queue: there
 * is no separate idle thread.
 *
 * Two checks turn a stuck scheduler into a message instead of a silent
 * machine: a run queue that holds threads while sched_pick_next() chooses
 * none is a panic at once, and with `hangcheck=SECONDS` on the command
 * line (the grader sets it), a machine on which no thread has run for
 * that long, none is runnable, none sleeps with a deadline and no kernel
 * timer is armed panics with "every thread waits for a wake-up": nothing
 * inside the machine can ever wake one, which is what a lost wake-up
 * looks like from outside. Linux's hung-task detector is the model.
 *
 * Locking: sched_lock protects the run queue, the sleep list, `current`
 * and every thread's state. It is held across the context switch itself
 * and released by whoever runs next: the thread returning from its own
 * schedule() call, or a new thread in thread_start().
 */
#include "kernel/sched.h"
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/time.h"

struct spinlock sched_lock = SPINLOCK_INIT("sched");
static struct list_node run_queue = LIST_INIT(run_queue);
static struct list_node sleepers = LIST_INIT(sleepers);
static struct thread kmain_thread;
static struct thread *current;
static bool need_resched;
static bool idling;  /* schedule() waits for a runnable thread */
static bool halting; /* kmain's idle loop waits for an interrupt */
static uint64_t switches;
static uint64_t hang_limit; /* hangcheck= in ticks; 0: off */
static uint64_t hang_ticks; /* ticks so far with nothing that can wake */

/**
 * @brief Make the boot flow the first thread, `kmain`.
 * @pre called once from kmain, after kmalloc_init() and vmm_init()
 */
void
sched_init(void)
{
    extern char boot_stack_top[];
    kmain_thread.tid = 0;
    strlcpy(kmain_thread.name, "kmain", sizeof(kmain_thread.name));
    kmain_thread.state = THREAD_RUNNING;
    kmain_thread.kstack_top = (vaddr_t)boot_stack_top;
    kmain_thread.slice = SCHED_SLICE;
    list_init(&kmain_thread.run_link);
    list_init(&kmain_thread.wait_link);
    kmain_thread.mm_root = vmm_kernel_root();
    current = &kmain_thread;
    arch_set_kernel_stack(kmain_thread.kstack_top);
    kstack_init();
    hang_limit = cmdline_ulong("hangcheck", 0) * HZ;
    lockdep_init();
    pr_info("sched: round-robin, %d ticks a slice\n", SCHED_SLICE);
}

/**
 * @brief Put a new thread at the back of the run queue.
 * @param t a RUNNABLE thread on no list
 * @pre sched_lock held
 */
void
sched_enqueue_locked(struct thread *t)
{
    list_push_back(&run_queue, &t->run_link);
}

/**
 * @brief The thread running on this CPU.
 * @return the current thread (never NULL once sched_init() has run)
 */
struct thread *
thread_current(void)
{
    return current;
}

/**
 * @brief Choose the next thread to run, or NULL when none is runnable.
 *
 * Round-robin: the thread that has waited longest, at the front of the run
 * queue, goes next; schedule() puts a preempted thread at the back.
 * @return the thread, taken off the run queue
 * @pre sched_lock held
 */
// [pick_next]
static struct thread *
sched_pick_next(void)
{
    // >>> exercise 3.1 round-robin
    if (list_empty(&run_queue))
        return NULL;
    struct list_node *first = run_queue.next;
    list_remove(first);
    return list_entry(first, struct thread, run_link);
    // === stub: nobody else ever gets the CPU
    // return NULL;
    // <<< exercise 3.1 round-robin
}
// [pick_next]

/* sched_pick_next() chose nobody: the run queue must be empty, or the
 * thread on the CPU would keep it forever while others wait, silently.
 * @pre sched_lock held */
static void
check_none_runnable(void)
{
    if (!list_empty(&run_queue))
        panic("sched: threads are runnable, but sched_pick_next() chose "
              "none");
}

/*
 * Wait for an interrupt with the lock dropped, until a thread is runnable.
 * Ticks and wake-ups during the wait fill the run queue.
 */
static struct thread *
wait_for_runnable(irqflags_t *flags)
{
    struct thread *next;
    while ((next = sched_pick_next()) == NULL) {
        check_none_runnable();
        idling = true;
        spin_unlock_irqrestore(&sched_lock, *flags);
        arch_idle();
        *flags = spin_lock_irqsave(&sched_lock);
        idling = false;
    }
    return next;
}

/**
 * @brief Give the CPU to the next runnable thread.
 *
 * The current thread goes to the back of the run queue if it is still
 * running; a thread that set itself SLEEPING or ZOMBIE before calling
 * stays off it. Returns when this thread is chosen again.
 * @pre sched_lock not held; any interrupt state
 */
// [schedule]
void
schedule(void)
{
    lockdep_schedule(RET_IP); // no spinlock may be held across a switch
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    struct thread *prev = current;
    if (prev->state == THREAD_RUNNING) {
        prev->state = THREAD_RUNNABLE;
        list_push_back(&run_queue, &prev->run_link);
    }
    struct thread *next = sched_pick_next();
    if (next == NULL && prev->state == THREAD_RUNNABLE) {
        list_remove(&prev->run_link); // nobody else: keep running
        check_none_runnable();
        next = prev;
    } else if (next == NULL) {
        next = wait_for_runnable(&flags);
    }
    next->state = THREAD_RUNNING;
    next->slice = SCHED_SLICE;
    need_resched = false;
    if (next != prev) {
        current = next;
        switches++;
        // the machine state that belongs to a thread: its kernel stack
        // for entries from user mode, its page tables, its FS base
        arch_set_kernel_stack(next->kstack_top);
        if (next->mm_root != prev->mm_root)
            arch_pgtable_activate(next->mm_root);
        if (next->fs_base != prev->fs_base)
            arch_set_fs_base(next->fs_base);
        arch_fpu_save(prev->fpu);
        arch_fpu_restore(next->fpu);
        arch_context_switch(&prev->ksp, next->ksp);
        // back on prev's stack: someone switched to us
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    sched_reap();
}
// [schedule]

/**
 * @brief Let other runnable threads run first.
 * @return true if another thread ran before this one came back
 */
bool
sched_yield(void)
{
    uint64_t before = switches;
    schedule();
    return switches != before;
}

/**
 * @brief The idle loop's step: let other threads run, else halt until
 *        the next interrupt.
 *
 * kmain ends its boot as the idle loop (kernel/init/main.c), always
 * runnable; while it halts here the hang check counts the machine as
 * idle, as when schedule() finds nobody to run.
 */
void
sched_idle(void)
{
    if (sched_yield())
        return;
    halting = true;
    arch_idle();
    halting = false;
}

/**
 * @brief Make a sleeping thread runnable (no-op for any other state).
 * @param t the thread
 * @pre sched_lock not held
 */
void
sched_wake(struct thread *t)
{
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    if (t->state == THREAD_SLEEPING) {
        list_remove(&t->run_link); // off the sleep list, if it was on it
        t->state = THREAD_RUNNABLE;
        list_push_back(&run_queue, &t->run_link);
    }
    spin_unlock_irqrestore(&sched_lock, flags);
}

/**
 * @brief Sleep for at least @p ticks timer ticks.
 * @param ticks how long; 0 just yields
 */
void
sched_sleep_ticks(uint64_t ticks)
{
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    current->wake_at = time_jiffies() + ticks;
    current->state = THREAD_SLEEPING;
    list_push_back(&sleepers, &current->run_link);
    spin_unlock_irqrestore(&sched_lock, flags);
    schedule();
}

#if CHAPTER >= 5
/*
 * Load average and idle time, for /proc/loadavg, /proc/uptime and
 * /proc/stat. Linux's load average (kernel/sched/loadavg.c) is an
 * exponentially decaying mean of the number of threads that are running
 * or waiting to run, sampled every 5 seconds, in fixed point with 11
 * fraction bits: each sample moves the mean a little towards the count,
 * by the factor e^(-5s/1min), e^(-5s/5min) or e^(-5s/15min).
 */
#define LOAD_FSHIFT 11                    /* bits of fraction */
#define LOAD_FIXED_1 (1UL << LOAD_FSHIFT) /* 1.0 */
#define LOAD_FREQ (5 * HZ)                /* ticks between samples */
static const unsigned long load_exp[3] = {1884, 2014, 2037};
static unsigned long load_avg[3];
static uint64_t idle_ticks, busy_ticks;

/* Threads running or waiting to run; the idle loop (kmain) is not one. */
static unsigned
count_active_locked(void)
{
    unsigned n = 0;
    struct list_node *it;
    list_for_each(it, &run_queue)
    {
        if (list_entry(it, struct thread, run_link) != &kmain_thread)
            n++;
    }
    if (current != &kmain_thread && !idling && current->state == THREAD_RUNNING)
        n++;
    return n;
}

// [calc_load]
/* One tick: count it busy or idle; every LOAD_FREQ, sample the load. */
static void
sched_account_tick(uint64_t now)
{
    if (idling || current == &kmain_thread)
        idle_ticks++;
    else
        busy_ticks++;
    if (now % LOAD_FREQ != 0)
        return;
    unsigned long active = count_active_locked() * LOAD_FIXED_1;
    for (int i = 0; i < 3; i++) {
        unsigned long e = load_exp[i];
        unsigned long next = load_avg[i] * e + active * (LOAD_FIXED_1 - e);
        if (active >= load_avg[i])
            next += LOAD_FIXED_1 - 1; // round up while the load grows
        load_avg[i] = next / LOAD_FIXED_1;
    }
}
// [calc_load]

/**
 * @brief The load averages over 1, 5 and 15 minutes, and the run queue.
 * @param avg     receives the three averages in hundredths (1.50 is 150)
 * @param running receives the number of threads running or runnable now
 */
void
sched_loadavg(unsigned long avg[3], unsigned *running)
{
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    for (int i = 0; i < 3; i++)
        avg[i] = (load_avg[i] * 100 + LOAD_FIXED_1 / 2) >> LOAD_FSHIFT;
    *running = count_active_locked();
    spin_unlock_irqrestore(&sched_lock, flags);
}

/**
 * @brief Ticks the CPU spent idle and busy since boot.
 * @param idle receives the idle ticks
 * @param busy receives the ticks some thread ran
 */
void
sched_cpu_ticks(uint64_t *idle, uint64_t *busy)
{
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    *idle = idle_ticks;
    *busy = busy_ticks;
    spin_unlock_irqrestore(&sched_lock, flags);
}

/**
 * @brief Context switches since boot (the `ctxt` line of /proc/stat).
 * @return the count
 */
uint64_t
sched_switches(void)
{
    return switches;
}

/**
 * @brief Sleep until sched_wake() or the tick @p wake_at, releasing @p held.
 *
 * The timed form of a wait-queue sleep, for a thread that is woken by
 * someone else (a watch, a signal) or by the clock, whichever comes
 * first: poll with a timeout. The thread is marked asleep before @p held
 * is dropped, so a waker that needs @p held cannot slip in between the
 * caller's last check and the sleep.
 * @param wake_at jiffies at which the tick wakes it; UINT64_MAX: never
 * @param held    the lock protecting the caller's condition, held
 * @param flags   its saved interrupt state
 * @pre @p held held; returns with it released
 */
void
sched_sleep_until(uint64_t wake_at, struct spinlock *held, irqflags_t flags)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    current->state = THREAD_SLEEPING;
    if (wake_at != UINT64_MAX) {
        current->wake_at = wake_at;
        list_push_back(&sleepers, &current->run_link);
    }
    spin_unlock_irqrestore(&sched_lock, f);
    spin_unlock_irqrestore(held, flags);
    schedule();
}

/* The tick's share of the statistics above (after sched_tick: the
 * sleepers it woke count as active). */
static void
sched_stats_tick(void)
{
    if (current == NULL)
        return;
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    sched_account_tick(time_jiffies());
    spin_unlock_irqrestore(&sched_lock, flags);
}
tick_hook(40, sched_stats_tick);
#endif

/**
 * @brief A wake-up the scheduler cannot see is on its way: not a hang.
 *
 * Kernel timers (kernel/time/ktimer.c, chapter 6) call it on every tick
 * while one is armed, so a machine that waits for a timer is not taken
 * for one that waits for nothing.
 * @pre interrupt context (the tick)
 */
void
sched_hang_defer(void)
{
    hang_ticks = 0;
}

/* One tick of the hang check: count the ticks in a row on which the CPU
 * idled with nothing that could ever wake a thread; at hang_limit, panic.
 * @pre sched_lock held, interrupt context */
// [hangcheck]
static void
hangcheck_tick_locked(void)
{
    if (!(idling || halting) || !list_empty(&run_queue) ||
        !list_empty(&sleepers)) {
        hang_ticks = 0;
        return;
    }
    if (hang_limit != 0 && ++hang_ticks >= hang_limit)
        panic("hangcheck: for %lu s no thread has run, and none is "
              "runnable, sleeps with a deadline or has a timer armed: every "
              "thread waits for a wake-up that nothing can send (a lost "
              "wake-up?)",
              (unsigned long)(hang_limit / HZ));
}
// [hangcheck]

/**
 * @brief The timer's hook: wake due sleepers, count down the slice.
 * @pre interrupt context (interrupts off)
 */
void
sched_tick(void)
{
    if (current == NULL)
        return;
    irqflags_t flags = spin_lock_irqsave(&sched_lock);
    uint64_t now = time_jiffies();
    struct list_node *n = sleepers.next;
    while (n != &sleepers) {
        struct thread *t = list_entry(n, struct thread, run_link);
        n = n->next;
        if (t->wake_at <= now) {
            list_remove(&t->run_link);
            t->state = THREAD_RUNNABLE;
            list_push_back(&run_queue, &t->run_link);
        }
    }
    hangcheck_tick_locked();
    if (current->slice > 0)
        current->slice--;
    if (current->slice == 0 && !list_empty(&run_queue))
        need_resched = true;
    spin_unlock_irqrestore(&sched_lock, flags);
}
tick_hook(30, sched_tick);

/**
 * @brief Has the tick asked for a reschedule?
 * @return true when the current thread's slice is over and another waits
 */
bool
sched_need_resched(void)
{
    return need_resched;
}

/**
 * @brief Preempt the current thread if its slice is over.
 *
 * Called by the trap path after an interrupt was handled, on the
 * interrupted thread's stack. Not while schedule() itself is waiting for
 * an interrupt (it will pick the next thread anyway).
 * @pre interrupts off
 */
void
sched_preempt(void)
{
    if (need_resched && !idling && current != NULL &&
        current->state == THREAD_RUNNING)
        schedule();
}
