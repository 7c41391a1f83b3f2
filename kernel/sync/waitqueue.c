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
    list_init(&wq->waiters);
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
#if CHAPTER >= 4
    // a signal may have woken us (sched_wake) while still on the queue:
    // leave it, so a later wake-up is not spent on us (a no-op if a
    // wake-up took us off already: list_remove leaves a node self-linked)
    f = spin_lock_irqsave(&wq->lock);
    list_remove(&self->wait_link);
    spin_unlock_irqrestore(&wq->lock, f);
#endif
    *flags = spin_lock_irqsave(held);
}
// [sleep]

/**
 * @brief Wake the thread that has waited longest on @p wq.
 * @param wq the queue
 * @return 1 if a thread was woken, 0 if none was waiting
 */
// [wake_one]
int
wait_queue_wake_one(struct wait_queue *wq)
{
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
