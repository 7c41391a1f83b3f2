/**
 * @file
 * @ingroup fs
 * @brief Names going away or moving: unlink, rmdir, rename.
 *
 * Removing a name takes its dentry out of the tree (dcache_remove()) and
 * one link off the inode. The inode and its bytes live on while anyone
 * holds the dentry: a program may keep reading a file it has open after
 * `rm`, and a shell may sit in a directory that `rmdir` removed (it is
 * dead: nothing can be created or found in it). Directories must be
 * empty (-ENOTEMPTY) and not the root of a mounted file system, nor a
 * mount point (-EBUSY).
 *
 * rename moves the dentry (dcache_move()): the inode, its number and its
 * open files stay. A target that exists is removed first, in the same
 * call, so no one sees the name missing in between; a directory cannot
 * move into itself (-EINVAL), and nothing moves across file systems
 * (-EXDEV: mv then copies).
 *
 * The sticky bit on a directory (/tmp) limits removal to the owner of
 * the file or of the directory, as on Linux.
 *
 * Locking: vfs_lock around each call.
 */
#include "fs/file.h"
#include "kernel/proc.h"
#include "uapi/errno.h"

/* Is [name, name + len) "." or ".."? */
static bool
is_dot_name(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') ||
           (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Is @p path "/" (or "//", ...): the root itself? */
static bool
only_slashes(const char *path)
{
    while (*path == '/')
        path++;
    return *path == '\0';
}

/* May the caller remove @p d from @p dir (write, sticky bit)? */
static int
may_delete(struct dentry *dir, struct dentry *d)
{
    if (dir->dead)
        return -ENOENT;
    int err = inode_permission(dir->inode, W_OK | X_OK);
    if (err < 0)
        return err;
    uint32_t euid = proc_current()->cred.euid;
    if ((dir->inode->mode & S_ISVTX) && euid != d->inode->uid &&
        euid != dir->inode->uid && !capable(CAP_FOWNER))
        return -EPERM;
    if (dir->inode->iops == NULL || dir->inode->iops->mknod == NULL)
        return -EPERM;
    return vfs_writable(dir) ? 0 : -EROFS;
}

/* Can @p d go, as rmdir (@p dir) or unlink wants? Linux's order: the
 * type, then whether something is mounted on it, then emptiness. */
static int
check_type(struct dentry *d, bool dir)
{
    bool is_dir = S_ISTYPE(d->inode->mode, S_IFDIR);
    if (dir && !is_dir)
        return -ENOTDIR;
    if (!dir && is_dir)
        return -EISDIR;
    if (d->mounted != NULL || d == d->sb->root)
        return -EBUSY;
    if (dir && !dentry_is_empty_dir(d))
        return -ENOTEMPTY;
    return 0;
}

/* Take name @p d out of @p dir: one link fewer, times, the tree. */
static void
drop_name(struct dentry *dir, struct dentry *d)
{
    struct inode *n = d->inode;
    if (S_ISTYPE(n->mode, S_IFDIR)) {
        n->nlink = 0; // its "." and its name go together
        dir->inode->nlink--;
    } else {
        n->nlink--;
    }
    inode_touch(n, false, true);
    inode_touch(dir->inode, true, true);
    dcache_remove(d);
}

/**
 * @brief unlink(2), rmdir(2), unlinkat(2).
 * @param dirfd AT_FDCWD or a directory's descriptor
 * @param path  the name to remove (a last link is removed, not followed)
 * @param dir   rmdir (else unlink)
 * @return 0; -ENOENT; -ENOTDIR; -EISDIR (unlink of a directory);
 *         -ENOTEMPTY; -EBUSY (a mount point, a mounted root, "/"); -EINVAL
 *         (rmdir of "."); -EACCES; -EPERM (sticky directory); -EROFS
 */
int
vfs_unlink(int dirfd, const char *path, bool dir)
{
    mutex_lock(&vfs_lock);
    struct dentry *parent, *d;
    const char *name;
    size_t len;
    int err = path_parent_at(dirfd, path, &parent, &name, &len);
    if (err < 0)
        goto out;
    // path_parent_at() names the root "." in itself; Linux tells the two
    // apart: "/" cannot go because it is in use (-EBUSY), "." because a
    // directory cannot remove itself by that name (-EINVAL)
    if (only_slashes(path))
        err = dir ? -EBUSY : -EISDIR;
    else if (len == 1 && name[0] == '.')
        err = dir ? -EINVAL : -EISDIR;
    else if (len == 2 && name[0] == '.' && name[1] == '.')
        err = dir ? -ENOTEMPTY : -EISDIR;
    else if ((d = dcache_lookup(parent, name, len)) == NULL)
        err = -ENOENT;
    if (err == 0 && !dir && name[len] == '/')
        err = S_ISTYPE(d->inode->mode, S_IFDIR) ? -EISDIR : -ENOTDIR;
    if (err == 0 && (err = may_delete(parent, d)) == 0 &&
        (err = check_type(d, dir)) == 0)
        drop_name(parent, d);
    dentry_put(parent);
out:
    mutex_unlock(&vfs_lock);
    return err;
}

/* Is @p d the directory @p anc or inside it? */
static bool
is_under(struct dentry *d, struct dentry *anc)
{
    for (;; d = d->parent) {
        if (d == anc)
            return true;
        if (d == d->parent)
            return false;
    }
}

/*
 * The checks of rename that come after the tree checks (see
 * rename_names()): Linux's vfs_rename() order. Permission to remove the
 * old name, to make (or remove) the new one, the types of the two files,
 * mount points, and last a directory replaced must be empty.
 */
static int
rename_check(struct dentry *odir, struct dentry *src, struct dentry *ndir,
             struct dentry *dst)
{
    bool src_dir = S_ISTYPE(src->inode->mode, S_IFDIR);
    int err = may_delete(odir, src);
    if (err == 0)
        err = dst == NULL ? vfs_may_create(ndir) : may_delete(ndir, dst);
    if (err < 0 || dst == NULL)
        return err == 0 && src->mounted != NULL ? -EBUSY : err;
    bool dst_dir = S_ISTYPE(dst->inode->mode, S_IFDIR);
    if (src_dir && !dst_dir)
        return -ENOTDIR;
    if (!src_dir && dst_dir)
        return -EISDIR;
    if (src->mounted != NULL || dst->mounted != NULL)
        return -EBUSY;
    if (dst_dir && !dentry_is_empty_dir(dst))
        return -ENOTEMPTY;
    return 0;
}

/*
 * The checks of rename on the names and the tree, before any permission:
 * Linux's do_renameat2() order. -EEXIST for RENAME_NOREPLACE comes as
 * soon as the new name is known to exist (even for ".." or ".", which
 * always exist), before the checks that would fail the rename anyway: a
 * caller that asked "only if it is free" hears that it is not. Then the
 * trailing slashes, then the two loops a rename could make: a directory
 * moved into its own subtree (-EINVAL), and a directory replaced by one
 * of its own descendants (the new name is an ancestor of the old one:
 * -ENOTEMPTY, as it is not empty). *@p src, *@p dst: the dentries found.
 */
static int
rename_names(struct dentry *odir, const char *oname, size_t olen,
             struct dentry *ndir, const char *nname, size_t nlen,
             unsigned flags, struct dentry **src, struct dentry **dst)
{
    if (odir->sb != ndir->sb)
        return -EXDEV;
    if (is_dot_name(oname, olen))
        return -EBUSY;
    if (is_dot_name(nname, nlen))
        return (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
    if (!vfs_writable(odir))
        return -EROFS;
    if ((*src = dcache_lookup(odir, oname, olen)) == NULL)
        return -ENOENT;
    *dst = dcache_lookup(ndir, nname, nlen);
    if (*dst != NULL && (flags & RENAME_NOREPLACE))
        return -EEXIST;
    if (!S_ISTYPE((*src)->inode->mode, S_IFDIR) &&
        (oname[olen] == '/' || nname[nlen] == '/'))
        return -ENOTDIR;
    if (odir != ndir && is_under(ndir, *src))
        return -EINVAL; // into itself
    if (odir != ndir && *dst != NULL && is_under(odir, *dst))
        return -ENOTEMPTY; // onto its own ancestor
    return 0;
}

/* Move @p src to [name, name + len) of @p ndir, replacing @p dst. */
static void
do_rename(struct dentry *odir, struct dentry *src, struct dentry *ndir,
          struct dentry *dst, const char *name, size_t len)
{
    if (dst != NULL)
        drop_name(ndir, dst);
    if (S_ISTYPE(src->inode->mode, S_IFDIR) && odir != ndir) {
        odir->inode->nlink--; // its ".." now counts in the new parent
        ndir->inode->nlink++;
    }
    dcache_move(src, ndir, name, len);
    inode_touch(src->inode, false, true);
    inode_touch(odir->inode, true, true);
    inode_touch(ndir->inode, true, true);
}

/**
 * @brief rename(2), renameat(2), renameat2(2) (RENAME_NOREPLACE).
 * @param olddirfd where @p old starts
 * @param old      the name to move (a last link moves, not its target)
 * @param newdirfd where @p path starts
 * @param path     the new name (replaced if it exists)
 * @param flags    RENAME_NOREPLACE; RENAME_EXCHANGE is not supported
 * @return 0; -ENOENT; -EEXIST (NOREPLACE); -EXDEV; -EINVAL (into itself,
 *         unknown flags); -EBUSY; -EISDIR; -ENOTDIR; -ENOTEMPTY;
 *         -EACCES; -EPERM; -EROFS
 */
int
vfs_rename(int olddirfd, const char *old, int newdirfd, const char *path,
           unsigned flags)
{
    if (flags & ~RENAME_NOREPLACE)
        return -EINVAL;
    mutex_lock(&vfs_lock);
    struct dentry *odir = NULL, *ndir = NULL, *src = NULL, *dst = NULL;
    const char *oname, *nname;
    size_t olen, nlen;
    int err = path_parent_at(olddirfd, old, &odir, &oname, &olen);
    if (err == 0)
        err = path_parent_at(newdirfd, path, &ndir, &nname, &nlen);
    if (err == 0)
        err = rename_names(odir, oname, olen, ndir, nname, nlen, flags, &src,
                           &dst);
    // two names of one file: nothing to do (POSIX), once the names passed
    if (err == 0 && (dst == NULL || dst->inode != src->inode) &&
        (err = rename_check(odir, src, ndir, dst)) == 0)
        do_rename(odir, src, ndir, dst, nname, nlen);
    dentry_put(odir);
    dentry_put(ndir);
    mutex_unlock(&vfs_lock);
    return err;
}
