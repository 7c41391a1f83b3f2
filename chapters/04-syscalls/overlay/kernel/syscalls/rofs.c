/**
 * @file
 * @ingroup syscalls
 * @brief The calls that change files: -EROFS on the read-only initramfs.
 *
 * Until chapter 5 brings tmpfs, nothing in the tree can be created,
 * removed, renamed or changed. These calls still look their paths up, so
 * they fail as Linux fails on a read-only file system: a missing path is
 * -ENOENT, mkdir of an existing one -EEXIST, unlink of a directory
 * -EISDIR, and only a call that would really change something -EROFS.
 * Pipes and devices are not in the initramfs: fchmod and fchown on them
 * succeed (and change nothing), as their attributes are not kept.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/* What a change to an existing (dirfd, path) gives: its lookup error or
 * -EROFS. */
static long
ro_existing(long dirfd, long upath, bool nofollow)
{
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    struct fnode *n;
    err = path_lookup_at((int)dirfd, path, nofollow ? LOOKUP_NOFOLLOW : 0, &n);
    kfree(path);
    return err < 0 ? err : -EROFS;
}

/* What creating (dirfd, path) gives: -EEXIST, the lookup error of its
 * directory, or -EROFS. */
static long
ro_create(long dirfd, long upath)
{
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    struct fnode *n;
    err = path_lookup_at((int)dirfd, path, LOOKUP_NOFOLLOW, &n);
    if (err == 0)
        err = -EEXIST;
    else if (err == -ENOENT) {
        // the name is free: is its directory there?
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/')
            path[--len] = 0;
        char *slash = NULL;
        for (char *c = path; *c; c++) {
            if (*c == '/')
                slash = c;
        }
        if (slash == NULL)
            err = path_lookup_at((int)dirfd, ".", 0, &n);
        else {
            slash[1] = 0;
            err = path_lookup_at((int)dirfd, path, 0, &n);
        }
        err = err < 0 ? err : -EROFS;
    }
    kfree(path);
    return err;
}

/* What removing (dirfd, path) gives; @p dir: rmdir rather than unlink. */
static long
ro_remove(long dirfd, long upath, bool dir)
{
    char *path;
    int err = path_from_user(UPTR(upath), &path);
    if (err < 0)
        return err;
    struct fnode *n;
    err = path_lookup_at((int)dirfd, path, LOOKUP_NOFOLLOW, &n);
    kfree(path);
    if (err < 0)
        return err;
    bool is_dir = S_ISTYPE(n->mode, S_IFDIR);
    if (dir && !is_dir)
        return -ENOTDIR;
    if (!dir && is_dir)
        return -EISDIR;
    return n == fs_root() ? -EBUSY : -EROFS;
}

/* A change to the file behind @p fd: -EBADF, -EROFS, or 0 (pipe, device). */
static long
ro_fd(long fd)
{
    struct file *f = fd_get((int)fd);
    if (f == NULL)
        return -EBADF;
    long r = (f->ops == &regular_ops || f->ops == &dir_ops) ? -EROFS : 0;
    file_put(f);
    return r;
}

/** @brief mkdir(path, mode). @param a the argument registers
 *  @return -EEXIST, -ENOENT, -ENOTDIR, -EROFS, -EFAULT */
long
sys_mkdir(const long a[6])
{
    return ro_create(AT_FDCWD, a[0]);
}

/** @brief mkdirat(dirfd, path, mode). @param a the argument registers
 *  @return as mkdir(); -EBADF */
long
sys_mkdirat(const long a[6])
{
    return ro_create(a[0], a[1]);
}

/** @brief mknod(path, mode, dev). @param a the argument registers
 *  @return as mkdir() */
long
sys_mknod(const long a[6])
{
    return ro_create(AT_FDCWD, a[0]);
}

/** @brief mknodat(dirfd, path, mode, dev). @param a the argument registers
 *  @return as mkdirat() */
long
sys_mknodat(const long a[6])
{
    return ro_create(a[0], a[1]);
}

/** @brief symlink(target, path). @param a the argument registers
 *  @return as mkdir() */
long
sys_symlink(const long a[6])
{
    return ro_create(AT_FDCWD, a[1]);
}

/** @brief symlinkat(target, dirfd, path). @param a the argument registers
 *  @return as mkdirat() */
long
sys_symlinkat(const long a[6])
{
    return ro_create(a[1], a[2]);
}

/** @brief link(old, new). @param a the argument registers
 *  @return -ENOENT (old), then as mkdir() for new */
long
sys_link(const long a[6])
{
    long err = ro_existing(AT_FDCWD, a[0], true);
    return err == -EROFS ? ro_create(AT_FDCWD, a[1]) : err;
}

