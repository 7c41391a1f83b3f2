/**
 * @file
 * @ingroup fs
 * @brief Nodes, open files, descriptor tables and path lookup.
 *
 * Three objects, the ones every Unix file layer has:
 *
 * - struct fnode: a file as it exists, open or not: type and mode, owner,
 *   size, where its bytes are, its place in the tree. The initramfs tree
 *   (fs/initramfs/tree.c) is made of them; a pipe has an anonymous one;
 * - struct file: an open file: the node, the offset, the open flags and
 *   the operations (struct file_ops) that reading and writing go through.
 *   Several descriptors, even of several processes, may share one (dup,
 *   fork), so it is reference-counted;
 * - struct fdtable: a process's descriptors, small integers that index an
 *   array of struct file pointers, each with its close-on-exec flag.
 *
 * A process's working directory and umask live beside its table; fork
 * copies all three and exit lets them go (fs/fdtable.c).
 */
#ifndef FS_FILE_H
#define FS_FILE_H

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
    /** Fill @p st; NULL: from the node (fnode_stat()). */
    void (*stat)(struct file *f, struct stat *st);
    /** Directory entries into a user buffer: bytes filled or -errno. */
    long (*getdents)(struct file *f, uptr_t buf, size_t n);
    /** A device's own ioctl; NULL: -ENOTTY. */
    long (*ioctl)(struct file *f, unsigned long cmd, uptr_t arg);
    /** Which of POLLIN, POLLOUT, POLLHUP, POLLERR hold now; NULL: the
     * file never blocks (POLLIN | POLLOUT). */
    unsigned (*poll)(struct file *f);
    /** The last reference is gone: free what the file owns. */
    void (*release)(struct file *f);
};

/**
 * @brief A file as it exists: its type, attributes, bytes and place.
 *
 * Nodes of the initramfs live forever (the tree is built once at boot and
 * never changes in this chapter); a pipe's node lives in the pipe.
 */
struct fnode {
    uint64_t ino;                /**< inode number, unique */
    uint32_t mode;               /**< S_IF* type and permissions */
    uint32_t uid;                /**< owner */
    uint32_t gid;                /**< group */
    uint32_t nlink;              /**< links (directories: 2 + subdirs) */
    int64_t mtime;               /**< modification time, seconds */
    uint64_t rdev;               /**< device number of a device file */
    const void *data;            /**< regular file's bytes, link's target */
    size_t size;                 /**< bytes at data */
    const char *name;            /**< last component (not NUL-terminated) */
    size_t namelen;              /**< bytes in name */
    struct fnode *parent;        /**< containing directory (root: itself) */
    struct fnode *children;      /**< directory: first entry */
    struct fnode *next;          /**< next entry of the same directory */
    struct fnode *hash_next;     /**< chain in the lookup hash table */
    const struct file_ops *fops; /**< device: operations on open */
};

/** An open file. */
struct file {
    int refs;                   /**< descriptors and users holding it */
    unsigned flags;             /**< O_ACCMODE, O_APPEND, O_NONBLOCK */
    uint64_t pos;               /**< the offset reads and writes use */
    struct fnode *node;         /**< what is open */
    const struct file_ops *ops; /**< how to read, write, seek it */
    void *priv;                 /**< the ops' own state (a pipe end) */
};

/** A process's descriptors. */
struct fdtable {
    struct file *fd[FD_MAX];       /**< NULL: free */
    uint64_t cloexec[FD_MAX / 64]; /**< FD_CLOEXEC, one bit per fd */
};

/* open files (fs/file.c) */
struct file *file_alloc(struct fnode *node, const struct file_ops *ops,
                        unsigned flags);
void file_get(struct file *f);
void file_put(struct file *f);
int file_open(struct fnode *node, unsigned flags, struct file **out);
long file_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos);
long file_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos);
long file_lseek(struct file *f, int64_t off, int whence);
void file_stat(struct file *f, struct stat *st);
void fnode_stat(const struct fnode *n, struct stat *st);
void stat_to_statx(const struct stat *st, struct statx *sx);
int fnode_access(const struct fnode *n, int mode);

/* descriptor tables (fs/fdtable.c) */
int fd_install(struct file *f, int min, bool cloexec);
int fd_install_at(struct file *f, int fd, bool cloexec);
struct file *fd_get(int fd);
int fd_close(int fd);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* the tree and path lookup (fs/initramfs/tree.c, fs/namei.c) */
void fs_tree_init(void);
struct fnode *fs_root(void);
struct fnode *fnode_child(struct fnode *dir, const char *name, size_t len);
void fnode_add(struct fnode *dir, struct fnode *n);
/** path_lookup() flag: do not follow a symlink in the last component. */
#define LOOKUP_NOFOLLOW 0x1
int path_lookup(struct fnode *base, const char *path, int flags,
                struct fnode **out);
int path_lookup_at(int dirfd, const char *path, int flags, struct fnode **out);
int fs_getcwd(char *buf, size_t size);
int fs_chdir(struct fnode *dir);
int path_from_user(uptr_t src, char **out);
void fs_cwd_init(struct proc *p);
void fs_cwd_fork(struct proc *child, struct proc *parent);
void fs_cwd_exit(struct proc *p);
int file_open_path(const char *path, unsigned flags, struct file **out);

/* directories and devices (fs/regular.c, fs/dev.c) */
extern const struct file_ops regular_ops;
extern const struct file_ops dir_ops;
void dev_init(void);

/* pipes (fs/pipe.c) */
int pipe_create(struct file **rd, struct file **wr, unsigned flags);
long pipe_fcntl_size(struct file *f, bool set, unsigned long arg);
long fs_poll(struct pollfd *fds, size_t nfds, int64_t timeout);

#endif /* FS_FILE_H */
