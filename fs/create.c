/**
 * @file
 * @ingroup fs
 * @brief New names: mknod, mkdir, symlink, link.
 *
 * Every call that adds a name walks to the directory (path_parent_at()),
 * checks that the name is free and that the caller may write in the
 * directory (w and x on it, the file system not read-only, the directory
 * not removed), and lets the file system make the inode
 * (its mknod and symlink operations, struct inode_ops). The new file's mode is the caller's
 * mode minus the process's umask, its owner the caller's effective ids.
 * A hard link needs no file system work at all: it is one more dentry
 * for the same inode, in the same file system (-EXDEV across).
 *
 * Locking: vfs_lock around each call.
 */
#include "fs/file.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* Is [name, name + len) "." or ".."? */
static bool
is_dots(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') ||
           (len == 2 && name[0] == '.' && name[1] == '.');
}

/**
 * @brief May the caller add names to @p dir?
 * @param dir the directory
 * @return 0; -ENOENT (removed); -EACCES (no w or x); -EPERM (a file
 *         system without creation); -EROFS
 */
int
vfs_may_create(struct dentry *dir)
{
    if (dir->dead)
        return -ENOENT;
    int err = inode_permission(dir->inode, W_OK | X_OK);
    if (err < 0)
        return err;
    if (dir->inode->iops == NULL || dir->inode->iops->mknod == NULL)
        return -EPERM; // a file system whose tree is not made by hand
    return vfs_writable(dir) ? 0 : -EROFS;
}

/**
 * @brief Make @p name (@p len bytes) in @p dir: a file of @p mode.
 * @param dir  the directory (walked, referenced by the caller)
 * @param name the name, free in @p dir
 * @param len  its length
 * @param mode type and permission bits (the umask is applied here)
 * @param rdev a device file's number
 * @param out  the new dentry, referenced; NULL: not wanted
 * @return 0; -EEXIST; -ENOENT (the directory was removed); -EACCES;
 *         -EROFS; -EPERM (a file system without creation); -ENOSPC;
 *         -ENOMEM
 * @pre vfs_lock held
 */
int
vfs_create_locked(struct dentry *dir, const char *name, size_t len,
                  uint32_t mode, uint64_t rdev, struct dentry **out)
{
    if (is_dots(name, len) || dcache_lookup(dir, name, len) != NULL)
        return -EEXIST;
    int err = vfs_may_create(dir);
    if (err < 0)
        return err;
    struct proc *p = proc_current();
    uint32_t umask = p != NULL ? p->fs_umask : 0; // boot: none
    mode = (mode & S_IFMT) | (mode & 07777 & ~umask);
    struct dentry *d = dentry_alloc(dir, name, len);
    if (d == NULL)
        return -ENOMEM;
    err = dir->inode->iops->mknod(dir->inode, d, mode, rdev);
    if (err == 0 && out != NULL)
        *out = d;
    else
        dentry_put(d);
    return err;
}

/**
 * @brief mknod(2), mkdir(2): make a file of @p mode at (dirfd, path).
 * @param dirfd AT_FDCWD or a directory's descriptor
 * @param path  where
 * @param mode  S_IFREG (or 0), S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK,
 *              S_IFDIR, with permission bits
 * @param rdev  a device file's number
 * @return 0; -EEXIST; -ENOENT; -ENOTDIR; -EACCES; -EROFS; -ENOSPC;
 *         -ENAMETOOLONG; -ELOOP; -EPERM (a device, not root); -EINVAL
 *         (another type)
 */
int
vfs_mknod(int dirfd, const char *path, uint32_t mode, uint64_t rdev)
{
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        mode |= type = S_IFREG;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK &&
        type != S_IFIFO && type != S_IFSOCK && type != S_IFDIR)
        return -EINVAL;
    if ((type == S_IFCHR || type == S_IFBLK) && !capable(CAP_MKNOD))
        return -EPERM;
    mutex_lock(&vfs_lock);
    struct dentry *dir;
    const char *name;
    size_t len;
    int err = path_parent_at(dirfd, path, &dir, &name, &len);
    if (err == 0) {
        if (name[len] == '/' && type != S_IFDIR &&
            dcache_lookup(dir, name, len) == NULL)
            err = -ENOENT; // "new/" can only be a directory
        else
            err = vfs_create_locked(dir, name, len, mode, rdev, NULL);
        dentry_put(dir);
    }
    mutex_unlock(&vfs_lock);
    return err;
}

/**
 * @brief symlink(2): a link at (dirfd, path) holding @p target.
 * @param target the text (not checked: a link may dangle)
 * @param dirfd  AT_FDCWD or a directory's descriptor
 * @param path   where
 * @return 0; -ENOENT (empty target, missing directory); -EEXIST; as
 *         vfs_mknod()
 */
