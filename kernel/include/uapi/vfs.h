/**
 * @file
 * @ingroup uapi
 * @brief The ABI of the calls that change the file tree (Linux's values).
 *
 * struct statfs (statfs, fstatfs), the flags of mount and umount2, of
 * unlinkat, renameat2 and utimensat, and the magic numbers that statfs
 * reports in f_type for Keel's file systems.
 */
#ifndef UAPI_VFS_H
#define UAPI_VFS_H

#include "kernel/types.h"

/** What statfs and fstatfs fill in (x86_64 layout). */
struct statfs {
    int64_t f_type;    /**< the file system's magic number */
    int64_t f_bsize;   /**< block size */
    uint64_t f_blocks; /**< blocks in all */
    uint64_t f_bfree;  /**< blocks free */
    uint64_t f_bavail; /**< blocks free for an unprivileged user */
    uint64_t f_files;  /**< inodes in all */
    uint64_t f_ffree;  /**< inodes free */
    int32_t f_fsid[2]; /**< file system id */
    int64_t f_namelen; /**< longest name */
    int64_t f_frsize;  /**< fragment size */
    int64_t f_flags;   /**< ST_* mount flags */
    int64_t f_spare[4];
};

/** @name statfs f_type values */
///@{
#define TMPFS_MAGIC 0x01021994  /**< tmpfs, devtmpfs */
#define PROC_SUPER_MAGIC 0x9fa0 /**< procfs */
///@}

/** @name mount(2) flags Keel knows (others are ignored, as unknown) */
///@{
#define MS_RDONLY 1           /**< read-only */
#define MS_NOSUID 2           /**< ignore set-user-id bits */
#define MS_NODEV 4            /**< no device files */
#define MS_NOEXEC 8           /**< no execution */
#define MS_REMOUNT 32         /**< change an existing mount */
#define MS_BIND 4096          /**< bind mount (not supported) */
#define MS_MOVE 8192          /**< move a mount (not supported) */
#define MS_NOUSER (1ul << 31) /**< not mountable from user space */
#define MS_MGC_MSK 0xffff0000 /**< old magic in the high half: ignored */
///@}

/** @name umount2(2) flags */
///@{
#define MNT_FORCE 1       /**< force (treated as a plain umount) */
#define MNT_DETACH 2      /**< lazy: detach now, free when unused */
#define MNT_EXPIRE 4      /**< mark for expiry (EINVAL here) */
#define UMOUNT_NOFOLLOW 8 /**< do not follow a last symlink */
///@}

/** @name Mode bits beyond rwx */
///@{
#define S_ISUID 04000 /**< set-user-id on execution */
#define S_ISGID 02000 /**< set-group-id; a directory: new files get its group */
#define S_ISVTX 01000 /**< sticky: only owners may remove names in it */
///@}

/** unlinkat(2): remove a directory, as rmdir. */
#define AT_REMOVEDIR 0x200

/** @name renameat2(2) flags */
///@{
#define RENAME_NOREPLACE 1 /**< fail with EEXIST if the target exists */
#define RENAME_EXCHANGE 2  /**< swap the two (EINVAL here) */
#define RENAME_WHITEOUT 4  /**< overlayfs' (EINVAL here) */
///@}

/** @name utimensat(2) special nanosecond values */
///@{
#define UTIME_NOW ((1L << 30) - 1L)  /**< set to the current time */
#define UTIME_OMIT ((1L << 30) - 2L) /**< leave unchanged */
///@}

#endif /* UAPI_VFS_H */
