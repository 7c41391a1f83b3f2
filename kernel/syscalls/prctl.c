/**
 * @file
 * @ingroup syscalls
 * @brief prctl: a process's own settings (its name, for ps and top; its
 *        dumpable flag).
 *
 * PR_SET_NAME and PR_GET_NAME: the 15-byte name that ps shows and that a
 * thread library sets. PR_SET_DUMPABLE and PR_GET_DUMPABLE: whether the
 * process may be dumped or traced by its peers; servers that switch
 * users (nginx's workers) set it back to 1 so that a crash still leaves
 * a core. Keel writes no cores and has no ptrace, so the flag is only
 * kept, as Linux keeps it: a fork inherits it, an execve sets it to 1.
 * Every other option is -EINVAL.
 *
 * Few processes ever clear the flag, so the few that did are listed here
 * (undumpable) rather than given a field in every struct proc.
 *
 * Locking: undumpable_lock protects the list; a process changes only its
 * own entry, a fork adds its child's, the end of a process removes it.
 */
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16

/** The processes whose dumpable flag is 0 (NULL: a free entry). */
static const struct proc *undumpable[PROC_MAX];
static struct spinlock undumpable_lock = SPINLOCK_INIT("prctl dumpable");

/* Whether @p p is listed; the entry's index, or -1. @pre the lock held */
static int
undumpable_find(const struct proc *p)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (undumpable[i] == p)
            return i;
    return -1;
}

/* Set @p p's dumpable flag to @p on (false: listed). A table of PROC_MAX
 * entries always has room for every process. */
static void
dumpable_set(const struct proc *p, bool on)
{
    irqflags_t fl = spin_lock_irqsave(&undumpable_lock);
    int i = undumpable_find(p);
    if (on && i >= 0)
        undumpable[i] = NULL;
    else if (!on && i < 0 && (i = undumpable_find(NULL)) >= 0)
        undumpable[i] = p; // always room: one entry per process at most
    spin_unlock_irqrestore(&undumpable_lock, fl);
}

/* @p p's dumpable flag. */
static bool
dumpable_get(const struct proc *p)
{
    irqflags_t fl = spin_lock_irqsave(&undumpable_lock);
    bool on = undumpable_find(p) < 0;
    spin_unlock_irqrestore(&undumpable_lock, fl);
    return on;
}

/* PR_SET_NAME: up to 15 bytes from user @p uname. */
static long
prctl_set_name(struct proc *p, uptr_t uname)
{
    char name[16];
    // like Linux: up to 15 bytes, a fault ends the name where it happens
    long n = strncpy_from_user(name, uname, sizeof(name));
    if (n == -EFAULT)
        return -EFAULT;
    name[sizeof(name) - 1] = '\0';
    strlcpy(p->name, name, sizeof(p->name));
    strlcpy(thread_current()->name, name, sizeof(p->name));
    return 0;
}

/**
 * @brief prctl(option, ...): PR_SET_NAME, PR_GET_NAME, PR_SET_DUMPABLE,
 *        PR_GET_DUMPABLE.
 * @param a the six argument registers
 * @return 0, or the flag for PR_GET_DUMPABLE; -EINVAL for other options
 *         (partial) and a dumpable value other than 0 or 1; -EFAULT
 */
long
sys_prctl(const long a[6])
{
    struct proc *p = proc_current();
    switch (a[0]) {
    case PR_GET_NAME:
        return copy_to_user(UPTR(a[1]), p->name, sizeof(p->name));
    case PR_SET_NAME:
        return prctl_set_name(p, UPTR(a[1]));
    case PR_GET_DUMPABLE:
        return dumpable_get(p) ? 1 : 0;
    case PR_SET_DUMPABLE:
        if (a[1] != 0 && a[1] != 1)
            return -EINVAL; // 2 (root-only cores) is for the system only
        dumpable_set(p, a[1] == 1);
        return 0;
    default:
        return -EINVAL;
    }
}

/* fork: the child is as dumpable as its parent. */
static int
prctl_fork(struct proc *child, struct proc *parent, void *frame)
{
    (void)frame;
    if (!dumpable_get(parent))
        dumpable_set(child, false);
    return 0;
}

/* execve: a new program is dumpable (Keel has no set-uid programs). */
static void
prctl_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    dumpable_set(p, true);
}

/* The process is freed: its entry (if any) goes with it. */
static void
prctl_free(struct proc *p)
{
    dumpable_set(p, true);
}
proc_hooks(70, prctl, .fork = prctl_fork, .exec = prctl_exec,
           .free = prctl_free);
