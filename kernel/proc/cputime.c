/**
 * @file
 * @ingroup proc
 * @brief CPU time: what times(), getrusage and the CPU-time clocks read.
 *
 * Tick sampling, as in early Unix: at each timer tick the process that is
 * running is charged the whole tick (p->ticks), and when the tick found
 * it in the kernel (a system call, a page fault) the tick is system time
 * too (p->sys_ticks); the rest is its own, user time. When a parent reaps
 * a child, the child's times, and its own reaped children's, become the
 * parent's child_ticks and child_sys_ticks: times(), getrusage and
 * /proc/PID/stat report them all.
 *
 * Locking: the tick runs with interrupts off; a reap holds the process
 * table's lock.
 */
#include "kernel/irq.h"
#include "kernel/proc.h"
#include "kernel/time.h"

/**
 * @brief Charge the running process for one timer tick.
 *
 * Tick sampling, as in early Unix: whoever runs when the timer fires
 * pays for the whole tick, as user time if the tick stopped its program
 * in user mode, as system time if the kernel was working for it.
 * @pre interrupts off (timer interrupt)
 */
// [proc_account_tick]
void
proc_account_tick(void)
{
    struct thread *t = thread_current();
    struct proc *p = t != NULL ? t->proc : NULL;
    if (p == NULL)
        return;
    p->ticks++;
    if (!irq_from_user())
        p->sys_ticks++;
}
// [proc_account_tick]
tick_hook(10, proc_account_tick); // times() and the CPU-time clocks

/* A reaped child's time is its parent's, for times(). @pre proc lock held */
static void
cputime_reap(struct proc *p)
{
    if (p->parent == NULL)
        return;
    p->parent->child_ticks += p->ticks + p->child_ticks;
    p->parent->child_sys_ticks += p->sys_ticks + p->child_sys_ticks;
}

proc_hooks(32, cputime, .free = cputime_reap);
