/**
 * @file
 * @ingroup fs
 * @brief epoll's interest list: epoll_create, epoll_ctl, and files that go.
 *
 * poll() asks every file again at every call: fine for ten descriptors,
 * ruinous for ten thousand idle connections. epoll splits the question
 * in two. epoll_ctl() registers a file once, in the instance's interest
 * list, and puts a watch on each wait queue its poll operation names
 * (through a poll table of epoll's own: poll_table.queue). From then on
 * the file's wake-ups put the registration on the instance's ready list
 * (fs/epoll_ready.c), and epoll_wait() looks only there: its cost
 * follows the number of events, not of files.
 *
 * As on Linux, a registration is keyed by the pair (file, descriptor)
 * but belongs to the *file*: closing the descriptor while a dup or a
 * forked child still holds the file keeps it registered, and it goes
 * only when the file's last reference does (file_put() calls
 * eventpoll_release_file()). The instance holds no reference to the
 * files it watches, or no registered file would ever be released.
 *
 * An epoll may be registered in another (its file is readable while its
 * own ready list has events), but never in itself, even through others:
 * epoll_ctl refuses such a loop with -ELOOP, as it refuses nesting
 * deeper than EP_MAX_NESTS.
 *
 * Locking: see fs/eventpoll.h.
 */
#include "eventpoll.h"
#include "fs/anon.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "uapi/errno.h"

/** Serialises the release of registered files and the loop check. */
static struct mutex ep_mutex;
/** Held around every unwatch of an item's watch, and around
 *  eventpoll_queue_gone(): a watch's queue is then never freed under it. */
static struct spinlock ep_watch_lock = SPINLOCK_INIT("epoll watches");
/** Protects ep_files. */
static struct spinlock ep_files_lock = SPINLOCK_INIT("epoll files");

/** Buckets of ep_files (a power of two). */
#define EP_FILE_BUCKETS 256
/** Every registration, by the address of its file (epitem.flink): the
 *  last file_put() of a file looks there for the epolls to tell. */
static struct list_node ep_files[EP_FILE_BUCKETS];

/* The bucket of @p f in ep_files. */
static struct list_node *
ep_file_bucket(const struct file *f)
{
    uint64_t h = (uint64_t)(uintptr_t)f >> 6; // files are 64-byte aligned
    return &ep_files[(h ^ (h >> 8)) & (EP_FILE_BUCKETS - 1)];
}

/* At boot: the lock and the empty table. */
static int
ep_boot(void)
{
    mutex_init(&ep_mutex, "epoll loops"); // a class apart from ep->mtx
    for (int i = 0; i < EP_FILE_BUCKETS; i++)
        list_init(&ep_files[i]);
    return 0;
}
initcall(memory, ep_boot); // before any file can be released

static void ep_release(struct file *f);

static const struct file_ops eventpoll_ops = {
    .poll = ep_eventpoll_poll,
    .release = ep_release,
};

/* The instance behind @p f, or NULL when @p f is not an epoll. */
static struct eventpoll *
ep_of(const struct file *f)
{
    return f->ops == &eventpoll_ops ? f->priv : NULL;
}

/**
 * @brief epoll_create1: a new, empty epoll instance, installed.
 * @param flags EPOLL_CLOEXEC or 0
 * @return the descriptor; -EINVAL (other flags); -EMFILE; -ENOMEM
 */
long
epoll_open(int flags)
{
    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    struct eventpoll *ep = kzalloc(sizeof(*ep));
    if (ep == NULL)
        return -ENOMEM;
    mutex_init(&ep->mtx, "epoll");
    spin_init(&ep->lock, "epoll ready");
    list_init(&ep->items);
    list_init(&ep->ready);
    wait_queue_init(&ep->wq, "epoll wait");
    wait_queue_init(&ep->poll_wq, "epoll poll");
    ep->file = anon_file_alloc("[eventpoll]", &eventpoll_ops, ep, O_RDWR);
    if (ep->file == NULL) {
        kfree(ep);
        return file_alloc_error();
    }
    int fd = fd_install(ep->file, 0, (flags & EPOLL_CLOEXEC) != 0);
    if (fd < 0)
        file_put(ep->file); // frees ep too
    return fd;
}

/* Take @p epi out of @p ep and free it: its watches first, so no
 * wake-up can reach it. @pre ep->mtx held */
