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

/** One process whose dumpable flag is 0. */
struct undumpable {
    struct list_node node; /**< in undumpable */
    const struct proc *p;  /**< the process */
};

/** The processes whose dumpable flag is 0. */
static struct list_node undumpable = LIST_INIT(undumpable);
static struct spinlock undumpable_lock = SPINLOCK_INIT("prctl dumpable");

/* @p p's entry, or NULL. @pre the lock held */
static struct undumpable *
undumpable_find(const struct proc *p)
{
    struct list_node *n;
    list_for_each(n, &undumpable)
    {
        struct undumpable *u = list_entry(n, struct undumpable, node);
        if (u->p == p)
            return u;
    }
    return NULL;
}

/* Set @p p's dumpable flag to @p on (false: listed). 0, or -ENOMEM when
 * there is no memory for the entry (the flag stays as it was). */
static int
dumpable_set(const struct proc *p, bool on)
{
    struct undumpable *fresh = on ? NULL : kmalloc(sizeof(*fresh));
    if (!on && fresh == NULL)
        return -ENOMEM;
    irqflags_t fl = spin_lock_irqsave(&undumpable_lock);
    struct undumpable *u = undumpable_find(p);
    if (on && u != NULL)
        list_remove(&u->node);
    else if (!on && u == NULL) {
        fresh->p = p;
        list_push_back(&undumpable, &fresh->node);
        fresh = NULL; // kept
    }
    spin_unlock_irqrestore(&undumpable_lock, fl);
    kfree(on ? u : fresh); // the entry taken out, or the one not needed
    return 0;
}

/* @p p's dumpable flag. */
static bool
dumpable_get(const struct proc *p)
{
    irqflags_t fl = spin_lock_irqsave(&undumpable_lock);
    bool on = undumpable_find(p) == NULL;
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
 *         (partial) and a dumpable value other than 0 or 1; -EFAULT;
 *         -ENOMEM (no memory to note a cleared flag)
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
        return dumpable_set(p, a[1] == 1);
    default:
        return -EINVAL;
    }
}

/* fork: the child is as dumpable as its parent. */
static int
prctl_fork(struct proc *child, struct proc *parent, void *frame)
{
    (void)frame;
    return dumpable_get(parent) ? 0 : dumpable_set(child, false);
}

/* execve: a new program is dumpable (Keel has no set-uid programs). */
static void
prctl_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    dumpable_set(p, true); // never fails: nothing to allocate
}

/* The process is freed: its entry (if any) goes with it. */
static void
prctl_free(struct proc *p)
{
    dumpable_set(p, true); // never fails: nothing to allocate
}
proc_hooks(70, prctl, .fork = prctl_fork, .exec = prctl_exec,
           .free = prctl_free);
