/**
 * @file
 * @ingroup fs
 * @brief epoll's objects, shared by its two files.
 *
 * fs/eventpoll.c keeps the interest list (epoll_create, epoll_ctl, and
 * what happens when a registered file goes away); fs/epoll_ready.c keeps
 * the ready list (the wake-up callback, epoll_wait, and polling an epoll
 * that is itself registered in another).
 *
 * Locking, outermost first: ep_mutex (global: the release of a
 * registered file, and the loop check of an epoll added into another),
 * eventpoll.mtx (the interest list, harvesting, scans; an outer epoll's
 * before an inner one's), eventpoll.lock (the ready list and each item's
 * on_ready and events; the wake-up callback takes it inside the watched
 * queue's lock, with interrupts off).
 */
#ifndef FS_EVENTPOLL_H
#define FS_EVENTPOLL_H

#include "fs/epoll.h"
#include "fs/poll.h"
#include "kernel/sync.h"

/** The flags of an item's events that say how to report, not what. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)

/** Deepest nesting of epoll instances inside each other (Linux's). */
#define EP_MAX_NESTS 4

/** An epoll instance (the priv of its file). */
struct eventpoll {
    struct mutex mtx;          /**< interest list; harvests and scans */
    struct spinlock lock;      /**< ready list, items' on_ready, events */
    struct list_node items;    /**< the interest list: epitem.link */
    struct list_node ready;    /**< the ready list: epitem.rdlink */
    struct wait_queue wq;      /**< epoll_wait's sleepers watch it */
    struct wait_queue poll_wq; /**< pollers of this epoll's own file */
    struct file *file;         /**< that file (not held) */
};

/** One registration: a (file, descriptor) pair in one epoll. */
struct epitem {
    struct list_node link;    /**< in ep->items */
    struct list_node rdlink;  /**< in ep->ready while on_ready */
    struct list_node flink;   /**< in the file's bucket of ep_files */
    struct list_node watches; /**< struct ep_watch, one per queue */
    struct eventpoll *ep;     /**< the instance it belongs to */
    struct file *file;        /**< the file registered (not held) */
    int fd;                   /**< the descriptor it was added by */
    bool on_ready;            /**< on the ready list (or a scan's) */
    uint32_t events;          /**< asked for, with EPOLLERR, EPOLLHUP and the
                        flags; none but flags: disarmed (one-shot) */
    uint64_t data;            /**< returned with each event */
};

/** A watch of an item on one of its file's wait queues. */
struct ep_watch {
    struct wait_watch watch; /**< on the queue */
    struct epitem *epi;      /**< whose readiness it reports */
    struct list_node link;   /**< in epi->watches */
};

/* fs/epoll_ready.c */
void ep_poll_callback(struct wait_watch *w);
void ep_item_queue(struct eventpoll *ep, struct epitem *epi);
unsigned ep_item_poll(struct epitem *epi, struct poll_table *pt);
unsigned ep_eventpoll_poll(struct file *f, struct poll_table *pt);
long ep_poll(struct eventpoll *ep, uptr_t events, int maxevents,
             uint64_t deadline);

#endif /* FS_EVENTPOLL_H */
