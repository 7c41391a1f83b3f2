/**
 * @file
 * @ingroup fs
 * @brief The character-device table: (major, minor) -> operations.
 *
 * Linux keeps a map from device numbers to drivers (fs/char_dev.c,
 * `register_chrdev_region`); Keel's is a small array, because a teaching
 * kernel has a handful of devices. A driver registers each device from its
 * init call (`initcall(driver, ...)`) with a struct chrdev: the number, the
 * node's name and mode under /dev, and the file operations.
 *
 * Opening a character-device inode calls chrdev_open() with the inode's
 * device number: the table gives the operations, or -ENXIO ("no such
 * device or address") when no driver has that number, as Linux answers an
 * open of a node whose driver is absent.
 *
 * Locking: none. Devices register while the kernel boots, on one thread,
 * before the first user program; afterwards the table is only read.
 */
#include "fs/chrdev.h"
#include "kernel/printk.h"
#include "uapi/errno.h"

static const struct chrdev *chrdevs[CHRDEV_MAX];
static size_t chrdev_count;
/** How many minors each device answers, from its own on. */
static unsigned chrdev_minors[CHRDEV_MAX];

/**
 * @brief Add a device to the table.
 * @param dev the device; it must live forever (a static const object)
 * @return 0; -EBUSY when its number is taken; -ENOSPC when the table is full
 * @pre boot, before user programs run (the table takes no lock)
 */
int
chrdev_register(const struct chrdev *dev)
{
    return chrdev_register_minors(dev, 1);
}

/**
 * @brief Add a device that answers @p count minors, from dev->minor on.
 *
 * For devices made at run time, as pty slaves (136, N): one driver, one
 * entry; its open finds which minor in f->inode->rdev. A device without
 * a name gets no node in /dev (devpts names the slaves).
 * @param dev   the device; it must live forever
 * @param count how many minors
 * @return 0; -EBUSY when its first number is taken; -ENOSPC
 * @pre boot, before user programs run (the table takes no lock)
 */
int
chrdev_register_minors(const struct chrdev *dev, unsigned count)
{
    if (chrdev_find(MKDEV(dev->major, dev->minor)) != NULL)
        return -EBUSY;
    if (chrdev_count == CHRDEV_MAX) {
        pr_warn("chrdev: table full, %s left out\n", dev->name);
        return -ENOSPC;
    }
    chrdev_minors[chrdev_count] = count;
    chrdevs[chrdev_count++] = dev;
    if (dev->name != NULL)
        devtmpfs_add(dev); // its node in /dev, if /dev is mounted already
    return 0;
}

/**
 * @brief The device registered with number @p rdev (or a range of minors
 *        holding it).
 * @param rdev a Linux device number (MKDEV(major, minor))
 * @return the device, or NULL when no driver registered that number
 */
const struct chrdev *
chrdev_find(uint64_t rdev)
{
    for (size_t i = 0; i < chrdev_count; i++) {
        const struct chrdev *d = chrdevs[i];
        unsigned n = chrdev_minors[i];
        if (d->major == DEV_MAJOR(rdev) && DEV_MINOR(rdev) >= d->minor &&
            DEV_MINOR(rdev) - d->minor < n)
            return d;
    }
    return NULL;
}

/**
 * @brief The @p i-th registered device, to list them all (devtmpfs).
 * @param i 0, 1, ... in registration order
 * @return the device, or NULL past the last one
 */
const struct chrdev *
chrdev_at(size_t i)
{
    return i < chrdev_count ? chrdevs[i] : NULL;
}

// [chrdev_open]
/**
 * @brief Open character device @p rdev as file @p f.
 *
 * The VFS's open calls this for every character-device inode, wherever
 * it lives: the inode says only which device, this table says what it
 * does.
 * @param rdev the device number of the inode being opened
 * @param f    the new file: the driver's operations are set in f->ops
 * @return 0; -ENXIO when no driver has the number; else what the
 *         device's own open says
 */
int
chrdev_open(uint64_t rdev, struct file *f)
{
    const struct chrdev *d = chrdev_find(rdev);
    if (d == NULL)
        return -ENXIO;
    f->ops = d->fops;
    return d->open != NULL ? d->open(f) : 0;
}
// [chrdev_open]
