/**
 * @file
 * @ingroup syscalls
 * @brief read, write and their vector and positioned forms; lseek.
 *
 * Each call finds the file behind the descriptor (fd_get() takes a
 * reference, so a concurrent close cannot free it), lets the file layer
 * (fs/core/file.c) do the transfer and drops the reference. The plain
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

/*
 * The transfer behind all eight calls: x->n buffers of an iovec array (or
 * the one buffer of x->n bytes) at x->off. A NULL iovec array is a bad
 * pointer like any other (-EFAULT), not "no array".
 */
static long
transfer(long fd, const struct xfer *x)
{
    bool write = x->write;
    long iov = x->vec ? x->addr : 0, iovcnt = x->vec ? x->n : 1;
    long buf = x->vec ? 0 : x->addr, count = x->vec ? 0 : x->n, off = x->off;
    if (x->vec ? (iovcnt < 0 || iovcnt > IOV_MAX) : count < 0)
        return -EINVAL;
    struct file *f = fd_get((int)fd);
    if (f == NULL)
        return -EBADF;
    long err = 0, total = 0;
    uint64_t pos = (uint64_t)off;
    if (off != -1 && (f->ops->lseek == NULL || off < 0))
        err = f->ops->lseek == NULL ? -ESPIPE : -EINVAL;
    if (err == 0 && (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
        err = -EBADF;
    for (long i = 0; err == 0 && i < iovcnt; i++) {
        struct iovec v = {(uint64_t)buf, (uint64_t)count};
        if (x->vec &&
            copy_from_user(&v, UPTR(iov + i * sizeof(v)), sizeof(v)) < 0) {
            err = -EFAULT;
            break;
        }
        if ((long)v.len < 0) {
            err = -EINVAL;
            break;
        }
        if ((long)v.len > RW_MAX - total)
            v.len = (uint64_t)(RW_MAX - total);
        uint64_t *p = off == -1 ? &f->pos : &pos;
        long n = write ? file_write(f, UPTR(v.base), v.len, p)
                       : file_read(f, UPTR(v.base), v.len, p);
        if (n < 0)
            err = n;
        else
            total += n;
        if (n < (long)v.len)
            break; // a short transfer ends the vector
    }
    file_put(f);
    return total > 0 ? total : err;
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
    return a[3] == -1
               ? -EINVAL
               : transfer(a[0], &(struct xfer){false, false, a[1], a[2], a[3]});
}

/**
 * @brief pwrite64(fd, buf, count, offset): write at an offset.
 * @param a the six argument registers
 * @return as write(); -ESPIPE; -EINVAL
 */
long
sys_pwrite64(const long a[6])
{
    return a[3] == -1
               ? -EINVAL
               : transfer(a[0], &(struct xfer){true, false, a[1], a[2], a[3]});
}

/**
 * @brief preadv(fd, iov, iovcnt, offset).
 * @param a the six argument registers
 * @return as readv(); -ESPIPE; -EINVAL
 */
long
sys_preadv(const long a[6])
{
    return a[3] == -1
               ? -EINVAL
               : transfer(a[0], &(struct xfer){false, true, a[1], a[2], a[3]});
}

/**
 * @brief pwritev(fd, iov, iovcnt, offset).
 * @param a the six argument registers
 * @return as writev(); -ESPIPE; -EINVAL
 */
long
sys_pwritev(const long a[6])
{
    return a[3] == -1
               ? -EINVAL
               : transfer(a[0], &(struct xfer){true, true, a[1], a[2], a[3]});
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
