/**
 * @file
 * @ingroup fs
 * @brief Reading newc cpio archives, the format of the initramfs.
 *
 * A pure parser: it walks an archive that is already in memory and hands
 * out pointers into it, with no allocation and no global state, so the
 * same code runs in the kernel (fs/initramfs/initramfs.c) and in the host
 * unit test grading/host/test_cpio.c. The format itself is described in
 * fs/initramfs/cpio.c.
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include "kernel/types.h"

/** Bytes in a newc header: the magic and 13 fields of 8 hex digits. */
#define CPIO_HEADER_SIZE 110
/** Longest name, its NUL included (Linux's PATH_MAX). */
#define CPIO_NAME_MAX 4096

/** @name File types in cpio_entry::mode (the st_mode values of Linux). */
///@{
#define CPIO_S_IFMT 0170000  /**< mask of the type bits */
#define CPIO_S_IFREG 0100000 /**< regular file */
#define CPIO_S_IFDIR 0040000 /**< directory */
#define CPIO_S_IFLNK 0120000 /**< symbolic link: the data is the target */
///@}

/**
 * @brief One member of an archive, as cpio_next() found it.
 *
 * The name and the data point into the archive: they live as long as it
 * does. A NUL follows the name in the archive, but a caller should go by
 * cpio_entry::namelen.
 */
struct cpio_entry {
    const char *name;   /**< path as stored: "init", "./init", "bin/sh" */
    size_t namelen;     /**< bytes in name, without the NUL */
    uint32_t mode;      /**< type (CPIO_S_IF*) and permission bits */
    uint32_t uid;       /**< owner */
    uint32_t gid;       /**< group */
    uint32_t nlink;     /**< number of links */
    uint32_t mtime;     /**< modification time, seconds since 1970 */
    const void *data;   /**< file contents (a link's target) */
    size_t size;        /**< bytes at data */
    uint32_t devmajor;  /**< device the file was on (major) */
    uint32_t devminor;  /**< device the file was on (minor) */
    uint32_t rdevmajor; /**< for a device node: the device it is (major) */
    uint32_t rdevminor; /**< for a device node: the device it is (minor) */
};

int cpio_next(const void *archive, size_t len, size_t *offset,
              struct cpio_entry *out);
int cpio_find(const void *archive, size_t len, const char *path,
              struct cpio_entry *out);

#endif /* FS_CPIO_H */
