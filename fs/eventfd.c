/**
 * @file
 * @ingroup fs
 * @brief eventfd: a 64-bit counter that is a file.
 *
 * A thread that wants to wake an event loop needs something the loop's
 * poll or epoll can wait on. A pipe works (write a byte, the loop reads
 * it) but costs a page of buffer and two descriptors. An eventfd is the
 * whole idea in one number: write(2) adds an 8-byte value to the count,
 * read(2) takes the count and sets it to 0 (or, with EFD_SEMAPHORE,
 * takes 1), sleeping while it is 0. The file is readable while the count
 * is not 0 and writable while 1 more fits below 0xffffffffffffffff, the
 * one value it never holds (a write of it is -EINVAL); a write that
 * would pass it sleeps until a read makes room. Linux's fs/eventfd.c.
 *
 * The file has no name: its inode is the anonymous inode of its kind
 * (fs/anon.c), shown in /proc/self/fd as "anon_inode:[eventfd]".
 *
 * Locking: eventfd.lock protects the count; readers and writers sleep on
 * the one queue with it held (wait_queue_sleep() drops it), and every
 * change wakes the queue, so pollers and epoll watch it too.
 */
#include "fs/anon.h"
#include "fs/epoll.h"
#include "fs/poll.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "uapi/errno.h"

/** The count never reaches this: a write may add at most one less. */
#define EVENTFD_MAX UINT64_MAX

/** An eventfd's state (file->priv). */
struct eventfd {
    struct spinlock lock; /**< protects count */
    uint64_t count;       /**< the counter */
    bool semaphore;       /**< EFD_SEMAPHORE: a read takes 1 */
    struct wait_queue wq; /**< readers, writers and pollers */
};

/* Sleep on @p e's queue until @p ready(e, arg) holds: 0, -EAGAIN (the
 * file is non-blocking) or -ERESTARTSYS. @pre e->lock held, in *fl. */
static int
eventfd_wait(struct file *f, struct eventfd *e, irqflags_t *fl,
             bool (*ready)(const struct eventfd *e, uint64_t arg), uint64_t arg)
{
    while (!ready(e, arg)) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (signal_pending())
            return -ERESTARTSYS;
        wait_queue_sleep(&e->wq, &e->lock, fl);
    }
    return 0;
}

/* Can a read take something? */
static bool
eventfd_readable(const struct eventfd *e, uint64_t arg)
{
    (void)arg;
    return e->count > 0;
}

/* Does adding @p add keep the count below EVENTFD_MAX? */
static bool
eventfd_fits(const struct eventfd *e, uint64_t add)
{
    return EVENTFD_MAX - e->count > add;
}

/* read: the count (semaphore: 1), 8 bytes; the count goes down by it
 * even when the copy out faults, as on Linux. */
static long
eventfd_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    struct eventfd *e = f->priv;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    irqflags_t fl = spin_lock_irqsave(&e->lock);
    int err = eventfd_wait(f, e, &fl, eventfd_readable, 0);
    uint64_t got = 0;
    if (err == 0) {
        got = e->semaphore ? 1 : e->count;
        e->count -= got;
    }
    spin_unlock_irqrestore(&e->lock, fl);
    if (err < 0)
        return err;
    wait_queue_wake_all(&e->wq); // room for writers
    if (copy_to_user(buf, &got, sizeof(got)) < 0)
        return -EFAULT;
    return sizeof(got);
}

/* write: add an 8-byte value, sleeping while it does not fit. */
// [eventfd_write]
static long
eventfd_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    struct eventfd *e = f->priv;
    uint64_t add;
    if (n < sizeof(add))
        return -EINVAL;
    if (copy_from_user(&add, buf, sizeof(add)) < 0)
        return -EFAULT;
    if (add == EVENTFD_MAX)
        return -EINVAL;
    irqflags_t fl = spin_lock_irqsave(&e->lock);
    int err = eventfd_wait(f, e, &fl, eventfd_fits, add);
    if (err == 0)
        e->count += add;
    spin_unlock_irqrestore(&e->lock, fl);
    if (err < 0)
        return err;
    wait_queue_wake_all(&e->wq); // something to read (even after 0)
    return sizeof(add);
}
// [eventfd_write]

/* poll: readable while the count is not 0, writable while 1 fits. */
static unsigned
eventfd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd *e = f->priv;
    irqflags_t fl = spin_lock_irqsave(&e->lock);
    poll_wait(f, &e->wq, pt);
    unsigned ready = 0;
    if (e->count > 0)
        ready |= POLLIN | POLLRDNORM;
    if (eventfd_fits(e, 1))
        ready |= POLLOUT | POLLWRNORM;
    spin_unlock_irqrestore(&e->lock, fl);
    return ready;
}

/* The last descriptor is closed: free the counter. */
static void
eventfd_release(struct file *f)
{
    kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .release = eventfd_release,
};

/**
 * @brief eventfd2: a new eventfd holding @p initval, installed.
 * @param initval the first count
 * @param flags   EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC
 * @return the descriptor; -EINVAL (unknown flags); -EMFILE; -ENOMEM
 */
long
eventfd_open(unsigned initval, int flags)
{
    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
        return -EINVAL;
    struct eventfd *e = kzalloc(sizeof(*e));
    if (e == NULL)
        return -ENOMEM;
    spin_init(&e->lock, "eventfd");
    wait_queue_init(&e->wq, "eventfd");
    e->count = initval;
    e->semaphore = (flags & EFD_SEMAPHORE) != 0;
    unsigned oflags = O_RDWR | (flags & EFD_NONBLOCK ? O_NONBLOCK : 0);
    struct file *f = anon_file_alloc("[eventfd]", &eventfd_ops, e, oflags);
    if (f == NULL) {
        kfree(e);
        return file_alloc_error();
    }
    int fd = fd_install(f, 0, (flags & EFD_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f); // frees e too
    return fd;
}
