/**
 * @file
 * @ingroup fs
 * @brief timerfd: a timer whose expirations are read from a descriptor.
 *
 * Signals are an awkward way to learn of a timer: they interrupt the
 * program anywhere. A timerfd turns the timer into a file instead: each
 * expiry adds one to a count, and read() returns that count (8 bytes, a
 * uint64_t) and resets it, sleeping while it is 0. So the timer can be
 * waited for with poll, select or epoll beside sockets and pipes, which
 * is how event loops use it: the descriptor is readable while the count
 * is not 0.
 *
 * The timer is a kernel timer (kernel/time/ktimer.c) on CLOCK_REALTIME,
 * CLOCK_MONOTONIC or CLOCK_BOOTTIME; its function runs in the timer
 * interrupt, adds to the count and wakes the file's wait queue, where
 * readers sleep and pollers watch. The file has no name: its inode is
 * the anonymous inode of its kind (fs/anon.c), and /proc/self/fd shows
 * it as Linux does, "anon_inode:[timerfd]".
 *
 * Locking: timerfd.lock protects the count and the interval; readers
 * sleep on the queue with it held (wait_queue_sleep() drops it).
 */
#include "fs/timerfd.h"
#include "fs/anon.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "kernel/clock.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "kernel/sync.h"
#include "kernel/timer.h"
#include "uapi/errno.h"

/** A timerfd's own state (file.priv). */
struct timerfd {
    struct spinlock lock; /**< protects ticks and interval */
    struct ktimer timer;  /**< armed at the next expiry */
    int clock;            /**< the clock settime's dates are on */
    uint64_t interval;    /**< reload in ns; 0: one-shot */
    uint64_t ticks;       /**< expirations not yet read */
    struct wait_queue wq; /**< readers and pollers */
};

// >>> exercise 6.3 timerfd
/* The timer fired: count it (and any periods it missed), reload a
 * periodic one, and wake the readers. In the timer interrupt. */
static void
timerfd_fire(struct ktimer *k)
{
    struct timerfd *t = list_entry(k, struct timerfd, timer);
    irqflags_t f = spin_lock_irqsave(&t->lock);
    uint64_t missed = 0;
    if (t->interval != 0)
        missed = ktimer_forward(k, clock_monotonic_ns(), t->interval);
    t->ticks += 1 + missed;
    spin_unlock_irqrestore(&t->lock, f);
    wait_queue_wake_all(&t->wq);
}

/* Wait for expirations and take their count: > 0, -EAGAIN (none, and
 * the file is non-blocking) or -ERESTARTSYS (a signal came first). */
static int64_t
timerfd_take(struct file *f, struct timerfd *t)
{
    int64_t got;
    irqflags_t fl = spin_lock_irqsave(&t->lock);
    for (;;) {
        if (t->ticks > 0) {
            got = (int64_t)t->ticks;
            t->ticks = 0;
        } else if (f->flags & O_NONBLOCK) {
            got = -EAGAIN;
        } else if (signal_pending()) {
            got = -ERESTARTSYS;
        } else {
            wait_queue_sleep(&t->wq, &t->lock, &fl);
            continue;
        }
        break;
    }
    spin_unlock_irqrestore(&t->lock, fl);
    return got;
}
// === stub: no expiration is ever counted, and reads never find one
// static void
// timerfd_fire(struct ktimer *k)
// {
//     (void)k;
// }
//
// static int64_t
// timerfd_take(struct file *f, struct timerfd *t)
// {
//     (void)f, (void)t;
//     return -EAGAIN;
// }
// <<< exercise 6.3 timerfd

/* read: the count of expirations since the last read, 8 bytes. */
static long
timerfd_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    int64_t got = timerfd_take(f, f->priv);
    if (got < 0)
        return got;
    uint64_t count = (uint64_t)got;
    if (copy_to_user(buf, &count, sizeof(count)) < 0)
        return -EFAULT;
    return sizeof(count);
}

/* poll: readable while expirations wait to be read. */
static unsigned
timerfd_poll(struct file *f, struct poll_table *pt)
{
    struct timerfd *t = f->priv;
    irqflags_t fl = spin_lock_irqsave(&t->lock);
    poll_wait(f, &t->wq, pt);
    unsigned ready = t->ticks > 0 ? POLLIN | POLLRDNORM : 0;
    spin_unlock_irqrestore(&t->lock, fl);
    return ready;
}

