/**
 * @file
 * @ingroup fs
 * @brief devpts: /dev/pts/N for every pseudo-terminal pair.
 *
 * Opening /dev/ptmx makes a new pty pair (kernel/tty/pty.c); its slave
 * needs a name that another program (the shell a terminal emulator
 * starts, the login session of an ssh server) can open. Linux gives it
 * one in a small file system of its own (fs/devpts/inode.c), mounted on
 * /dev/pts: node N, a character device (136, N), exists exactly while
 * pair N does, owned by the user that opened /dev/ptmx, mode 0620 (the
 * owner reads and writes, the group may write: `write` and `wall`).
 * Beside them is `ptmx` (5, 2), a second way to make a pair.
 *
 * Keel's devpts is a tmpfs instance, like devtmpfs: the pty code calls
 * devpts_add() and devpts_remove(), which make and remove the node in the
 * mounted instance; chown, chmod and stat are tmpfs's, so a stat of
 * /dev/pts/N and an fstat of an open slave agree, as ttyname() checks.
 * The pairs that exist are remembered here too, so that a devpts mounted
 * later shows them.
 *
 * Locking: nodes change under vfs_lock (taken here unless the caller
 * holds it); the table of pairs under devpts_lock.
 */
#include "fs/devpts.h"
#include "fs/chrdev.h"
#include "fs/tmpfs.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** Who owns each pair's slave: what a new mount shows. */
static struct {
    bool live;    /**< the pair exists */
    uint32_t uid; /**< its slave's owner */
    uint32_t gid; /**< and group */
} devpts_pairs[DEVPTS_MAX];
/** Guards devpts_pairs and devpts_sb. */
static struct spinlock devpts_lock = SPINLOCK_INIT("devpts");
/** The devpts instance mounted last: where nodes are made. */
static struct super_block *devpts_sb;

/* Make node @p name (rdev @p rdev, @p mode, owner) in @p root, unless it
 * exists. @pre vfs_lock held */
static void
make_node(struct dentry *root, const char *name, uint32_t mode, uint64_t rdev,
          uint32_t uid, uint32_t gid)
{
    size_t len = strlen(name);
    if (dcache_lookup(root, name, len) != NULL)
        return;
    struct dentry *d = dentry_alloc(root, name, len);
    if (d == NULL)
        return;
    int err = root->inode->iops->mknod(root->inode, d, S_IFCHR | mode, rdev);
    if (err < 0) {
        pr_warn("devpts: cannot make %s: error %d\n", name, err);
    } else {
        d->inode->uid = uid;
        d->inode->gid = gid;
    }
    dentry_put(d);
}

/* The instance nodes go to (NULL: none mounted). */
static struct super_block *
mounted_sb(void)
{
    irqflags_t flags = spin_lock_irqsave(&devpts_lock);
    struct super_block *sb = devpts_sb;
    spin_unlock_irqrestore(&devpts_lock, flags);
    return sb != NULL && sb->mnt != NULL ? sb : NULL;
}

/* Run @p fn under vfs_lock, whether or not the caller holds it. */
static void
lock_vfs(bool *taken)
{
    *taken = !mutex_held(&vfs_lock);
    if (*taken)
        mutex_lock(&vfs_lock);
}

static void
unlock_vfs(bool taken)
{
    if (taken)
        mutex_unlock(&vfs_lock);
}

/* The name of slave @p index: its number in decimal. */
static void
slave_name(unsigned index, char name[12])
{
    char rev[12];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + index % 10);
        index /= 10;
    } while (index > 0);
    for (size_t i = 0; i < n; i++)
        name[i] = rev[n - 1 - i];
    name[n] = 0;
}

/**
 * @brief Pair @p index exists now: show its slave as /dev/pts/@p index.
 * @param index the pair's number
 * @param uid   the slave's owner (who opened /dev/ptmx)
 * @param gid   its group
 */
