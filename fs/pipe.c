/**
 * @file
 * @ingroup fs
 * @brief Pipes: a 64 KiB ring between a read end and a write end.
 *
 * pipe() makes two files over one struct pipe: bytes written to the write
 * end come out of the read end in order. A reader with nothing to read
 * sleeps until a writer writes, or gets end-of-file (0) once every write
 * end is closed. A writer with no room sleeps until a reader makes some;
 * with no read end open it gets -EPIPE and the signal SIGPIPE. Either
 * end opened with O_NONBLOCK gets -EAGAIN instead of sleeping, and a
 * pending signal ends a sleep with -ERESTARTSYS (or the count done so far):
 * the caller sees -EINTR, or the call is made again after a handler
 * installed with SA_RESTART, as on Linux.
 *
 * Writes of at most PIPE_BUF bytes are atomic: the writer waits until
 * all of them fit, so two writers' small messages never interleave.
 *
 * Data crosses user memory through a kernel bounce buffer outside the
 * lock: copy_to_user may sleep on a page fault, which must not happen
 * with a spinlock held. Every sleep loop re-checks its condition (and
 * signal_pending()) after each wake-up, as wake-ups may be spurious.
 *
 * Locking: pipe.lock protects the ring and the counts of open ends; the
 * two wait queues are slept on with it held (wait_queue_sleep drops it).
 */
#include "fs/file.h"
#include "fs/poll.h"
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/sync.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/termios.h"

/** Bytes a pipe holds. */
#define PIPE_SIZE (64 * 1024)
/** Writes up to this size are atomic (POSIX PIPE_BUF). */
#define PIPE_BUF 4096

/** A pipe: the ring and who has it open. */
struct pipe {
    struct mutex rmutex;     /**< one reader at a time takes bytes out */
    struct spinlock lock;    /**< protects everything below */
    char *buf;               /**< PIPE_SIZE bytes */
    size_t head;             /**< index of the oldest byte */
    size_t count;            /**< bytes in the ring */
    int readers;             /**< open read ends */
    int writers;             /**< open write ends */
    struct wait_queue rwait; /**< readers waiting for data */
    struct wait_queue wwait; /**< writers waiting for room */
    struct pipe **slot; /**< a FIFO's inode's pointer to it; NULL: pipe() */
    unsigned r_counter; /**< read ends ever opened (from 1) */
    unsigned w_counter; /**< write ends ever opened (from 1) */
    struct inode node;  /**< what fstat reports: S_IFIFO */
};

static uint64_t pipe_ino = 1ULL << 32; // apart from the initramfs' numbers
/** Protects every FIFO inode's pipe pointer (struct inode.fifo). */
static struct spinlock fifo_lock = SPINLOCK_INIT("fifo");

/* Copy up to @p n bytes from the front of the ring into @p dst, leaving
 * them there: the part up to the ring's end, then the part from its
 * start. @pre lock held */
static size_t
ring_peek(struct pipe *p, char *dst, size_t n)
{
    n = MIN(n, p->count);
    size_t first = MIN(n, PIPE_SIZE - p->head);
    memcpy(dst, p->buf + p->head, first);
    memcpy(dst + first, p->buf, n - first);
    return n;
}

/* Drop @p n bytes from the front of the ring. @pre lock held */
static void
ring_skip(struct pipe *p, size_t n)
{
    p->head = (p->head + n) % PIPE_SIZE;
    p->count -= n;
}

/* Put up to @p n bytes of @p src into the ring, after its last byte
 * (which may wrap round to the start). @pre lock held */
static size_t
ring_put(struct pipe *p, const char *src, size_t n)
{
    n = MIN(n, PIPE_SIZE - p->count);
    size_t tail = (p->head + p->count) % PIPE_SIZE;
    size_t first = MIN(n, PIPE_SIZE - tail);
    memcpy(p->buf + tail, src, first);
    memcpy(p->buf, src + first, n - first);
    p->count += n;
    return n;
}

