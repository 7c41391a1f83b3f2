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
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/sync.h"
#include "uapi/errno.h"

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
    struct fnode node;       /**< what fstat reports: S_IFIFO */
};

static uint64_t pipe_ino = 1ULL << 32; // apart from the initramfs' numbers

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
    size_t chunk = MIN(n, (size_t)PIPE_BUF);
    char *bounce = kmalloc(PIPE_BUF);
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

/* The last reference to one end is gone. */
static void
pipe_release(struct file *f)
{
    struct pipe *p = f->priv;
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        p->readers--;
    else
        p->writers--;
    bool gone = p->readers == 0 && p->writers == 0;
    // wake while the lock is held: once it is let go, the other end's
    // last close may free the pipe (a preemption right here is enough),
    // and its queues with it; with no end left nobody sleeps on them
    if (!gone) {
        wait_queue_wake_all(&p->rwait);
        wait_queue_wake_all(&p->wwait);
    }
    spin_unlock_irqrestore(&p->lock, fl);
    if (gone) {
        kfree(p->buf);
        kfree(p);
    }
}

/* poll: data or no writer left (read end); room for an atomic write or
 * no reader left (write end). */
static unsigned
pipe_poll(struct file *f)
{
    struct pipe *p = f->priv;
    unsigned ready = 0;
    irqflags_t fl = spin_lock_irqsave(&p->lock);
    if ((f->flags & O_ACCMODE) == O_RDONLY) {
        ready |= p->count > 0 ? POLLIN : 0;
        ready |= p->writers == 0 ? POLLHUP : 0;
    } else {
        ready |= PIPE_SIZE - p->count >= PIPE_BUF ? POLLOUT : 0;
        ready |= p->readers == 0 ? POLLERR : 0;
    }
    spin_unlock_irqrestore(&p->lock, fl);
    return ready;
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .release = pipe_release,
    .poll = pipe_poll,
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
        kfree(*rd);
        kfree(*wr);
        kfree(p->buf);
        kfree(p);
        return -ENOMEM;
    }
    (*rd)->priv = (*wr)->priv = p;
    p->readers = p->writers = 1;
    return 0;
}

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
    if (f->node == NULL || !S_ISTYPE(f->node->mode, S_IFIFO))
        return -EBADF;
    if (set && (arg <= 32768 || arg > PIPE_SIZE))
        return -EINVAL;
    return PIPE_SIZE;
}
