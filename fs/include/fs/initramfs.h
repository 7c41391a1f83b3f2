/**
 * @file
 * @ingroup fs
 * @brief The initramfs: the cpio archive GRUB loads beside the kernel.
 *
 * initramfs_init() finds and checks the archive once at boot; afterwards
 * initramfs_lookup() finds files in it, such as /init.
 */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include "fs/cpio.h"

void initramfs_init(void);
int initramfs_lookup(const char *path, struct cpio_entry *out);
#if CHAPTER >= 4
const void *initramfs_archive(size_t *len);
#endif

#endif /* FS_INITRAMFS_H */
