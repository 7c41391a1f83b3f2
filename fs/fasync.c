/**
 * @file
 * @ingroup fs
 * @brief Signal-driven I/O: O_ASYNC, the file's owner, and SIGIO.
 *
 * Before select() and poll() were everywhere, a program could ask the
 * kernel to *tell* it when a descriptor was ready: set O_ASYNC on the
 * file (fcntl F_SETFL, or ioctl FIOASYNC), name an owner (fcntl
 * F_SETOWN: a process, or a process group as a negative number), and
 * the owner gets SIGIO whenever input arrives or output becomes
 * possible. Servers still use it as a doorbell: nginx's master sets it
 * on the socketpair to each worker, and stops spawning workers if the
 * ioctl fails.
 *
 * Linux has every driver call kill_fasync() where its data changes.
 * Keel already has one place where every change of a pollable file
 * shows: the wait queues its poll operation names, which each change
 * wakes (fs/poll.h). So setting O_ASYNC polls the file once with a poll
 * table of this file's own, which puts a watch on each of those queues
 * (as epoll does, fs/eventpoll.c), and a wake-up of any of them sends
 * the signal. The owner and the signal belong to the open file, like
 * O_ASYNC itself: a dup or a forked child shares them.
 *
 * What differs from Linux: a wake-up does not say which way the file
 * changed, so SIGIO may come when a reader emptied the queue as well as
 * when data arrived; a signal chosen with F_SETSIG is sent with si_code
 * SI_SIGIO, without si_band and si_fd. A program that takes SIGIO as "go
 * and look" (which is all a standard signal can say) is not affected.
 * Only sockets, pipes and FIFOs, and terminals can be O_ASYNC, as on
 * Linux; FIOASYNC on any other file is ENOTTY, while F_SETFL leaves the
 * flag clear without a word, also as Linux does.
 *
 * Locking, outermost first: fa_mutex (the table's membership and each
 * record's watches: setting, clearing and release), a watched queue's
 * lock (held while the wake-up calls fa_wake), fa_lock (the table's
 * lists, and each record's owner and signal), proc_table_lock (taken to
 * send).
 */
#include "fs/fasync.h"
#include "fs/poll.h"
#include "kernel/init.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fasync.h"
#include "uapi/fcntl.h"

/** What an open file says about signal-driven I/O: kept from the first
 *  F_SETOWN, F_SETSIG or O_ASYNC on it until its last reference goes. */
struct fasync {
    struct list_node flink;   /**< in its file's bucket of fa_files */
    struct file *file;        /**< the file (not held) */
    int owner;                /**< pid > 0, -pgid < 0, 0: nobody */
    int owner_type;           /**< F_OWNER_PID, _PGRP or _TID, as set */
    int sig;                  /**< F_SETSIG's signal; 0: SIGIO */
    struct list_node watches; /**< struct fa_watch, while O_ASYNC */
};

/** A watch of a record on one of its file's wait queues. */
struct fa_watch {
    struct wait_watch watch; /**< on the queue */
    struct fasync *fa;       /**< whose owner a wake-up signals */
    struct list_node link;   /**< in fa->watches */
};

/** The poll table that puts the watches (poll_table.queue). */
struct fa_pqueue {
    struct poll_table pt; /**< pt.queue is fa_ptable_queue */
    struct fasync *fa;    /**< the record being armed */
};

/** Buckets of fa_files (a power of two). */
#define FA_BUCKETS 64
/** Every record, by the address of its file. */
static struct list_node fa_files[FA_BUCKETS];
/** Records in fa_files: file_put() looks only when there are some. */
static int fa_count;
static struct mutex fa_mutex;
static struct spinlock fa_lock = SPINLOCK_INIT("fasync");

/* At boot: the lock and the empty table. */
static int
fa_boot(void)
{
    mutex_init(&fa_mutex, "fasync");
    for (int i = 0; i < FA_BUCKETS; i++)
        list_init(&fa_files[i]);
    return 0;
}
initcall(memory, fa_boot); // before any file can be released

