/**
 * @file
 * @ingroup fs
 * @brief poll: wait until one of several open files is ready.
 *
 * A shell reading a line, a server waiting on several clients, a program
 * with a timeout: each asks "which of these descriptors can I use without
 * sleeping?". Every file answers through its poll operation (a pipe: data
 * or no writer; the console: a line typed; a regular file: always).
 *
 * This is the first form, for chapter 4: when no descriptor is ready, the
 * caller sleeps one timer tick and asks again, until the timeout or a
 * signal. Correct, simple, and at most a tick late; chapter 5 lets files
 * wake their pollers through wait queues instead.
 *
 * Locking: none of its own; each file's poll takes that file's lock.
 */
#include "fs/file.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/* Fill in the revents of one entry; true when something is to report. */
static bool
poll_one(struct pollfd *pfd)
{
    pfd->revents = 0;
    if (pfd->fd < 0)
        return false; // ignored, as POSIX says
    struct file *f = fd_get(pfd->fd);
    if (f == NULL) {
        pfd->revents = POLLNVAL;
        return true;
    }
    unsigned ready = f->ops->poll != NULL ? f->ops->poll(f) : POLLIN | POLLOUT;
    file_put(f);
    // POLLHUP and POLLERR are reported whether asked for or not
    pfd->revents =
        (int16_t)(ready & ((unsigned)pfd->events | POLLHUP | POLLERR));
    return pfd->revents != 0;
}

/**
 * @brief Wait until an entry of @p fds is ready, or @p timeout ticks pass.
 * @param fds     the entries, in kernel memory; their revents are set
 * @param nfds    how many
 * @param timeout timer ticks to wait at most; 0: do not wait; -1: forever
 * @return how many entries have revents set (0: the timeout passed);
 *         -EINTR when a signal arrived first
 * @pre interrupts on, no lock held (it sleeps)
 */
long
fs_poll(struct pollfd *fds, size_t nfds, int64_t timeout)
{
    uint64_t end = time_jiffies() + (uint64_t)timeout;
    for (;;) {
        long n = 0;
        for (size_t i = 0; i < nfds; i++)
            n += poll_one(&fds[i]);
        if (n > 0 || timeout == 0 || (timeout > 0 && time_jiffies() >= end))
            return n;
        if (signal_pending())
            return -EINTR;
        sched_sleep_ticks(1);
    }
}
