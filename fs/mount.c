/**
 * @file
 * @ingroup fs
 * @brief File system types, the mount table, mount, umount and statfs.
 *
 * A file system type registers itself with FS_TYPE() into a linker set,
 * so mount(2) finds "tmpfs", "proc" or "devtmpfs" by name with no table
 * to edit. Mounting asks the type for a new super block and attaches it
 * to a directory (the mount point): the dentry is marked as covered
 * (dentry::mounted), and the walk steps from it into the mounted root.
 * The mounted root takes the mount point's name and parent
 * (dcache_graft()), so ".." from it leaves the file system the way it
 * came in.
 *
 * The mount table is a list in mount order; /proc/mounts reads it with
 * vfs_mounts_foreach(). Unmounting refuses a file system still in use
 * (open files or working directories in it, or mounts on top of it) with
 * -EBUSY. umount2(MNT_DETACH) takes a busy file system out of the tree
 * at once; its memory is then kept (the lazy part of Linux's lazy
 * unmount, freeing it when the last user leaves, is not done here).
 *
 * Locking: vfs_lock around every change of the table and the tree.
 */
#include "fs/file.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** The linker set of file system types (FS_TYPE()). */
extern const struct fs_type __fs_types_start[], __fs_types_end[];

/** The mount table, oldest first; the root file system is the first. */
static struct list_node mounts = LIST_INIT(mounts);
/** The root mount. */
static struct mount *root_mount;
/** Minor numbers of the unnamed device numbers 0:N super blocks get. */
static uint64_t next_minor = 1;

/**
 * @brief The registered file system type named @p name.
 * @param name "tmpfs", "proc", ...
 * @return the type, or NULL
 */