/* The bucket of @p f in fa_files. */
static struct list_node *
fa_bucket(const struct file *f)
{
    uint64_t h = (uint64_t)(uintptr_t)f >> 6;
    return &fa_files[(h ^ (h >> 6)) & (FA_BUCKETS - 1)];
}

/* The record of @p f, or NULL. @pre fa_mutex held */
static struct fasync *
fa_find(const struct file *f)
{
    struct fasync *found = NULL;
    irqflags_t fl = spin_lock_irqsave(&fa_lock);
    struct list_node *n;
    list_for_each(n, fa_bucket(f))
    {
        struct fasync *fa = list_entry(n, struct fasync, flink);
        if (fa->file == f) {
            found = fa;
            break;
        }
    }
    spin_unlock_irqrestore(&fa_lock, fl);
    return found;
}

/* The record of @p f, made (nobody, SIGIO) when it has none; NULL when
 * out of memory. @pre fa_mutex held */
static struct fasync *
fa_get(struct file *f)
{
    struct fasync *fa = fa_find(f);
    if (fa != NULL)
        return fa;
    fa = kzalloc(sizeof(*fa));
    if (fa == NULL)
        return NULL;
    fa->file = f;
    fa->owner_type = F_OWNER_PID;
    list_init(&fa->watches);
    irqflags_t fl = spin_lock_irqsave(&fa_lock);
    list_push_back(fa_bucket(f), &fa->flink);
    __atomic_add_fetch(&fa_count, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&fa_lock, fl);
    return fa;
}

// [fa_wake]
/* A watched queue was woken: send the owner its signal. Runs with that
 * queue's lock held, perhaps in an interrupt handler; signal_send()
 * only queues and wakes, and proc_table_lock() is an irqsave lock. */
static void
fa_wake(struct wait_watch *w)
{
    struct fasync *fa = list_entry(w, struct fa_watch, watch)->fa;
    irqflags_t fl = spin_lock_irqsave(&fa_lock);
    int owner = fa->owner;
    int sig = fa->sig != 0 ? fa->sig : SIGIO;
    struct sig_info info = {.code = fa->sig != 0 ? SI_SIGIO : SI_KERNEL};
    spin_unlock_irqrestore(&fa_lock, fl);
    if (owner == 0)
        return;
    fl = proc_table_lock();
    if (owner > 0) {
        struct proc *p = proc_find_locked(owner);
        if (p != NULL)
            signal_send(p, sig, &info);
    } else {
        signal_send_group_locked(-owner, sig, &info, NULL);
    }
    proc_table_unlock(fl);
}
// [fa_wake]

/* poll_wait() on @p wq while a record is armed: watch the queue. */
static void
fa_ptable_queue(struct file *f, struct wait_queue *wq, struct poll_table *pt)
{
    (void)f;
    struct fasync *fa = list_entry(pt, struct fa_pqueue, pt)->fa;
    struct fa_watch *w = kmalloc(sizeof(*w));
    if (w == NULL) {
        pt->error = -ENOMEM;
        return;
    }
    w->fa = fa;
    list_push_back(&fa->watches, &w->link);
    wait_queue_watch(wq, &w->watch, fa_wake);
}

/* Take every watch of @p fa down; a wake-up running now is waited out.
 * @pre fa_mutex held */
static void
fa_disarm(struct fasync *fa)
{
    while (!list_empty(&fa->watches)) {
        struct list_node *n = fa->watches.next;
        struct fa_watch *w = list_entry(n, struct fa_watch, link);
        wait_queue_unwatch(&w->watch);
        list_remove(n);
        kfree(w);
    }
}

/* Watch every queue @p fa's file names in its poll operation.
 * @return 0; -ENOMEM (no watch is left) @pre fa_mutex held */