static void
ep_remove(struct eventpoll *ep, struct epitem *epi)
{
    while (!list_empty(&epi->watches)) {
        struct list_node *n = epi->watches.next;
        struct ep_watch *w = list_entry(n, struct ep_watch, link);
        irqflags_t fl = spin_lock_irqsave(&ep_watch_lock);
        wait_queue_unwatch(&w->watch); // waits out a running wake-up
        spin_unlock_irqrestore(&ep_watch_lock, fl);
        list_remove(n);
        kfree(w);
    }
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    list_remove(&epi->rdlink); // a no-op when not on the ready list
    spin_unlock_irqrestore(&ep->lock, fl);
    list_remove(&epi->link);
    fl = spin_lock_irqsave(&ep_files_lock);
    list_remove(&epi->flink);
    spin_unlock_irqrestore(&ep_files_lock, fl);
    kfree(epi);
}

/* The epoll's file is released: forget every registration, free it. */
static void
ep_release(struct file *f)
{
    struct eventpoll *ep = f->priv;
    mutex_lock(&ep_mutex);
    mutex_lock(&ep->mtx);
    while (!list_empty(&ep->items))
        ep_remove(ep, list_entry(ep->items.next, struct epitem, link));
    mutex_unlock(&ep->mtx);
    mutex_unlock(&ep_mutex);
    kfree(ep);
}

/* A registration of @p f in @p bucket (its ep_files bucket), or NULL. */
static struct epitem *
ep_file_item(struct list_node *bucket, const struct file *f)
{
    struct epitem *found = NULL;
    irqflags_t fl = spin_lock_irqsave(&ep_files_lock);
    struct list_node *n;
    list_for_each(n, bucket)
    {
        struct epitem *epi = list_entry(n, struct epitem, flink);
        if (epi->file == f) {
            found = epi;
            break;
        }
    }
    spin_unlock_irqrestore(&ep_files_lock, fl);
    return found;
}

/**
 * @brief The last reference to @p f is gone: take it out of every epoll.
 * @param f the file, being released (no descriptor names it any more,
 *          so no epoll_ctl can add it again)
 */
// [eventpoll_release_file]
void
eventpoll_release_file(struct file *f)
{
    struct list_node *bucket = ep_file_bucket(f);
    // the usual case: never registered, nothing to lock
    if (ep_file_item(bucket, f) == NULL)
        return;
    mutex_lock(&ep_mutex); // the epolls cannot be freed meanwhile
    struct epitem *epi;
    while ((epi = ep_file_item(bucket, f)) != NULL) {
        struct eventpoll *ep = epi->ep;
        mutex_lock(&ep->mtx);
        ep_remove(ep, epi);
        mutex_unlock(&ep->mtx);
    }
    mutex_unlock(&ep_mutex);
}
// [eventpoll_release_file]

/* The registration of (@p f, @p fd) in @p ep, or NULL. @pre ep->mtx */
static struct epitem *
ep_find(struct eventpoll *ep, struct file *f, int fd)
{
    struct list_node *n;
    list_for_each(n, &ep->items)
    {
        struct epitem *epi = list_entry(n, struct epitem, link);
        if (epi->file == f && epi->fd == fd)
            return epi;
    }
    return NULL;
}

/*
 * Can @p target reach @p ep through registered epolls, or nest deeper
 * than EP_MAX_NESTS below @p depth? Then adding @p target to @p ep would
 * make a loop (or a chain too deep to poll). @pre ep_mutex held
 */
static bool
ep_loops(struct eventpoll *ep, struct eventpoll *target, int depth)
{
    if (target == ep || depth > EP_MAX_NESTS)
        return true;
    bool loops = false;
    mutex_lock(&target->mtx);
    struct list_node *n;
    list_for_each(n, &target->items)
    {
        struct eventpoll *inner =
            ep_of(list_entry(n, struct epitem, link)->file);
        if (inner != NULL && ep_loops(ep, inner, depth + 1)) {
            loops = true;
            break;
        }
    }
    mutex_unlock(&target->mtx);
    return loops;
}

/** epoll's poll table: poll_wait() hands it each queue to watch. */
struct ep_pqueue {
    struct poll_table pt; /**< pt.queue is ep_ptable_queue */
    struct epitem *epi;   /**< the item being added */
};