const struct fs_type *
fs_type_find(const char *name)
{
    // the linker set is one array between two linker-script symbols
    // cppcheck-suppress comparePointers
    for (const struct fs_type *t = __fs_types_start; t < __fs_types_end; t++) {
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

/**
 * @brief Call @p fn for each registered type (/proc/filesystems).
 * @param fn  the callback
 * @param arg passed to it
 */
void
fs_types_foreach(void (*fn)(const struct fs_type *t, void *arg), void *arg)
{
    // cppcheck-suppress comparePointers
    for (const struct fs_type *t = __fs_types_start; t < __fs_types_end; t++)
        fn(t, arg);
}

/**
 * @brief A new super block of @p type with the next unnamed device number.
 * @param type  its file system type
 * @param ops   its operations
 * @param magic statfs's f_type
 * @return the super block (no root yet), or NULL when memory is out
 */
struct super_block *
sb_alloc(const struct fs_type *type, const struct super_ops *ops,
         uint64_t magic)
{
    struct super_block *sb = kzalloc(sizeof(*sb));
    if (sb == NULL)
        return NULL;
    sb->type = type;
    sb->ops = ops;
    sb->magic = magic;
    sb->dev = MKDEV(0, __atomic_fetch_add(&next_minor, 1, __ATOMIC_SEQ_CST));
    return sb;
}

/* Attach @p sb at @p mp (NULL: as the root); the new mount or NULL. */
static struct mount *
attach(struct super_block *sb, struct dentry *mp, const char *source,
       unsigned long flags)
{
    struct mount *m = kzalloc(sizeof(*m));
    size_t len = strlen(source);
    char *src = kmalloc(len + 1);
    if (m == NULL || src == NULL) {
        kfree(m);
        kfree(src);
        return NULL;
    }
    memcpy(src, source, len + 1);
    m->sb = sb;
    m->source = src;
    m->flags = flags;
    m->mountpoint = mp;
    sb->mnt = m;
    sb->flags = flags;
    if (mp != NULL) {
        dentry_get(mp);
        m->parent = mp->sb->mnt;
        mp->mounted = m;
        dcache_graft(sb->root, mp);
    }
    list_push_back(&mounts, &m->link);
    return m;
}

/**
 * @brief Mount a new @p type file system on directory @p target.
 * @param source what mount(2) names as the device ("tmpfs", "none")
 * @param target the mount point (a walked dentry, crossing mounts)
 * @param type   the type's name; NULL (none given) is -EINVAL but for a
 *               remount
 * @param flags  MS_* (MS_REMOUNT changes the flags of the mount at
 *               @p target; MS_BIND and MS_MOVE are not supported;
 *               MS_NOUSER is -EINVAL)
 * @param data   the option string, or NULL
 * @return 0; -ENODEV (unknown type); -ENOTDIR; -EINVAL (bad options,
 *         remount of a non-mount, bind/move, MS_NOUSER, no type); -ENOENT (target removed);
 *         -EPERM (not root); -ENOMEM; -ENOSPC
 */
int
vfs_mount(const char *source, struct dentry *target, const char *type,
          unsigned long flags, const char *data)
{
    if ((flags & MS_MGC_MSK) == 0xc0ed0000)
        flags &= ~MS_MGC_MSK; // the old magic in the high half
    if (flags & MS_NOUSER)
        return -EINVAL; // only the kernel mounts such (Linux's order)
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (flags & (MS_BIND | MS_MOVE))
        return -EINVAL;
    mutex_lock(&vfs_lock);
    int err = 0;
    struct super_block *sb = target->sb;
    if (flags & MS_REMOUNT) {
        if (sb->root != target || sb->mnt == NULL)
            err = -EINVAL;
        else
            sb->flags = sb->mnt->flags = flags & ~MS_REMOUNT;
    } else if (target->dead) {
        err = -ENOENT;
    } else if (!S_ISTYPE(target->inode->mode, S_IFDIR)) {
        err = -ENOTDIR;
    } else {
        const struct fs_type *t = type != NULL ? fs_type_find(type) : NULL;
        err = type == NULL ? -EINVAL // a new mount needs a type
              : t == NULL  ? -ENODEV
                           : t->mount(source, flags, data, &sb);
        if (err == 0 && attach(sb, target, source, flags) == NULL) {
            if (sb->ops != NULL && sb->ops->kill != NULL)
                sb->ops->kill(sb);
            err = -ENOMEM;
        }
    }
    mutex_unlock(&vfs_lock);
    return err;
}

/* Is anything on top of mount @p m? */
static bool
has_submounts(const struct mount *m)
{
    struct list_node *l;
    list_for_each(l, &mounts)
    {
        if (list_entry(l, struct mount, link)->parent == m)
            return true;
    }
    return false;
}

/**
 * @brief Unmount the file system whose root is @p target.
 * @param target the root of a mounted file system (a walk crosses mounts,
 *               so the mount point's path names it)
 * @param flags  MNT_DETACH: take it out even when busy; MNT_FORCE: as 0
 * @return 0; -EINVAL (not a mount point, MNT_EXPIRE, unknown flags);
 *         -EBUSY (in use, or the root); -EPERM (not root)
 */
int
vfs_umount(struct dentry *target, int flags)
{
    if (flags & ~(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    mutex_lock(&vfs_lock);
    struct super_block *sb = target->sb;
    struct mount *m = sb->mnt;
    int err = 0;
    if (sb->root != target || m == NULL)
        err = -EINVAL;
    else if (m == root_mount)
        err = -EBUSY;
    else if (!(flags & MNT_DETACH) && (sb->users > 0 || has_submounts(m)))
        err = -EBUSY;
    if (err == 0) {
        struct dentry *mp = m->mountpoint;
        list_remove(&m->link);
        mp->mounted = NULL;
        dcache_graft(sb->root, NULL);
        sb->mnt = NULL;
        if (sb->users == 0 && !has_submounts(m) && sb->ops != NULL &&
            sb->ops->kill != NULL)
            sb->ops->kill(sb); // else detached: kept, see the file comment
        kfree(m->source);
        kfree(m);
        dentry_put(mp);
    }
    mutex_unlock(&vfs_lock);
    return err;
}

/**
 * @brief mount(2) with a path: walk @p target, then vfs_mount().
 * @param source the source
 * @param target the mount point's path (from the cwd if relative)
 * @param type   the type's name
 * @param flags  MS_*
 * @param data   the options, or NULL
 * @return 0 or as path_lookup_at(), vfs_mount()
 */
int
vfs_mount_path(const char *source, const char *target, const char *type,
               unsigned long flags, const char *data)
{
    struct dentry *d;
    int err = path_lookup_at(AT_FDCWD, target, 0, &d);
    if (err < 0)
        return err;
    err = vfs_mount(source, d, type, flags, data);
    dentry_put(d);
    return err;
}

/**
 * @brief statfs of the file system that @p d is in.
 * @param d  any dentry of it
 * @param st filled in
 * @return 0
 */
int
vfs_statfs(struct dentry *d, struct statfs *st)
{
    struct super_block *sb = d->sb;
    memset(st, 0, sizeof(*st));
    st->f_bsize = st->f_frsize = 4096;
    st->f_namelen = NAME_MAX;
    if (sb->ops != NULL && sb->ops->statfs != NULL)
        sb->ops->statfs(sb, st);
    st->f_type = (int64_t)sb->magic;
    st->f_fsid[0] = (int32_t)sb->dev;
    st->f_flags = 0x20 | (sb->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV |
                                       MS_NOEXEC)); // ST_VALID | ST_*
    return 0;
}

/**
 * @brief The absolute path of @p d, into @p buf (as getcwd builds one).
 * @param d    the dentry
 * @param buf  where to put it, NUL-terminated
 * @param size bytes at buf
 * @return its length without the NUL; -ERANGE if it does not fit
 * @pre vfs_lock held
 */
int
dentry_path(struct dentry *d, char *buf, size_t size)
{
    size_t at = size;
    if (at < 2)
        return -ERANGE;
    buf[--at] = 0;
    for (; d != d->parent; d = d->parent) {
        if (at < d->namelen + 1)
            return -ERANGE;
        at -= d->namelen;
        memcpy(buf + at, d->name, d->namelen);
        buf[--at] = '/';
    }
    if (at == size - 1)
        buf[--at] = '/';
    memmove(buf, buf + at, size - at);
    return (int)(size - at - 1);
}

/**
 * @brief Call @p fn for each mount, in mount order (/proc/mounts, df).
 * @param fn  the callback; the strings live during the call only
 * @param arg passed to it
 */
void
vfs_mounts_foreach(void (*fn)(const struct mount_info *m, void *arg), void *arg)
{
    char *path = kmalloc(PATH_MAX), opts[128];
    if (path == NULL)
        return;
    mutex_lock(&vfs_lock);
    struct list_node *l;
    list_for_each(l, &mounts)
    {
        struct mount *m = list_entry(l, struct mount, link);
        struct super_block *sb = m->sb;
        if (dentry_path(sb->root, path, PATH_MAX) < 0)
            continue;
        strlcpy(opts, (m->flags & MS_RDONLY) ? "ro" : "rw", sizeof(opts));
        if (sb->ops != NULL && sb->ops->show_options != NULL)
            sb->ops->show_options(sb, opts + 2, sizeof(opts) - 2);
        struct mount_info mi = {m->source, path, sb->type->name, opts};
        fn(&mi, arg);
    }
    mutex_unlock(&vfs_lock);
    kfree(path);
}

/**
 * @brief The root directory of the whole tree (built on first use).
 * @return its dentry (never NULL once boot has a root)
 */
struct dentry *
fs_root(void)
{
    if (root_mount == NULL)
        vfs_init();
    return root_mount->sb->root;
}

/**
 * @brief Boot: mount a tmpfs as the root, fill it from the initramfs,
 *        then let the devfs make /dev.
 *
 * Idempotent. Stops the kernel if even an empty root cannot be made.
 * @pre initramfs_init() has run; kmalloc works
 */
void
vfs_init(void)
{
    if (root_mount != NULL)
        return;
    mutex_init(&vfs_lock, "vfs");
    struct super_block *sb;
    if (tmpfs_type.mount("rootfs", 0, "mode=0755", &sb) < 0 ||
        (root_mount = attach(sb, NULL, "rootfs", 0)) == NULL)
        panic("vfs: no memory for the root file system");
    if (tmpfs_fill_from_initramfs(sb->root) < 0)
        pr_err("vfs: out of memory unpacking the initramfs\n");
    devfs_init();
}

/* Boot: the root file system, before the first path is looked up. */
static int
vfs_boot(void)
{
    vfs_init();
    return 0;
}
initcall(core, vfs_boot);