/* The last descriptor is closed: stop the timer, then free it. */
static void
timerfd_release(struct file *f)
{
    struct timerfd *t = f->priv;
    ktimer_cancel(&t->timer);
    kfree(t);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .poll = timerfd_poll,
    .release = timerfd_release,
};

/**
 * @brief timerfd_create: a new, disarmed timerfd.
 * @param clock CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME
 * @param flags TFD_NONBLOCK, TFD_CLOEXEC (the caller installs it)
 * @param out   the open file (O_RDWR)
 * @return 0; -EINVAL (another clock, unknown flags); -ENOMEM
 */
int
timerfd_create(int clock, int flags, struct file **out)
{
    if ((flags & ~(TFD_NONBLOCK | TFD_CLOEXEC)) ||
        (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
         clock != CLOCK_BOOTTIME))
        return -EINVAL;
    struct timerfd *t = kzalloc(sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    spin_init(&t->lock, "timerfd");
    wait_queue_init(&t->wq, "timerfd");
    ktimer_init(&t->timer, timerfd_fire);
    t->clock = clock;
    *out = anon_file_alloc("[timerfd]", &timerfd_ops, t,
                           O_RDWR | (flags & TFD_NONBLOCK ? O_NONBLOCK : 0));
    if (*out == NULL) {
        kfree(t);
        return file_alloc_error();
    }
    return 0;
}

/* The timerfd behind @p f, or NULL when @p f is another kind of file. */
static struct timerfd *
timerfd_of(struct file *f)
{
    return f->ops == &timerfd_ops ? f->priv : NULL;
}

/* What timerfd_gettime shows. @pre t->lock held */
static void
timerfd_read_setting(struct timerfd *t, struct itimerspec *v)
{
    clock_ns_timespec(ktimer_remaining_periodic(&t->timer, t->interval),
                      &v->it_value);
    clock_ns_timespec(t->interval, &v->it_interval);
}

/**
 * @brief timerfd_settime: arm (a value of 0: disarm) the timer of @p f;
 *        the expirations not yet read are forgotten.
 * @param f     the file
 * @param flags TFD_TIMER_ABSTIME: the value is a date on the clock;
 *              TFD_TIMER_CANCEL_ON_SET is accepted (the clock is never
 *              set here, so there is nothing to cancel on)
 * @param value the first expiry and the interval
 * @param old   receives the setting before, or NULL
 * @return 0; -EINVAL (not a timerfd, unknown flags, a time out of range)
 */
int
timerfd_settime(struct file *f, int flags, const struct itimerspec *value,
                struct itimerspec *old)
{
    struct timerfd *t = timerfd_of(f);
    if (t == NULL || (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)))
        return -EINVAL;
    if (!clock_timespec_valid(&value->it_value) ||
        !clock_timespec_valid(&value->it_interval))
        return -EINVAL;
    uint64_t deadline = KTIMER_NEVER;
    if (value->it_value.tv_sec != 0 || value->it_value.tv_nsec != 0)
        clock_deadline(t->clock, (flags & TFD_TIMER_ABSTIME) != 0,
                       &value->it_value, &deadline);
    irqflags_t fl = spin_lock_irqsave(&t->lock);
    if (old != NULL)
        timerfd_read_setting(t, old);
    t->ticks = 0;
    t->interval = clock_timespec_ns(&value->it_interval);
    ktimer_arm(&t->timer, deadline);
    spin_unlock_irqrestore(&t->lock, fl);
    return 0;
}

/**
 * @brief timerfd_gettime: the time to the next expiry (0: disarmed) and
 *        the interval.
 * @param f     the file
 * @param value receives both
 * @return 0; -EINVAL (not a timerfd)
 */
int
timerfd_gettime(struct file *f, struct itimerspec *value)
{
    struct timerfd *t = timerfd_of(f);
    if (t == NULL)
        return -EINVAL;
    irqflags_t fl = spin_lock_irqsave(&t->lock);
    timerfd_read_setting(t, value);
    spin_unlock_irqrestore(&t->lock, fl);
    return 0;
}