void
devpts_add(unsigned index, uint32_t uid, uint32_t gid)
{
    if (index >= DEVPTS_MAX)
        return;
    irqflags_t flags = spin_lock_irqsave(&devpts_lock);
    devpts_pairs[index].live = true;
    devpts_pairs[index].uid = uid;
    devpts_pairs[index].gid = gid;
    spin_unlock_irqrestore(&devpts_lock, flags);
    bool taken;
    lock_vfs(&taken);
    struct super_block *sb = mounted_sb();
    char name[12];
    slave_name(index, name);
    if (sb != NULL)
        make_node(sb->root, name, 0620, MKDEV(DEVPTS_SLAVE_MAJOR, index), uid,
                  gid);
    unlock_vfs(taken);
}

/**
 * @brief Pair @p index is going: its name disappears.
 *
 * A slave still open stays usable (hung up); only the name goes.
 * @param index the pair's number
 */
void
devpts_remove(unsigned index)
{
    if (index >= DEVPTS_MAX)
        return;
    irqflags_t flags = spin_lock_irqsave(&devpts_lock);
    devpts_pairs[index].live = false;
    spin_unlock_irqrestore(&devpts_lock, flags);
    bool taken;
    lock_vfs(&taken);
    struct super_block *sb = mounted_sb();
    char name[12];
    slave_name(index, name);
    struct dentry *d =
        sb != NULL ? dcache_lookup(sb->root, name, strlen(name)) : NULL;
    if (d != NULL) {
        dentry_get(d);
        d->inode->nlink--;
        dcache_remove(d);
        dentry_put(d);
    }
    unlock_vfs(taken);
}

/** tmpfs's own super block operations, which devpts's wrap. */
static const struct super_ops *tmpfs_sops;

static void
devpts_statfs(struct super_block *sb, struct statfs *st)
{
    tmpfs_sops->statfs(sb, st);
}

/* Unmounted for good: forget the instance before tmpfs frees it. */
static void
devpts_kill(struct super_block *sb)
{
    irqflags_t flags = spin_lock_irqsave(&devpts_lock);
    if (devpts_sb == sb)
        devpts_sb = NULL;
    spin_unlock_irqrestore(&devpts_lock, flags);
    tmpfs_sops->kill(sb);
}

/** A tmpfs's operations, but the instance is forgotten when it dies. */
static const struct super_ops devpts_sops = {
    .statfs = devpts_statfs,
    .kill = devpts_kill,
};

static int devpts_mount(const char *source, unsigned long flags,
                        const char *data, struct super_block **out);

/** The file system type "devpts". */
FS_TYPE(devpts_type) = {.name = "devpts", .nodev = true, .mount = devpts_mount};

/* mount(2) of "devpts": a tmpfs with ptmx and the slaves that exist. The
 * options Linux takes (gid=5, mode=620, ptmxmode=666) are accepted and
 * ignored. @pre vfs_lock held (mount(2)) */
static int
devpts_mount(const char *source, unsigned long flags, const char *data,
             struct super_block **out)
{
    (void)data;
    int err = tmpfs_type.mount(source, flags, "mode=0755", out);
    if (err < 0)
        return err;
    struct super_block *sb = *out;
    sb->type = &devpts_type;
    sb->magic = 0x1cd1; // DEVPTS_SUPER_MAGIC
    tmpfs_sops = sb->ops;
    sb->ops = &devpts_sops;
    make_node(sb->root, "ptmx", 0, MKDEV(5, 2), 0, 0);
    for (unsigned i = 0; i < DEVPTS_MAX; i++) {
        irqflags_t f = spin_lock_irqsave(&devpts_lock);
        bool live = devpts_pairs[i].live;
        uint32_t uid = devpts_pairs[i].uid, gid = devpts_pairs[i].gid;
        spin_unlock_irqrestore(&devpts_lock, f);
        char name[12];
        slave_name(i, name);
        if (live)
            make_node(sb->root, name, 0620, MKDEV(DEVPTS_SLAVE_MAJOR, i), uid,
                      gid);
    }
    irqflags_t f = spin_lock_irqsave(&devpts_lock);
    devpts_sb = sb;
    spin_unlock_irqrestore(&devpts_lock, f);
    return 0;
}
