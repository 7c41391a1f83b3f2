/**
 * @file
 * @ingroup fs
 * @brief devtmpfs: /dev as a tmpfs that the drivers' devices appear in.
 *
 * Linux's answer to "who makes /dev/null?" (drivers/base/devtmpfs.c) is a
 * tmpfs instance in which the kernel makes a node for every device a
 * driver registers, with the driver's name and mode; with
 * CONFIG_DEVTMPFS_MOUNT it mounts it on /dev at boot. Keel does the same:
 *
 * - devfs_init() (called by the VFS once the root is unpacked) makes
 *   /dev if the initramfs has none and mounts a devtmpfs on it;
 * - the devices registered so far get their nodes at once, the ones
 *   registered later (drivers' init calls run after the root is ready)
 *   when chrdev_register() calls devtmpfs_add();
 * - `mount -t devtmpfs none DIR` works too: a new instance, filled with
 *   every registered device.
 *
 * A devtmpfs is an ordinary tmpfs: its files can be removed, renamed,
 * and new ones made (mknod, mkfifo). Beside the devices it holds the
 * links that systemd makes at boot (src/shared/dev-setup.c, dev_setup()):
 * fd -> /proc/self/fd, and stdin, stdout, stderr -> /proc/self/fd/0, 1, 2;
 * shells use /dev/stdin, and bash's process substitution /dev/fd/N.
 *
 * Locking: nodes are made under vfs_lock (mount(2) holds it already).
 */
#include "fs/chrdev.h"
#include "fs/tmpfs.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** The links a Linux /dev has beside the devices (systemd's dev_setup()). */
static const struct {
    const char *name;
    const char *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"},
};

/** The devtmpfs mounted at boot, which later devices are added to. */
static struct super_block *boot_devtmpfs;

/*
 * Make @p name in directory @p dir (a device node, or a link to @p target)
 * unless the name exists.
 */
static void
add_name(struct dentry *dir, const char *name, uint32_t mode, uint64_t rdev,
         const char *target)
{
    size_t len = strlen(name);
    if (dcache_lookup(dir, name, len) != NULL)
        return;
    struct dentry *d = dentry_alloc(dir, name, len);
    if (d == NULL)
        return;
    const struct inode_ops *ops = dir->inode->iops;
    int err = target != NULL
                  ? ops->symlink(dir->inode, d, target, strlen(target))
                  : ops->mknod(dir->inode, d, mode, rdev);
    if (err < 0)
        pr_warn("devtmpfs: cannot make %s: error %d\n", name, err);
    dentry_put(d);
}

/* Fill the root of a new devtmpfs: every registered device, the links. */
static void
populate(struct dentry *root)
{
    const struct chrdev *dev;
    for (size_t i = 0; (dev = chrdev_at(i)) != NULL; i++)
        if (dev->name != NULL)
            add_name(root, dev->name, S_IFCHR | dev->mode,
                     MKDEV(dev->major, dev->minor), NULL);
    for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
        add_name(root, dev_links[i].name, 0, 0, dev_links[i].target);
}

static int devtmpfs_mount(const char *source, unsigned long flags,
                          const char *data, struct super_block **out);

/** The file system type "devtmpfs". */
FS_TYPE(devtmpfs_type) = {
    .name = "devtmpfs", .nodev = true, .mount = devtmpfs_mount};

/* mount(2) of "devtmpfs": a tmpfs (mode 0755 unless told), then its nodes. */
static int
devtmpfs_mount(const char *source, unsigned long flags, const char *data,
               struct super_block **out)
{
    int err = tmpfs_type.mount(source, flags, data ? data : "mode=0755", out);
    if (err < 0)
        return err;
    (*out)->type = &devtmpfs_type; // what /proc/mounts and df call it
    populate((*out)->root);
    return 0;
}

// [devfs_init]
/**
 * @brief Boot: mount a devtmpfs on /dev, as Linux's CONFIG_DEVTMPFS_MOUNT.
 *
 * Called once by the VFS after the root tmpfs is filled from the
 * initramfs. A /dev that the archive brought is covered by the mount.
 * @pre boot, one thread; vfs_lock not held
 */
void
devfs_init(void)
{
    int err = vfs_mknod(AT_FDCWD, "/dev", S_IFDIR | 0755, 0);
    if (err < 0 && err != -EEXIST)
        pr_warn("devtmpfs: no /dev: error %d\n", err);
    err = vfs_mount_path("devtmpfs", "/dev", "devtmpfs", 0, "mode=0755");
    if (err < 0) {
        pr_warn("devtmpfs: cannot mount /dev: error %d\n", err);
        return;
    }
    struct dentry *dev;
    mutex_lock(&vfs_lock);
    if (path_walk(fs_root(), "/dev", 0, &dev) == 0) {
        boot_devtmpfs = dev->sb;
        dentry_put(dev);
    }
    mutex_unlock(&vfs_lock);
}
// [devfs_init]

/**
 * @brief A device registered after boot's mount: its node in /dev.
 * @param dev the device just added to the table
 * @pre vfs_lock not held
 */
void
devtmpfs_add(const struct chrdev *dev)
{
    if (boot_devtmpfs == NULL || boot_devtmpfs->mnt == NULL)
        return;
    mutex_lock(&vfs_lock);
    add_name(boot_devtmpfs->root, dev->name, S_IFCHR | dev->mode,
             MKDEV(dev->major, dev->minor), NULL);
    mutex_unlock(&vfs_lock);
}