static long
fa_arm(struct fasync *fa)
{
    struct fa_pqueue pq = {.fa = fa};
    poll_table_init(&pq.pt);
    pq.pt.queue = fa_ptable_queue;
    file_poll(fa->file, &pq.pt);
    if (pq.pt.error != 0)
        fa_disarm(fa);
    return pq.pt.error;
}

/**
 * @brief Whether @p f can signal its owner: a socket, a pipe or FIFO, or
 *        a terminal (the files whose Linux drivers have a fasync
 *        operation).
 * @param f the file
 * @return true when FIOASYNC may turn O_ASYNC on
 */
bool
fasync_capable(const struct file *f)
{
    if (f->ops->poll == NULL || f->inode == NULL)
        return false;
    unsigned mode = f->inode->mode;
    return S_ISTYPE(mode, S_IFSOCK) || S_ISTYPE(mode, S_IFIFO) ||
           S_ISTYPE(mode, S_IFCHR);
}

/**
 * @brief Turn O_ASYNC on or off for @p f (fcntl F_SETFL, ioctl FIOASYNC).
 *
 * On a file that cannot signal (see fasync_capable) nothing changes
 * and the answer is 0, as F_SETFL's on Linux; the ioctl checks first.
 * @param f  the file
 * @param on set or clear
 * @return 0; -ENOMEM
 * Locking: takes fa_mutex; the file's poll takes its own locks.
 */
long
fasync_set(struct file *f, bool on)
{
    long r = 0;
    mutex_lock(&fa_mutex);
    if (!fasync_capable(f)) {
        mutex_unlock(&fa_mutex);
        return 0; // the flag stays clear: nothing could ever signal
    }
    if (on && !(f->flags & O_ASYNC)) {
        struct fasync *fa = fa_get(f);
        r = fa == NULL ? -ENOMEM : fa_arm(fa);
    } else if (!on && (f->flags & O_ASYNC)) {
        struct fasync *fa = fa_find(f);
        if (fa != NULL)
            fa_disarm(fa);
    }
    if (r == 0)
        f->flags = on ? f->flags | O_ASYNC : f->flags & ~O_ASYNC;
    mutex_unlock(&fa_mutex);
    return r;
}

/* Whether a process or a process group has number @p who (what Linux's
 * find_vpid() asks before F_SETOWN keeps it). */
static bool
fa_pid_exists(int who)
{
    bool found = false;
    irqflags_t fl = proc_table_lock();
    for (struct proc *q = proc_next(NULL); q != NULL && !found;
         q = proc_next(q)) {
        found = q->pid == who || q->pgid == who;
    }
    proc_table_unlock(fl);
    return found;
}

/* F_SETOWN_EX's and F_SETOWN's change: @p type and @p pid >= 0; 0 is
 * nobody. @return 0; -ESRCH (no such process or group); -ENOMEM */
static long
fa_set_owner(struct file *f, int type, int pid)
{
    if (pid != 0 && !fa_pid_exists(pid))
        return -ESRCH;
    int owner = type == F_OWNER_PGRP ? -pid : pid;
    mutex_lock(&fa_mutex);
    struct fasync *fa = fa_get(f);
    if (fa != NULL) {
        irqflags_t fl = spin_lock_irqsave(&fa_lock);
        fa->owner = owner;
        fa->owner_type = type;
        spin_unlock_irqrestore(&fa_lock, fl);
    }
    mutex_unlock(&fa_mutex);
    return fa == NULL ? -ENOMEM : 0;
}

/* F_GETOWN_EX: the owner as its type and number, into user @p arg. */
static long
fa_get_owner_ex(struct file *f, uptr_t arg)
{
    struct f_owner_ex ex = {.type = F_OWNER_PID, .pid = 0};
    mutex_lock(&fa_mutex);
    struct fasync *fa = fa_find(f);
    if (fa != NULL) {
        ex.type = fa->owner_type;
        ex.pid = fa->owner < 0 ? -fa->owner : fa->owner;
    }
    mutex_unlock(&fa_mutex);
    return copy_to_user(arg, &ex, sizeof(ex)) < 0 ? -EFAULT : 0;
}

