/**
 * @file
 * @ingroup fs
 * @brief Anonymous files: open files that no directory holds.
 *
 * signalfd, timerfd and eventfd give a program a descriptor for
 * something that is not a file in any file system. Such a file still
 * needs an inode (fstat reports one) and says what it is in
 * /proc/[pid]/fd: "anon_inode:[signalfd]", as Linux's anonymous inodes
 * do (fs/anon.c). The calls that make them are declared here too.
 */
#ifndef FS_ANON_H
#define FS_ANON_H

#include "fs/file.h"

struct file *anon_file_alloc(const char *name, const struct file_ops *ops,
                             void *priv, unsigned flags);
const char *anon_inode_name(const struct inode *n);

/* the anonymous files themselves */
long signalfd_open(int ufd, uint64_t mask, unsigned flags); /* fs/signalfd.c */

#endif /* FS_ANON_H */
