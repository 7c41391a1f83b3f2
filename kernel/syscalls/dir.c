/**
 * @file
 * @ingroup syscalls
 * @brief getdents64, readlink, readlinkat: reading directories and links.
 *
 * getdents64 asks the open directory's file operations for its entries
 * (tmpfs, devfs and procfs each list their own); readlink walks to the
 * link without following it and asks the VFS for its target.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/*
 * readlinkat's work: the target of the link (dirfd, path), at most
 * @p size bytes to @p ubuf, not NUL-terminated.
 */
static long
do_readlink(int dirfd, long upath, long ubuf, long size)
{
    if (size <= 0)
        return -EINVAL;
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    struct dentry *d;
    err = path_lookup_at(dirfd, path, LOOKUP_NOFOLLOW, &d);
    kfree(path);
    if (err < 0)
        return err;
    char *buf = kmalloc(PATH_MAX);
    long len = buf == NULL
                   ? -ENOMEM
                   : vfs_readlink(d, buf, MIN((size_t)size, (size_t)PATH_MAX));
    dentry_put(d);
    if (len > 0 && copy_to_user(UPTR(ubuf), buf, (size_t)len) < 0)
        len = -EFAULT;
    kfree(buf);
    return len;
}

/**
 * @brief readlink(path, buf, size).
 * @param a the argument registers
 * @return bytes placed; -EINVAL (not a link, or size <= 0); -ENOENT,
 *         -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES, -EFAULT
 */
long
sys_readlink(const long a[6])
{
    return do_readlink(AT_FDCWD, a[0], a[1], a[2]);
}

/**
 * @brief readlinkat(dirfd, path, buf, size).
 * @param a the argument registers
 * @return as readlink(); -EBADF
 */
long
sys_readlinkat(const long a[6])
{
    return do_readlink((int)a[0], a[1], a[2], a[3]);
}

/**
 * @brief getdents64(fd, dirp, count): directory entries.
 * @param a the argument registers
 * @return bytes filled (0 at the end); -EBADF; -ENOTDIR; -EINVAL (the
 *         buffer cannot hold the next entry); -ENOENT (removed); -EFAULT
 */
long
sys_getdents64(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    long r = -ENOTDIR;
    if (f->ops->getdents != NULL)
        // an unsigned int that Linux keeps in an int: past 2^31 it is
        // negative, and no entry fits (-EINVAL; 0 at the end)
        r = f->ops->getdents(f, UPTR(a[1]),
                             (int)a[2] < 0 ? 0 : (size_t)(unsigned)a[2]);
    file_put(f);
    return r;
}
