/**
 * @file
 * @ingroup fs
 * @brief open: find or create the file, check the flags, make a struct file.
 *
 * vfs_open() is the whole of open(2) below the system call: with O_CREAT
 * it walks to the directory and looks the last name up itself (so that it
 * can create it: mode & ~umask, owned by the caller), otherwise it walks
 * the whole path. open_dentry() then checks what the flags ask against
 * what was found (O_DIRECTORY, O_NOFOLLOW, a directory for writing, the
 * permission bits), truncates with O_TRUNC, and makes the file. What kind
 * of file it is decides its operations:
 *
 * - a regular file, directory or symlink: the inode's (its file system's);
 * - a character device: chrdev_open() finds the driver by device number;
 * - a FIFO: fifo_open() joins (or makes) the inode's pipe, and may sleep
 *   until the other end is opened, so it runs without vfs_lock;
 * - a block device or socket: -ENXIO (none exist here).
 *
 * Locking: vfs_lock while the tree is walked and changed.
 */
#include "fs/file.h"
#include "kernel/proc.h"
#include "uapi/errno.h"

/**
 * @brief May the file system of @p d be changed (not mounted read-only)?
 * @param d a dentry
 * @return true if it may
 */
bool
vfs_writable(const struct dentry *d)
{
    return !(d->sb->flags & MS_RDONLY);
}

/* The access the open flags need: R_OK, W_OK or both. */
static int
open_mask(unsigned flags)
{
    switch (flags & O_ACCMODE) {
    case O_RDONLY:
        return (flags & O_TRUNC) ? R_OK | W_OK : R_OK;
    case O_WRONLY:
        return W_OK;
    default:
        return R_OK | W_OK;
    }
}

/* Check @p flags against the inode found; 0 or -errno. */
static int
open_check(struct dentry *d, unsigned flags, bool created)
{
    struct inode *n = d->inode;
    bool writing = open_mask(flags) & W_OK;
    if (S_ISTYPE(n->mode, S_IFLNK))
        return -ELOOP; // O_NOFOLLOW on a link
    if ((flags & O_DIRECTORY) && !S_ISTYPE(n->mode, S_IFDIR))
        return -ENOTDIR;
    if (S_ISTYPE(n->mode, S_IFDIR) && writing)
        return -EISDIR;
    if (created)
        return 0; // the creator may open its new file whatever the mode
    int err = inode_permission(n, open_mask(flags));
    if (err == 0 && writing && S_ISTYPE(n->mode, S_IFREG) && !vfs_writable(d))
        err = -EROFS;
    return err;
}

/* An O_PATH descriptor's reads and writes: it opened nothing. */
static long
path_rw(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)buf, (void)n, (void)pos;
    return -EBADF;
}

/** O_PATH: a handle for the *at() calls, fstat, fchdir; no I/O. */
static const struct file_ops path_ops = {.read = path_rw, .write = path_rw};

/* O_PATH: a file on @p d that opens nothing (no permission needed, a
 * FIFO or device is not opened, a link may be the result). */
static int
open_path(struct dentry *d, unsigned flags, struct file **out)
{
    if ((flags & O_DIRECTORY) && !S_ISTYPE(d->inode->mode, S_IFDIR))
        return -ENOTDIR;
    struct file *f = file_alloc(d->inode, &path_ops, O_RDONLY);
    if (f == NULL)
        return -ENOMEM;
    dentry_get(d);
    f->dentry = d;
    __atomic_add_fetch(&d->sb->users, 1, __ATOMIC_SEQ_CST);
    *out = f;
    return 0;
}

/* Make the struct file for @p d (its type's operations); see above. */
static int
open_dentry(struct dentry *d, unsigned flags, bool created, struct file **out)
{
    if (flags & O_PATH)
        return open_path(d, flags, out);
    int err = open_check(d, flags, created);
    struct inode *n = d->inode;
    if (err == 0 && (flags & O_TRUNC) && S_ISTYPE(n->mode, S_IFREG) &&
        (flags & O_ACCMODE) != O_RDONLY)
        err = vfs_truncate(d, 0);
    if (err < 0)
        return err;
    struct file *f = file_alloc(n, n->fops, flags);
    if (f == NULL)
        return -ENOMEM;
    dentry_get(d);
    f->dentry = d;
    __atomic_add_fetch(&d->sb->users, 1, __ATOMIC_SEQ_CST);
    switch (n->mode & S_IFMT) {
    case S_IFCHR:
        err = chrdev_open(n->rdev, f);
        break;
    case S_IFIFO:
        err = fifo_open(&n->fifo, f);
        break;
    case S_IFBLK:
    case S_IFSOCK:
        err = -ENXIO;
        break;
    default:
        err = f->ops == NULL         ? -ENXIO
              : f->ops->open != NULL ? f->ops->open(f)
                                     : 0;
    }
    if (err < 0) {
        f->ops = NULL; // nothing to release: the open did not happen
        file_put(f);
        return err;
    }
    *out = f;
    return 0;
}

