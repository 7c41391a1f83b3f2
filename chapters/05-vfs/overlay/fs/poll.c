/**
 * @file
 * @ingroup fs
 * @brief poll and select: sleep once until one of several files is ready.
 *
 * A shell reading a line, a server waiting on several clients, a program
 * with a timeout: each asks "which of these descriptors can I use without
 * sleeping?". Every file answers through its poll operation (a pipe: data
 * or no writer; the console: a line typed; a regular file: always).
 *
 * The wait is the one Linux does (fs/select.c there):
 *
 * 1. ask every file, with a poll table: each file poll_wait()s on the
 *    wait queues that its readiness changes wake, which puts a watch of
 *    the table on each (struct wait_watch, kernel/sync/waitqueue.c), and
 *    then says what holds now;
 * 2. if something is ready, the timeout has passed or a signal is
 *    pending, stop; otherwise sleep, once, until any watched queue is
 *    woken, the deadline's timer tick or a signal (sched_sleep_until());
 * 3. ask every file again (the watches are in place already) and go to 2.
 *
 * A wake-up between a file's answer and the sleep is not lost: the watch
 * notes it in the table (poll_wake()), and poll_table_sleep() does not
 * sleep when the note is there.
 *
 * Timeouts are deadlines on the monotonic clock, in nanoseconds; the
 * sleep itself ends on a timer tick, so a wait is at most a tick late.
 *
 * Locking: poll_table.lock protects the note; a queue's lock is held
 * while its watches run (poll_wake() takes the table's lock inside it).
 * Each poll_entry holds a reference to its file, so the queue it watches
 * lives until the watch is gone.
 */
#include "fs/poll.h"
#include "kernel/clock.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** One watch of a poll table: on which queue, for which file. */
struct poll_entry {
    struct wait_watch watch; /**< on the file's wait queue */
    struct poll_table *pt;   /**< the table it reports to */
    struct file *file;       /**< held: the queue lives as long as it */
    struct list_node link;   /**< in pt->entries */
};

/* A watched queue was woken: note it and wake the poller.
 * @pre the queue's lock held (the poller cannot free the table now) */
// [poll_wake]
static void
poll_wake(struct wait_watch *w)
{
    struct poll_table *pt = list_entry(w, struct poll_entry, watch)->pt;
    irqflags_t f = spin_lock_irqsave(&pt->lock);
    pt->woken = true;
    spin_unlock_irqrestore(&pt->lock, f);
    sched_wake(pt->thread);
}
// [poll_wake]

/**
 * @brief Let the poller of @p pt be woken by @p wq.
 *
 * A file's poll operation calls it for each wait queue whose wake-ups
 * may change its answer, before it looks at its state. Only the first
 * pass of a poll registers; later passes (@p pt NULL or not registering)
 * make this a no-op.
 * @param f  the file being polled (held until the poll ends)
 * @param wq the queue
 * @param pt the poll table, or NULL when nobody will sleep
 * @pre may be called with the file's spinlock held
 */
// [poll_wait]
void
poll_wait(struct file *f, struct wait_queue *wq, struct poll_table *pt)
{
    if (pt == NULL || !pt->registering)
        return;
    struct poll_entry *e = kmalloc(sizeof(*e));
    if (e == NULL) {
        pt->error = -ENOMEM;
        return;
    }
    e->pt = pt;
    e->file = f;
    file_get(f);
    list_push_back(&pt->entries, &e->link);
    wait_queue_watch(wq, &e->watch, poll_wake);
}
// [poll_wait]

/**
 * @brief Ask @p f which POLL* events hold, registering with @p pt.
 * @param f  the file
 * @param pt the poll table, or NULL
 * @return the file's events; DEFAULT_POLLMASK without a poll operation
 */
unsigned
file_poll(struct file *f, struct poll_table *pt)
{
    return f->ops->poll != NULL ? f->ops->poll(f, pt) : DEFAULT_POLLMASK;
}

/* A fresh table for the current thread. */
static void
poll_table_init(struct poll_table *pt)
{
    spin_init(&pt->lock, "poll");
    pt->woken = false;
    pt->registering = true;
    pt->error = 0;
    pt->thread = thread_current();
    list_init(&pt->entries);
}

