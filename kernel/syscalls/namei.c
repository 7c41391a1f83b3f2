/**
 * @file
 * @ingroup syscalls
 * @brief The calls that add, remove and move names: mkdir, mknod,
 *        symlink, link, unlink, rmdir, rename.
 *
 * Each copies its paths in and calls the VFS (fs/create.c,
 * fs/remove.c), which does the walking, the checks and the change.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/* mknodat's work: a file of @p mode at (dirfd, user path). */
static long
do_mknod(long dirfd, long upath, long mode, long dev)
{
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    err = vfs_mknod((int)dirfd, path, (uint32_t)mode, (uint64_t)dev);
    kfree(path);
    return err;
}

/* mkdirat's work: mknod of a directory (the type bits of mode ignored). */
static long
do_mkdir(long dirfd, long upath, long mode)
{
    return do_mknod(dirfd, upath, S_IFDIR | (mode & 07777), 0);
}

/**
 * @brief mkdir(path, mode).
 * @param a the argument registers
 * @return 0; -EEXIST, -ENOENT, -ENOTDIR, -EACCES, -EROFS, -ENOSPC,
 *         -ENAMETOOLONG, -ELOOP, -EFAULT
 */
long
sys_mkdir(const long a[6])
{
    return do_mkdir(AT_FDCWD, a[0], a[1]);
}

/**
 * @brief mkdirat(dirfd, path, mode).
 * @param a the argument registers
 * @return as mkdir(); -EBADF
 */
long
sys_mkdirat(const long a[6])
{
    return do_mkdir(a[0], a[1], a[2]);
}

/* mknod refuses directories (mkdir makes them) and unknown types. */
static long
check_mknod(long mode)
{
    return S_ISTYPE(mode, S_IFDIR) ? -EPERM : 0;
}

/**
 * @brief mknod(path, mode, dev): a file, device, FIFO or socket.
 * @param a the argument registers
 * @return as mkdir(); -EPERM (a device, not root; a directory);
 *         -EINVAL (an unknown type)
 */
long
sys_mknod(const long a[6])
{
    long err = check_mknod(a[1]);
    return err < 0 ? err : do_mknod(AT_FDCWD, a[0], a[1] & 0177777, a[2]);
}

/**
 * @brief mknodat(dirfd, path, mode, dev).
 * @param a the argument registers
 * @return as mknod(); -EBADF
 */
long
sys_mknodat(const long a[6])
{
    long err = check_mknod(a[2]);
    return err < 0 ? err : do_mknod(a[0], a[1], a[2] & 0177777, a[3]);
}

/* symlinkat's work: two user strings in, then the VFS. */
static long
do_symlink(long utarget, long dirfd, long upath)
{
    char *target, *path;
    int err = path_from_user(UPTR(utarget), &target);
    if (err < 0)
        return err;
    err = path_from_user(UPTR(upath), &path);
    if (err == 0) {
        err = vfs_symlink(target, (int)dirfd, path);
        kfree(path);
    }
    kfree(target);
    return err;
}

/**
 * @brief symlink(target, path).
 * @param a the argument registers
 * @return 0; -EEXIST, -ENOENT (also: empty target), -EACCES, -EROFS,
 *         -ENOSPC, -ENAMETOOLONG, -EFAULT
 */
long
sys_symlink(const long a[6])
{
    return do_symlink(a[0], AT_FDCWD, a[1]);
}

/**
 * @brief symlinkat(target, dirfd, path).
 * @param a the argument registers
 * @return as symlink(); -EBADF
 */
long
sys_symlinkat(const long a[6])
{
    return do_symlink(a[0], a[1], a[2]);
}

/* The calls with two paths: link and rename. */
static long
two_paths(long odirfd, long uold, long ndirfd, long unew, long flags,
          bool rename)
{
    char *old, *new;
    int err = path_from_user(UPTR(uold), &old);
    if (err < 0)
        return err;
    err = path_from_user(UPTR(unew), &new);
    if (err == 0) {
        err = rename ? vfs_rename((int)odirfd, old, (int)ndirfd, new,
                                  (unsigned)flags)
                     : vfs_link((int)odirfd, old, (int)ndirfd, new, (int)flags);
        kfree(new);
    }
    kfree(old);
    return err;
}

/**
 * @brief link(old, new): a second name for a file.
 * @param a the argument registers
 * @return 0; -EEXIST, -ENOENT, -EPERM (a directory), -EXDEV, -EACCES,
 *         -EROFS, -EFAULT
 */
long
sys_link(const long a[6])
{
    return two_paths(AT_FDCWD, a[0], AT_FDCWD, a[1], 0, false);
}

/**
 * @brief linkat(olddirfd, old, newdirfd, new, flags): AT_SYMLINK_FOLLOW.
 * @param a the argument registers
 * @return as link(); -EBADF; -EINVAL (unknown flags)
 */
long
sys_linkat(const long a[6])
{
    return two_paths(a[0], a[1], a[2], a[3], a[4], false);
}

/**
 * @brief rename(old, new).
 * @param a the argument registers
 * @return 0; -ENOENT, -EXDEV, -EISDIR, -ENOTDIR, -ENOTEMPTY, -EBUSY,
 *         -EINVAL (into itself), -EACCES, -EPERM, -EROFS, -EFAULT
 */
long
sys_rename(const long a[6])
{
    return two_paths(AT_FDCWD, a[0], AT_FDCWD, a[1], 0, true);
}

/**
 * @brief renameat(olddirfd, old, newdirfd, new).
 * @param a the argument registers
 * @return as rename(); -EBADF
 */
long
sys_renameat(const long a[6])
{
    return two_paths(a[0], a[1], a[2], a[3], 0, true);
}

/**
 * @brief renameat2(olddirfd, old, newdirfd, new, flags):
 *        RENAME_NOREPLACE (RENAME_EXCHANGE: -EINVAL).
 * @param a the argument registers
 * @return as renameat(); -EEXIST (NOREPLACE); -EINVAL
 */
long
sys_renameat2(const long a[6])
{
    return two_paths(a[0], a[1], a[2], a[3], a[4], true);
}

/* unlinkat's work. */
static long
do_unlink(long dirfd, long upath, bool dir)
{
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    err = vfs_unlink((int)dirfd, path, dir);
    kfree(path);
    return err;
}

/**
 * @brief unlink(path).
 * @param a the argument registers
 * @return 0; -ENOENT, -EISDIR, -ENOTDIR, -EACCES, -EPERM, -EBUSY, -EROFS
 */
long
sys_unlink(const long a[6])
{
    return do_unlink(AT_FDCWD, a[0], false);
}

/**
 * @brief rmdir(path).
 * @param a the argument registers
 * @return 0; -ENOENT, -ENOTDIR, -ENOTEMPTY, -EINVAL ("."), -EBUSY,
 *         -EACCES, -EROFS
 */
long
sys_rmdir(const long a[6])
{
    return do_unlink(AT_FDCWD, a[0], true);
}

/**
 * @brief unlinkat(dirfd, path, flags): AT_REMOVEDIR is rmdir.
 * @param a the argument registers
 * @return as unlink() or rmdir(); -EBADF; -EINVAL (unknown flags)
 */
long
sys_unlinkat(const long a[6])
{
    if (a[2] & ~(long)AT_REMOVEDIR)
        return -EINVAL;
    return do_unlink(a[0], a[1], (a[2] & AT_REMOVEDIR) != 0);
}
