/**
 * @file
 * @ingroup fs
 * @brief Changing a file's attributes: size, mode, owner, times; readlink.
 *
 * The rules are Linux's (chmod(2), chown(2), utimensat(2)):
 *
 * - chmod: the owner or root; a non-root caller outside the file's group
 *   loses the set-group-id bit;
 * - chown: only root gives a file away; the owner may change the group
 *   to one of its own groups; a change of owner or group by someone other
 *   than root clears set-user-id and set-group-id, as does any chown of a
 *   file that can be executed;
 * - utimensat: setting both times to "now" needs write permission (or
 *   ownership); setting other values needs ownership; UTIME_OMIT leaves a
 *   time as it is. Every change also sets ctime.
 *
 * atime is not updated by reads (as with Linux's `noatime`): only
 * utimensat changes it.
 *
 * Locking: vfs_lock around each change.
 */
#include "fs/file.h"
#include "kernel/clock.h"
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "uapi/errno.h"

/**
 * @brief Set the size of the regular file @p d names (truncate, O_TRUNC).
 * @param d    the file's dentry (permission checked by the caller)
 * @param size the new size
 * @return 0; -EINVAL (negative, not a regular file); -EISDIR; -EROFS;
 *         -EFBIG (too large); -ENOSPC; -EPERM (its file system cannot)
 */
int
vfs_truncate(struct dentry *d, int64_t size)
{
    struct inode *n = d->inode;
    if (size < 0)
        return -EINVAL;
    if (S_ISTYPE(n->mode, S_IFDIR))
        return -EISDIR;
    if (!S_ISTYPE(n->mode, S_IFREG))
        return -EINVAL;
    if (!vfs_writable(d))
        return -EROFS;
    if (n->iops == NULL || n->iops->truncate == NULL)
        return -EPERM;
    mutex_lock(&vfs_lock);
    int err = n->iops->truncate(n, (uint64_t)size);
    if (err == 0)
        inode_touch(n, true, true);
    mutex_unlock(&vfs_lock);
    return err;
}

/**
 * @brief chmod: set the permission bits of @p d's inode.
 * @param d    the dentry
 * @param mode the new bits (07777 of it are used)
 * @return 0; -EPERM (not the owner, not root); -EROFS
 */
int
vfs_chmod(struct dentry *d, uint32_t mode)
{
    struct inode *n = d->inode;
    if (!inode_owner_or_root(n))
        return -EPERM;
    if (!vfs_writable(d))
        return -EROFS;
    mutex_lock(&vfs_lock);
    const struct cred *c = &proc_current()->cred;
    mode &= 07777;
    if (!capable(CAP_FSETID) && c->egid != n->gid) {
        bool member = false;
        for (uint32_t i = 0; i < c->ngroups; i++)
            member |= c->groups[i] == n->gid;
        if (!member)
            mode &= ~(uint32_t)S_ISGID;
    }
    n->mode = (n->mode & S_IFMT) | mode;
    inode_touch(n, false, true);
    mutex_unlock(&vfs_lock);
    return 0;
}

/* May the caller give @p n the owner @p uid and group @p gid (-1: keep)? */
static int
may_chown(const struct inode *n, uint32_t uid, uint32_t gid)
{
    const struct cred *c = &proc_current()->cred;
    if (capable(CAP_CHOWN))
        return 0;
    if (uid != (uint32_t)-1 && uid != n->uid)
        return -EPERM;
    if (gid == (uint32_t)-1 || gid == n->gid)
        return c->euid == n->uid ? 0 : -EPERM;
    if (c->euid != n->uid)
        return -EPERM;
    if (gid == c->egid)
        return 0;
    for (uint32_t i = 0; i < c->ngroups; i++) {
        if (c->groups[i] == gid)
            return 0;
    }
    return -EPERM;
}

/**
 * @brief chown: set owner and/or group of @p d's inode.
 * @param d   the dentry
 * @param uid the new owner, or (uint32_t)-1 to keep it
 * @param gid the new group, or (uint32_t)-1 to keep it
 * @return 0; -EPERM; -EROFS
 */
int
vfs_chown(struct dentry *d, uint32_t uid, uint32_t gid)
{
    struct inode *n = d->inode;
    int err = may_chown(n, uid, gid);
    if (err < 0)
        return err;
    if (!vfs_writable(d))
        return -EROFS;
    mutex_lock(&vfs_lock);
    if (uid != (uint32_t)-1)
        n->uid = uid;
    if (gid != (uint32_t)-1)
        n->gid = gid;
    // a file that changes hands must not keep running as its old owner
    if (!S_ISTYPE(n->mode, S_IFDIR) &&
        (proc_current()->cred.euid != 0 || (n->mode & 0111)))
        n->mode &= ~(uint32_t)(S_ISUID | ((n->mode & 010) ? S_ISGID : 0));
    inode_touch(n, false, true);
    mutex_unlock(&vfs_lock);
    return 0;
}

/* One of utimensat's two times: now, kept, or the value given. */
static void
set_time(struct timespec *t, const struct timespec *want,
         const struct timespec *now)
{
    if (want->tv_nsec == UTIME_OMIT)
        return;
    *t = want->tv_nsec == UTIME_NOW ? *now : *want;
}

/**
 * @brief utimensat: set the access and modification times of @p d.
 * @param d     the dentry
 * @param times [atime, mtime] (tv_nsec may be UTIME_NOW or UTIME_OMIT),
 *              or NULL for both now
 * @return 0; -EINVAL (a bad tv_nsec); -EPERM (explicit times, not the
 *         owner); -EACCES (now, neither owner nor writer); -EROFS
 */
int
vfs_utimens(struct dentry *d, const struct timespec *times)
{
    static const struct timespec both_now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    struct inode *n = d->inode;
    if (times == NULL)
        times = both_now;
    bool explicit = false;
    for (int i = 0; i < 2; i++) {
        long ns = times[i].tv_nsec;
        if (ns != UTIME_NOW && ns != UTIME_OMIT && (ns < 0 || ns > 999999999))
            return -EINVAL;
        explicit |= ns != UTIME_NOW && ns != UTIME_OMIT;
    }
    if (times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
        return 0;
    if (!inode_owner_or_root(n)) {
        if (explicit)
            return -EPERM;
        if (inode_permission(n, W_OK) < 0)
            return -EACCES;
    }
    if (!vfs_writable(d))
        return -EROFS;
    struct timespec now;
    clock_read(CLOCK_REALTIME, &now);
    mutex_lock(&vfs_lock);
    set_time(&n->atime, &times[0], &now);
    set_time(&n->mtime, &times[1], &now);
    n->ctime = now;
    mutex_unlock(&vfs_lock);
    return 0;
}

/**
 * @brief The target of the symbolic link @p d, into a kernel buffer.
 * @param d    the link's dentry (walked with LOOKUP_NOFOLLOW)
 * @param buf  where to put it (not NUL-terminated)
 * @param size bytes at buf
 * @return the bytes placed; -EINVAL (not a link)
 */
long
vfs_readlink(struct dentry *d, char *buf, size_t size)
{
    struct inode *n = d->inode;
    if (!S_ISTYPE(n->mode, S_IFLNK) || n->iops == NULL ||
        n->iops->readlink == NULL)
        return -EINVAL;
    return n->iops->readlink(d, buf, size);
}