/* poll_wait() on @p wq while @p pt's item is added: watch the queue
 * for it. May run under the file's spinlock. */
// [ep_ptable_queue]
static void
ep_ptable_queue(struct file *f, struct wait_queue *wq, struct poll_table *pt)
{
    (void)f;
    struct epitem *epi = list_entry(pt, struct ep_pqueue, pt)->epi;
    struct ep_watch *w = kmalloc(sizeof(*w));
    if (w == NULL) {
        pt->error = -ENOMEM;
        return;
    }
    w->epi = epi;
    list_push_back(&epi->watches, &w->link);
    wait_queue_watch(wq, &w->watch, ep_poll_callback);
}
// [ep_ptable_queue]

/* EPOLL_CTL_ADD: register (@p f, @p fd) with events @p ev, watch its
 * queues and queue it if ready now. @pre ep->mtx held */
static int
ep_insert(struct eventpoll *ep, const struct epoll_event *ev, struct file *f,
          int fd)
{
    struct epitem *epi = kzalloc(sizeof(*epi));
    if (epi == NULL)
        return -ENOMEM;
    list_init(&epi->rdlink);
    list_init(&epi->watches);
    epi->ep = ep;
    epi->file = f;
    epi->fd = fd;
    epi->events = ev->events | POLLERR | POLLHUP;
    epi->data = ev->data;
    list_push_back(&ep->items, &epi->link);
    irqflags_t fl = spin_lock_irqsave(&ep_files_lock);
    list_push_back(ep_file_bucket(f), &epi->flink);
    spin_unlock_irqrestore(&ep_files_lock, fl);
    // watch first, then look: a change in between is not lost
    struct ep_pqueue pq = {.epi = epi};
    poll_table_init(&pq.pt);
    pq.pt.queue = ep_ptable_queue;
    unsigned ready = ep_item_poll(epi, &pq.pt);
    if (pq.pt.error != 0) {
        ep_remove(ep, epi);
        return pq.pt.error;
    }
    if (ready != 0)
        ep_item_queue(ep, epi);
    return 0;
}

/* EPOLL_CTL_MOD: new events and data (re-arms a one-shot item); queue
 * it if the new events hold now. @pre ep->mtx held */
static int
ep_modify(struct eventpoll *ep, struct epitem *epi,
          const struct epoll_event *ev)
{
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    epi->events = ev->events | POLLERR | POLLHUP;
    epi->data = ev->data;
    spin_unlock_irqrestore(&ep->lock, fl);
    if (ep_item_poll(epi, NULL) != 0)
        ep_item_queue(ep, epi);
    return 0;
}

/* The operation @p op on (@p tf, @p fd) of @p ep. @pre ep->mtx held */
static int
ep_ctl_locked(struct eventpoll *ep, int op, struct file *tf, int fd,
              const struct epoll_event *ev)
{
    struct epitem *epi = ep_find(ep, tf, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        return epi == NULL ? ep_insert(ep, ev, tf, fd) : -EEXIST;
    case EPOLL_CTL_DEL:
        if (epi == NULL)
            return -ENOENT;
        ep_remove(ep, epi);
        return 0;
    case EPOLL_CTL_MOD:
        if (epi == NULL)
            return -ENOENT;
        if (epi->events & EPOLLEXCLUSIVE)
            return -EINVAL; // an exclusive registration cannot change
        return ep_modify(ep, epi, ev);
    default:
        return -EINVAL;
    }
}

/* What Linux's do_epoll_ctl checks before it looks at the interest
 * list: 0 or -EPERM, -EINVAL. */
static int
ep_ctl_check(struct file *epf, struct file *tf, int op,
             const struct epoll_event *ev)
{
    if (tf->ops->poll == NULL)
        return -EPERM; // a regular file is always ready: nothing to wait
    if (epf == tf || ep_of(epf) == NULL)
        return -EINVAL;
    if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
        const uint32_t ok = POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP |
                            EPOLLET | EPOLLEXCLUSIVE;
        if (op == EPOLL_CTL_MOD || ep_of(tf) != NULL || (ev->events & ~ok))
            return -EINVAL;
    }
    return 0;
}