/* Wait until the pipe holds bytes, and copy up to @p n of them into
 * @p dst without taking them: their number, 0 at the end of file, or
 * -EAGAIN / -ERESTARTSYS. The reader's mutex is not held while it sleeps,
 * so a non-blocking reader is never kept waiting behind a sleeping one.
 * @pre p->rmutex held (again on return) */
static long
pipe_wait_peek(struct file *f, struct pipe *p, char *dst, size_t n)
{
    for (;;) {
        irqflags_t fl = spin_lock_irqsave(&p->lock);
        long ret;
        if (p->count > 0)
            ret = (long)ring_peek(p, dst, n);
        else if (p->writers == 0)
            ret = 0; // end of file
        else if (f->flags & O_NONBLOCK)
            ret = -EAGAIN;
        else if (signal_pending())
            ret = -ERESTARTSYS; // -EINTR, or restarted (SA_RESTART)
        else {
            mutex_unlock(&p->rmutex);
            wait_queue_sleep(&p->rwait, &p->lock, &fl);
            spin_unlock_irqrestore(&p->lock, fl);
            mutex_lock(&p->rmutex);
            continue;
        }
        spin_unlock_irqrestore(&p->lock, fl);
        return ret;
    }
}

/* read on the read end: what is there (at most n), sleeping for some.
 * The bytes leave the pipe only once they are in the reader's buffer: a
 * bad buffer is -EFAULT with every byte still in the pipe, as on Linux.
 * One reader at a time (p->rmutex), so the bytes it copied are still the
 * first ones when it takes them out; writers only add behind them. */
// [pipe_read]
static long
pipe_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct pipe *p = f->priv;
    (void)pos;
    if (n == 0)
        return 0;
    // all the pipe holds, up to n, as Linux's read returns
    size_t chunk = MIN(n, (size_t)PIPE_SIZE);
    char *bounce = kmalloc(chunk);
    if (bounce == NULL)
        bounce = kmalloc(chunk = MIN(n, (size_t)PIPE_BUF));
    if (bounce == NULL)
        return -ENOMEM;
    mutex_lock(&p->rmutex);
    long ret = pipe_wait_peek(f, p, bounce, chunk);
    if (ret > 0 && copy_to_user(buf, bounce, ret) < 0)
        ret = -EFAULT; // the bytes stay in the pipe
    if (ret > 0) {
        irqflags_t fl = spin_lock_irqsave(&p->lock);
        ring_skip(p, (size_t)ret);
        spin_unlock_irqrestore(&p->lock, fl);
        wait_queue_wake_all(&p->wwait);
    }
    mutex_unlock(&p->rmutex);
    kfree(bounce);
    return ret;
}
// [pipe_read]

/*
 * Put @p k bytes of @p src in the ring, sleeping for room; @p atomic:
 * all at once. Returns bytes put (> 0) or -EPIPE, -EAGAIN, -ERESTARTSYS.
 */
static long
pipe_put(struct file *f, struct pipe *p, const char *src, size_t k, bool atomic)
{
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    long ret;
    for (;;) {
        size_t room = PIPE_SIZE - p->count;
        if (p->readers == 0)
            ret = -EPIPE;
        else if (room >= (atomic ? k : 1))
            ret = (long)ring_put(p, src, k);
        else if (f->flags & O_NONBLOCK)
            ret = -EAGAIN;
        else if (signal_pending())
            ret = -ERESTARTSYS;
        else {
            wait_queue_sleep(&p->wwait, &p->lock, &fl);
            continue;
        }
        break;
    }
    spin_unlock_irqrestore(&p->lock, fl);
    if (ret > 0)
        wait_queue_wake_all(&p->rwait);
    return ret;
}

