/**
 * @file
 * @ingroup sync
 * @brief Spinlocks, wait queues and mutexes.
 *
 * A spinlock protects data that interrupt handlers also touch: taking it
 * turns interrupts off on this CPU and spins (with an atomic exchange) until
 * no other CPU holds it. Keel runs on one CPU for now, so the spin never
 * spins, but the code is already correct for more.
 *
 * A wait queue is where threads sleep until an event: a thread adds itself
 * and gives up the CPU; whoever makes the event happen wakes the queue.
 * A mutex is a lock whose waiters sleep on a wait queue instead of
 * spinning, for long critical sections in thread context only.

 */
#ifndef KERNEL_SYNC_H
#define KERNEL_SYNC_H

#include "kernel/arch.h"
#include "kernel/list.h"

/**
 * What a lock is, for the lock checker (kernel/sync/lockdep.c): locks of
 * one kind and one name form one class, whose order it learns.
 */
enum lock_kind {
    LOCK_SPIN,        /**< a spinlock of its own */
    LOCK_WAITQ,       /**< the spinlock inside a wait queue */
    LOCK_MUTEX_INNER, /**< the spinlock inside a mutex */
    LOCK_MUTEX,       /**< a mutex itself: held across sleeps */
};

/** A spinlock; initialise with SPINLOCK_INIT or spin_init(). */
struct spinlock {
    volatile int locked; /**< 1 while held */
    uint8_t kind;        /**< enum lock_kind, for the lock checker */
    uint16_t dep_class;  /**< the checker's class; 0: not looked up yet */
    const char *name;    /**< for error messages; names the class */
};

/** Static initialiser: `struct spinlock l = SPINLOCK_INIT("name");` */
#define SPINLOCK_INIT(n)                                                       \
    {                                                                          \
        .locked = 0, .kind = LOCK_SPIN, .dep_class = 0, .name = n              \
    }

void spin_init(struct spinlock *l, const char *name);
irqflags_t spin_lock_irqsave(struct spinlock *l);
void spin_unlock_irqrestore(struct spinlock *l, irqflags_t flags);
bool spin_is_locked(const struct spinlock *l);

/** Threads waiting for an event, and watches told of it. */
struct wait_queue {
    struct spinlock lock;      /**< protects waiters and watchers */
    struct list_node waiters;  /**< threads, through thread.wait_link */
    struct list_node watchers; /**< watches, through wait_watch.link */
};

void wait_queue_init(struct wait_queue *wq, const char *name);
void wait_queue_sleep(struct wait_queue *wq, struct spinlock *held,
                      irqflags_t *flags);
int wait_queue_wake_one(struct wait_queue *wq);
int wait_queue_wake_all(struct wait_queue *wq);

struct wait_watch;
/** What a wake-up of the watched queue calls, with the queue's lock held:
 *  it must not sleep (it may run in an interrupt handler). */
typedef void (*wait_watch_fn)(struct wait_watch *w);

/**
 * @brief A watch on a wait queue: told of every wake-up of the queue.
 *
 * A thread that waits for any of several events at once (poll, select)
 * cannot sleep on several queues: it puts a watch on each instead and
 * sleeps once; the watch's function wakes it. Unlike a sleeper, a watch
 * is not taken off the queue by a wake-up and does not count as the one thread wait_queue_wake_one() wakes: each
 * wake-up calls every watch's function. Embed it in a larger object and
 * find that with list_entry() in @p fn.
 */
struct wait_watch {
    struct list_node link; /**< on the queue's watchers */
    struct wait_queue *wq; /**< the queue watched, NULL when none */
    wait_watch_fn fn;      /**< called by each wake-up */
};

void wait_queue_watch(struct wait_queue *wq, struct wait_watch *w,
                      wait_watch_fn fn);
void wait_queue_unwatch(struct wait_watch *w);

/** A sleeping lock, for thread context. */
struct mutex {
    struct spinlock lock;   /**< protects the fields below */
    bool locked;            /**< held by owner */
    uint16_t dep_class;     /**< the lock checker's class of the mutex */
    struct thread *owner;   /**< the holder, for error checks */
    struct wait_queue wait; /**< threads waiting for it */
};

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(struct mutex *m);

/** Most locks one thread may hold at once, as the lock checker counts. */
#define LOCKDEP_DEPTH 16

/** One lock a thread holds, as the lock checker (lockdep.c) sees it. */
struct held_lock {
    const void *lock; /**< the spinlock or mutex */
    uintptr_t ip;     /**< the code that took it */
    uint16_t cls;     /**< its class */
    bool irq;         /**< taken by an interrupt handler */
    bool sleeping;    /**< a mutex: may be held across a sleep */
};

void lockdep_init(void);
void lockdep_acquire(const void *lock, uint16_t *cls, enum lock_kind kind,
                     const char *name, uintptr_t ip);
void lockdep_release(const void *lock, uintptr_t ip);
void lockdep_handover(const struct spinlock *l);
void lockdep_might_sleep(uintptr_t ip);
void lockdep_schedule(uintptr_t ip);
void lockdep_user_return(const char *what);
void lockdep_print_stats(void);

/** The address a function returns to: where its caller called it. */
#define RET_IP ((uintptr_t)__builtin_return_address(0))

extern bool lockdep_on;
extern bool lockdep_no_panic;
extern unsigned long lockdep_reports;
extern const char *lockdep_last_kind;

#endif /* KERNEL_SYNC_H */
