/**
 * @file
 * @ingroup fs
 * @brief tmpfs: a file system that lives in memory; its super block,
 *        directories, symbolic links and special files.
 *
 * tmpfs keeps nothing anywhere but in the kernel's own objects: a
 * directory's entries are its dentries in the dcache, a symbolic link's
 * target a kmalloc'd string, a regular file's bytes a table of pages
 * (fs/tmpfs/file.c). Device files, FIFOs and sockets are bare inodes:
 * opening one goes to the driver, the pipe or nowhere (fs/open.c).
 *
 * Each instance has a size limit, in pages of file data: half of the
 * memory by default, as Linux, or `-o size=` (bytes, with k, m, g or a
 * `%` of memory; 0 means no limit, as on Linux). A write that would pass it fails with -ENOSPC, and the
 * kernel goes on: the limit is there so that a runaway `cat /dev/zero >
 * /tmp/x` cannot eat the memory the kernel needs.
 *
 * The root file system is a tmpfs (vfs_init()); /dev is one too, filled
 * by the devfs. Inode numbers count from 1 (the root) in each instance.
 *
 * Locking: vfs_lock, held by the VFS around every operation here.
 */
#include "fs/tmpfs.h"
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* read() of a directory. */
static long
dir_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)buf, (void)n, (void)pos;
    return -EISDIR;
}

/* lseek in a directory: to a getdents offset. */
static long
dir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence == SEEK_CUR)
        off += (int64_t)f->pos;
    else if (whence != SEEK_SET)
        return -EINVAL;
    if (off < 0)
        return -EINVAL;
    f->pos = (uint64_t)off;
    return off;
}

/** Directories of tmpfs: their entries are their dentries. */
static const struct file_ops tmpfs_dir_fops = {
    .read = dir_read,
    .lseek = dir_lseek,
    .getdents = dcache_getdents,
};

/* readlink: the kmalloc'd target. */
static long
link_readlink(struct dentry *d, char *buf, size_t size)
{
    struct inode *n = d->inode;
    size_t len = MIN(n->size, size);
    memcpy(buf, n->priv, len);
    return (long)len;
}

/**
 * @brief Count inode @p n gone; the last of an unmounted instance frees
 *        the instance (its super block) too.
 * @param n the inode being evicted
 */
void
tmpfs_inode_gone(struct inode *n)
{
    struct super_block *sb = n->sb;
    struct tmpfs_sb *ts = sb->priv;
    if (__atomic_sub_fetch(&ts->inodes, 1, __ATOMIC_SEQ_CST) == 0 &&
        ts->killed) {
        kfree(ts);
        kfree(sb);
    }
}

/* A link or special file goes: its target (if any) and its count. */
static void
node_evict(struct inode *n)
{
    if (S_ISTYPE(n->mode, S_IFLNK))
        kfree(n->priv);
    tmpfs_inode_gone(n);
}

static int tmpfs_mknod(struct inode *dir, struct dentry *d, uint32_t mode,
                       uint64_t rdev);
static int tmpfs_symlink(struct inode *dir, struct dentry *d,
                         const char *target, size_t len);

/** Directories: names are made here, found in the dcache. */
static const struct inode_ops tmpfs_dir_iops = {
    .mknod = tmpfs_mknod,
    .symlink = tmpfs_symlink,
    .evict = node_evict,
};

/** Symbolic links. */
static const struct inode_ops tmpfs_link_iops = {
    .readlink = link_readlink,
    .evict = node_evict,
};

/** Devices, FIFOs, sockets: nothing but the inode. */
static const struct inode_ops tmpfs_node_iops = {
    .evict = node_evict,
};

/**
 * @brief A new inode of tmpfs @p sb, with the operations of its type.
 * @param sb   the tmpfs instance
 * @param mode type and permission bits
 * @param rdev a device file's number
 * @return the inode (one reference), or NULL when memory is out
 */
struct inode *
tmpfs_new_inode(struct super_block *sb, uint32_t mode, uint64_t rdev)
{
    struct inode *n = inode_alloc(sb, mode);
    if (n == NULL)
        return NULL;
    switch (mode & S_IFMT) {
    case S_IFDIR:
        n->iops = &tmpfs_dir_iops;
        n->fops = &tmpfs_dir_fops;
        n->nlink = 2;
        break;
    case S_IFREG:
        n->iops = &tmpfs_file_iops;
        n->fops = &tmpfs_file_fops;
        break;
    case S_IFLNK:
        n->iops = &tmpfs_link_iops;
        break;
    default:
        n->iops = &tmpfs_node_iops;
        n->rdev = rdev;
    }
    __atomic_add_fetch(&((struct tmpfs_sb *)sb->priv)->inodes, 1,
                       __ATOMIC_SEQ_CST);
    return n;
}

/* mknod, mkdir, creat: a new inode for @p d in @p dir. */
static int
tmpfs_mknod(struct inode *dir, struct dentry *d, uint32_t mode, uint64_t rdev)
{
    struct inode *n = tmpfs_new_inode(dir->sb, mode, rdev);
    if (n == NULL)
        return -ENOMEM;
    if (dir->mode & S_ISGID) { // BSD group semantics, asked for
        n->gid = dir->gid;
        if (S_ISTYPE(mode, S_IFDIR))
            n->mode |= S_ISGID;
    }
    if (S_ISTYPE(mode, S_IFDIR))
        dir->nlink++; // the child's ".."
    inode_touch(dir, true, true);
    dcache_add(d, n);
    return 0;
}