/* write on the write end: all n bytes unless an error stops it. */
static long
pipe_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct pipe *p = f->priv;
    (void)pos;
    char *bounce = kmalloc(PIPE_BUF);
    if (bounce == NULL)
        return -ENOMEM;
    size_t done = 0;
    long err = 0;
    while (done < n && err == 0) {
        size_t k = MIN(n - done, (size_t)PIPE_BUF);
        if (copy_from_user(bounce, UPTR(buf.addr + done), k) < 0) {
            err = -EFAULT;
            break;
        }
        for (size_t put = 0; put < k && err == 0;) {
            long r = pipe_put(f, p, bounce + put, k - put, n <= PIPE_BUF);
            if (r < 0)
                err = r;
            else
                put += (size_t)r, done += (size_t)r;
        }
    }
    kfree(bounce);
    if (err == -EPIPE)
        signal_raise(SIGPIPE);
    return done > 0 ? (long)done : (n == 0 ? 0 : err);
}

/*
 * Close @p rd read ends and @p wr write ends of @p p and wake both sides
 * (a reader sees end-of-file, a writer EPIPE). The last end frees the
 * pipe (the wake-ups come before the locks are let go: see inside); a FIFO's inode then has none, so the next open makes a new one
 * (the bytes left in it are lost, as on Linux).
 */
static void
pipe_drop(struct pipe *p, int rd, int wr)
{
    irqflags_t ff = spin_lock_irqsave(&fifo_lock);
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    p->readers -= rd;
    p->writers -= wr;
    bool gone = p->readers == 0 && p->writers == 0;
    if (gone && p->slot != NULL)
        *p->slot = NULL;
    // wake while the locks are held: once they are let go, the other
    // end's last close may free the pipe (a preemption right here is
    // enough), and its queues with it. With no end left nobody sleeps
    // on them: every sleeper and poller holds an open end.
    if (!gone) {
        wait_queue_wake_all(&p->rwait);
        wait_queue_wake_all(&p->wwait);
    }
    spin_unlock_irqrestore(&p->lock, fl);
    spin_unlock_irqrestore(&fifo_lock, ff);
    if (gone) {
        kfree(p->buf);
        kfree(p);
    }
}

/* The last reference to one end (both, for a FIFO opened O_RDWR) is gone. */
static void
pipe_release(struct file *f)
{
    unsigned acc = f->flags & O_ACCMODE;
    pipe_drop(f->priv, acc != O_WRONLY, acc != O_RDONLY);
}

/* poll: data or no writer left (read end); room for an atomic write or
 * no reader left (write end); both for a FIFO opened O_RDWR. The poller
 * watches the queue of each end first, then looks. */
// [pipe_poll]
static unsigned
pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->priv;
    unsigned acc = f->flags & O_ACCMODE, ready = 0;
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    if (acc != O_WRONLY) {
        poll_wait(f, &p->rwait, pt);
        ready |= p->count > 0 ? POLLIN | POLLRDNORM : 0;
        // hung up: every writer is gone (not "none came yet", fifo_open)
        if (p->writers == 0 && f->pipe_seen != p->w_counter)
            ready |= POLLHUP;
    }
    if (acc != O_RDONLY) {
        poll_wait(f, &p->wwait, pt);
        ready |= PIPE_SIZE - p->count >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0;
        ready |= p->readers == 0 ? POLLERR : 0;
    }
    spin_unlock_irqrestore(&p->lock, fl);
    return ready;
}
// [pipe_poll]

/* ioctl: FIONREAD, the bytes a read could take now (either end, as
 * Linux's pipe_ioctl); anything else is not a pipe's: -ENOTTY. A bad
 * pointer is -EFAULT. */
static long
pipe_ioctl(struct file *f, unsigned long cmd, uptr_t arg)
{
    struct pipe *p = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    int n = (int)p->count;
    spin_unlock_irqrestore(&p->lock, fl);
    return copy_to_user(arg, &n, sizeof(n)) < 0 ? -EFAULT : 0;
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .release = pipe_release,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
};

