/**
 * @file
 * @ingroup fs
 * @brief Character devices: the table from a device number to a driver.
 *
 * A character-device inode (S_IFCHR) carries only a device number, its
 * `rdev`: major and minor, as Linux numbers them
 * (Documentation/admin-guide/devices.txt). Opening the inode looks the
 * number up here to find the operations, so a node made by mknod anywhere
 * works as well as the one in /dev. Drivers register their devices from
 * their init calls; devtmpfs (fs/devfs/devtmpfs.c) makes a node in /dev
 * for each registered device.
 */
#ifndef FS_CHRDEV_H
#define FS_CHRDEV_H

#include "fs/file.h"

/** The major part of a Linux device number (the 12-bit form). */
#define DEV_MAJOR(rdev) ((unsigned)(((rdev) >> 8) & 0xfff))
/** The minor part of a Linux device number (the 20-bit form). */
#define DEV_MINOR(rdev) ((unsigned)(((rdev)&0xff) | (((rdev) >> 12) & 0xfff00)))

/** One character device, as its driver describes it. */
struct chrdev {
    unsigned major;              /**< Linux's major number */
    unsigned minor;              /**< Linux's minor number */
    const char *name;            /**< the node's name under /dev (NULL:
                                      none: a pty slave is in /dev/pts) */
    uint32_t mode;               /**< the node's permissions (0666, ...) */
    const struct file_ops *fops; /**< what the open file does */
    /** Extra work at open (may refuse it), or NULL. */
    int (*open)(struct file *f);
};

/** The most devices the table holds. */
#define CHRDEV_MAX 32

int chrdev_register(const struct chrdev *dev);
int chrdev_register_minors(const struct chrdev *dev, unsigned count);
const struct chrdev *chrdev_find(uint64_t rdev);
const struct chrdev *chrdev_at(size_t i);
/* chrdev_open() and devfs_init() are declared in fs/vfs.h: the VFS calls
 * them. */
void devtmpfs_add(const struct chrdev *dev);

#endif /* FS_CHRDEV_H */