/* Take every watch down, then let go of the files. */
static void
poll_table_free(struct poll_table *pt)
{
    struct list_node *n;
    for (n = pt->entries.next; n != &pt->entries; n = n->next)
        wait_queue_unwatch(&list_entry(n, struct poll_entry, link)->watch);
    // no wake-up can reach the table now: free the entries
    while (!list_empty(&pt->entries)) {
        n = pt->entries.next;
        list_remove(n);
        struct poll_entry *e = list_entry(n, struct poll_entry, link);
        file_put(e->file);
        kfree(e);
    }
}

/* The timer tick at or after monotonic time @p deadline (ns). */
static uint64_t
deadline_tick(uint64_t deadline)
{
    if (deadline == POLL_FOREVER)
        return UINT64_MAX;
    uint64_t now = clock_monotonic_ns(), tick_ns = NSEC_PER_SEC / HZ;
    if (deadline <= now)
        return time_jiffies();
    return time_jiffies() + (deadline - now + tick_ns - 1) / tick_ns;
}

/* Has monotonic time @p deadline come? */
static bool
deadline_passed(uint64_t deadline)
{
    return deadline != POLL_FOREVER && clock_monotonic_ns() >= deadline;
}

/*
 * Sleep until a watched queue is woken, the tick of @p deadline or a
 * signal; at once if a queue was woken since the last look. 0 or -EINTR.
 */
// [poll_table_sleep]
static int
poll_table_sleep(struct poll_table *pt, uint64_t deadline)
{
    int err = 0;
    irqflags_t f = spin_lock_irqsave(&pt->lock);
    if (signal_pending()) {
        err = -EINTR; // poll and select are never restarted
    } else if (!pt->woken) {
        sched_sleep_until(deadline_tick(deadline), &pt->lock, f);
        f = spin_lock_irqsave(&pt->lock);
    }
    pt->woken = false;
    spin_unlock_irqrestore(&pt->lock, f);
    return err;
}
// [poll_table_sleep]

/** One pass over the files of a poll or select: how many are ready, or
 *  -errno. */
typedef long (*poll_scan_fn)(void *arg, struct poll_table *pt);

/* The wait of poll and select: scan, sleep, scan again until something
 * is ready (the count), the deadline passes (0) or an error (-errno). */
// [poll_loop]
static long
poll_loop(poll_scan_fn scan, void *arg, uint64_t deadline)
{
    struct poll_table pt;
    poll_table_init(&pt);
    long n;
    for (;;) {
        n = scan(arg, &pt);
        pt.registering = false; // the watches are in place: keep them
        if (n != 0 || pt.error != 0 || deadline_passed(deadline))
            break;
        n = poll_table_sleep(&pt, deadline);
        if (n < 0)
            break;
    }
    poll_table_free(&pt);
    return n == 0 && pt.error != 0 ? pt.error : n;
}
// [poll_loop]

/* Fill in the revents of one entry; true when something is to report. */
static bool
poll_one(struct pollfd *pfd, struct poll_table *pt)
{
    pfd->revents = 0;
    if (pfd->fd < 0)
        return false; // ignored, as POSIX says
    struct file *f = fd_get(pfd->fd);
    if (f == NULL) {
        pfd->revents = POLLNVAL;
        return true;
    }
    unsigned ready = file_poll(f, pt);
    file_put(f);
    // POLLHUP and POLLERR are reported whether asked for or not
    unsigned wanted = (uint16_t)pfd->events | POLLHUP | POLLERR;
    pfd->revents = (int16_t)(ready & wanted);
    return pfd->revents != 0;
}

/** What fs_poll() scans. */
struct poll_args {
    struct pollfd *fds; /**< the entries */
    size_t nfds;        /**< how many */
};

/* One pass of poll: every entry's revents. */
static long
poll_scan(void *arg, struct poll_table *pt)
{
    struct poll_args *a = arg;
    long n = 0;
    for (size_t i = 0; i < a->nfds; i++) {
        if (poll_one(&a->fds[i], pt))
            n++, pt->registering = false; // no sleep: no more watches
    }
    return n;
}