/** @brief linkat(olddirfd, old, newdirfd, new, flags).
 *  @param a the argument registers @return as link() */
long
sys_linkat(const long a[6])
{
    long err = ro_existing(a[0], a[1], true);
    return err == -EROFS ? ro_create(a[2], a[3]) : err;
}

/** @brief unlink(path). @param a the argument registers
 *  @return -ENOENT, -ENOTDIR, -EISDIR, -EROFS */
long
sys_unlink(const long a[6])
{
    return ro_remove(AT_FDCWD, a[0], false);
}

/** @brief rmdir(path). @param a the argument registers
 *  @return -ENOENT, -ENOTDIR, -EBUSY (the root), -EROFS */
long
sys_rmdir(const long a[6])
{
    return ro_remove(AT_FDCWD, a[0], true);
}

/** @brief unlinkat(dirfd, path, flags): AT_REMOVEDIR (0x200) is rmdir.
 *  @param a the argument registers @return as unlink(); -EINVAL */
long
sys_unlinkat(const long a[6])
{
    if (a[2] & ~0x200L)
        return -EINVAL;
    return ro_remove(a[0], a[1], (a[2] & 0x200) != 0);
}

/** @brief rename(old, new). @param a the argument registers
 *  @return -ENOENT, -ENOTDIR, -EROFS */
long
sys_rename(const long a[6])
{
    return ro_existing(AT_FDCWD, a[0], true);
}

/** @brief renameat(olddirfd, old, newdirfd, new), and renameat2 with
 *  flags. @param a the argument registers @return as rename(); -EBADF */
long
sys_renameat(const long a[6])
{
    return ro_existing(a[0], a[1], true);
}

/** @brief chmod(path, mode), chown(path, uid, gid), truncate(path, len).
 *  @param a the argument registers @return -ENOENT, -ENOTDIR, -EROFS */
long
sys_chmod(const long a[6])
{
    return ro_existing(AT_FDCWD, a[0], false);
}

/** @brief lchown(path, uid, gid): a last link is not followed.
 *  @param a the argument registers @return as chmod() */
long
sys_lchown(const long a[6])
{
    return ro_existing(AT_FDCWD, a[0], true);
}

/** @brief fchmodat(dirfd, path, mode), fchownat(dirfd, path, uid, gid,
 *  flags). @param a the argument registers @return as chmod(); -EBADF */
long
sys_fchmodat(const long a[6])
{
    return ro_existing(a[0], a[1], false);
}

/** @brief fchmod(fd, mode), fchown(fd, uid, gid). @param a the argument
 *  registers @return 0 (pipe, device); -EROFS; -EBADF */
long
sys_fchmod(const long a[6])
{
    return ro_fd(a[0]);
}

/** @brief utimensat(dirfd, path, times, flags); path NULL: the fd itself.
 *  @param a the argument registers @return as fchmodat(), fchmod() */
long
sys_utimensat(const long a[6])
{
    if (a[1] == 0)
        return ro_fd(a[0]);
    return ro_existing(a[0], a[1], (a[3] & AT_SYMLINK_NOFOLLOW) != 0);
}

/** @brief ftruncate(fd, length): no descriptor is open for writing on a
 *  file. @param a the argument registers @return -EBADF, -EINVAL */
long
sys_ftruncate(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    file_put(f);
    return -EINVAL;
}

/** @brief fsync(fd), fdatasync(fd): nothing is ever dirty.
 *  @param a the argument registers @return 0; -EBADF; -EINVAL (a pipe,
 *  a device) */
long
sys_fsync(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    long r = (f->ops == &regular_ops || f->ops == &dir_ops) ? 0 : -EINVAL;
    file_put(f);
    return r;
}

/** @brief sync(): nothing to write back. @param a the argument registers
 *  @return 0 */
long
sys_sync(const long a[6])
{
    (void)a;
    return 0;
}

/** @brief truncate(path, length). @param a the argument registers
 *  @return as chmod() */
long
sys_truncate(const long a[6])
{
    return sys_chmod(a);
}

/** @brief chown(path, uid, gid). @param a the argument registers
 *  @return as chmod() */
long
sys_chown(const long a[6])
{
    return sys_chmod(a);
}

/** @brief fchown(fd, uid, gid). @param a the argument registers
 *  @return as fchmod() */
long
sys_fchown(const long a[6])
{
    return sys_fchmod(a);
}

/** @brief fchownat(dirfd, path, uid, gid, flags). @param a the argument
 *  registers @return as fchmodat() */
long
sys_fchownat(const long a[6])
{
    return sys_fchmodat(a);
}

/** @brief renameat2(olddirfd, old, newdirfd, new, flags).
 *  @param a the argument registers @return as renameat() */
long
sys_renameat2(const long a[6])
{
    return sys_renameat(a);
}
