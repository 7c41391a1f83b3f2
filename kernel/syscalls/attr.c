/**
 * @file
 * @ingroup syscalls
 * @brief chmod, chown, utimensat and their kin; truncate; fsync and sync.
 *
 * The path forms walk to the file, the fd forms take the open file's
 * dentry; both end in the VFS (fs/attr.c), which checks who may make
 * the change. A pipe has no file system behind it here: changing its
 * attributes succeeds and changes nothing. Everything lives in memory,
 * so the sync calls have nothing to write and succeed at once.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/*
 * The dentry of (dirfd, user path): AT_SYMLINK_NOFOLLOW, and with
 * AT_EMPTY_PATH and "" (or a NULL path, @p null_ok) the file of dirfd.
 * *@p d is referenced; NULL with 0 means a pipe (nothing to change).
 */
static long
target_at(long dirfd, long upath, long flags, bool null_ok, struct dentry **d)
{
    *d = NULL;
    char *path = NULL;
    int err = 0;
    if (upath != 0 || !null_ok)
        err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    if (path == NULL || (path[0] == 0 && (flags & AT_EMPTY_PATH))) {
        kfree(path);
        if (dirfd == AT_FDCWD)
            return path_lookup_at(AT_FDCWD, ".", 0, d);
        struct file *f = fd_get((int)dirfd);
        if (f == NULL)
            return -EBADF;
        if ((*d = f->dentry) != NULL)
            dentry_get(*d);
        file_put(f);
        return 0;
    }
    int look = (flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    err = path_lookup_at((int)dirfd, path, look, d);
    kfree(path);
    return err;
}

/* chmod of the target of (dirfd, path, flags). */
static long
do_chmod(long dirfd, long upath, long flags, long mode)
{
    struct dentry *d;
    bool fd_itself = upath == 0 && (flags & AT_EMPTY_PATH);
    long err = target_at(dirfd, upath, flags, fd_itself, &d);
    if (err == 0 && d != NULL)
        err = vfs_chmod(d, (uint32_t)mode);
    dentry_put(d);
    return err;
}

/**
 * @brief chmod(path, mode).
 * @param a the argument registers
 * @return 0; -EPERM (not the owner); -ENOENT, -ENOTDIR, -EACCES, -ELOOP,
 *         -EROFS, -EFAULT
 */
long
sys_chmod(const long a[6])
{
    return do_chmod(AT_FDCWD, a[0], 0, a[1]);
}

/**
 * @brief fchmod(fd, mode).
 * @param a the argument registers
 * @return 0; -EBADF; -EPERM; -EROFS
 */
long
sys_fchmod(const long a[6])
{
    return do_chmod(a[0], 0, AT_EMPTY_PATH, a[1]);
}

/**
 * @brief fchmodat(dirfd, path, mode).
 * @param a the argument registers
 * @return as chmod(); -EBADF
 */
long
sys_fchmodat(const long a[6])
{
    return do_chmod(a[0], a[1], 0, a[2]);
}

/* chown of the target of (dirfd, path, flags). */
static long
do_chown(long dirfd, long upath, long flags, long uid, long gid)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct dentry *d;
    bool fd_itself = upath == 0 && (flags & AT_EMPTY_PATH);
    long err = target_at(dirfd, upath, flags, fd_itself, &d);
    if (err == 0 && d != NULL)
        err = vfs_chown(d, (uint32_t)uid, (uint32_t)gid);
    dentry_put(d);
    return err;
}

/**
 * @brief chown(path, uid, gid): -1 keeps an id.
 * @param a the argument registers
 * @return 0; -EPERM; -ENOENT, -ENOTDIR, -EACCES, -ELOOP, -EROFS, -EFAULT
 */
long
sys_chown(const long a[6])
{
    return do_chown(AT_FDCWD, a[0], 0, a[1], a[2]);
}

/**
 * @brief lchown(path, uid, gid): a last link is changed, not followed.
 * @param a the argument registers
 * @return as chown()
 */
long
sys_lchown(const long a[6])
{
    return do_chown(AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, a[1], a[2]);
}

/**
 * @brief fchown(fd, uid, gid).
 * @param a the argument registers
 * @return as chown(); -EBADF
 */
long
sys_fchown(const long a[6])
{
    return do_chown(a[0], 0, AT_EMPTY_PATH, a[1], a[2]);
}

/**
 * @brief fchownat(dirfd, path, uid, gid, flags).
 * @param a the argument registers
 * @return as chown(); -EBADF; -EINVAL (unknown flags)
 */
long
sys_fchownat(const long a[6])
{
    return do_chown(a[0], a[1], a[4], a[2], a[3]);
}

/* Set times (NULL: now) on the target of (dirfd, path, flags). */
static long
set_times(long dirfd, long upath, long flags, const struct timespec *ts)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct dentry *d;
    long err = target_at(dirfd, upath, flags, true, &d);
    if (err == 0 && d != NULL)
        err = vfs_utimens(d, ts);
    dentry_put(d);
    return err;
}

