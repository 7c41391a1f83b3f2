/**
 * @file
 * @ingroup syscalls
 * @brief open, openat, creat, close, access, faccessat(2), umask on the VFS.
 *
 * open copies the path in, lets the VFS find or create the file
 * (vfs_open()) and installs the new open file in the lowest free
 * descriptor (-EMFILE past RLIMIT_NOFILE). access checks with the real
 * user and group ids, as a set-user-id program asks "could my caller
 * do this?"; AT_EACCESS uses the effective ones.
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

/* The common part of open, openat and creat. */
static long
do_open(int dirfd, long upath, long flags, long mode)
{
    // a handle only: every other flag is ignored, O_TMPFILE's bits too
    // (Linux's build_open_how: "O_PATH beats everything else")
    if (flags & O_PATH)
        flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    if ((flags & O_ACCMODE) == 3)
        return -EINVAL;
    if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
        return -EINVAL; // as Linux since 6.4: the two never made sense

    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    err = fd_check_free(); // before O_CREAT makes anything: EMFILE first
    if (err < 0) {
        kfree(path);
        return err;
    }
    struct file *f;
    err = vfs_open(dirfd, path, (unsigned)flags & OPEN_KNOWN,
                   (uint32_t)mode & 07777, &f);
    kfree(path);
    if (err < 0)
        return err;
    if (flags & O_DIRECT) {
        // opened (and made) first, then refused, as Linux's
        // do_dentry_open: no Keel file can bypass a cache
        file_put(f);
        return -EINVAL;
    }
    int fd = fd_install(f, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/**
 * @brief open(path, flags, mode).
 * @param a the six argument registers
 * @return the new descriptor; -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG,
 *         -EISDIR, -EACCES, -EEXIST, -EROFS, -ENOSPC, -EMFILE, -EFAULT,
 *         -EINVAL, -ENXIO, -EOPNOTSUPP (O_TMPFILE)
 */
long
sys_open(const long a[6])
{
    return do_open(AT_FDCWD, a[0], a[1], a[2]);
}

/**
 * @brief openat(dirfd, path, flags, mode).
 * @param a the six argument registers
 * @return as open(); -EBADF (bad dirfd), -ENOTDIR (dirfd not a directory)
 */
long
sys_openat(const long a[6])
{
    return do_open((int)a[0], a[1], a[2], a[3]);
}

/**
 * @brief creat(path, mode): open(path, O_CREAT | O_WRONLY | O_TRUNC).
 * @param a the six argument registers
 * @return as open()
 */
long
sys_creat(const long a[6])
{
    return do_open(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]);
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
    struct dentry *d;
    int look = (flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    err = path_lookup_at(dirfd, path, look, &d);
    kfree(path);
    if (err < 0)
        return err;
    err = inode_access(d->inode, (int)mode, !(flags & AT_EACCESS));
    if (err == 0 && (mode & W_OK) && !vfs_writable(d) &&
        !S_ISTYPE(d->inode->mode, S_IFCHR) &&
        !S_ISTYPE(d->inode->mode, S_IFIFO))
        err = -EROFS;
    dentry_put(d);
    return err;
}

/**
 * @brief access(path, mode): may the real user read/write/run the file?
 * @param a the six argument registers
 * @return 0; -EACCES; -ENOENT, -ENOTDIR, -ELOOP, -EROFS, -EINVAL, -EFAULT
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
 * @brief faccessat2(dirfd, path, mode, flags): AT_EACCESS,
 *        AT_SYMLINK_NOFOLLOW.
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
