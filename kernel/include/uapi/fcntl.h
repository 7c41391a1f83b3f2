/**
 * @file
 * @ingroup fs
 * @brief Open flags, file types and the *at() flags, as Linux x86_64.
 *
 * The numbers are the ABI: a C library passes them as they are, so they
 * must be Linux's (include/uapi/asm-generic/fcntl.h, include/uapi/linux/
 * stat.h, include/uapi/linux/fcntl.h).
 */
#ifndef UAPI_FCNTL_H
#define UAPI_FCNTL_H

/** @name open() flags (octal, as in Linux's headers). */
///@{
#define O_ACCMODE 0003      /**< mask of the access mode */
#define O_RDONLY 0000       /**< open for reading */
#define O_WRONLY 0001       /**< open for writing */
#define O_RDWR 0002         /**< open for both */
#define O_CREAT 0100        /**< create if missing */
#define O_EXCL 0200         /**< with O_CREAT: fail if it exists */
#define O_NOCTTY 0400       /**< do not become the controlling terminal */
#define O_TRUNC 01000       /**< truncate to length 0 */
#define O_APPEND 02000      /**< every write goes to the end */
#define O_NONBLOCK 04000    /**< never sleep: -EAGAIN instead */
#define O_DIRECT 040000     /**< no page cache (Keel has none to skip) */
#define O_LARGEFILE 0100000 /**< offsets past 2 GiB (always, on 64 bits) */
#define O_DIRECTORY 0200000 /**< fail unless a directory */
#define O_NOFOLLOW 0400000  /**< fail on a symlink as last component */
#define O_CLOEXEC 02000000  /**< close on execve */
#define O_PATH 010000000    /**< a handle for *at() calls only */
#define O_TMPFILE 020200000 /**< an unnamed file (needs a writable fs) */
///@}

/** @name File types and permission bits of st_mode. */
///@{
#define S_IFMT 0170000                       /**< mask of the type */
#define S_IFSOCK 0140000                     /**< socket */
#define S_IFLNK 0120000                      /**< symbolic link */
#define S_IFREG 0100000                      /**< regular file */
#define S_IFBLK 0060000                      /**< block device */
#define S_IFDIR 0040000                      /**< directory */
#define S_IFCHR 0020000                      /**< character device */
#define S_IFIFO 0010000                      /**< pipe */
#define S_ISTYPE(m, t) (((m)&S_IFMT) == (t)) /**< mode @p m is of type t */
///@}

/** @name The *at() calls. */
///@{
#define AT_FDCWD (-100)           /**< relative to the cwd */
#define AT_SYMLINK_NOFOLLOW 0x100 /**< do not follow a last symlink */
#define AT_EACCESS 0x200          /**< faccessat: effective ids */
#define AT_SYMLINK_FOLLOW 0x400   /**< follow a last symlink */
#define AT_NO_AUTOMOUNT 0x800     /**< (no automounts here) */
#define AT_EMPTY_PATH 0x1000      /**< "" names dirfd itself */
#define AT_STATX_SYNC_TYPE 0x6000 /**< statx: sync mode bits */
///@}

/** @name access() modes. */
///@{
#define F_OK 0 /**< exists */
#define X_OK 1 /**< may execute (search) */
#define W_OK 2 /**< may write */
#define R_OK 4 /**< may read */
///@}

/** @name lseek() whence. */
///@{
#define SEEK_SET 0  /**< from the start */
#define SEEK_CUR 1  /**< from the current offset */
#define SEEK_END 2  /**< from the end */
#define SEEK_DATA 3 /**< to the next byte of data */
#define SEEK_HOLE 4 /**< to the next hole (the end is one) */
///@}

/** @name fcntl() commands and the descriptor flag. */
///@{
#define F_DUPFD 0            /**< dup to the lowest fd >= arg */
#define F_GETFD 1            /**< descriptor flags */
#define F_SETFD 2            /**< set them */
#define F_GETFL 3            /**< status flags and access mode */
#define F_SETFL 4            /**< set O_APPEND, O_NONBLOCK */
#define F_DUPFD_CLOEXEC 1030 /**< F_DUPFD plus FD_CLOEXEC */
#define F_SETPIPE_SZ 1031    /**< ask a pipe to hold arg bytes */
#define F_GETPIPE_SZ 1032    /**< the bytes a pipe holds */
#define FD_CLOEXEC 1         /**< close on execve */
///@}

/** @name Generic ioctl() commands (every file). */
///@{
#define FIONCLEX 0x5450 /**< clear FD_CLOEXEC */
#define FIOCLEX 0x5451  /**< set FD_CLOEXEC */
#define FIONBIO 0x5421  /**< *(int *)arg: set or clear O_NONBLOCK */
///@}

#endif /* UAPI_FCNTL_H */
