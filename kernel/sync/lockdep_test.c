/**
 * @file
 * @ingroup sync
 * @brief The lock checker's self-test (`test=lockdep`): five wrong uses
 *        of locks on purpose, each reported once, and right ones not.
 *
 * None of the wrong uses hangs or breaks anything on one CPU, which is
 * the point: the checker finds them from the order and the context
 * alone, where a test that waits for the deadlock would pass.
 *
 * - A -> B and B -> C taken in that order, then C -> A: A, B, C would
 *   deadlock on three CPUs. One "circular" report; taking C -> A again
 *   reports nothing more (the order is known now).
 * - A mutex taken while a spinlock is held: one "sleep-in-atomic".
 * - A mutex taken inside an interrupt handler (this test raises
 *   irq_depth, with interrupts off, as trap_dispatch() does around
 *   irq_handle()): one "sleep-in-irq".
 * - A spinlock taken under a mutex is right, and reports nothing.
 * - Mutexes M -> N, then N -> M: one "circular" (mutexes are ordered
 *   too, and can deadlock even on one CPU).
 * - A mutex still held when a system call would return to user mode:
 *   one "held-at-user-return".
 *
 * The test turns the checker on for its run (a normal build has it off)
 * and turns the reports' panic off meanwhile.
 *
 * Locking: runs alone at boot, in kmain.
 */
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/selftest.h"
#include "kernel/string.h"
#include "kernel/sync.h"

static struct spinlock lock_a = SPINLOCK_INIT("lockdep-test A");
static struct spinlock lock_b = SPINLOCK_INIT("lockdep-test B");
static struct spinlock lock_c = SPINLOCK_INIT("lockdep-test C");
static struct spinlock lock_d = SPINLOCK_INIT("lockdep-test D");
static struct mutex mutex_m;
static struct mutex mutex_n;

/* Take @p outer, then @p inner inside it, and let both go. */
static void
nest(struct spinlock *outer, struct spinlock *inner)
{
    irqflags_t f = spin_lock_irqsave(outer);
    irqflags_t g = spin_lock_irqsave(inner);
    spin_unlock_irqrestore(inner, g);
    spin_unlock_irqrestore(outer, f);
}

/* Did the step named @p what make @p want more reports, the last of
 * @p kind? */
static int
reported(const char *what, unsigned long before, unsigned long want,
         const char *kind)
{
    unsigned long made = lockdep_reports - before;
    if (made != want)
        return selftest_fail("%s: %lu reports, expected %lu", what, made, want);
    if (want > 0 && strcmp(lockdep_last_kind, kind) != 0)
        return selftest_fail("%s: the report is %s, expected %s", what,
                             lockdep_last_kind, kind);
    return 0;
}

// [test]
static int
selftest_lockdep(void)
{
    bool was_on = lockdep_on;
    lockdep_on = true;
    lockdep_no_panic = true;
    mutex_init(&mutex_m, "lockdep-test M");
    mutex_init(&mutex_n, "lockdep-test N");
    int err = 0;

    unsigned long n = lockdep_reports;
    nest(&lock_a, &lock_b);
    nest(&lock_b, &lock_c);
    err = err ?: reported("A -> B, B -> C", n, 0, NULL);

    n = lockdep_reports;
    nest(&lock_c, &lock_a); // closes the circle A -> B -> C -> A
    err = err ?: reported("C -> A", n, 1, "circular");
    n = lockdep_reports;
    nest(&lock_c, &lock_a);
    err = err ?: reported("C -> A again", n, 0, NULL);

    n = lockdep_reports;
    irqflags_t f = spin_lock_irqsave(&lock_a);
    mutex_lock(&mutex_m); // may sleep, under a spinlock
    mutex_unlock(&mutex_m);
    spin_unlock_irqrestore(&lock_a, f);
    err = err ?: reported("mutex under a spinlock", n, 1, "sleep-in-atomic");

    n = lockdep_reports;
    f = arch_irq_save(); // as trap_dispatch() around an interrupt handler:
    irq_depth++;         // interrupts off, so no real one comes meanwhile
    mutex_lock(&mutex_m);
    mutex_unlock(&mutex_m);
    irq_depth--;
    arch_irq_restore(f);
    err = err ?: reported("mutex in an interrupt", n, 1, "sleep-in-irq");

    n = lockdep_reports;
    mutex_lock(&mutex_m);
    // a spinlock under a mutex is fine (D: A, B and C already come
    // before the mutex, by the step above)
    f = spin_lock_irqsave(&lock_d);
    spin_unlock_irqrestore(&lock_d, f);
    mutex_unlock(&mutex_m);
    err = err ?: reported("spinlock under a mutex", n, 0, NULL);

    n = lockdep_reports;
    mutex_lock(&mutex_m); // mutexes are ordered too: M -> N, then N -> M
    mutex_lock(&mutex_n);
    mutex_unlock(&mutex_n);
    mutex_unlock(&mutex_m);
    err = err ?: reported("M -> N", n, 0, NULL);
    mutex_lock(&mutex_n);
    mutex_lock(&mutex_m);
    mutex_unlock(&mutex_m);
    mutex_unlock(&mutex_n);
    err = err ?: reported("N -> M", n, 1, "circular");

    n = lockdep_reports;
    mutex_lock(&mutex_m);
    lockdep_user_return("the self-test"); // as if a system call ended
    mutex_unlock(&mutex_m);
    err = err
              ?: reported("back to user mode with a mutex held", n, 1,
                          "held-at-user-return");

    if (!err && thread_current()->held_depth != 0)
        err = selftest_fail("%u locks still on the held list",
                            thread_current()->held_depth);
    lockdep_no_panic = false;
    lockdep_on = was_on;
    return err;
}
// [test]
SELFTEST("lockdep", selftest_lockdep, 0);
