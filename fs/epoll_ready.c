/**
 * @file
 * @ingroup fs
 * @brief epoll's ready list: the wake-up callback and epoll_wait.
 *
 * Each registered file's wait queues carry a watch of its item
 * (fs/eventpoll.c). Whenever the file wakes a queue, the watch runs
 * ep_poll_callback(), which only puts the item on its instance's ready
 * list and wakes the instance's waiters: it runs inside the queue's
 * lock, maybe in an interrupt, and cannot ask the file anything. The
 * waiter (ep_poll()) then takes the ready list and asks each file on it,
 * with its poll operation, which events really hold; a file that is not
 * ready after all (a spurious wake-up, a writer's wake-up for an item
 * that wants to read) is simply dropped. What it reports depends on the
 * item's mode:
 *
 * - level-triggered (the default): the item goes back on the ready list,
 *   so the next epoll_wait asks the file again and reports it for as
 *   long as it is ready;
 * - edge-triggered (EPOLLET): it stays off until the next wake-up;
 * - one-shot (EPOLLONESHOT): it is disarmed, so even wake-ups leave it
 *   off, until EPOLL_CTL_MOD arms it again.
 *
 * An epoll is itself a file: it is readable while an item on its ready
 * list has events (ep_eventpoll_poll()), and its callback wakes its own
 * poll_wq, so that an epoll registered in another one works.
 *
 * Locking: see fs/eventpoll.h. A scan (a harvest or a poll of the
 * epoll) moves the ready list to a list of its own under ep->lock and
 * works on that without the spinlock but with ep->mtx; its items keep
 * on_ready, so the callback leaves them where they are.
 */
#include "eventpoll.h"
#include "kernel/clock.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "uapi/errno.h"

/* Move the nodes of @p from to the front (@p front) or back of @p to. */
static void
ep_splice(struct list_node *from, struct list_node *to, bool front)
{
    if (list_empty(from))
        return;
    struct list_node *first = from->next, *last = from->prev;
    struct list_node *after = front ? to : to->prev;
    struct list_node *before = after->next;
    after->next = first;
    first->prev = after;
    last->next = before;
    before->prev = last;
    list_init(from);
}

/**
 * @brief The events of @p epi's file that its item asks for.
 * @param epi the item
 * @param pt  a poll table that watches the file's queues, or NULL
 * @return the events (0 as well for a disarmed one-shot item)
 */
unsigned
ep_item_poll(struct epitem *epi, struct poll_table *pt)
{
    return file_poll(epi->file, pt) & epi->events & ~EP_PRIVATE_BITS;
}

/* Wake epoll_wait's sleepers and the pollers of the epoll's file. */
static void
ep_wake(struct eventpoll *ep)
{
    wait_queue_wake_all(&ep->wq);
    wait_queue_wake_all(&ep->poll_wq);
}

/**
 * @brief Put @p epi on @p ep's ready list (unless it is there) and wake
 *        the waiters: epoll_ctl found its file ready.
 * @param ep  the instance
 * @param epi its item
 */
void
ep_item_queue(struct eventpoll *ep, struct epitem *epi)
{
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    if (!epi->on_ready) {
        list_push_back(&ep->ready, &epi->rdlink);
        epi->on_ready = true;
    }
    spin_unlock_irqrestore(&ep->lock, fl);
    ep_wake(ep);
}

/* Take the ready list into @p tx for a scan. @pre ep->mtx held */
static void
ep_start_scan(struct eventpoll *ep, struct list_node *tx)
{
    list_init(tx);
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    ep_splice(&ep->ready, tx, false);
    spin_unlock_irqrestore(&ep->lock, fl);
}

/* Give what is left of @p tx back, ahead of what came meanwhile. */
static void
ep_done_scan(struct eventpoll *ep, struct list_node *tx)
{
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    ep_splice(tx, &ep->ready, true);
    bool more = !list_empty(&ep->ready);
    spin_unlock_irqrestore(&ep->lock, fl);
    if (more)
        wait_queue_wake_all(&ep->wq); // another waiter may take the rest
}

// >>> exercise 7.4 ready-list
/**
 * @brief A watched queue of an item's file was woken: queue the item.
 *
 * Runs with the queue's lock held, maybe in an interrupt: it may take
 * only spinlocks and must not ask the file anything. A disarmed
 * (one-shot, reported) item is left alone.
 * @param w the item's watch on the queue
 */
void
ep_poll_callback(struct wait_watch *w)
{
    struct epitem *epi = list_entry(w, struct ep_watch, watch)->epi;
    struct eventpoll *ep = epi->ep;
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    bool armed = (epi->events & ~EP_PRIVATE_BITS) != 0;
    if (armed && !epi->on_ready) {
        list_push_back(&ep->ready, &epi->rdlink);
        epi->on_ready = true;
    }
    spin_unlock_irqrestore(&ep->lock, fl);
    if (armed)
        ep_wake(ep);
}

/* Take the first item of @p tx off it: the callback may queue it again
 * from now on. */
static struct epitem *
ep_take(struct eventpoll *ep, struct list_node *tx)
{
    struct epitem *epi = list_entry(tx->next, struct epitem, rdlink);
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    list_remove(&epi->rdlink);
    epi->on_ready = false;
    spin_unlock_irqrestore(&ep->lock, fl);
    return epi;
}

/* @p epi was reported: disarm a one-shot item; put a level-triggered
 * one back for the next epoll_wait to ask again. */