/**
 * @brief Wait until an entry of @p fds is ready, or @p deadline passes.
 * @param fds      the entries, in kernel memory; their revents are set
 * @param nfds     how many
 * @param deadline monotonic nanoseconds (clock_monotonic_ns()) to wait
 *                 until; 0: do not wait; POLL_FOREVER: no timeout
 * @return how many entries have revents set (0: the deadline passed);
 *         -EINTR when a signal came first; -ENOMEM
 * @pre interrupts on, no lock held (it sleeps)
 */
long
fs_poll(struct pollfd *fds, size_t nfds, uint64_t deadline)
{
    struct poll_args a = {fds, nfds};
    return poll_loop(poll_scan, &a, deadline);
}

/** poll events for which select reports a descriptor readable, writable,
 *  or with an exceptional condition (Linux's POLLIN_SET, ...). */
#define SELECT_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR) /**< */
#define SELECT_EX POLLPRI                                        /**< */

/** What fs_select() scans. */
struct select_args {
    int nfds;                   /**< descriptors 0 .. nfds - 1 */
    const struct fd_sets *want; /**< the sets the caller gave */
    struct fd_sets *got;        /**< the sets returned */
};

/*
 * One pass of select: poll each descriptor that has a bit in a wanted
 * set, and set its bit in the returned sets the answer satisfies. Counts
 * bits, not descriptors (readable and writable counts 2); -EBADF when a
 * set names a closed descriptor.
 */
// [select_scan]
static long
select_scan(void *arg, struct poll_table *pt)
{
    // >>> exercise 5.3 select
    struct select_args *a = arg;
    const struct fd_sets *want = a->want;
    struct fd_sets *got = a->got;
    memset(got, 0, sizeof(*got));
    long n = 0;
    for (int fd = 0; fd < a->nfds; fd++) {
        size_t w = (size_t)fd / 64;
        uint64_t bit = 1ULL << (fd % 64);
        uint64_t in = want->in[w] & bit, out = want->out[w] & bit,
                 ex = want->ex[w] & bit;
        if ((in | out | ex) == 0)
            continue;
        struct file *f = fd_get(fd);
        if (f == NULL)
            return -EBADF;
        unsigned ready = file_poll(f, pt);
        file_put(f);
        got->in[w] |= ready & SELECT_IN ? in : 0;
        got->out[w] |= ready & SELECT_OUT ? out : 0;
        got->ex[w] |= ready & SELECT_EX ? ex : 0;
        long found = (got->in[w] & in ? 1 : 0) + (got->out[w] & out ? 1 : 0) +
                     (got->ex[w] & ex ? 1 : 0);
        if (found > 0)
            n += found, pt->registering = false; // no sleep: no more watches
    }
    return n;
    // === stub: select never learns which descriptors are ready
    // (void)arg, (void)pt;
    // return -ENOSYS;
    // <<< exercise 5.3 select
}
// [select_scan]

/**
 * @brief Wait until a descriptor of the sets @p want is ready.
 *
 * Linux's select: descriptors 0 .. @p nfds - 1 are looked at, those with
 * a bit in a set are polled; a larger @p nfds than the table holds is
 * cut down to it, as on Linux.
 * @param nfds     one more than the highest descriptor in the sets
 * @param want     the sets asked about, in kernel memory
 * @param got      the ready ones (bits of @p want only), filled in
 * @param deadline as fs_poll()
 * @return the bits set in @p got (0: the deadline passed); -EINVAL
 *         (negative @p nfds); -EBADF (a set names a closed descriptor);
 *         -EINTR; -ENOMEM
 * @pre interrupts on, no lock held (it sleeps)
 */
long
fs_select(int nfds, const struct fd_sets *want, struct fd_sets *got,
          uint64_t deadline)
{
    if (nfds < 0)
        return -EINVAL;
    struct select_args a = {nfds < FD_MAX ? nfds : FD_MAX, want, got};
    return poll_loop(select_scan, &a, deadline);
}
