/**
 * @file
 * @ingroup fs
 * @brief Signal-driven I/O (O_ASYNC): a file's owner is sent SIGIO when
 *        the file's state changes (fs/fasync.c).
 */
#ifndef FS_FASYNC_H
#define FS_FASYNC_H

#include "fs/file.h"

bool fasync_capable(const struct file *f);
long fasync_set(struct file *f, bool on);
long fasync_fcntl(struct file *f, int cmd, long arg);
void fasync_release_file(struct file *f);

#endif /* FS_FASYNC_H */
