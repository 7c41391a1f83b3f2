/**
 * @file
 * @ingroup fs
 * @brief Poll tables: how a file tells a poller where to wait.
 *
 * poll() and select() ask each file "are you ready?" through its poll
 * operation. A file that may become ready later also says where the
 * news will come from: it calls poll_wait() with each wait queue its
 * state changes wake (a pipe's read end: the queue writers wake), before
 * it looks at that state. poll_wait() puts a watch of the poller's table
 * on the queue. When no file is ready the poller sleeps once, until any
 * watched queue is woken, its timeout passes or a signal arrives, and
 * then asks every file again (fs/poll.c).
 *
 * The order matters: a file registers first and tests second, under its
 * own lock, so a change between the test and the sleep finds the watch
 * already in place and no wake-up is lost.
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include "fs/file.h"
#include "kernel/sync.h"
#include "uapi/poll.h"

struct thread;

/** A deadline that never comes: wait without a timeout. */
#define POLL_FOREVER UINT64_MAX

/**
 * @brief One poller's watches and whether any of them fired.
 *
 * Lives on the poller's stack for one poll or select call.
 */
struct poll_table {
    struct spinlock lock;     /**< protects woken */
    bool woken;               /**< a watched queue was woken since last look */
    bool registering;         /**< poll_wait() adds watches (first pass) */
    int error;                /**< -ENOMEM when a watch could not be made */
    struct thread *thread;    /**< the poller, whom a wake-up wakes */
    struct list_node entries; /**< struct poll_entry, one per watch */
    /** poll_wait() hands each queue to this instead, when not NULL: epoll
     *  keeps watches of its own (fs/eventpoll.c) */
    void (*queue)(struct file *f, struct wait_queue *wq, struct poll_table *pt);
};

/** poll's answer for a file without a poll operation: it never blocks. */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

void poll_wait(struct file *f, struct wait_queue *wq, struct poll_table *pt);
unsigned file_poll(struct file *f, struct poll_table *pt);
long fs_poll(struct pollfd *fds, size_t nfds, uint64_t deadline);
void poll_table_init(struct poll_table *pt);
uint64_t poll_deadline_tick(uint64_t deadline);
bool poll_deadline_passed(uint64_t deadline);

/** Words of an fd_set bitmap that covers every descriptor. */
#define FD_SET_WORDS (FD_MAX / 64)

/** select()'s three descriptor sets, in kernel memory: bit fd of word
 *  fd / 64, as user space lays out an fd_set. */
struct fd_sets {
    uint64_t in[FD_SET_WORDS];  /**< readable */
    uint64_t out[FD_SET_WORDS]; /**< writable */
    uint64_t ex[FD_SET_WORDS];  /**< exceptional condition (POLLPRI) */
};

long fs_select(int nfds, const struct fd_sets *want, struct fd_sets *got,
               uint64_t deadline);

#endif /* FS_POLL_H */
