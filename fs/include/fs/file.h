/**
 * @file
 * @ingroup fs
 * @brief Open files and descriptor tables.
 *
 * Two of the three objects every Unix file layer has (the third, the
 * inode with its dentry, is in fs/vfs.h):
 *
 * - struct file: an open file: the inode, the name it was opened by, the
 *   offset, the open flags and the operations (struct file_ops) that
 *   reading and writing go through. Several descriptors, even of several
 *   processes, may share one (dup, fork), so it is reference-counted;
 * - struct fdtable: a process's descriptors, small integers that index an
 *   array of struct file pointers, each with its close-on-exec flag.
 *
 * A process's working directory and umask live beside its table; fork
 * copies all three and exit lets them go (fs/fdtable.c).
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include "fs/vfs.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "uapi/fcntl.h"
#include "uapi/poll.h"
#include "uapi/stat.h"

struct file;
struct poll_table;
struct proc;

/** Longest path, its NUL included (Linux's PATH_MAX). */
#define PATH_MAX 4096
/** Longest name of one path component (Linux's NAME_MAX). */
#define NAME_MAX 255
/** Most symbolic links one lookup follows (Linux's MAXSYMLINKS). */
#define SYMLINK_MAX 40
/** Descriptors per process (RLIMIT_NOFILE): open gives -EMFILE past it. */
#define FD_MAX 1024

/** Make a Linux device number from @p major and @p minor. */
#define MKDEV(major, minor) (((uint64_t)(major) << 8) | (minor))

/**
 * @brief What can be done with an open file; NULL means "not supported".
 *
 * Buffers are user addresses: each operation copies with copy_to_user or
 * copy_from_user itself, so a file with its bytes in kernel memory needs
 * no bounce buffer. @p pos is the offset to use and advance (the file's
 * own for read/write, a local one for pread/pwrite).
 */
struct file_ops {
    /** Read up to @p n bytes: the count, 0 at the end, or -errno. */
    long (*read)(struct file *f, uptr_t buf, size_t n, uint64_t *pos);
    /** Write @p n bytes: the count or -errno. */
    long (*write)(struct file *f, uptr_t buf, size_t n, uint64_t *pos);
    /** The new offset, or -errno; NULL: -ESPIPE (not seekable). */
    long (*lseek)(struct file *f, int64_t off, int whence);
    /** Fill @p st; NULL: from the inode (inode_stat()). */
    void (*stat)(struct file *f, struct stat *st);
    /** Directory entries into a user buffer: bytes filled or -errno. */
    long (*getdents)(struct file *f, uptr_t buf, size_t n);
    /** A device's own ioctl; NULL: -ENOTTY. */
    long (*ioctl)(struct file *f, unsigned long cmd, uptr_t arg);
    /** Which POLL* events hold now, after poll_wait() on each wait queue
     * that a change of them wakes (fs/poll.h); NULL: the file never
     * blocks (DEFAULT_POLLMASK). */
    unsigned (*poll)(struct file *f, struct poll_table *pt);
    /** The last reference is gone: free what the file owns. */
    void (*release)(struct file *f);
    /** Called by open once the file is made (procfs fills its buffer,
     *  a device its state): 0 or -errno, which fails the open. */
    int (*open)(struct file *f);
};

/** An open file. */
struct file {
    int refs;                   /**< descriptors and users holding it */
    unsigned flags;             /**< O_ACCMODE, O_APPEND, O_NONBLOCK */
    uint64_t pos;               /**< the offset reads and writes use */
    struct inode *inode;        /**< what is open */
    struct dentry *dentry;      /**< the name it was opened by (NULL: a pipe) */
    const struct file_ops *ops; /**< how to read, write, seek it */
    void *priv;                 /**< the ops' own state (a pipe end) */
    unsigned pipe_seen;         /**< a FIFO reader opened O_NONBLOCK before any
                             writer: the pipe's count of writer opens then
                             (no POLLHUP until a writer comes) */
};

/** A process's descriptors. */
struct fdtable {
    struct file *fd[FD_MAX];       /**< NULL: free */
    uint64_t cloexec[FD_MAX / 64]; /**< FD_CLOEXEC, one bit per fd */
};

/* open files (fs/file.c) */
struct file *file_alloc(struct inode *node, const struct file_ops *ops,
                        unsigned flags);
void file_get(struct file *f);
void file_put(struct file *f);
void file_free_unused(struct file *f);
int file_alloc_error(void);
long file_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos);
long file_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos);
long file_lseek(struct file *f, int64_t off, int whence);
void file_stat(struct file *f, struct stat *st);
void stat_to_statx(const struct stat *st, struct statx *sx);

/* descriptor tables (fs/fdtable.c) */
int fd_install(struct file *f, int min, bool cloexec);
#if CHAPTER >= 6
int fd_check_free(void);
#endif
int fd_install_at(struct file *f, int fd, bool cloexec);
struct file *fd_get(int fd);
int fd_close(int fd);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* the working directory (fs/namei.c) */
void fs_cwd_init(struct proc *p);
void fs_cwd_fork(struct proc *child, struct proc *parent);
void fs_cwd_exit(struct proc *p);
/* a file the kernel itself opens by path, as init's console (fs/open.c) */
int file_open_path(const char *path, unsigned flags, struct file **out);

/* pipes (fs/pipe.c) */
int pipe_create(struct file **rd, struct file **wr, unsigned flags);
long pipe_fcntl_size(struct file *f, bool set, unsigned long arg);
/* sendfile (fs/sendfile.c) */
long fs_sendfile(int out_fd, int in_fd, int64_t *off, size_t count);

#endif /* FS_FILE_H */
