/**
 * @file
 * @ingroup sync
 * @brief Mutexes: locks that put their waiters to sleep.
 *
 * A spinlock is right for a few instructions with interrupts off; a
 * critical section that may itself sleep (wait for a disk, copy from user
 * memory) needs a lock whose waiters sleep instead: a mutex. Its state is
 * protected by a spinlock; a thread that finds it locked sleeps on the
 * mutex's wait queue and checks again when woken. Thread context only.
 */
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/sync.h"

/**
 * @brief Initialise an unlocked mutex.
 * @param m    the mutex
 * @param name for error messages
 */
void
mutex_init(struct mutex *m, const char *name)
{
    spin_init(&m->lock, name);
    m->lock.kind = LOCK_MUTEX_INNER;
    m->dep_class = 0;
    m->locked = false;
    m->owner = NULL;
    wait_queue_init(&m->wait, name);
}

/**
 * @brief Take @p m, sleeping while another thread holds it.
 * @param m the mutex
 * @pre thread context; the caller does not hold @p m (that would
 *      deadlock, and panics)
 */
// [mutex_lock]
void
mutex_lock(struct mutex *m)
{
    // may sleep: wrong under a spinlock or in an interrupt handler; and
    // a new nesting order is checked before it can hang
    lockdep_might_sleep(RET_IP);
    // the mutex is known by its dep_class field's address: the mutex's
    // own address is its inner spinlock's too
    lockdep_acquire(&m->dep_class, &m->dep_class, LOCK_MUTEX, m->lock.name,
                    RET_IP);
    irqflags_t flags = spin_lock_irqsave(&m->lock);
    if (m->locked && m->owner == thread_current())
        panic("mutex %s: locked twice by %s", m->lock.name,
              thread_current()->name);
    // >>> exercise 3.3 mutex
    while (m->locked)
        wait_queue_sleep(&m->wait, &m->lock, &flags);
    // === stub: no waiting: two threads can be inside at once
    // <<< exercise 3.3 mutex
    m->locked = true;
    m->owner = thread_current();
    spin_unlock_irqrestore(&m->lock, flags);
}
// [mutex_lock]

/**
 * @brief Release @p m and wake one waiter.
 * @param m the mutex, held by the caller
 */
void
mutex_unlock(struct mutex *m)
{
    irqflags_t flags = spin_lock_irqsave(&m->lock);
    if (!m->locked || m->owner != thread_current())
        panic("mutex %s: unlocked by %s, not its owner", m->lock.name,
              thread_current()->name);
    m->locked = false;
    m->owner = NULL;
    spin_unlock_irqrestore(&m->lock, flags);
    lockdep_release(&m->dep_class, RET_IP);
    wait_queue_wake_one(&m->wait);
}

/**
 * @brief Does the calling thread hold @p m?
 *
 * For the rare path that may be entered both with and without a lock:
 * a page fault on a file mapping takes vfs_lock, unless the fault came
 * from a copy to user memory inside a file operation that holds it.
 * @param m the mutex
 * @return true when the caller owns @p m
 */
bool
mutex_held(struct mutex *m)
{
    irqflags_t flags = spin_lock_irqsave(&m->lock);
    bool mine = m->locked && m->owner == thread_current();
    spin_unlock_irqrestore(&m->lock, flags);
    return mine;
}
