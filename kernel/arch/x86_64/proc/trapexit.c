/**
 * @file
 * @ingroup proc
 * @brief Leaving a trap: another thread's turn, and the way back to user
 *        mode.
 *
 * Every trap ends in trap_dispatch() (cpu/trap.c), which runs the trap
 * exits registered with trap_exit(). This one is the scheduler's and the
 * process's:
 *
 * - after an interrupt, the running thread's time slice may be over (the
 *   timer's tick said so): sched_preempt() switches to the next thread
 *   before the interrupted code resumes. The interrupted code may be the
 *   kernel's own: Keel's kernel is preemptible wherever interrupts are on;
 * - when the trap interrupted user mode, the process does its pending
 *   work on the way back (proc_return_to_user(): signals, from the next
 *   chapter's hooks on), exactly as after a system call.
 *
 * Locking: runs with interrupts off, at the end of the trap, on the
 * interrupted thread's kernel stack.
 */
#include "asm/trap.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

/* The trap exit: preempt after an interrupt, then the user's pending work. */
static void
proc_trap_exit(struct trap_frame *tf)
{
    if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + IRQ_COUNT)
        sched_preempt(); // the slice may be over: run someone else
    if ((tf->cs & 3) == 3) {
        lockdep_user_return("a trap"); // a fault's handler let go of all
        proc_return_to_user(tf, -1);
    }
}
trap_exit(10, proc_trap_exit);