/**
 * @brief utimensat(dirfd, path, times, flags); a NULL path: dirfd itself
 *        (-EFAULT with AT_FDCWD); NULL times: both now; UTIME_NOW,
 *        UTIME_OMIT.
 * @param a the argument registers
 * @return 0; -EINVAL; -EPERM; -EACCES; -ENOENT; -EBADF; -EROFS; -EFAULT
 */
long
sys_utimensat(const long a[6])
{
    struct timespec ts[2];
    if (a[2] != 0 && copy_from_user(ts, UPTR(a[2]), sizeof(ts)) < 0)
        return -EFAULT;
    if (a[1] == 0 && (int)a[0] == AT_FDCWD)
        return -EFAULT; // no path and no descriptor: Linux's do_utimes
    return set_times(a[0], a[1], a[3], a[2] != 0 ? ts : NULL);
}

/* utimes and futimesat: struct timeval[2], or NULL for now. */
static long
set_timevals(long dirfd, long upath, long utv)
{
    struct timeval tv[2];
    struct timespec ts[2];
    if (upath == 0 && (int)dirfd == AT_FDCWD && utv == 0)
        return -EFAULT; // no path and no descriptor: Linux's do_utimes
    if (utv == 0)
        return set_times(dirfd, upath, 0, NULL);
    if (copy_from_user(tv, UPTR(utv), sizeof(tv)) < 0)
        return -EFAULT;
    for (int i = 0; i < 2; i++) {
        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
            return -EINVAL;
        ts[i].tv_sec = tv[i].tv_sec;
        ts[i].tv_nsec = tv[i].tv_usec * 1000;
    }
    if (upath == 0 && (int)dirfd == AT_FDCWD)
        return -EFAULT; // the times are checked first, as Linux does
    return set_times(dirfd, upath, 0, ts);
}

/**
 * @brief utimes(path, times): struct timeval[2] or NULL.
 * @param a the argument registers
 * @return as utimensat()
 */
long
sys_utimes(const long a[6])
{
    return set_timevals(AT_FDCWD, a[0], a[1]); // a NULL path: -EFAULT
}

/**
 * @brief futimesat(dirfd, path, times); a NULL path with a real dirfd
 *        sets dirfd's own times, as Linux's do_utimes.
 * @param a the argument registers
 * @return as utimes(); -EBADF
 */
long
sys_futimesat(const long a[6])
{
    return set_timevals(a[0], a[1], a[2]);
}

/**
 * @brief utime(path, times): struct utimbuf {actime, modtime} or NULL.
 * @param a the argument registers
 * @return as utimes()
 */
long
sys_utime(const long a[6])
{
    int64_t ub[2];
    if (a[0] == 0)
        return -EFAULT;
    if (a[1] == 0)
        return set_times(AT_FDCWD, a[0], 0, NULL);
    if (copy_from_user(ub, UPTR(a[1]), sizeof(ub)) < 0)
        return -EFAULT;
    struct timespec ts[2] = {{ub[0], 0}, {ub[1], 0}};
    return set_times(AT_FDCWD, a[0], 0, ts);
}

/**
 * @brief truncate(path, length).
 * @param a the argument registers
 * @return 0; -EINVAL (negative, not a file); -EISDIR; -EACCES (no write
 *         permission); -ENOENT; -EROFS; -ENOSPC; -EFBIG; -EFAULT
 */
long
sys_truncate(const long a[6])
{
    struct dentry *d;
    long err = target_at(AT_FDCWD, a[0], 0, false, &d);
    if (err < 0)
        return err;
    if (!S_ISTYPE(d->inode->mode, S_IFDIR))
        err = inode_permission(d->inode, W_OK);
    if (err == 0)
        err = vfs_truncate(d, a[1]);
    dentry_put(d);
    return err;
}

/**
 * @brief ftruncate(fd, length): the file must be open for writing.
 * @param a the argument registers
 * @return 0; -EBADF; -EINVAL (not open for writing, not a regular file,
 *         negative); -ENOSPC; -EFBIG
 */
long
sys_ftruncate(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    long err = -EINVAL;
    if ((f->flags & O_ACCMODE) != O_RDONLY && f->dentry != NULL &&
        S_ISTYPE(f->inode->mode, S_IFREG))
        err = vfs_truncate(f->dentry, a[1]);
    file_put(f);
    return err;
}

/**
 * @brief fsync(fd), fdatasync(fd): memory is the storage, nothing to do.
 * @param a the argument registers
 * @return 0; -EBADF; -EINVAL (a pipe, which cannot be synced)
 */
long
sys_fsync(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    long r = f->dentry != NULL ? 0 : -EINVAL;
    file_put(f);
    return r;
}

/**
 * @brief syncfs(fd): as fsync, for the whole file system.
 * @param a the argument registers
 * @return 0; -EBADF
 */
long
sys_syncfs(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    file_put(f);
    return 0;
}

/**
 * @brief sync(): nothing to write back.
 * @param a the argument registers
 * @return 0
 */
long
sys_sync(const long a[6])
{
    (void)a;
    return 0;
}
