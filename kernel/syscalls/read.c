/**
 * @file
 * @ingroup syscalls
 * @brief read, write and their vector and positioned forms; lseek.
 *
 * Each call finds the file behind the descriptor (fd_get() takes a
 * reference, so a concurrent close cannot free it), lets the file layer
 * (fs/file.c) do the transfer and drops the reference. The plain
 * forms use and advance the file's own offset; pread and pwrite use the
 * one given and leave the file's alone, so they need a seekable file
 * (-ESPIPE on a pipe or terminal).
 */
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/** Most buffers in one readv/writev (Linux's UIO_MAXIOV). */
#define IOV_MAX 1024

/** Most bytes one call moves, as Linux (MAX_RW_COUNT): a count that
 *  cannot overflow the long the call returns. */
#define RW_MAX 0x7ffff000L

/** The largest file offset (Linux's loff_t is signed). */
#define OFF_MAX 0x7fffffffffffffffL

/** One element of an iovec array, as user space lays it out. */
struct iovec {
    uint64_t base; /**< user address */
    uint64_t len;  /**< bytes */
};

/* What one of the eight calls asks for. */
struct xfer {
    bool write; /**< write (else read) */
    bool vec;   /**< addr is an iovec array of n elements (else n bytes) */
    long addr;  /**< the user buffer or iovec array */
    long n;     /**< bytes, or iovec elements */
    long off;   /**< the offset, or -1 for the file's own */
};

/* Buffer @p i of the call: the one buffer, or iovec @p i; 0 or -EFAULT. */
static int
xfer_buffer(const struct xfer *x, long i, struct iovec *v)
{
    if (!x->vec) {
        *v = (struct iovec){(uint64_t)x->addr, (uint64_t)x->n};
        return 0;
    }
    return copy_from_user(v, UPTR(x->addr + i * (long)sizeof(*v)), sizeof(*v));
}

/*
 * Check every buffer before a byte moves, as Linux's import_iovec: first
 * the array itself (-EFAULT) and each length (negative as a ssize_t:
 * -EINVAL), in order; then each buffer's range (-EFAULT when it reaches
 * past user space, even with length 0). Without this a buffer that ends
 * in the kernel would fail only after the ones before it were moved, and
 * a huge length would block on a full pipe forever. Returns the bytes
 * asked for (a vector's sum is capped at RW_MAX, as Linux's) or -errno.
 */
static long
xfer_check(const struct xfer *x)
{
    long cnt = x->vec ? x->n : 1, total = 0;
    if (x->vec && (unsigned long)cnt > IOV_MAX)
        return -EINVAL;
    struct iovec v;
    for (long i = 0; i < cnt; i++) {
        if (xfer_buffer(x, i, &v) < 0)
            return -EFAULT;
        if (x->vec && (long)v.len < 0)
            return -EINVAL;
    }
    for (long i = 0; i < cnt; i++) {
        if (xfer_buffer(x, i, &v) < 0 || !user_access_ok(UPTR(v.base), v.len))
            return -EFAULT;
        total += MIN((long)v.len, RW_MAX - total);
    }
    return x->vec ? total : x->n;
}

/* Would @p n bytes at @p pos of a seekable file end past the largest
 * offset (Linux's rw_verify_area: -EINVAL)? */
static bool
xfer_past_max(uint64_t pos, long n)
{
    return n > 0 && pos > (uint64_t)OFF_MAX - (uint64_t)n;
}

/* Move the checked buffers of @p x through @p f at *@p pos: at most
 * RW_MAX bytes in all (Linux's MAX_RW_COUNT); a short move ends it. */
static long
xfer_move(struct file *f, const struct xfer *x, uint64_t *pos)
{
    long cnt = x->vec ? x->n : 1, total = 0;
    for (long i = 0; i < cnt && total < RW_MAX; i++) {
        struct iovec v;
        // the program may have changed the array since the check
        if (xfer_buffer(x, i, &v) < 0 || !user_access_ok(UPTR(v.base), v.len))
            return total > 0 ? total : -EFAULT;
        if (v.len > (uint64_t)(RW_MAX - total))
            v.len = (uint64_t)(RW_MAX - total);
        long n = x->write ? file_write(f, UPTR(v.base), v.len, pos)
                          : file_read(f, UPTR(v.base), v.len, pos);
        if (n < 0)
            return total > 0 ? total : n;
        total += n;
        if (n < (long)v.len)
            break;
    }
    return total;
}