/* A new empty pipe with no end open; NULL when memory is out. */
static struct pipe *
pipe_alloc(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    char *buf = kmalloc(PIPE_SIZE);
    if (p == NULL || buf == NULL) {
        kfree(p);
        kfree(buf);
        return NULL;
    }
    spin_init(&p->lock, "pipe");
    mutex_init(&p->rmutex, "pipe reader");
    wait_queue_init(&p->rwait, "pipe_read");
    wait_queue_init(&p->wwait, "pipe_write");
    p->buf = buf;
    p->node.mode = S_IFIFO | 0600;
    p->node.nlink = 1;
    p->node.ino = __atomic_add_fetch(&pipe_ino, 1, __ATOMIC_SEQ_CST);
    p->r_counter = p->w_counter = 1;
    return p;
}

/**
 * @brief A new pipe: its read end and its write end.
 * @param rd    set to the read end (O_RDONLY)
 * @param wr    set to the write end (O_WRONLY)
 * @param flags O_NONBLOCK for both ends, or 0
 * @return 0 or -ENOMEM (or -ENFILE)
 */
int
pipe_create(struct file **rd, struct file **wr, unsigned flags)
{
    struct pipe *p = pipe_alloc();
    if (p == NULL)
        return -ENOMEM;
    *rd = file_alloc(&p->node, &pipe_ops, O_RDONLY | flags);
    *wr = file_alloc(&p->node, &pipe_ops, O_WRONLY | flags);
    if (*rd == NULL || *wr == NULL) {
        file_free_unused(*rd);
        file_free_unused(*wr);
        kfree(p->buf);
        kfree(p);
        return file_alloc_error();
    }
    (*rd)->priv = (*wr)->priv = p;
    p->readers = p->writers = 1;
    return 0;
}

/*
 * FIFOs. A FIFO (mkfifo) is a pipe with a name: its inode points at the
 * pipe while some end is open (struct inode.fifo). Opens of the FIFO
 * join that pipe, the first one makes it, the last close frees it. An
 * open waits for the other side, as Linux's does: a reader until some
 * writer has opened, a writer until some reader has. Each side counts
 * the opens of its ends (r_counter, w_counter), and a waiter sleeps
 * until the other side's count moves on, so a partner that opens and
 * closes again at once still ends the wait.
 *
 * Locking: fifo_lock protects every inode's pipe pointer and is taken
 * before pipe.lock; the end counts change under both.
 */

/** What fifo_join() found. */
struct fifo_join {
    struct pipe *p; /**< the FIFO's pipe, with the new end counted */
    bool alone;     /**< the other side had no end open */
    unsigned seen;  /**< the other side's count of opens then */
};

/*
 * Find the FIFO's pipe in *@p slot, or make one, and count in it the new
 * end that open @p flags ask for. -ENXIO for a non-blocking writer with
 * no reader (nothing is counted then), -ENOMEM.
 */
static int
fifo_join(struct pipe **slot, unsigned flags, struct fifo_join *j)
{
    unsigned acc = flags & O_ACCMODE;
    struct pipe *fresh = NULL;
    irqflags_t ff = spin_lock_irqsave(&fifo_lock);
    while (*slot == NULL && fresh == NULL) {
        // allocate without the lock; another opener may install one
        spin_unlock_irqrestore(&fifo_lock, ff);
        if ((fresh = pipe_alloc()) == NULL)
            return -ENOMEM;
        ff = spin_lock_irqsave(&fifo_lock);
    }
    struct pipe *p = *slot != NULL ? *slot : fresh;
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    int err = 0;
    if (acc == O_WRONLY && (flags & O_NONBLOCK) && p->readers == 0) {
        err = -ENXIO;
    } else {
        if (p == fresh) {
            p->slot = slot;
            *slot = p;
            fresh = NULL;
        }
        j->p = p;
        j->alone = acc == O_RDONLY ? p->writers == 0 : p->readers == 0;
        j->seen = acc == O_RDONLY ? p->w_counter : p->r_counter;
        if (acc != O_WRONLY)
            p->readers++, p->r_counter++;
        if (acc != O_RDONLY)
            p->writers++, p->w_counter++;
    }
    spin_unlock_irqrestore(&p->lock, fl);
    spin_unlock_irqrestore(&fifo_lock, ff);
    if (fresh != NULL) {
        kfree(fresh->buf);
        kfree(fresh);
    }
    return err;
}

