/**
 * @file
 * @ingroup fs
 * @brief sendfile: copy from one open file to another inside the kernel.
 *
 * `sendfile(out, in, offset, count)` is read-then-write without the trip
 * through user memory: a web server sends a file to a socket, `cp` copies
 * a file. Linux moves the pages themselves (splice); Keel copies through
 * a kernel bounce buffer, a chunk at a time: read a chunk from @c in,
 * write all of it to @c out, until @c count bytes, the end of @c in, or
 * an error. The file operations take user addresses, so the buffer is
 * lent to them as if it were user memory (uaccess_lend()).
 *
 * The source must be something Linux 6.1 can splice from: a regular
 * file, a socket, or one of the two character devices whose driver
 * splices (random and urandom); not a pipe, a directory, a terminal or
 * /dev/zero (-EINVAL). Its offset is the file's
 * own (used and advanced) or, given an offset, that one (the file's stays
 * put), which needs a seekable source (-ESPIPE). When a write takes less
 * than was read, the source's offset goes back by the rest, so no byte is
 * skipped.
 *
 * Locking: none of its own; the files' operations lock what they need.
 */
#include "fs/chrdev.h"
#include "fs/file.h"
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/** Bytes copied at a time. */
#define SENDFILE_CHUNK (16 * 1024)
/** Most bytes one call moves, as read and write (Linux's MAX_RW_COUNT). */
#define SENDFILE_MAX 0x7ffff000UL

/** Linux's major number of the memory devices (null, zero, random, ...). */
#define MEM_MAJOR 1

/* Could Linux 6.1 splice from @p in (has its file a splice_read)? */
static bool
source_ok(struct file *in)
{
    struct stat st;
    file_stat(in, &st);
    if (in->ops->read == NULL)
        return false;
    if (S_ISTYPE(st.st_mode, S_IFREG) || S_ISTYPE(st.st_mode, S_IFSOCK))
        return true;
    // of the character devices, random (1:8) and urandom (1:9)
    return S_ISTYPE(st.st_mode, S_IFCHR) &&
           DEV_MAJOR(st.st_rdev) == MEM_MAJOR &&
           (DEV_MINOR(st.st_rdev) == 8 || DEV_MINOR(st.st_rdev) == 9);
}

/* Write all @p n bytes at @p buf to @p out: how many went, or -errno
 * when none did. */
static long
write_all(struct file *out, uptr_t buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        long w = file_write(out, UPTR(buf.addr + done), n - done, &out->pos);
        if (w <= 0)
            return done > 0 ? (long)done : (w < 0 ? w : -EIO);
        done += (size_t)w;
    }
    return (long)done;
}

/*
 * The copy loop: up to @p count bytes from @p in at *@p pos to @p out,
 * through @p bounce. Bytes copied, or -errno when none were.
 */
// [sendfile_copy]
static long
copy_chunks(struct file *out, struct file *in, uint64_t *pos, size_t count,
            char *bounce)
{
    uptr_t lent = uaccess_lend(bounce, SENDFILE_CHUNK);
    size_t done = 0;
    long err = 0;
    while (done < count) {
        size_t k = MIN(count - done, (size_t)SENDFILE_CHUNK);
        long r = file_read(in, lent, k, pos);
        if (r <= 0) {
            err = r;
            break;
        }
        long w = write_all(out, lent, (size_t)r);
        if (w < r)
            *pos -= (size_t)(r - MAX(w, 0L)); // unread what was not sent
        if (w <= 0) {
            err = w;
            break;
        }
        done += (size_t)w;
        if (w < r)
            break;
    }
    uaccess_unlend();
    return done > 0 ? (long)done : err;
}
// [sendfile_copy]

/* The checks on the source, in Linux's order: -EBADF, -ESPIPE, -EINVAL. */
static int
check_source(struct file *in, const int64_t *off, size_t count)
{
    if ((in->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (off != NULL && in->ops->lseek == NULL)
        return -ESPIPE;
    int64_t pos = off != NULL ? *off : (int64_t)in->pos;
    if ((int64_t)count < 0 || pos < 0 || pos + (int64_t)count < 0)
        return -EINVAL;
    return 0;
}

/**
 * @brief sendfile: copy up to @p count bytes from @p in_fd to @p out_fd.
 * @param out_fd the destination, open for writing (not O_APPEND)
 * @param in_fd  the source, open for reading: a regular file, a socket,
 *               /dev/random or /dev/urandom
 * @param off    where to read, advanced by what was sent (the source's
 *               own offset stays put); NULL: use and advance that one
 * @param count  bytes wanted (at most 0x7ffff000 are sent)
 * @return bytes sent (0 at the end of the source); -EBADF (a closed
 *         descriptor, wrong access mode); -ESPIPE (@p off for a source
 *         that cannot seek); -EINVAL (negative offset or count, a source
 *         Linux cannot splice from, an O_APPEND destination); -ENOMEM; the
 *         files' own errors (-EAGAIN, -EPIPE, -EINTR, ...)
 * @pre process context; may sleep
 */
long
fs_sendfile(int out_fd, int in_fd, int64_t *off, size_t count)
{
    struct file *in = fd_get(in_fd), *out = NULL;
    if (in == NULL)
        return -EBADF;
    long r = check_source(in, off, count);
    if (r == 0 && (out = fd_get(out_fd)) == NULL)
        r = -EBADF;
    if (r == 0 && (out->flags & O_ACCMODE) == O_RDONLY)
        r = -EBADF;
    if (r == 0 && (!source_ok(in) || (out->flags & O_APPEND)))
        r = -EINVAL;
    char *bounce = r == 0 ? kmalloc(SENDFILE_CHUNK) : NULL;
    if (r == 0 && bounce == NULL)
        r = -ENOMEM;
    if (r == 0) {
        uint64_t pos = off != NULL ? (uint64_t)*off : in->pos;
        r = copy_chunks(out, in, &pos, MIN(count, SENDFILE_MAX), bounce);
        if (off != NULL)
            *off = (int64_t)pos;
        else
            in->pos = pos;
    }
    kfree(bounce);
    file_put(out);
    file_put(in);
    return r;
}
