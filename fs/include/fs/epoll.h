/**
 * @file
 * @ingroup fs
 * @brief epoll and eventfd: readiness of many files, and a counter file.
 *
 * An epoll instance (fs/eventpoll.c) is a file that holds a set of other
 * files, its interest list, and a ready list of those that may have
 * events; epoll_wait() reports from the ready list. An eventfd
 * (fs/eventfd.c) is a 64-bit counter read and written as a file, the
 * cheapest thing an event loop can wait on.
 */
#ifndef FS_EPOLL_H
#define FS_EPOLL_H

#include "fs/file.h"
#include "uapi/eventpoll.h"

/** Most events one epoll_wait may ask for (Linux's EP_MAX_EVENTS). */
#define EP_MAX_EVENTS (0x7fffffff / (int)sizeof(struct epoll_event))

/* eventfd (fs/eventfd.c) */
long eventfd_open(unsigned initval, int flags);

/* epoll (fs/eventpoll.c) */
long epoll_open(int flags);
long epoll_ctl_fd(int epfd, int op, int fd, const struct epoll_event *ev);
long epoll_wait_fd(int epfd, uptr_t events, int maxevents, uint64_t deadline);
void eventpoll_release_file(struct file *f);

#endif /* FS_EPOLL_H */