static void
ep_reported(struct eventpoll *ep, struct epitem *epi)
{
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    if (epi->events & EPOLLONESHOT)
        epi->events &= EP_PRIVATE_BITS;
    else if (!(epi->events & EPOLLET) && !epi->on_ready) {
        list_push_back(&ep->ready, &epi->rdlink);
        epi->on_ready = true;
    }
    spin_unlock_irqrestore(&ep->lock, fl);
}

/*
 * Report up to @p max events of the ready list into the user array
 * @p events: the count, or -EFAULT when the first could not be
 * written (that item stays ready). @pre ep->mtx held
 */
static long
ep_send_events(struct eventpoll *ep, uptr_t events, int max)
{
    struct list_node tx;
    ep_start_scan(ep, &tx);
    long n = 0;
    while (!list_empty(&tx) && n < max) {
        struct epitem *epi = ep_take(ep, &tx);
        unsigned revents = ep_item_poll(epi, NULL);
        if (revents == 0)
            continue; // not ready after all: off the list
        struct epoll_event ev = {revents, epi->data};
        uptr_t at = UPTR(events.addr + (uint64_t)n * sizeof(ev));
        if (copy_to_user(at, &ev, sizeof(ev)) < 0) {
            ep_item_queue(ep, epi); // still ready
            n = n > 0 ? n : -EFAULT;
            break;
        }
        n++;
        ep_reported(ep, epi);
    }
    ep_done_scan(ep, &tx);
    return n;
}
// === stub: nothing is ever queued, and epoll_wait reports nothing
// void
// ep_poll_callback(struct wait_watch *w)
// {
//     (void)w;
// }
//
// static long
// ep_send_events(struct eventpoll *ep, uptr_t events, int max)
// {
//     (void)ep, (void)events, (void)max;
//     return 0;
// }
// <<< exercise 7.4 ready-list

/**
 * @brief poll of an epoll's own file: readable while an item on its
 *        ready list has events.
 *
 * Each item on the list is asked, as epoll_wait would (a level-triggered
 * item may linger there, no longer ready); the items stay where they
 * are. The caller of an outer epoll holds its mtx: nesting takes the
 * inner's after it, which the loop check of epoll_ctl keeps acyclic.
 * @param f  the epoll's file
 * @param pt the poller's table: it watches poll_wq
 * @return POLLIN | POLLRDNORM, or 0
 */
// [ep_eventpoll_poll]
unsigned
ep_eventpoll_poll(struct file *f, struct poll_table *pt)
{
    struct eventpoll *ep = f->priv;
    poll_wait(f, &ep->poll_wq, pt);
    mutex_lock(&ep->mtx);
    struct list_node tx, *n;
    ep_start_scan(ep, &tx);
    unsigned ready = 0;
    list_for_each(n, &tx)
    {
        if (ep_item_poll(list_entry(n, struct epitem, rdlink), NULL) != 0) {
            ready = POLLIN | POLLRDNORM;
            break;
        }
    }
    ep_done_scan(ep, &tx);
    mutex_unlock(&ep->mtx);
    return ready;
}
// [ep_eventpoll_poll]

/** An epoll_wait sleeping: its watch on the instance's wq. */
struct ep_waiter {
    struct wait_watch watch; /**< on ep->wq */
    struct thread *thread;   /**< the sleeper */
};

/* The instance has news: wake the sleeper (it looks again). */
static void
ep_waiter_wake(struct wait_watch *w)
{
    sched_wake(list_entry(w, struct ep_waiter, watch)->thread);
}

/* Sleep until the ready list is not empty, the tick of @p deadline or
 * a signal: 0, or -EINTR for a signal. */
static int
ep_sleep(struct eventpoll *ep, uint64_t deadline)
{
    irqflags_t fl = spin_lock_irqsave(&ep->lock);
    if (signal_pending()) {
        spin_unlock_irqrestore(&ep->lock, fl);
        return -EINTR; // never restarted, as on Linux
    }
    if (list_empty(&ep->ready))
        sched_sleep_until(poll_deadline_tick(deadline), &ep->lock, fl);
    else
        spin_unlock_irqrestore(&ep->lock, fl);
    return 0;
}

/**
 * @brief epoll_wait's wait: report ready events, sleeping for the first.
 *
 * Harvest the ready list; if it gave nothing, sleep (the waiter's watch
 * on ep->wq is in place before the look under ep->lock, so a wake-up in
 * between is not lost) and harvest again, until the deadline.
 * @param ep        the instance
 * @param events    the user array
 * @param maxevents its length (checked: 1 .. EP_MAX_EVENTS)
 * @param deadline  monotonic ns to wait until; 0: do not wait;
 *                  POLL_FOREVER
 * @return the count of events (0: the deadline passed); -EINTR; -EFAULT
 * @pre interrupts on, no lock held (it sleeps)
 */
// [ep_poll]
long
ep_poll(struct eventpoll *ep, uptr_t events, int maxevents, uint64_t deadline)
{
    struct ep_waiter w = {.thread = thread_current()};
    wait_queue_watch(&ep->wq, &w.watch, ep_waiter_wake);
    long n;
    for (;;) {
        mutex_lock(&ep->mtx);
        n = ep_send_events(ep, events, maxevents);
        mutex_unlock(&ep->mtx);
        if (n != 0 || poll_deadline_passed(deadline))
            break;
        n = ep_sleep(ep, deadline);
        if (n < 0)
            break;
    }
    wait_queue_unwatch(&w.watch);
    return n;
}
// [ep_poll]
