/**
 * @file
 * @ingroup sync
 * @brief Wait queues: sleeping until something happens.
 *
 * The pattern every blocking operation follows (a pipe read, wait4, a
 * mutex):
 *
 * @verbatim
 *   flags = spin_lock_irqsave(&obj->lock);
 *   while (!condition)                       // checked under the lock
 *       wait_queue_sleep(&obj->wq, &obj->lock, &flags);
 *   ... use obj ...
 *   spin_unlock_irqrestore(&obj->lock, flags);
 * @endverbatim
 *
 * and whoever makes the condition true calls wait_queue_wake_one() or
 * wait_queue_wake_all(). A thread goes on the queue *before* it drops the
 * lock that protects the condition, so a wake-up between the check and the
 * sleep cannot be lost: it finds the thread on the queue already.
 *
 * A queue may also be watched (wait_queue_watch()): a watch is a function
 * that every wake-up calls, for a thread that waits on several queues at
 * once and so can sleep on none of them.
 */
#include "kernel/sched.h"
#include "kernel/sync.h"

/**
 * @brief Initialise an empty wait queue.
 * @param wq   the queue
 * @param name for error messages
 */
void
wait_queue_init(struct wait_queue *wq, const char *name)
{
    spin_init(&wq->lock, name);
    wq->lock.kind = LOCK_WAITQ; // its own class, apart from `name`'s owner
    list_init(&wq->waiters);
    list_init(&wq->watchers);
}

/**
 * @brief Sleep on @p wq, releasing @p held meanwhile; retake it after.
 * @param wq    the queue
 * @param held  the lock protecting the awaited condition, held
 * @param flags the interrupt state of @p held, updated on return
 * @pre @p held held by the caller; returns with it held again
 */
// [sleep]
void
wait_queue_sleep(struct wait_queue *wq, struct spinlock *held,
                 irqflags_t *flags)
{
    struct thread *self = thread_current();
    irqflags_t f = spin_lock_irqsave(&wq->lock);
    self->state = THREAD_SLEEPING;
    list_push_back(&wq->waiters, &self->wait_link);
    spin_unlock_irqrestore(&wq->lock, f);
    spin_unlock_irqrestore(held, *flags);
    schedule();
    // something else may have woken us (sched_wake) while still on the
    // queue: leave it, so a later wake-up is not spent on us (a no-op if
    // a wake-up took us off already: list_remove leaves a node self-linked)
    f = spin_lock_irqsave(&wq->lock);
    list_remove(&self->wait_link);
    spin_unlock_irqrestore(&wq->lock, f);
    *flags = spin_lock_irqsave(held);
}
// [sleep]

/**
 * @brief Watch @p wq: every later wake-up of it calls @p fn(@p w).
 *
 * A thread that waits for any of several events puts one watch on each
 * of their queues, then sleeps once for all of them.
 * @param wq the queue
 * @param w  the watch, on no queue
 * @param fn what a wake-up calls, with wq->lock held
 */
void
wait_queue_watch(struct wait_queue *wq, struct wait_watch *w, wait_watch_fn fn)
{
    w->wq = wq;
    w->fn = fn;
    irqflags_t f = spin_lock_irqsave(&wq->lock);
    list_push_back(&wq->watchers, &w->link);
    spin_unlock_irqrestore(&wq->lock, f);
}

/**
 * @brief Take watch @p w off its queue (no-op when it is on none).
 * @param w the watch
 * @post no wake-up calls w->fn any more, so @p w may be freed
 */
void
wait_queue_unwatch(struct wait_watch *w)
{
    if (w->wq == NULL)
        return;
    irqflags_t f = spin_lock_irqsave(&w->wq->lock);
    list_remove(&w->link);
    spin_unlock_irqrestore(&w->wq->lock, f);
    w->wq = NULL;
}

/* Tell every watch of @p wq about a wake-up; they stay on the queue. */
static void
wait_queue_notify(struct wait_queue *wq)
{
    irqflags_t f = spin_lock_irqsave(&wq->lock);
    struct list_node *n = wq->watchers.next;
    while (n != &wq->watchers) {
        struct wait_watch *w = list_entry(n, struct wait_watch, link);
        n = n->next;
        w->fn(w);
    }
    spin_unlock_irqrestore(&wq->lock, f);
}

/**
 * @brief Wake the thread that has waited longest on @p wq.
 * @param wq the queue
 * @return 1 if a thread was woken, 0 if none was waiting
 */
// [wake_one]
int
wait_queue_wake_one(struct wait_queue *wq)
{
    // the watches are told too, whether a thread sleeps here or not
    wait_queue_notify(wq);
    // >>> exercise 3.2 wake-up
    irqflags_t f = spin_lock_irqsave(&wq->lock);
    if (list_empty(&wq->waiters)) {
        spin_unlock_irqrestore(&wq->lock, f);
        return 0;
    }
    struct list_node *first = wq->waiters.next;
    list_remove(first);
    spin_unlock_irqrestore(&wq->lock, f);
    sched_wake(list_entry(first, struct thread, wait_link));
    return 1;
    // === stub: the sleepers are never woken
    // (void)wq;
    // return 0;
    // <<< exercise 3.2 wake-up
}
// [wake_one]

/**
 * @brief Wake every thread waiting on @p wq.
 * @param wq the queue
 * @return the number of threads woken
 */
int
wait_queue_wake_all(struct wait_queue *wq)
{
    int n = 0;
    while (wait_queue_wake_one(wq))
        n++;
    return n;
}
