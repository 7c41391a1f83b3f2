/**
 * @file
 * @ingroup proc
 * @brief Fault injection: allocations that fail on purpose, so that the
 *        code which handles a failed allocation runs too.
 *
 * Every kmalloc() and every frame allocation can fail, and the kernel
 * has a path for each failure: give back what was taken so far, answer
 * ENOMEM, drop the packet. Those paths almost never run (a test machine
 * rarely runs out of memory at just that line), so they are where the
 * leaks and the crashes hide. Linux's answer is fault injection
 * (Documentation/fault-injection): make allocations fail on purpose,
 * and watch what the kernel does. Keel has its two simplest forms:
 *
 * - the kernel word `failslab=N` makes every Nth kmalloc() fail, and
 *   `failpage=N` every Nth allocation of frames (pmm_alloc_pages(),
 *   which the slab caches, page tables and user pages all come from);
 * - only allocations made for a process whose `/proc/[pid]/make-it-fail`
 *   holds 1 count and fail, as with Linux's task-filter; a child
 *   inherits the flag from its parent. So the boot, init and the shell
 *   that starts the test are untouched, and the failures land in the
 *   program under test, and in whatever the kernel does for it.
 *
 * @verbatim
 *   kmalloc(size)                       proc: make-it-fail = 1
 *     mm_fail_hook(MM_FAIL_SLAB) -----> should_fail(): the 1st, 2nd, ...
 *        true: return NULL                Nth of its allocations fails
 * @endverbatim
 *
 * An allocation in an interrupt handler counts for the process it
 * interrupted, and may fail: Linux's task filter spares interrupt
 * handlers, Keel's does not, so their failure paths (a dropped packet,
 * a signal not queued) run too. The counts of allocations asked and failed are in the
 * kernel log when a process with the flag set writes 0 to it again.
 *
 * Locking: the counters are changed with interrupts off (an interrupt
 * handler allocates too); the flag is a process's own field, written
 * under the process table's lock.
 */
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/cred.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/procinfo.h"
#include "uapi/errno.h"

/* failslab= and failpage=: fail every Nth of its kind (0: never). */
static unsigned long every[2];
/* Allocations of make-it-fail processes asked for, and failed, by kind. */
static unsigned long asked[2], failed[2];

// [should_fail]
/* mm_fail_hook: should this allocation of @p kind fail? Any context. */
static bool
should_fail(int kind)
{
    struct proc *p = proc_current();
    if (p == NULL || !p->make_it_fail || every[kind] == 0)
        return false;
    irqflags_t flags = arch_irq_save();
    bool fail = ++asked[kind] % every[kind] == 0;
    failed[kind] += fail;
    arch_irq_restore(flags);
    return fail;
}
// [should_fail]

/* At boot: read failslab= and failpage=, and arm the hook if asked. */
static int
failinject_init(void)
{
    every[MM_FAIL_SLAB] = cmdline_ulong("failslab", 0);
    every[MM_FAIL_PAGE] = cmdline_ulong("failpage", 0);
    if (every[MM_FAIL_SLAB] == 0 && every[MM_FAIL_PAGE] == 0)
        return 0;
    mm_fail_hook = should_fail;
    pr_notice("failinject: every %lu-th kmalloc and every %lu-th frame "
              "allocation of a make-it-fail process fails (0: none)\n",
              every[MM_FAIL_SLAB], every[MM_FAIL_PAGE]);
    return 0;
}
initcall(core, failinject_init);

/* A new process inherits make-it-fail from its parent (init: 0). */
static void
failinject_alloc(struct proc *p, struct proc *parent)
{
    p->make_it_fail = parent != NULL && parent->make_it_fail;
}
proc_hooks(41, failinject, .alloc = failinject_alloc);

/**
 * @brief /proc/[pid]/make-it-fail's value.
 * @param pid the process
 * @return 0 or 1; -ESRCH when there is no such process
 * @pre process context; takes the process table's lock
 */
int
failinject_get(int pid)
{
    irqflags_t flags = proc_table_lock();
    struct proc *p = proc_find_locked(pid);
    int v = p == NULL ? -ESRCH : p->make_it_fail;
    proc_table_unlock(flags);
    return v;
}

/**
 * @brief Write /proc/[pid]/make-it-fail, as Linux: root only.
 * @param pid the process
 * @param on  the new value, 0 or 1
 * @return 0; -EPERM (not root: Linux asks for CAP_SYS_RESOURCE), -EINVAL
 *         (not 0 or 1), -ESRCH (no such process)
 * @note procfs checks the privilege before it parses, as Linux does.
 * @pre process context; takes the process table's lock
 */
int
failinject_set(int pid, long on)
{
    if (!capable(CAP_SYS_RESOURCE))
        return -EPERM;
    if (on != 0 && on != 1)
        return -EINVAL;
    irqflags_t flags = proc_table_lock();
    struct proc *p = proc_find_locked(pid);
    bool was = p != NULL && p->make_it_fail;
    if (p != NULL)
        p->make_it_fail = on;
    proc_table_unlock(flags);
    if (p == NULL)
        return -ESRCH;
    if (was && !on)
        pr_notice("failinject: %lu of %lu kmallocs and %lu of %lu frame "
                  "allocations failed so far\n",
                  failed[MM_FAIL_SLAB], asked[MM_FAIL_SLAB],
                  failed[MM_FAIL_PAGE], asked[MM_FAIL_PAGE]);
    return 0;
}
