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
#include "kernel/mm.h"
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
    // O_DIRECTORY is part of the walk on Linux (the name must be a
    // directory), so it answers before the open's own checks: -ENOTDIR,
    // not -ELOOP, for O_DIRECTORY | O_NOFOLLOW on a link.
    if ((flags & O_DIRECTORY) && !S_ISTYPE(n->mode, S_IFDIR))
        return -ENOTDIR;
    if (S_ISTYPE(n->mode, S_IFLNK))
        return -ELOOP; // O_NOFOLLOW on a link
    if (S_ISTYPE(n->mode, S_IFDIR) && writing)
        return -EISDIR;
    if (created)
        return 0; // the creator may open its new file whatever the mode
    int err = inode_permission(n, open_mask(flags));
    if (err == 0 && writing && S_ISTYPE(n->mode, S_IFREG) && !vfs_writable(d))
        err = -EROFS;
    return err;
}

/* Make the struct file for @p d (its type's operations); see above. */
static int
open_dentry(struct dentry *d, unsigned flags, bool created, struct file **out)
{
    int err = open_check(d, flags, created);
    struct inode *n = d->inode;
    // O_TRUNC truncates whatever the access mode (O_RDONLY too: Linux
    // then asks for write permission, see open_mask()); a file just made
    // is empty already.
    if (err == 0 && (flags & O_TRUNC) && S_ISTYPE(n->mode, S_IFREG) && !created)
        err = vfs_truncate(d, 0);
    if (err < 0)
        return err;
    // open() on a 64-bit machine always allows large offsets; Linux
    // records it in the flags (F_GETFL), pipe() does not
    struct file *f = file_alloc(n, n->fops, flags | O_LARGEFILE);
    if (f == NULL)
        return file_alloc_error();
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

/**
 * @brief Open the file at the absolute @p path for the kernel itself (the
 *        console that process 1 starts with).
 * @param path  an absolute path
 * @param flags open()'s flags (no O_CREAT)
 * @param out   set to the open file (one reference)
 * @return 0; the walk's errors; vfs_open_dentry()'s errors
 * @pre vfs_lock not held (taken here for the walk)
 */
int
file_open_path(const char *path, unsigned flags, struct file **out)
{
    struct dentry *d;
    mutex_lock(&vfs_lock);
    int err = path_walk(fs_root(), path, 0, &d);
    mutex_unlock(&vfs_lock);
    if (err < 0)
        return err;
    err = vfs_open_dentry(d, flags, out);
    dentry_put(d);
    return err;
}

/* Whether [name, name + len) is "." or "..". */
static bool
is_dot_name(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') ||
           (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Does the file system of directory @p dir make no files by name
 * (procfs)? */
static bool
no_create(const struct dentry *dir)
{
    return dir->inode->iops == NULL || dir->inode->iops->mknod == NULL;
}

/*
 * O_CREAT met the link @p link (in @p *dir) as its last name: go on at
 * the link's target. A magic link (procfs) gives its file at once
 * (*@p out); an ordinary one gives its text (*@p text, kmalloc'ed, for
 * the caller to free once done with *@p name) split into a new *@p dir
 * and last *@p name, to be looked up (and perhaps created) again.
 */
static int
create_follow(struct dentry *link, struct dentry **dir, char **text,
              const char **name, size_t *len, int *links, struct dentry **out)
{
    if (++*links > SYMLINK_MAX)
        return -ELOOP;
    const struct inode_ops *ops = link->inode->iops;
    if (ops->follow != NULL)
        return ops->follow(link, out);
    char *t = kmalloc(PATH_MAX);
    if (t == NULL)
        return -ENOMEM;
    long n = ops->readlink(link, t, PATH_MAX - 1);
    if (n <= 0) {
        kfree(t);
        return n == 0 ? -ENOENT : (int)n;
    }
    t[n] = '\0';
    struct dentry *to;
    int err = path_parent_from(*dir, t, links, &to, name, len);
    kfree(*text);
    *text = t; // *name points into it
    if (err == 0) {
        dentry_put(*dir);
        *dir = to;
    }
    return err;
}

/*
 * O_CREAT's lookup: the last name of @p path, made as a regular file of
 * @p mode if it is missing (*@p created then). Linux's order: a trailing
 * slash is -EISDIR before any lookup (a regular file is all O_CREAT can
 * make, and "name/" can only mean a directory); an existing name is
 * -EEXIST with O_EXCL (which never follows a link, so that a link
 * planted by another user cannot redirect a "create new" open); a link
 * is followed, and a dangling one makes its target; a directory found
 * is -EISDIR. The result is referenced. @pre vfs_lock held
 */
static int
lookup_create(int dirfd, const char *path, unsigned flags, uint32_t mode,
              struct dentry **out, bool *created)
{
    struct dentry *dir = NULL, *d = NULL;
    const char *name;
    size_t len;
    char *text = NULL; // a followed link's target, which name points into
    int links = 0;
    int err = path_parent_at(dirfd, path, &dir, &name, &len);
    while (err == 0 && d == NULL) {
        bool dots = is_dot_name(name, len);
        if ((err = inode_permission(dir->inode, X_OK)) < 0)
            break; // the search right comes first, as for every name
        if (!dots && name[len] == '/') {
            err = -EISDIR;
            break;
        }
        err = path_walk(dir, name, LOOKUP_NOFOLLOW, &d);
        if (err == -ENOENT) { // missing: make it
            err = vfs_create_locked(dir, name, len, S_IFREG | (mode & 07777), 0,
                                    &d);
            if (err == -EPERM && no_create(dir))
                err = -EACCES; // as Linux's open (mkdir there: -EPERM)
            *created = err == 0;
        } else if (err == 0 && (flags & O_EXCL)) {
            err = -EEXIST;
        } else if (err == 0 && S_ISTYPE(d->inode->mode, S_IFLNK) &&
                   !(flags & O_NOFOLLOW)) {
            struct dentry *link = d;
            d = NULL;
            err = create_follow(link, &dir, &text, &name, &len, &links, &d);
            dentry_put(link);
        }
    }
    if (err == 0 && S_ISTYPE(d->inode->mode, S_IFDIR))
        err = -EISDIR; // found, not made: O_CREAT cannot open a directory
    if (err < 0 && d != NULL)
        dentry_put(d);
    if (dir != NULL)
        dentry_put(dir);
    kfree(text);
    if (err == 0)
        *out = d;
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
