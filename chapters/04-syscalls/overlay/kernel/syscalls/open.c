/**
 * @file
 * @ingroup syscalls
 * @brief open, openat, close, access, faccessat, faccessat2, umask.
 *
 * open looks the path up (fs/namei.c), checks the flags against
 * what it found and installs a new open file in the lowest free
 * descriptor. The initramfs is read-only in this chapter: O_CREAT of a
 * missing file and every write or truncation of an existing one fail
 * with -EROFS.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/* open's flags that Keel knows; others are ignored, as Linux does. */
#define OPEN_KNOWN                                                             \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |            \
     O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_PATH)

/* Look @p path up for open with @p flags; the node or -errno. */
static int
open_lookup(int dirfd, const char *path, unsigned flags, struct fnode **n)
{
    int look = (flags & O_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    int err = path_lookup_at(dirfd, path, look, n);
    if (err == -ENOENT && (flags & O_CREAT))
        return -EROFS; // would create a file: read-only file system
    if (err < 0)
        return err;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (S_ISTYPE((*n)->mode, S_IFLNK))
        return -ELOOP; // O_NOFOLLOW on a link
    if ((flags & O_DIRECTORY) && !S_ISTYPE((*n)->mode, S_IFDIR))
        return -ENOTDIR;
    return 0;
}

/* The common part of open and openat. */
static long
do_open(int dirfd, long upath, long flags)
{
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    if ((flags & O_ACCMODE) == 3)
        return -EINVAL;
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    struct fnode *n;
    struct file *f = NULL;
    err = open_lookup(dirfd, path, (unsigned)flags, &n);
    kfree(path);
    if (err == 0)
        err = file_open(n, (unsigned)flags & OPEN_KNOWN, &f);
    if (err < 0)
        return err;
    int fd = fd_install(f, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/**
 * @brief open(path, flags, mode).
 * @param a the six argument registers
 * @return the new descriptor; -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG,
 *         -EISDIR, -EROFS, -EEXIST, -EMFILE, -EFAULT, -EINVAL, -ENXIO
 */
long
sys_open(const long a[6])
{
    return do_open(AT_FDCWD, a[0], a[1]);
}

/**
 * @brief openat(dirfd, path, flags, mode).
 * @param a the six argument registers
 * @return as open(); -EBADF (bad dirfd), -ENOTDIR (dirfd not a directory)
 */
long
sys_openat(const long a[6])
{
    return do_open((int)a[0], a[1], a[2]);
}

/**
 * @brief creat(path, mode): open(path, O_CREAT | O_WRONLY | O_TRUNC).
 * @param a the six argument registers
 * @return as open(): -EROFS for any path whose directory exists
 */
long
sys_creat(const long a[6])
{
    return do_open(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC);
}

/**
 * @brief close(fd).
 * @param a the six argument registers
 * @return 0 or -EBADF
 */
long
sys_close(const long a[6])
{
    return fd_close((int)a[0]);
}

/* The common part of the access calls. */
static long
do_access(int dirfd, long upath, long mode, long flags)
{
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    struct fnode *n;
    int look = (flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    err = path_lookup_at(dirfd, path, look, &n);
    kfree(path);
    return err < 0 ? err : fnode_access(n, (int)mode);
}

/**
 * @brief access(path, mode): as root, may the file be read/written/run?
 * @param a the six argument registers
 * @return 0; -ENOENT, -ENOTDIR, -ELOOP, -EACCES (X_OK without an x bit),
 *         -EROFS (W_OK on the initramfs), -EINVAL, -EFAULT
 */
long
sys_access(const long a[6])
{
    return do_access(AT_FDCWD, a[0], a[1], 0);
}

/**
 * @brief faccessat(dirfd, path, mode): access() relative to dirfd.
 * @param a the six argument registers
 * @return as access(); -EBADF
 */
long
sys_faccessat(const long a[6])
{
    return do_access((int)a[0], a[1], a[2], 0);
}

/**
 * @brief faccessat2(dirfd, path, mode, flags).
 * @param a the six argument registers
 * @return as faccessat(); -EINVAL for unknown flags
 */
long
sys_faccessat2(const long a[6])
{
    return do_access((int)a[0], a[1], a[2], a[3]);
}

/**
 * @brief umask(mask): set the creation mask, return the old one.
 * @param a the six argument registers
 * @return the previous mask
 */
long
sys_umask(const long a[6])
{
    struct proc *p = proc_current();
    unsigned old = p->fs_umask;
    p->fs_umask = (unsigned)a[0] & 0777;
    return old;
}
