/**
 * @file
 * @ingroup proc
 * @brief CPU time: what times(), getrusage and the CPU-time clocks read.
 *
 * Tick sampling, as in early Unix: at each timer tick the process that is
 * running is charged the whole tick (p->ticks). When a parent reaps a
 * child, the child's time, and its own reaped children's, becomes the
 * parent's child_ticks: times() reports both.
 *
 * Locking: the tick runs with interrupts off; a reap holds the process
 * table's lock.
 */
#include "kernel/proc.h"
#include "kernel/time.h"

/**
 * @brief Charge the running process for one timer tick.
 *
 * Tick sampling, as in early Unix: whoever runs when the timer fires
 * pays for the whole tick. Keel does not tell user from kernel time, so
 * all of it counts as user time.
 * @pre interrupts off (timer interrupt)
 */
void
proc_account_tick(void)
{
    struct thread *t = thread_current();
    struct proc *p = t != NULL ? t->proc : NULL;
    if (p != NULL)
        p->ticks++;
}
tick_hook(10, proc_account_tick); // times() and the CPU-time clocks

/* A reaped child's time is its parent's, for times(). @pre proc lock held */
static void
cputime_reap(struct proc *p)
{
    if (p->parent != NULL)
        p->parent->child_ticks += p->ticks + p->child_ticks;
}

proc_hooks(32, cputime, .free = cputime_reap);
