/**
 * @file
 * @ingroup proc
 * @brief The out-of-memory killer: when a page fault finds no free frame,
 *        the largest process dies, not whoever asked last.
 *
 * Memory runs out in a page fault: a program touches a page of its heap
 * and there is no frame to give it. Killing the program that faulted is
 * the simple answer and the wrong one: the one that asked last is often
 * a small, innocent one (the shell running `ls`), while the hog that took
 * everything keeps it. Linux's answer (mm/oom_kill.c) is to pick the
 * process whose death frees the most memory, its resident pages
 * (oom_badness()), send it SIGKILL, and let the faulting access run
 * again once the memory is back. Keel does the same:
 *
 * - the score of a process is the pages mapped in its address space;
 *   init (pid 1) is never chosen, as on Linux, and neither are zombies;
 * - the victim gets SIGKILL, and the kernel log says so in Linux's words
 *   ("Out of memory: Killed process 42 (hog) total-vm:... anon-rss:...");
 * - the faulting thread sleeps while the victim dies (the victim must
 *   run to take the signal and free its memory), then runs its access
 *   again; until the victim is a zombie nobody else is chosen (its pages
 *   are on their way back), and it is killed only once;
 * - when the faulting process is itself the largest, it gets the SIGKILL
 *   and dies on its way back to user mode.
 *
 * Only a user-mode fault asks (mm_oom_retry() in the trap path). A copy
 * to user memory inside a system call that finds no frame still fails
 * with -EFAULT: the thread may hold locks the victim needs to exit, and
 * waiting there could wait forever. Linux's RSS splits anonymous, file
 * and shared-memory pages; Keel counts every mapped page as anon-rss.
 *
 * Locking: the process table's lock while choosing and signalling; none
 * while sleeping.
 */
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/time.h"

/** How long a faulting thread waits for its victim to die before it
 *  gives up and takes the fault (SIGSEGV): a victim that cannot die. */
#define OOM_PATIENCE (10 * HZ)
/** Free frames enough to go on: a fault may need a page-table frame or
 *  two besides its page, and the victim's exit a few of its own. Below
 *  this, memory is short; above it, an -ENOMEM was something else (a
 *  larger block that could not be found) that killing would not cure. */
#define OOM_RESERVE 64

/** The pid of the last victim, until it has died (0: none): while it is
 *  still exiting, its pages on their way back, nobody else is chosen. */
static int dying;

/* The pages mapped in @p mm (its resident set), and its size in pages. */
static uint64_t
resident_pages(const struct mm *mm, uint64_t *vm_pages)
{
    uint64_t rss = 0;
    *vm_pages = 0;
    struct list_node *it;
    list_for_each(it, &mm->vmas)
    {
        const struct vma *v = list_entry(it, struct vma, link);
        *vm_pages += (v->end - v->start) / PAGE_SIZE;
        // only where page tables exist: a huge reservation has few
        for (vaddr_t va = arch_uvm_skip(mm->root, v->start); va < v->end;
             va = arch_uvm_skip(mm->root, va + PAGE_SIZE)) {
            paddr_t pa;
            rss += arch_translate(mm->root, va, &pa, NULL);
        }
    }
    return rss;
}

// [oom_choose]
/* The process whose death frees the most: not init, not a zombie, not a
 * process still being made. @pre the process table locked */
static struct proc *
choose_victim(uint64_t *rss_out, uint64_t *vm_out)
{
    struct proc *best = NULL;
    for (struct proc *q = proc_next(NULL); q != NULL; q = proc_next(q)) {
        if (q->pid == 1 || q->state == PROC_ZOMBIE || q->mm == NULL ||
            q->thread == NULL)
            continue;
        uint64_t vm, rss = resident_pages(q->mm, &vm);
        if (best == NULL || rss > *rss_out) {
            best = q;
            *rss_out = rss;
            *vm_out = vm;
        }
    }
    return best;
}
// [oom_choose]

/* Is the last victim still alive (not yet a zombie: its memory is not
 * all back)? Forgets it once it is gone. @pre the process table locked */
static bool
victim_dying(void)
{
    struct proc *v = dying != 0 ? proc_find_locked(dying) : NULL;
    if (v == NULL || v->state == PROC_ZOMBIE)
        dying = 0;
    return dying != 0;
}

// [oom_kill]
/*
 * The policy mm_oom_retry() asks: kill the largest process, wait for it
 * to die, and let the faulting access run again. False when memory is
 * not what is short, when there is no one to kill, or when the victim
 * would not die within OOM_PATIENCE.
 */
static bool
oom_kill(void)
{
    struct proc *self = proc_current();
    if (pmm_free_frames() > OOM_RESERVE)
        return false; // frames are there: the -ENOMEM was something else
    uint64_t deadline = time_jiffies() + OOM_PATIENCE;
    while (time_jiffies() < deadline) {
        if (self->sig.pending & SIGBIT(SIGKILL))
            return true; // we were chosen: we die on the way out
        irqflags_t flags = proc_table_lock();
        if (!victim_dying()) {
            if (pmm_free_frames() > OOM_RESERVE) {
                proc_table_unlock(flags);
                return true; // the victim's memory is back: try again
            }
            uint64_t rss = 0, vm = 0;
            struct proc *victim = choose_victim(&rss, &vm);
            if (victim == NULL) {
                proc_table_unlock(flags);
                return false;
            }
            pr_err("keel: %s invoked oom-killer\n", self->name);
            pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, "
                   "anon-rss:%lukB, file-rss:0kB, shmem-rss:0kB, UID:%u "
                   "pgtables:0kB oom_score_adj:0\n",
                   victim->pid, victim->name, vm * (PAGE_SIZE / 1024),
                   rss * (PAGE_SIZE / 1024), victim->cred.uid);
            struct sig_info info = {.code = SI_KERNEL};
            signal_send(victim, SIGKILL, &info);
            dying = victim->pid;
        }
        proc_table_unlock(flags);
        sched_sleep_ticks(1); // the victim must run to die
    }
    return false;
}
// [oom_kill]

/* At boot: page faults that find no frame ask oom_kill(). */
static int
oom_init(void)
{
    mm_set_oom_policy(oom_kill);
    return 0;
}
initcall(core, oom_init);