/* symlink: an inode holding a copy of @p target. */
static int
tmpfs_symlink(struct inode *dir, struct dentry *d, const char *target,
              size_t len)
{
    char *t = kmalloc(len + 1);
    struct inode *n = t ? tmpfs_new_inode(dir->sb, S_IFLNK | 0777, 0) : NULL;
    if (n == NULL) {
        kfree(t);
        return -ENOMEM;
    }
    memcpy(t, target, len);
    t[len] = 0;
    n->priv = t;
    n->size = len;
    inode_touch(dir, true, true);
    dcache_add(d, n);
    return 0;
}

/* statfs: the size limit and what is used of it. */
static void
tmpfs_statfs(struct super_block *sb, struct statfs *st)
{
    struct tmpfs_sb *ts = sb->priv;
    st->f_blocks = ts->max_pages;
    st->f_bfree = st->f_bavail =
        ts->max_pages > ts->used_pages ? ts->max_pages - ts->used_pages : 0;
    st->f_files = ts->max_pages;
    st->f_ffree = ts->max_pages > ts->inodes ? ts->max_pages - ts->inodes : 0;
}

/* /proc/mounts: ",size=...k,mode=..." */
static void
tmpfs_show_options(struct super_block *sb, char *buf, size_t size)
{
    struct tmpfs_sb *ts = sb->priv;
    snprintf(buf, size, ",size=%luk,mode=%o", ts->max_pages * 4,
             sb->root->inode->mode & 07777);
}

/* Unmounted: drop the tree; the last inode to go frees the instance
 * (a walk may still hold the root for a moment). */
static void
tmpfs_kill(struct super_block *sb)
{
    ((struct tmpfs_sb *)sb->priv)->killed = true;
    dcache_prune(sb->root); // the tree, deepest first
    dentry_put(sb->root);
}

static const struct super_ops tmpfs_sops = {
    .statfs = tmpfs_statfs,
    .show_options = tmpfs_show_options,
    .kill = tmpfs_kill,
};

/* Parse "size=", "mode=", "uid=", "gid=" (others: -EINVAL). */
static int
parse_options(const char *data, struct tmpfs_sb *ts, uint32_t *mode,
              uint32_t *uid, uint32_t *gid)
{
    const char *p = data;
    while (p != NULL && *p != 0) {
        const char *end;
        if (*p == ',') {
            p++;
            continue;
        }
        if (strncmp(p, "size=", 5) == 0) {
            uint64_t v = strtoul(p + 5, &end, 0);
            if (*end == '%')
                v = pmm_total_frames() * PAGE_SIZE / 100 * v, end++;
            else if (*end == 'k' || *end == 'K')
                v <<= 10, end++;
            else if (*end == 'm' || *end == 'M')
                v <<= 20, end++;
            else if (*end == 'g' || *end == 'G')
                v <<= 30, end++;
            ts->max_pages = (v + PAGE_SIZE - 1) / PAGE_SIZE;
        } else if (strncmp(p, "mode=", 5) == 0) {
            *mode = (uint32_t)strtoul(p + 5, &end, 8) & 07777;
        } else if (strncmp(p, "uid=", 4) == 0) {
            *uid = (uint32_t)strtoul(p + 4, &end, 10);
        } else if (strncmp(p, "gid=", 4) == 0) {
            *gid = (uint32_t)strtoul(p + 4, &end, 10);
        } else if (strncmp(p, "nr_inodes=", 10) == 0) {
            strtoul(p + 10, &end, 0); // accepted, not enforced
        } else {
            return -EINVAL;
        }
        if (*end != 0 && *end != ',')
            return -EINVAL;
        p = end;
    }
    return 0;
}

/* mount -t tmpfs: a new, empty instance. */
static int
tmpfs_mount(const char *source, unsigned long flags, const char *data,
            struct super_block **out)
{
    (void)source, (void)flags;
    struct tmpfs_sb *ts = kzalloc(sizeof(*ts));
    struct super_block *sb = sb_alloc(&tmpfs_type, &tmpfs_sops, TMPFS_MAGIC);
    uint32_t mode = 01777, uid = 0, gid = 0;
    int err = ts == NULL || sb == NULL ? -ENOMEM : 0;
    if (err == 0) {
        ts->max_pages = pmm_total_frames() / 2;
        err = parse_options(data, ts, &mode, &uid, &gid);
    }
    struct inode *root = NULL;
    if (err == 0) {
        sb->priv = ts;
        root = tmpfs_new_inode(sb, S_IFDIR | mode, 0);
        if (root == NULL || (sb->root = dentry_root(sb, root)) == NULL)
            err = -ENOMEM;
    }
    if (err < 0) {
        inode_put(root);
        kfree(ts);
        kfree(sb);
        return err;
    }
    root->uid = uid;
    root->gid = gid;
    *out = sb;
    return 0;
}

/** The tmpfs file system type (also the root's and /dev's). */
FS_TYPE(tmpfs_type) = {
    .name = "tmpfs",
    .nodev = true,
    .mount = tmpfs_mount,
};
