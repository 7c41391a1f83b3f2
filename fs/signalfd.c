/**
 * @file
 * @ingroup fs
 * @brief signalfd: signals read from a descriptor.
 *
 * A program that waits in poll() for its descriptors cannot also wait
 * for a signal there; a handler that writes to a pipe (the "self-pipe
 * trick") was the old way round. A signalfd is the direct way: the
 * program blocks the signals, opens a signalfd with them as its mask,
 * and each read takes pending signals of the mask, as sigwaitinfo()
 * would, returning one 128-byte struct signalfd_siginfo per signal. It
 * is readable in poll() while one is pending.
 *
 * The signals read are always the *reader's*: after fork, the child's
 * read of an inherited signalfd takes the child's signals. So the file
 * keeps only its mask; pending signals and the queue that wakes pollers
 * are the calling process's (kernel/proc/sigwait.c): a poller waits on
 * its own process's `sent` queue, which every signal sent to it wakes.
 *
 * Locking: the mask is one word, written and read whole.
 */
#include "uapi/signalfd.h"
#include "fs/anon.h"
#include "fs/poll.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "uapi/errno.h"

/** A signalfd's state (file->priv). */
struct signalfd {
    k_sigset_t mask; /**< the signals it takes */
};

/* The mask of signalfd @p f. */
static k_sigset_t
signalfd_mask(const struct file *f)
{
    return __atomic_load_n(&((struct signalfd *)f->priv)->mask,
                           __ATOMIC_RELAXED);
}

/* Take one signal of the mask: the signal, 0 (none and not to wait),
 * or -errno. */
static int
signalfd_take(struct file *f, bool wait, struct sig_info *info)
{
    if (!wait)
        return sigqueue_dequeue(signalfd_mask(f), info);
    int sig = sigwait_timed(signalfd_mask(f), info, SIGWAIT_FOREVER);
    return sig == -EINTR ? -ERESTARTSYS : sig;
}

/*
 * read: as many records as fit in @p n bytes and as signals are pending;
 * sleeps for the first one unless O_NONBLOCK. A signal taken is gone even
 * when its record cannot be written (-EFAULT), as on Linux.
 */
// [signalfd_read]
static long
signalfd_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    size_t room = n / sizeof(struct k_signalfd_siginfo);
    if (room == 0)
        return -EINVAL;
    long done = 0, err = 0;
    bool wait = !(f->flags & O_NONBLOCK);
    for (; room > 0; room--) {
        struct sig_info info;
        int sig = signalfd_take(f, wait && done == 0, &info);
        if (sig <= 0) {
            err = sig == 0 ? -EAGAIN : sig;
            break;
        }
        struct k_signalfd_siginfo ssi;
        siginfo_to_signalfd(&ssi, sig, &info);
        if (copy_to_user(UPTR(buf.addr + (uint64_t)done), &ssi, sizeof(ssi)) <
            0) {
            err = -EFAULT;
            break;
        }
        done += (long)sizeof(ssi);
    }
    return done > 0 ? done : err;
}
// [signalfd_read]

/* poll: readable while a signal of the mask is pending for the caller. */
static unsigned
signalfd_poll(struct file *f, struct poll_table *pt)
{
    poll_wait(f, sigwait_queue(), pt);
    return sigwait_pending(signalfd_mask(f)) ? POLLIN : 0; // as Linux
}

/* The last descriptor is closed: free the mask. */
static void
signalfd_release(struct file *f)
{
    kfree(f->priv);
}

static const struct file_ops signalfd_ops = {
    .read = signalfd_read,
    .poll = signalfd_poll,
    .release = signalfd_release,
};

/* A new signalfd with @p mask, installed: the descriptor or -errno. */
static long
signalfd_create(k_sigset_t mask, unsigned flags)
{
    struct signalfd *ctx = kmalloc(sizeof(*ctx));
    if (ctx == NULL)
        return -ENOMEM;
    ctx->mask = mask;
    unsigned oflags = O_RDWR | (flags & SFD_NONBLOCK ? O_NONBLOCK : 0);
    struct file *f = anon_file_alloc("[signalfd]", &signalfd_ops, ctx, oflags);
    if (f == NULL) {
        kfree(ctx);
        return file_alloc_error();
    }
    int fd = fd_install(f, 0, flags & SFD_CLOEXEC);
    if (fd < 0)
        file_put(f); // frees ctx too
    return fd;
}

/**
 * @brief signalfd4: a new signalfd, or a new mask for one.
 *
 * SIGKILL and SIGSTOP are taken out of the mask silently: they are never
 * read. A new mask wakes the pollers, which look again.
 * @param ufd   -1 for a new signalfd, else the signalfd to change
 * @param mask  the signals to read
 * @param flags SFD_NONBLOCK, SFD_CLOEXEC (for a new one)
 * @return the descriptor; -EINVAL (unknown flags; @p ufd not a
 *         signalfd); -EBADF (@p ufd not open); -EMFILE; -ENOMEM
 */
long
signalfd_open(int ufd, k_sigset_t mask, unsigned flags)
{
    if (flags & ~(unsigned)(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    mask &= ~SIG_UNBLOCKABLE;
    if (ufd == -1)
        return signalfd_create(mask, flags);
    struct file *f = fd_get(ufd);
    if (f == NULL)
        return -EBADF;
    long r = ufd;
    if (f->ops != &signalfd_ops)
        r = -EINVAL;
    else
        __atomic_store_n(&((struct signalfd *)f->priv)->mask, mask,
                         __ATOMIC_RELAXED);
    file_put(f);
    if (r >= 0)
        sigwait_rewake();
    return r;
}
