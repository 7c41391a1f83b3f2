/**
 * @file
 * @ingroup syscalls
 * @brief stat, fstat, lstat, newfstatat, statx.
 *
 * All five find a node (by path, or the file behind a descriptor), fill
 * a struct stat (fs/stat.c) and copy it out; statx converts it to
 * its own layout. AT_EMPTY_PATH with an empty path means the descriptor
 * itself, which is how a C library implements fstat with fstatat.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/*
 * Fill @p st for (dirfd, user path, flags) as fstatat does: the path, or
 * with AT_EMPTY_PATH and "" the descriptor dirfd itself.
 */
static long
stat_at(int dirfd, long upath, long flags, struct stat *st)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    if (path[0] == 0 && (flags & AT_EMPTY_PATH)) {
        kfree(path);
        if (dirfd == AT_FDCWD) {
            fnode_stat(proc_current()->fs_cwd, st);
            return 0;
        }
        struct file *f = fd_get(dirfd);
        if (f == NULL)
            return -EBADF;
        file_stat(f, st);
        file_put(f);
        return 0;
    }
    struct fnode *n;
    int look = (flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    err = path_lookup_at(dirfd, path, look, &n);
    kfree(path);
    if (err == 0)
        fnode_stat(n, st);
    return err;
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
 * @return 0; -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EFAULT
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
