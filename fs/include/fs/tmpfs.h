/**
 * @file
 * @ingroup fs
 * @brief tmpfs' own declarations, shared by its files (fs/tmpfs/).
 *
 * An instance's limit and use (struct tmpfs_sb), the operations of its
 * regular files, and the inode maker the initramfs unpacker uses too.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include "fs/vfs.h"

/** One tmpfs instance: its size limit and what is used (the counts
 *  change atomically: the last close of an unlinked file frees its pages
 *  without vfs_lock). */
struct tmpfs_sb {
    uint64_t max_pages;  /**< the limit (size=), in pages of file data */
    uint64_t used_pages; /**< pages regular files hold now */
    uint64_t inodes;     /**< inodes that exist */
    bool killed;         /**< unmounted: the last inode frees it all */
};

void tmpfs_inode_gone(struct inode *n);

extern const struct inode_ops tmpfs_file_iops;
extern const struct file_ops tmpfs_file_fops;
struct inode *tmpfs_new_inode(struct super_block *sb, uint32_t mode,
                              uint64_t rdev);
void tmpfs_borrow(struct inode *n, const void *data, size_t size);

#endif /* FS_TMPFS_H */
