/**
 * @file
 * @ingroup syscalls
 * @brief stat, fstat, lstat, newfstatat, statx, statfs, fstatfs.
 *
 * The stat calls find a dentry (by path, or the file behind a
 * descriptor), fill a struct stat from its inode (inode_stat()) and copy
 * it out; statx converts it to its own layout. AT_EMPTY_PATH with an
 * empty path means the descriptor itself, which is how a C library
 * implements fstat with fstatat. statfs asks the file system the file is
 * on (vfs_statfs()).
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/*
 * The dentry of (dirfd, user path, flags) as fstatat finds it, or with
 * AT_EMPTY_PATH and "" the file behind dirfd (*@p f, referenced, and
 * *@p d NULL unless it has one).
 */
static long
find_at(int dirfd, long upath, long flags, struct dentry **d, struct file **f)
{
    *f = NULL;
    *d = NULL;
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    if (path[0] == 0 && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        kfree(path);
        return (*f = fd_get(dirfd)) == NULL ? -EBADF : 0;
    }
    if (path[0] == 0 && (flags & AT_EMPTY_PATH))
        strlcpy(path, ".", PATH_MAX);
    int look = (flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    err = path_lookup_at(dirfd, path, look, d);
    kfree(path);
    return err;
}

/* Fill @p st as fstatat does. */
static long
stat_at(int dirfd, long upath, long flags, struct stat *st)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct dentry *d;
    struct file *f;
    long err = find_at(dirfd, upath, flags, &d, &f);
    if (err < 0)
        return err;
    if (f != NULL) {
        file_stat(f, st);
        file_put(f);
    } else {
        inode_stat(d->inode, st);
        dentry_put(d);
    }
    return 0;
}

/* Copy a filled struct stat out to @p ubuf, or pass on @p err. */
static long
stat_out(long err, long ubuf, const struct stat *st)
{
    if (err < 0)
        return err;
    return copy_to_user(UPTR(ubuf), st, sizeof(*st)) < 0 ? -EFAULT : 0;
}

/**
 * @brief stat(path, buf): follows a last symlink.
 * @param a the six argument registers
 * @return 0; -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES, -EFAULT
 */
long
sys_stat(const long a[6])
{
    struct stat st;
    return stat_out(stat_at(AT_FDCWD, a[0], 0, &st), a[1], &st);
}

/**
 * @brief lstat(path, buf): a last symlink is described, not followed.
 * @param a the six argument registers
 * @return as stat()
 */
long
sys_lstat(const long a[6])
{
    struct stat st;
    return stat_out(stat_at(AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &st), a[1],
                    &st);
}

/**
 * @brief fstat(fd, buf).
 * @param a the six argument registers
 * @return 0; -EBADF; -EFAULT
 */
long
sys_fstat(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    struct stat st;
    file_stat(f, &st);
    file_put(f);
    return stat_out(0, a[1], &st);
}

/**
 * @brief newfstatat(dirfd, path, buf, flags).
 * @param a the six argument registers
 * @return as stat(); -EBADF; -EINVAL (unknown flags)
 */
long
sys_newfstatat(const long a[6])
{
    struct stat st;
    return stat_out(stat_at((int)a[0], a[1], a[3], &st), a[2], &st);
}

/**
 * @brief statx(dirfd, path, flags, mask, buf): the basic fields.
 * @param a the six argument registers
 * @return 0; as newfstatat(); -EINVAL (mask has STATX__RESERVED)
 */
long
sys_statx(const long a[6])
{
    if ((unsigned long)a[3] & STATX__RESERVED)
        return -EINVAL;
    struct stat st; // the sync mode does not matter: nothing is remote
    long err = stat_at((int)a[0], a[1], a[2] & ~AT_STATX_SYNC_TYPE, &st);
    if (err < 0)
        return err;
    struct statx sx;
    stat_to_statx(&st, &sx);
    return copy_to_user(UPTR(a[4]), &sx, sizeof(sx)) < 0 ? -EFAULT : 0;
}

/* Copy the statfs of @p d's file system to @p ubuf. */
static long
statfs_out(struct dentry *d, long ubuf)
{
    struct statfs st;
    vfs_statfs(d, &st);
    return copy_to_user(UPTR(ubuf), &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

/**
 * @brief statfs(path, buf): the file system's size, use and type.
 * @param a the six argument registers
 * @return 0; -ENOENT, -ENOTDIR, -ELOOP, -EACCES, -EFAULT
 */
long
sys_statfs(const long a[6])
{
    char *path;
    int err = path_from_user(UPTR(a[0]), &path);
    if (err < 0)
        return err;
    struct dentry *d;
    err = path_lookup_at(AT_FDCWD, path, 0, &d);
    kfree(path);
    if (err < 0)
        return err;
    long r = statfs_out(d, a[1]);
    dentry_put(d);
    return r;
}

/**
 * @brief fstatfs(fd, buf).
 * @param a the six argument registers
 * @return 0 (a pipe: Linux's pipefs numbers); -EBADF; -EFAULT
 */
long
sys_fstatfs(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    long r;
    if (f->dentry != NULL) {
        r = statfs_out(f->dentry, a[1]);
    } else { // a pipe: Linux's pipefs
        struct statfs st = {.f_type = 0x50495045,
                            .f_bsize = 4096,
                            .f_frsize = 4096,
                            .f_namelen = NAME_MAX};
        r = copy_to_user(UPTR(a[1]), &st, sizeof(st)) < 0 ? -EFAULT : 0;
    }
    file_put(f);
    return r;
}