int
vfs_symlink(const char *target, int dirfd, const char *path)
{
    size_t tlen = strnlen(target, PATH_MAX);
    if (tlen == 0)
        return -ENOENT;
    mutex_lock(&vfs_lock);
    struct dentry *dir;
    const char *name;
    size_t len;
    int err = path_parent_at(dirfd, path, &dir, &name, &len);
    if (err == 0) {
        struct dentry *d = NULL;
        if (is_dots(name, len) || dcache_lookup(dir, name, len) != NULL)
            err = -EEXIST;
        else if (name[len] == '/')
            err = -ENOENT;
        else if ((err = vfs_may_create(dir)) == 0 &&
                 (d = dentry_alloc(dir, name, len)) == NULL)
            err = -ENOMEM;
        if (d != NULL) {
            err = dir->inode->iops->symlink(dir->inode, d, target, tlen);
            dentry_put(d);
        }
        dentry_put(dir);
    }
    mutex_unlock(&vfs_lock);
    return err;
}

/*
 * Add name [name, name + len) in @p dir for the inode of @p old. Linux's
 * order: the new name first (-EEXIST), then whether a link can cross
 * (-EXDEV), the right to add a name, the kind of file (no directory: a
 * second parent would make the tree a graph), and last a file whose
 * every name is gone (AT_EMPTY_PATH on an unlinked file): -ENOENT, as
 * a name must not bring it back.
 */
static int
add_link(struct dentry *old, struct dentry *dir, const char *name, size_t len)
{
    struct inode *n = old->inode;
    if (is_dots(name, len) || dcache_lookup(dir, name, len) != NULL)
        return -EEXIST;
    if (old->sb != dir->sb)
        return -EXDEV;
    int err = vfs_may_create(dir);
    if (err < 0)
        return err;
    if (S_ISTYPE(n->mode, S_IFDIR))
        return -EPERM;
    if (n->nlink == 0)
        return -ENOENT;
    struct dentry *d = dentry_alloc(dir, name, len);
    if (d == NULL)
        return -ENOMEM;
    inode_get(n);
    n->nlink++;
    inode_touch(n, false, true);
    inode_touch(dir->inode, true, true);
    dcache_add(d, n);
    dentry_put(d);
    return 0;
}

/*
 * linkat's AT_EMPTY_PATH with "": the file open as @p fd (or the working
 * directory for AT_FDCWD), referenced. Linux allows this only to a
 * caller who may open any file anyway (CAP_DAC_READ_SEARCH: root here);
 * to others "" is looked up as a name: -ENOENT. A pipe has no name in
 * any tree that a link could join: -EXDEV. @pre vfs_lock held
 */
static int
empty_path_dentry(int fd, struct dentry **out)
{
    struct proc *p = proc_current();
    if (!capable(CAP_DAC_READ_SEARCH))
        return -ENOENT;
    struct dentry *d = p->fs_cwd;
    if (fd != AT_FDCWD) {
        struct file *f = fd_get(fd);
        if (f == NULL)
            return -EBADF;
        d = f->dentry;
        file_put(f); // the descriptor keeps it; vfs_lock keeps the tree
    }
    if (d == NULL)
        return -EXDEV;
    dentry_get(d);
    *out = d;
    return 0;
}

/**
 * @brief link(2), linkat(2): a second name for the file at @p old.
 * @param olddirfd where @p old starts
 * @param old      the existing file (a last link is not followed)
 * @param newdirfd where @p path starts
 * @param path     the new name
 * @param flags    AT_SYMLINK_FOLLOW: follow a last link of @p old;
 *                 AT_EMPTY_PATH: "" as @p old is the file of olddirfd
 * @return 0; -EEXIST; -ENOENT (also: a file with no name left); -EPERM
 *         (a directory); -EXDEV (another file system, a pipe); -EACCES;
 *         -EROFS; -ENOTDIR; -ELOOP; -EINVAL; -EBADF
 */
int
vfs_link(int olddirfd, const char *old, int newdirfd, const char *path,
         int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    mutex_lock(&vfs_lock);
    struct dentry *src, *dir;
    const char *name;
    size_t len;
    int look = (flags & AT_SYMLINK_FOLLOW) ? 0 : LOOKUP_NOFOLLOW;
    int err = (flags & AT_EMPTY_PATH) && old[0] == '\0'
                  ? empty_path_dentry(olddirfd, &src)
                  : path_lookup_locked(olddirfd, old, look, &src);
    if (err == 0) {
        err = path_parent_at(newdirfd, path, &dir, &name, &len);
        if (err == 0) {
            err = name[len] == '/' ? -ENOENT : add_link(src, dir, name, len);
            if (err == -EEXIST || (err == -ENOENT && name[len] == '/'))
                err = dcache_lookup(dir, name, len) ? -EEXIST : err;
            dentry_put(dir);
        }
        dentry_put(src);
    }
    mutex_unlock(&vfs_lock);
    return err;
}
