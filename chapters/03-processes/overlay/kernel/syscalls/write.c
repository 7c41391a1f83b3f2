/**
 * @file
 * @ingroup syscalls
 * @brief read, write, writev of chapter 3: the console on fds 0, 1 and 2.
 *
 * In chapter 3 a process has exactly three file descriptors, all the
 * console: reading gives end-of-file (there is no keyboard input yet),
 * writing prints. Any other fd is -EBADF.
 */
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define CHUNK 256
#define IOV_MAX 1024

/** One element of writev's array, as user space lays it out. */
struct iovec {
    uint64_t base; /**< user address */
    uint64_t len;  /**< bytes */
};

static bool
is_console(long fd)
{
    return fd >= 0 && fd <= 2;
}

/* Print @p count user bytes at @p buf; the count or -EFAULT. */
static long
console_write_user(uint64_t buf, size_t count)
{
    char chunk[CHUNK];
    size_t done = 0;
    while (done < count) {
        size_t n = count - done < CHUNK ? count - done : CHUNK;
        if (copy_from_user(chunk, UPTR(buf + done), n) < 0)
            return done > 0 ? (long)done : -EFAULT;
        console_write(chunk, n);
        done += n;
    }
    return (long)done;
}

/**
 * @brief write(fd, buf, count).
 * @param a the six argument registers
 * @return bytes written, -EBADF, -EFAULT, -EINVAL (negative count)
 */
long
sys_write(const long a[6])
{
    long fd = a[0];
    long buf = a[1];
    long count = a[2];
    if (!is_console(fd))
        return -EBADF;
    if (count < 0)
        return -EINVAL;
    return console_write_user(buf, count);
}

/**
 * @brief writev(fd, iov, iovcnt): write several buffers in order.
 * @param a the six argument registers
 * @return total bytes written, -EBADF, -EFAULT, -EINVAL
 */
long
sys_writev(const long a[6])
{
    long fd = a[0];
    long iov = a[1];
    long iovcnt = a[2];
    if (!is_console(fd))
        return -EBADF;
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return -EINVAL;
    long total = 0;
    for (long i = 0; i < iovcnt; i++) {
        struct iovec v;
        if (copy_from_user(&v, UPTR(iov + i * sizeof(v)), sizeof(v)) < 0)
            return total > 0 ? total : -EFAULT;
        if ((long)v.len < 0)
            return -EINVAL;
        long n = console_write_user(v.base, v.len);
        if (n < 0)
            return total > 0 ? total : n;
        total += n;
    }
    return total;
}

/**
 * @brief read(fd, buf, count): the console has no input yet: 0 (EOF).
 * @param a the six argument registers
 * @return 0, -EBADF, -EINVAL
 */
long
sys_read(const long a[6])
{
    long fd = a[0];
    long count = a[2];
    if (!is_console(fd))
        return -EBADF;
    return count < 0 ? -EINVAL : 0;
}