/**
 * @brief Open the file @p d names (a walk's result).
 * @param d     the dentry (the file takes its own reference)
 * @param flags open()'s flags
 * @param out   the new file
 * @return 0; -ELOOP (a symlink); -ENOTDIR; -EISDIR; -EACCES; -EROFS;
 *         -ENXIO (no such device); -ENOMEM; a driver's errors
 */
int
vfs_open_dentry(struct dentry *d, unsigned flags, struct file **out)
{
    return open_dentry(d, flags, false, out);
}

/*
 * O_CREAT's lookup: the last name of @p path in its directory, made as a
 * regular file of @p mode if it is missing (*@p created then). The
 * result is referenced. @pre vfs_lock held
 */
static int
lookup_create(int dirfd, const char *path, unsigned flags, uint32_t mode,
              struct dentry **out, bool *created)
{
    struct dentry *dir;
    const char *name;
    size_t len;
    int err = path_parent_at(dirfd, path, &dir, &name, &len);
    if (err < 0)
        return err;
    bool dots = (len == 1 && name[0] == '.') ||
                (len == 2 && name[0] == '.' && name[1] == '.');
    struct dentry *d = dots ? NULL : dcache_lookup(dir, name, len);
    if (d != NULL && (flags & O_EXCL)) {
        dentry_put(dir);
        return -EEXIST; // even a link: O_EXCL never follows
    }
    if (d == NULL && !dots && name[len] == '/') {
        dentry_put(dir);
        return -EISDIR; // "new/": only a directory could be meant
    }
    if (dots || name[len] == '/' ||
        (d != NULL && (d->mounted || S_ISTYPE(d->inode->mode, S_IFLNK)))) {
        // not a plain name: the ordinary walk decides (EISDIR, links)
        dentry_put(dir);
        int look = (flags & O_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
        err = path_lookup_locked(dirfd, path, look, out);
        if (err == 0 && (flags & O_EXCL)) {
            dentry_put(*out);
            err = -EEXIST;
        }
        return err == 0 && S_ISTYPE((*out)->inode->mode, S_IFDIR)
                   ? (dentry_put(*out), -EISDIR)
                   : err;
    }
    if (d != NULL) {
        dentry_put(dir);
        if (flags & O_EXCL)
            return -EEXIST;
        dentry_get(d);
        *out = d;
        return 0;
    }
    err = vfs_create_locked(dir, name, len, S_IFREG | (mode & 07777), 0, out);
    dentry_put(dir);
    *created = err == 0;
    return err;
}

/**
 * @brief open(2) and openat(2) below the system call.
 * @param dirfd AT_FDCWD or a directory's descriptor
 * @param path  the path (kernel memory)
 * @param flags open's flags (O_TMPFILE is refused by the caller)
 * @param mode  with O_CREAT: the new file's permission bits (umask
 *              applies)
 * @param out   the new file (one reference)
 * @return 0; -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES, -EEXIST,
 *         -EISDIR, -EROFS, -ENOSPC, -ENXIO, -ENOMEM, -EBADF
 */
int
vfs_open(int dirfd, const char *path, unsigned flags, uint32_t mode,
         struct file **out)
{
    struct dentry *d;
    bool created = false;
    mutex_lock(&vfs_lock);
    int err;
    if (flags & O_CREAT)
        err = lookup_create(dirfd, path, flags, mode, &d, &created);
    else
        err = path_lookup_locked(
            dirfd, path, (flags & O_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0, &d);
    mutex_unlock(&vfs_lock);
    if (err < 0)
        return err;
    err = open_dentry(d, flags, created, out); // may sleep (a FIFO)
    dentry_put(d);
    return err;
}