/* F_SETOWN_EX: the owner from user @p arg. */
static long
fa_set_owner_ex(struct file *f, uptr_t arg)
{
    struct f_owner_ex ex;
    if (copy_from_user(&ex, arg, sizeof(ex)) < 0)
        return -EFAULT;
    if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID &&
        ex.type != F_OWNER_PGRP)
        return -EINVAL;
    if (ex.pid < 0)
        return -ESRCH; // Linux looks it up, and finds nobody
    return fa_set_owner(f, ex.type, ex.pid);
}

/* F_GETOWN (the owner, a group negative) or F_GETSIG. */
static long
fa_query(struct file *f, int cmd)
{
    long r = 0;
    mutex_lock(&fa_mutex);
    struct fasync *fa = fa_find(f);
    if (fa != NULL)
        r = cmd == F_GETOWN ? fa->owner : fa->sig;
    mutex_unlock(&fa_mutex);
    return r;
}

/**
 * @brief fcntl's owner and signal commands: F_SETOWN, F_GETOWN,
 *        F_SETOWN_EX, F_GETOWN_EX, F_SETSIG, F_GETSIG (any file may have
 *        them, as on Linux, even one that never signals).
 * @param f   the file
 * @param cmd the command
 * @param arg its argument (a user pointer for the _EX forms)
 * @return 0 or the value asked for; -EINVAL (a bad signal, type or
 *         owner); -ESRCH (no such process or group); -EFAULT; -ENOMEM
 * Locking: takes fa_mutex, fa_lock, proc_table_lock.
 */
long
fasync_fcntl(struct file *f, int cmd, long arg)
{
    switch (cmd) {
    case F_GETOWN:
    case F_GETSIG:
        return fa_query(f, cmd);
    case F_GETOWN_EX:
        return fa_get_owner_ex(f, UPTR(arg));
    case F_SETOWN_EX:
        return fa_set_owner_ex(f, UPTR(arg));
    case F_SETOWN: {
        int who = (int)arg;
        if (who == INT32_MIN)
            return -EINVAL; // its negation does not fit
        return fa_set_owner(f, who < 0 ? F_OWNER_PGRP : F_OWNER_PID,
                            who < 0 ? -who : who);
    }
    case F_SETSIG: {
        if ((unsigned long)arg >= NSIG)
            return -EINVAL;
        mutex_lock(&fa_mutex);
        struct fasync *fa = fa_get(f);
        if (fa != NULL) {
            irqflags_t fl = spin_lock_irqsave(&fa_lock);
            fa->sig = (int)arg;
            spin_unlock_irqrestore(&fa_lock, fl);
        }
        mutex_unlock(&fa_mutex);
        return fa == NULL ? -ENOMEM : 0;
    }
    default:
        return -EINVAL;
    }
}

// [fasync_release_file]
/**
 * @brief The last reference to @p f is going: its watches come down
 *        before its release frees the queues they are on, and its
 *        record goes.
 * @param f the file
 * Locking: takes fa_mutex (file_put() runs where it may sleep).
 */
void
fasync_release_file(struct file *f)
{
    if (__atomic_load_n(&fa_count, __ATOMIC_SEQ_CST) == 0)
        return; // nobody ever used O_ASYNC or F_SETOWN
    mutex_lock(&fa_mutex);
    struct fasync *fa = fa_find(f);
    if (fa != NULL) {
        fa_disarm(fa);
        irqflags_t fl = spin_lock_irqsave(&fa_lock);
        list_remove(&fa->flink);
        __atomic_sub_fetch(&fa_count, 1, __ATOMIC_SEQ_CST);
        spin_unlock_irqrestore(&fa_lock, fl);
        kfree(fa);
    }
    mutex_unlock(&fa_mutex);
}
// [fasync_release_file]
