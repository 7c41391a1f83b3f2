/**
 * @file
 * @ingroup uapi
 * @brief epoll's and eventfd's flags, events and the struct epoll_event.
 *
 * The epoll event bits are poll's (uapi/poll.h) plus four that only say
 * how to report: edge-triggered, one-shot, exclusive wake-ups and the
 * wake lock (EPOLLWAKEUP, accepted and ignored). struct epoll_event is
 * packed on x86_64 (12 bytes), as Linux declares it there.
 */
#ifndef UAPI_EVENTPOLL_H
#define UAPI_EVENTPOLL_H

#include "kernel/types.h"

/** @name epoll events beyond poll's */
///@{
#define EPOLLRDHUP 0x2000         /**< the peer shut down its writing */
#define EPOLLEXCLUSIVE (1U << 28) /**< wake one of several epolls */
#define EPOLLWAKEUP (1U << 29)    /**< hold a wake lock (ignored) */
#define EPOLLONESHOT (1U << 30)   /**< report once, then disarm */
#define EPOLLET (1U << 31)        /**< report changes, not states */
///@}

/** @name epoll_ctl's operations and epoll_create1's flag */
///@{
#define EPOLL_CTL_ADD 1        /**< register a file */
#define EPOLL_CTL_DEL 2        /**< unregister it */
#define EPOLL_CTL_MOD 3        /**< change its events and data */
#define EPOLL_CLOEXEC 02000000 /**< close the epoll on execve */
///@}

/** One event: what happened and the caller's data for the file. */
struct epoll_event {
    uint32_t events; /**< EPOLLIN, EPOLLOUT, ... and the flags above */
    uint64_t data;   /**< returned as given at EPOLL_CTL_ADD or MOD */
} __attribute__((packed));

_Static_assert(sizeof(struct epoll_event) == 12, "x86_64 packs epoll_event");

/** @name eventfd2's flags (O_CLOEXEC's and O_NONBLOCK's values) */
///@{
#define EFD_SEMAPHORE 1      /**< a read takes 1, not the whole count */
#define EFD_CLOEXEC 02000000 /**< close the descriptor on execve */
#define EFD_NONBLOCK 04000   /**< read and write never sleep */
///@}

#endif /* UAPI_EVENTPOLL_H */