/* Sleep until the other side's open count *@p count moves on from
 * @p seen: 0, or -ERESTARTSYS when a signal comes first. */
static int
fifo_wait(struct pipe *p, struct wait_queue *wq, const unsigned *count,
          unsigned seen)
{
    int err = 0;
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    while (*count == seen) {
        if (signal_pending()) {
            err = -ERESTARTSYS; // -EINTR, or the open again (SA_RESTART)
            break;
        }
        wait_queue_sleep(wq, &p->lock, &fl);
    }
    spin_unlock_irqrestore(&p->lock, fl);
    return err;
}

/**
 * @brief Open FIFO @p f: join, or make, the pipe in *@p slot.
 *
 * The pipe is made by the first open and freed when the last end
 * closes. An open for reading waits until a writer opens, one for
 * writing until a reader does (the rendezvous: each wakes the other);
 * O_RDWR never waits. With O_NONBLOCK a reader opens at once (and
 * poll() reports no POLLHUP until a writer has come), a writer without
 * a reader fails with -ENXIO. A signal during the wait gives
 * -ERESTARTSYS: -EINTR, or the open is made again under SA_RESTART.
 * @param slot the inode's pipe pointer (inode::fifo)
 * @param f    the new file, with its dentry and inode set
 * @return 0; -ENXIO (O_WRONLY | O_NONBLOCK without a reader); -ENOMEM;
 *         -ERESTARTSYS (a signal while it waits for the other end)
 * @pre vfs_lock not held
 */
// [fifo_open]
int
fifo_open(struct pipe **slot, struct file *f)
{
    unsigned acc = f->flags & O_ACCMODE;
    bool nonblock = (f->flags & O_NONBLOCK) != 0;
    struct fifo_join j;
    int err = fifo_join(slot, f->flags, &j);
    if (err < 0)
        return err;
    struct pipe *p = j.p;
    f->ops = &pipe_ops;
    f->priv = p;
    // the other side may be waiting in its open for this end
    if (acc != O_WRONLY)
        wait_queue_wake_all(&p->wwait);
    if (acc != O_RDONLY)
        wait_queue_wake_all(&p->rwait);
    if (!j.alone || acc == O_RDWR)
        return 0;
    if (nonblock) {
        f->pipe_seen = j.seen; // a reader: no hang-up before a writer
        return 0;
    }
    err = acc == O_RDONLY ? fifo_wait(p, &p->rwait, &p->w_counter, j.seen)
                          : fifo_wait(p, &p->wwait, &p->r_counter, j.seen);
    if (err < 0)
        pipe_drop(p, acc == O_RDONLY, acc == O_WRONLY);
    return err;
}
// [fifo_open]

/**
 * @brief F_GETPIPE_SZ and F_SETPIPE_SZ on the open file @p f.
 *
 * Keel's pipes have one fixed size, 64 KiB (Linux's default: 16 pages),
 * so GET always says 65536 and SET succeeds for exactly the sizes Linux
 * rounds up to 64 KiB (a power of two pages, more than 32 KiB and at most
 * 64 KiB); any other size would need a ring of another size.
 * @param f   any open file
 * @param set F_SETPIPE_SZ (else F_GETPIPE_SZ)
 * @param arg the size asked for (F_SETPIPE_SZ)
 * @return 65536; -EBADF for a file that is not a pipe (Linux checks that
 *         before the size); -EINVAL for a size other than 64 KiB
 */
long
pipe_fcntl_size(struct file *f, bool set, unsigned long arg)
{
    if (f->inode == NULL || !S_ISTYPE(f->inode->mode, S_IFIFO))
        return -EBADF;
    if (set && (arg <= 32768 || arg > PIPE_SIZE))
        return -EINVAL;
    return PIPE_SIZE;
}
