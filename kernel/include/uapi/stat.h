/**
 * @file
 * @ingroup fs
 * @brief struct stat, struct statx and struct linux_dirent64: the ABI.
 *
 * The layouts are Linux x86_64's (arch/x86/include/uapi/asm/stat.h,
 * include/uapi/linux/stat.h, fs/readdir.c); the _Static_asserts pin every
 * size and the offsets a C library reads, so a change cannot slip by.
 */
#ifndef UAPI_STAT_H
#define UAPI_STAT_H

#include "kernel/types.h"

/** A time stamp in struct stat. */
struct kernel_timespec {
    int64_t tv_sec;  /**< seconds since 1970 */
    int64_t tv_nsec; /**< nanoseconds */
};

/** What stat, fstat, lstat and newfstatat fill in (x86_64 layout). */
struct stat {
    uint64_t st_dev;                /**< device of the file system */
    uint64_t st_ino;                /**< inode number */
    uint64_t st_nlink;              /**< links */
    uint32_t st_mode;               /**< type and permissions */
    uint32_t st_uid;                /**< owner */
    uint32_t st_gid;                /**< group */
    uint32_t pad0;                  /**< padding */
    uint64_t st_rdev;               /**< the device a device file is */
    int64_t st_size;                /**< bytes */
    int64_t st_blksize;             /**< preferred I/O size */
    int64_t st_blocks;              /**< 512-byte blocks used */
    struct kernel_timespec st_atim; /**< last access */
    struct kernel_timespec st_mtim; /**< last modification */
    struct kernel_timespec st_ctim; /**< last status change */
    int64_t unused[3];              /**< reserved */
};
_Static_assert(sizeof(struct stat) == 144, "struct stat is 144 bytes");
_Static_assert(__builtin_offsetof(struct stat, st_mode) == 24, "st_mode at 24");
_Static_assert(__builtin_offsetof(struct stat, st_size) == 48, "st_size at 48");
_Static_assert(__builtin_offsetof(struct stat, st_mtim) == 88, "st_mtim at 88");

/** A time stamp in struct statx. */
struct statx_timestamp {
    int64_t tv_sec;   /**< seconds since 1970 */
    uint32_t tv_nsec; /**< nanoseconds */
    int32_t reserved; /**< zero */
};

/** What statx fills in. */
struct statx {
    uint32_t stx_mask;                /**< which fields are filled (STATX_*) */
    uint32_t stx_blksize;             /**< preferred I/O size */
    uint64_t stx_attributes;          /**< STATX_ATTR_* */
    uint32_t stx_nlink;               /**< links */
    uint32_t stx_uid;                 /**< owner */
    uint32_t stx_gid;                 /**< group */
    uint16_t stx_mode;                /**< type and permissions */
    uint16_t pad0;                    /**< padding */
    uint64_t stx_ino;                 /**< inode number */
    uint64_t stx_size;                /**< bytes */
    uint64_t stx_blocks;              /**< 512-byte blocks */
    uint64_t stx_attributes_mask;     /**< attributes supported */
    struct statx_timestamp stx_atime; /**< last access */
    struct statx_timestamp stx_btime; /**< creation */
    struct statx_timestamp stx_ctime; /**< last status change */
    struct statx_timestamp stx_mtime; /**< last modification */
    uint32_t stx_rdev_major;          /**< device a device file is */
    uint32_t stx_rdev_minor;          /**< (minor) */
    uint32_t stx_dev_major;           /**< device of the file system */
    uint32_t stx_dev_minor;           /**< (minor) */
    uint64_t spare[14];               /**< reserved */
};
_Static_assert(sizeof(struct statx) == 256, "struct statx is 256 bytes");
_Static_assert(__builtin_offsetof(struct statx, stx_mode) == 28,
               "stx_mode at 28");
_Static_assert(__builtin_offsetof(struct statx, stx_size) == 40,
               "stx_size at 40");
_Static_assert(__builtin_offsetof(struct statx, stx_mtime) == 112,
               "stx_mtime at 112");
_Static_assert(__builtin_offsetof(struct statx, stx_rdev_major) == 128,
               "rdev at 128");

/** @name statx mask bits. */
///@{
#define STATX_TYPE 0x1              /**< the type in stx_mode */
#define STATX_MODE 0x2              /**< the permissions in stx_mode */
#define STATX_NLINK 0x4             /**< stx_nlink */
#define STATX_UID 0x8               /**< stx_uid */
#define STATX_GID 0x10              /**< stx_gid */
#define STATX_ATIME 0x20            /**< stx_atime */
#define STATX_MTIME 0x40            /**< stx_mtime */
#define STATX_CTIME 0x80            /**< stx_ctime */
#define STATX_INO 0x100             /**< stx_ino */
#define STATX_SIZE 0x200            /**< stx_size */
#define STATX_BLOCKS 0x400          /**< stx_blocks */
#define STATX_BASIC_STATS 0x7ff     /**< all of the above */
#define STATX__RESERVED 0x80000000U /**< must not be asked for */
///@}

/** One entry of getdents64; d_name follows, NUL-terminated, 8-aligned. */
struct linux_dirent64 {
    uint64_t d_ino;    /**< inode number */
    int64_t d_off;     /**< where the next entry starts (opaque) */
    uint16_t d_reclen; /**< bytes in this record */
    uint8_t d_type;    /**< DT_* */
    char d_name[];     /**< the name */
};
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_reclen) == 16,
               "reclen");
_Static_assert(__builtin_offsetof(struct linux_dirent64, d_name) == 19,
               "d_name at 19");

/** Bytes of the getdents64 record of a name of @p n bytes: Linux's size,
 *  from byte 19 where the name starts (not from sizeof, which pads the
 *  header to 24), with its NUL, rounded up to 8. */
#define DIRENT64_RECLEN(n)                                                     \
    ((__builtin_offsetof(struct linux_dirent64, d_name) + (n) + 1 + 7) &       \
     ~(size_t)7)

/** @name d_type values: the file type bits shifted down by 12. */
///@{
#define DT_UNKNOWN 0 /**< unknown */
#define DT_FIFO 1    /**< pipe */
#define DT_CHR 2     /**< character device */
#define DT_DIR 4     /**< directory */
#define DT_REG 8     /**< regular file */
#define DT_LNK 10    /**< symbolic link */
///@}

#endif /* UAPI_STAT_H */