/**
 * @brief epoll_ctl: add, change or remove the registration of @p fd.
 *
 * Adding an epoll into another first checks, under ep_mutex and before
 * taking any instance's mtx, that no loop would result.
 * @param epfd the epoll
 * @param op   EPOLL_CTL_ADD, EPOLL_CTL_MOD or EPOLL_CTL_DEL
 * @param fd   the file to watch
 * @param ev   the events and data (not read for EPOLL_CTL_DEL)
 * @return 0; -EBADF; -EPERM (@p fd cannot be polled); -EINVAL (@p epfd
 *         not an epoll or the same as @p fd; EPOLLEXCLUSIVE misused; an
 *         unknown @p op); -EEXIST; -ENOENT; -ELOOP; -ENOMEM
 */
long
epoll_ctl_fd(int epfd, int op, int fd, const struct epoll_event *ev)
{
    struct file *epf = fd_get(epfd), *tf = NULL;
    long err = -EBADF;
    if (epf == NULL || (tf = fd_get(fd)) == NULL)
        goto out;
    err = ep_ctl_check(epf, tf, op, ev);
    if (err < 0)
        goto out;
    struct eventpoll *ep = ep_of(epf), *inner = ep_of(tf);
    bool nesting = op == EPOLL_CTL_ADD && inner != NULL;
    if (nesting) {
        mutex_lock(&ep_mutex);
        if (ep_loops(ep, inner, 1)) {
            mutex_unlock(&ep_mutex);
            err = -ELOOP;
            goto out;
        }
    }
    mutex_lock(&ep->mtx);
    err = ep_ctl_locked(ep, op, tf, fd, ev);
    mutex_unlock(&ep->mtx);
    if (nesting)
        mutex_unlock(&ep_mutex);
out:
    // after every lock: this may be the last reference, whose release
    // takes ep_mutex and the instances' mtx
    file_put(tf);
    file_put(epf);
    return err;
}

/**
 * @brief epoll_wait: report up to @p maxevents events of @p epfd.
 * @param epfd      the epoll
 * @param events    the user array of struct epoll_event
 * @param maxevents its length
 * @param deadline  monotonic ns to wait until; 0: do not wait;
 *                  POLL_FOREVER
 * @return the count (0: the deadline passed); -EINVAL (@p maxevents
 *         not 1 .. EP_MAX_EVENTS, @p epfd not an epoll); -EFAULT (the
 *         array is not user memory); -EBADF; -EINTR
 */
long
epoll_wait_fd(int epfd, uptr_t events, int maxevents, uint64_t deadline)
{
    if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
        return -EINVAL;
    if (!user_access_ok(events, (size_t)maxevents * sizeof(struct epoll_event)))
        return -EFAULT;
    struct file *f = fd_get(epfd);
    if (f == NULL)
        return -EBADF;
    struct eventpoll *ep = ep_of(f);
    long r = ep != NULL ? ep_poll(ep, events, maxevents, deadline) : -EINVAL;
    file_put(f);
    return r;
}

/*
 * Queue @p wq is about to be freed while epoll items may still watch it:
 * take their watches off, so that no wake-up and no later unwatch finds
 * it. Their items stay registered and are never queued again, as on
 * Linux (POLLFREE).
 */
static void
eventpoll_queue_gone(struct wait_queue *wq)
{
    irqflags_t fl = spin_lock_irqsave(&ep_watch_lock);
    irqflags_t f2 = spin_lock_irqsave(&wq->lock);
    struct list_node *n = wq->watchers.next;
    while (n != &wq->watchers) {
        struct wait_watch *w = list_entry(n, struct wait_watch, link);
        n = n->next;
        if (w->fn == ep_poll_callback) {
            list_remove(&w->link);
            w->wq = NULL;
        }
    }
    spin_unlock_irqrestore(&wq->lock, f2);
    spin_unlock_irqrestore(&ep_watch_lock, fl);
}

/* A process exits: a signalfd polled by it put epoll watches on its
 * queue of signals sent (fs/signalfd.c), which goes with the process,
 * while the epoll may live on in another process that shares it. No
 * watch is put there after this: only the process itself polls there. */
static void
ep_proc_exit(struct proc *p)
{
    eventpoll_queue_gone(&p->sig.sent);
}
proc_hooks(60, eventpoll, .exit = ep_proc_exit);