/*
 * The transfer behind all eight calls: x->n buffers of an iovec array (or
 * the one buffer of x->n bytes) at x->off. Linux's order of errors: the
 * descriptor (-EBADF), the offset (-ESPIPE for a pipe or terminal); then
 * for read and write the access mode (-EBADF) before the buffer, for the
 * vector calls the buffers (import_iovec, see xfer_check) before the
 * access mode; then the end of the transfer past the largest file
 * offset (-EINVAL). A NULL iovec array is a bad pointer like any other
 * (-EFAULT), not "no array".
 */
static long
transfer(long fd, const struct xfer *x)
{
    struct file *f = fd_get((int)fd);
    if (f == NULL)
        return -EBADF;
    long err = 0;
    uint64_t pos = (uint64_t)x->off;
    uint64_t *at = x->off == -1 ? &f->pos : &pos;
    bool wrong_mode =
        (f->flags & O_ACCMODE) == (x->write ? O_RDONLY : O_WRONLY);
    if (x->off != -1 && f->ops->lseek == NULL)
        err = -ESPIPE;
    else if (!x->vec && wrong_mode)
        err = -EBADF;
    else if (x->vec && x->n == 0) // no buffers: nothing to check or move
        err = wrong_mode ? -EBADF : 0;
    else if ((err = xfer_check(x)) < 0)
        ; // a bad buffer (a vector's before the mode, as Linux's)
    else if (wrong_mode)
        err = -EBADF;
    else if (f->ops->lseek != NULL && xfer_past_max(*at, err))
        err = -EINVAL;
    else
        err = xfer_move(f, x, at);
    file_put(f);
    return err;
}

/**
 * @brief read(fd, buf, count).
 * @param a the six argument registers
 * @return bytes read (0: end of file); -EBADF, -EFAULT, -EINVAL, -EISDIR,
 *         -EAGAIN, -EINTR
 */
long
sys_read(const long a[6])
{
    return transfer(a[0], &(struct xfer){false, false, a[1], a[2], -1});
}

/**
 * @brief write(fd, buf, count).
 * @param a the six argument registers
 * @return bytes written; -EBADF, -EFAULT, -EINVAL, -EPIPE, -EAGAIN, -EINTR
 */
long
sys_write(const long a[6])
{
    return transfer(a[0], &(struct xfer){true, false, a[1], a[2], -1});
}

/**
 * @brief readv(fd, iov, iovcnt).
 * @param a the six argument registers
 * @return as read(); -EINVAL for a bad iovcnt
 */
long
sys_readv(const long a[6])
{
    return transfer(a[0], &(struct xfer){false, true, a[1], a[2], -1});
}

/**
 * @brief writev(fd, iov, iovcnt).
 * @param a the six argument registers
 * @return as write(); -EINVAL for a bad iovcnt
 */
long
sys_writev(const long a[6])
{
    return transfer(a[0], &(struct xfer){true, true, a[1], a[2], -1});
}

/**
 * @brief pread64(fd, buf, count, offset): read at an offset.
 * @param a the six argument registers
 * @return as read(); -ESPIPE (not seekable); -EINVAL (negative offset)
 */
long
sys_pread64(const long a[6])
{
    if (a[3] < 0)
        return -EINVAL; // before the descriptor, as Linux
    return transfer(a[0], &(struct xfer){false, false, a[1], a[2], a[3]});
}

/**
 * @brief pwrite64(fd, buf, count, offset): write at an offset.
 * @param a the six argument registers
 * @return as write(); -ESPIPE; -EINVAL
 */
long
sys_pwrite64(const long a[6])
{
    if (a[3] < 0)
        return -EINVAL; // before the descriptor, as Linux
    return transfer(a[0], &(struct xfer){true, false, a[1], a[2], a[3]});
}

/**
 * @brief preadv(fd, iov, iovcnt, offset).
 * @param a the six argument registers
 * @return as readv(); -ESPIPE; -EINVAL
 */
long
sys_preadv(const long a[6])
{
    if (a[3] < 0)
        return -EINVAL; // before the descriptor, as Linux
    return transfer(a[0], &(struct xfer){false, true, a[1], a[2], a[3]});
}

/**
 * @brief pwritev(fd, iov, iovcnt, offset).
 * @param a the six argument registers
 * @return as writev(); -ESPIPE; -EINVAL
 */
long
sys_pwritev(const long a[6])
{
    if (a[3] < 0)
        return -EINVAL; // before the descriptor, as Linux
    return transfer(a[0], &(struct xfer){true, true, a[1], a[2], a[3]});
}

/**
 * @brief lseek(fd, offset, whence).
 * @param a the six argument registers
 * @return the new offset; -EBADF, -ESPIPE (pipe, terminal), -EINVAL (bad
 *         whence, or a negative result)
 */
long
sys_lseek(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    long r = file_lseek(f, a[1], (int)a[2]);
    file_put(f);
    return r;
}
