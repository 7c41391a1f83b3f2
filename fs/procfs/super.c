/**
 * @file
 * @ingroup fs
 * @brief procfs as a file system: mounting it, its links, mounts, filesystems.
 *
 * `mount -t proc proc /proc` finds the type "proc" in the linker set of
 * file system types (FS_TYPE) and calls procfs_mount(): a super block
 * whose root inode is the /proc directory, with nothing in it until a
 * walk asks (inode.c). Any number of instances may be mounted; they all
 * show the same processes.
 *
 * Links are "magic" in Linux: following /proc/[pid]/fd/3 reaches the open
 * file itself, even when its name is gone. procfs_follow() does that for
 * fd/N, which has the file's dentry at hand; the other links are followed
 * by walking their text, from /proc (self: "[pid]") or from the root.
 *
 * The two show functions of the VFS's own tables live here too:
 * /proc/mounts (the mount table, in fstab's columns) and
 * /proc/filesystems (the registered types).
 */
#include "fs/procfs.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* readlink: the link function of the entry (or fd/N) makes the target. */
static long
procfs_readlink(struct dentry *d, char *buf, size_t size)
{
    const struct proc_node *pn = d->inode->priv;
    if (pn->kind == PROC_NODE_FD)
        return proc_link_fd(pn->pid, pn->fd, buf, size);
    return pn->entry->link(pn->pid, -1, buf, size);
}

// [procfs_follow]
/*
 * follow: fd/N leads to the open file's own dentry (even a removed one);
 * the other links walk their text, from /proc ("self" says "42").
 */
static int
procfs_follow(struct dentry *d, struct dentry **out)
{
    const struct proc_node *pn = d->inode->priv;
    if (pn->kind == PROC_NODE_FD) {
        irqflags_t flags = proc_table_lock();
        struct proc *p = proc_find_locked(pn->pid);
        struct file *f = NULL;
        if (p != NULL && p->fs_fdt != NULL && p->fs_fdt->fd[pn->fd] != NULL)
            f = p->fs_fdt->fd[pn->fd];
        struct dentry *to = f != NULL ? f->dentry : NULL;
        if (to != NULL)
            dentry_get(to);
        proc_table_unlock(flags);
        *out = to;
        return to != NULL ? 0 : -ENOENT;
    }
    char *t = kmalloc(PATH_MAX);
    if (t == NULL)
        return -ENOMEM;
    long n = procfs_readlink(d, t, PATH_MAX);
    int err = n < 0 ? (int)n : n >= PATH_MAX ? -ENAMETOOLONG : 0;
    if (err == 0)
        err = path_walk(d->parent, t, 0, out);
    kfree(t);
    return err;
}
// [procfs_follow]

static void
procfs_link_evict(struct inode *n)
{
    kfree(n->priv);
    n->priv = NULL;
}

/** What a procfs link does. */
const struct inode_ops procfs_link_iops = {.readlink = procfs_readlink,
                                           .follow = procfs_follow,
                                           .evict = procfs_link_evict};

static void
procfs_statfs(struct super_block *sb, struct statfs *st)
{
    (void)sb;
    st->f_bsize = PAGE_SIZE;
    st->f_namelen = NAME_MAX;
}

/**
 * @brief Take the names lookups made under @p d out of the tree, deepest
 *        first (an open file keeps its own dentry alive).
 * @param d a procfs directory's dentry
 * @pre vfs_lock held
 */
void
procfs_drop_tree(struct dentry *d)
{
    dcache_prune(d); // a loop, not a recursion: see there
}

/* umount: nothing is stored; drop the cached names and the root. */
static void
procfs_kill(struct super_block *sb)
{
    procfs_drop_tree(sb->root);
    dentry_put(sb->root);
}

static const struct super_ops procfs_super_ops = {.statfs = procfs_statfs,
                                                  .kill = procfs_kill};

static int procfs_mount(const char *source, unsigned long flags,
                        const char *data, struct super_block **out);

/** The file system type "proc". */
FS_TYPE(procfs_type) = {.name = "proc", .nodev = true, .mount = procfs_mount};

/* mount(2) of "proc": a super block whose root is /proc. */
static int
procfs_mount(const char *source, unsigned long flags, const char *data,
             struct super_block **out)
{
    (void)source, (void)flags, (void)data;
    struct super_block *sb =
        sb_alloc(&procfs_type, &procfs_super_ops, PROC_SUPER_MAGIC);
    if (sb == NULL)
        return -ENOMEM;
    struct proc_node root = {.kind = PROC_NODE_ROOT, .fd = -1};
    struct inode *n = procfs_inode(sb, &root, S_IFDIR | 0555);
    sb->root = n != NULL ? dentry_root(sb, n) : NULL;
    if (sb->root == NULL) {
        if (n != NULL)
            inode_put(n);
        kfree(sb);
        return -ENOMEM;
    }
    *out = sb;
    return 0;
}

/* Write @p s escaped as /proc/mounts does: space, tab, newline, \ in octal. */
static void
mounts_escape(struct pbuf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
            pbuf_printf(b, "\\%03o", (unsigned char)*s);
        else
            pbuf_write(b, s, 1);
    }
}

static void
mounts_line(const struct mount_info *m, void *arg)
{
    struct pbuf *b = arg;
    mounts_escape(b, m->source);
    pbuf_write(b, " ", 1);
    mounts_escape(b, m->path);
    pbuf_printf(b, " %s %s 0 0\n", m->type, m->options);
}

/**
 * @brief /proc/mounts: one line per mount, "source path type options 0 0".
 * @param b   the buffer
 * @param pid unused (the mount table is the same for every process)
 */
void
proc_show_mounts(struct pbuf *b, int pid)
{
    (void)pid;
    vfs_mounts_foreach(mounts_line, b);
}

static void
filesystems_line(const struct fs_type *t, void *arg)
{
    pbuf_printf(arg, "%s\t%s\n", t->nodev ? "nodev" : "", t->name);
}

/**
 * @brief /proc/filesystems: the registered types, "nodev" before those
 *        that need no block device.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_filesystems(struct pbuf *b, int pid)
{
    (void)pid;
    fs_types_foreach(filesystems_line, b);
}
