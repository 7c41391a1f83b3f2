/**
 * @file
 * @ingroup fs
 * @brief The virtual file system: inodes, dentries, super blocks, mounts.
 *
 * Chapter 4 had one tree of nodes that never changed. Chapter 5 splits a
 * node in two, as every Unix since the 1980s does:
 *
 * - struct inode: a file itself: type, mode, owner, size, times, its
 *   bytes (the file system's business, behind inode::priv). A file with
 *   two names (a hard link) is one inode;
 * - struct dentry: one name of a file in one directory: the name, the
 *   parent dentry, the inode. The dentries in memory form the dentry
 *   cache (fs/dcache.c), a hash table keyed by (parent, name) that
 *   the path walk (fs/namei.c) looks each component up in. For tmpfs
 *   the dcache *is* the directory: a directory's entries are its child
 *   dentries, in creation order;
 * - struct super_block: one instance of a file system (the root tmpfs,
 *   /dev, /proc), with its type, root dentry and device number;
 * - struct mount: where a super block is attached: the dentry it covers
 *   (the mount point) and the mount that dentry belongs to. The mount
 *   table (fs/mount.c) is the list of them, in mount order.
 *
 * @verbatim
 *   fd table --> struct file --+--> dentry "bin" --parent--> dentry "/"
 *                 pos, flags   |       |                       ^
 *                              |       v                       | root
 *                              +--> inode (mode, size, pages)  |
 *                                      |  sb                   |
 *                                      +--------------> super_block
 * @endverbatim
 *
 * Each super block is mounted at most once (there are no bind mounts),
 * so a dentry alone says where it is: the root dentry of a mounted file
 * system takes the mount point's place in the tree (its parent and name
 * are the mount point's), so ".." and getcwd cross mount points without
 * looking at the mount table.
 *
 * Lifetimes are reference counts. A dentry in the tree holds a reference
 * for being there; open files, working directories and walks in progress
 * hold more. unlink takes the dentry out of the tree (dentry::dead) and
 * drops the tree's reference: a file still open stays readable, and is
 * freed when its last user lets go. A dentry holds a reference to its
 * parent and to its inode; an inode dies with its last dentry.
 *
 * A file system plugs in with FS_TYPE() and a mount function that makes
 * a super block (sb_alloc()), a root inode (inode_alloc()) and its root
 * dentry (dentry_root()). Entries it knows in advance go into the dcache
 * with dcache_add_child(); entries made on demand (procfs' process folders)
 * come from inode_ops::lookup, and inode_ops::revalidate drops them when
 * they go stale. An inode's file_ops::open runs when the file is opened
 * (procfs fills its buffer there), without vfs_lock; the inode_ops run
 * with vfs_lock held, so they must not walk paths or list mounts.
 *
 * Locking: vfs_lock (a mutex) serialises every change to the tree and to
 * a file's size and pages; lookups and reads of tmpfs files take it too.
 * Nothing sleeps while holding it except to copy from or to user memory,
 * whose page faults never need it (a private file mapping gets its bytes
 * at mmap time, or from the initramfs, which never changes). Opening a
 * FIFO, which may sleep until the other end comes, happens after it is
 * released.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/sync.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "uapi/stat.h"
#include "uapi/time.h"
#include "uapi/vfs.h"

struct dentry;
struct file;
struct file_ops;
struct fs_type;
struct inode;
struct mount;
struct pipe;
struct super_block;

/**
 * @brief What a file system does with its inodes; NULL: not supported.
 *
 * Names arrive as (pointer, length) inside the new dentry: @p d->name.
 * The VFS checks permissions, existence and types before it calls these;
 * they only make the change in the file system.
 */
struct inode_ops {
    /** Fill @p d->inode for a name the dcache does not have (procfs):
     *  0 (d->inode may stay NULL: no such file) or -errno. NULL: the
     *  dcache holds the whole directory (tmpfs). */
    int (*lookup)(struct inode *dir, struct dentry *d);
    /** A cached dentry of this directory is still right? (procfs: the
     *  process still exists). NULL: always. */
    bool (*revalidate)(struct dentry *d);
    /** Make a new inode of @p mode (file, directory, device, FIFO,
     *  socket) for the new dentry @p d of @p dir: 0, -ENOSPC, -ENOMEM. */
    int (*mknod)(struct inode *dir, struct dentry *d, uint32_t mode,
                 uint64_t rdev);
    /** Make a symbolic link @p d holding @p target (@p len bytes). */
    int (*symlink)(struct inode *dir, struct dentry *d, const char *target,
                   size_t len);
    /** A symbolic link's target into @p buf: its length or -errno. */
    long (*readlink)(struct dentry *d, char *buf, size_t size);
    /** A "magic" link (procfs fd/N, cwd, exe): the dentry it stands for,
     *  referenced, instead of a text to walk. NULL: use readlink. */
    int (*follow)(struct dentry *d, struct dentry **out);
    /** Set the size: drop bytes past it, zeros up to it; -ENOSPC. */
    int (*truncate)(struct inode *n, uint64_t size);
    /** Copy file bytes into kernel memory (exec): bytes
     *  copied or -errno. */
    long (*read_kernel)(struct inode *n, uint64_t off, void *buf, size_t len);
    /** All the bytes in one piece, if the file has them so (a tmpfs file
     *  still borrowing the initramfs' bytes); NULL otherwise. */
    const void *(*bytes)(struct inode *n);
    /** The inode's last reference is gone: free its bytes. */
    void (*evict)(struct inode *n);
    /** For mmap: the frame of page @p index, with a reference for the
     *  caller (a hole gets a zeroed page): 0; -EIO wholly past the end of
     *  the file, or no room (SIGBUS); -ENOMEM. NULL: cannot be mapped. */
    int (*map_page)(struct inode *n, uint64_t index, paddr_t *pa);
    /** Is page @p index in memory (mincore)? NULL: never. */
    bool (*resident)(struct inode *n, uint64_t index);
};

/** A file. */
struct inode {
    uint64_t ino;                 /**< number, unique in its super block */
    uint32_t mode;                /**< S_IF* type and permission bits */
    uint32_t uid;                 /**< owner */
    uint32_t gid;                 /**< group */
    uint32_t nlink;               /**< names (directories: 2 + subdirs) */
    uint64_t size;                /**< bytes (a link: its target's length) */
    struct timespec atime;        /**< last access */
    struct timespec mtime;        /**< last change of the bytes */
    struct timespec ctime;        /**< last change of the inode */
    uint64_t rdev;                /**< a device file's device number */
    struct super_block *sb;       /**< its file system (NULL: a pipe's) */
    const struct inode_ops *iops; /**< what its file system does */
    const struct file_ops *fops;  /**< how an open file of it works */
    int refs;                     /**< dentries and other holders */
    void *priv;                   /**< the file system's own data */
    struct pipe *fifo;            /**< a FIFO's pipe, made on first open */
    struct vm_file_maps maps;     /**< the regions that map it (mmap) */
};

/** A name of a file in a directory. */
struct dentry {
    char *name;                /**< the name, NUL-terminated ("/": root) */
    size_t namelen;            /**< bytes in name */
    struct dentry *parent;     /**< the directory (a root: itself, or the
                                     mount point's parent when mounted) */
    struct inode *inode;       /**< the file */
    struct super_block *sb;    /**< the file system the name is in */
    struct list_node children; /**< a directory's entries, oldest first */
    struct list_node sibling;  /**< in the parent's children */
    struct dentry *hash_next;  /**< chain of the (parent, name) hash */
    uint64_t pos;              /**< getdents offset in the parent */
    uint64_t next_pos;         /**< a directory: the next child's pos */
    int refs;                  /**< the tree's, open files', cwds' */
    struct mount *mounted;     /**< the mount on top of it, if any */
    bool dead;                 /**< removed: lookups in it find nothing */
};

/** What a super block tells the VFS about itself. */
struct super_ops {
    /** Fill f_blocks, f_bfree, f_files... (f_type comes from the VFS). */
    void (*statfs)(struct super_block *sb, struct statfs *st);
    /** The options, as /proc/mounts shows them after "rw": ",size=..."
     *  into @p buf (NULL: none). */
    void (*show_options)(struct super_block *sb, char *buf, size_t size);
    /** The file system is unmounted and unused: free it all (NULL: it
     *  is kept). */
    void (*kill)(struct super_block *sb);
};

/** One instance of a file system. */
struct super_block {
    const struct fs_type *type;  /**< what it is */
    const struct super_ops *ops; /**< its statfs and kill */
    struct dentry *root;         /**< its root directory */
    struct mount *mnt;           /**< where it is mounted (NULL: not) */
    uint64_t dev;                /**< st_dev of its files */
    uint64_t magic;              /**< statfs f_type */
    unsigned long flags;         /**< MS_RDONLY, MS_NOEXEC, ... */
    int users;                   /**< open files and cwds inside it */
    uint64_t next_ino;           /**< the next inode number */
    void *priv;                  /**< the file system's own data */
};

/** Where a super block is attached. */
struct mount {
    struct super_block *sb;    /**< what is mounted */
    struct dentry *mountpoint; /**< the dentry it covers (root: NULL) */
    struct mount *parent;      /**< the mount of the mount point */
    char *source;              /**< mount's first argument ("tmpfs") */
    unsigned long flags;       /**< MS_* flags it was mounted with */
    struct list_node link;     /**< in the mount table */
};

/** A file system type: a name and how to make an instance. */
struct fs_type {
    const char *name; /**< "tmpfs", "proc", "devtmpfs" */
    bool nodev;       /**< needs no device (/proc/filesystems "nodev") */
    /** A new super block, with its root dentry, for mount(2): @p data is
     *  the option string (may be NULL); 0 or -EINVAL, -ENOMEM. */
    int (*mount)(const char *source, unsigned long flags, const char *data,
                 struct super_block **out);
};

// [fs_type]
/** Register file system type @p var (a struct fs_type) in the linker set
 *  that mount(2) searches by name. */
#define FS_TYPE(var)                                                           \
    const struct fs_type var __used __aligned(8) __section(".fs_types")
// [fs_type]

/* the one lock of the tree (fs/dcache.c) */
extern struct mutex vfs_lock;

/* inodes (fs/inode.c) */
struct inode *inode_alloc(struct super_block *sb, uint32_t mode);
void inode_get(struct inode *n);
void inode_put(struct inode *n);
void inode_touch(struct inode *n, bool m, bool c);
void inode_stat(const struct inode *n, struct stat *st);
int inode_permission(const struct inode *n, int mask);
int inode_access(const struct inode *n, int mask, bool real_ids);
bool inode_owner_or_root(const struct inode *n);

/* the dentry cache (fs/dcache.c) */
struct dentry *dentry_alloc(struct dentry *parent, const char *name,
                            size_t len);
void dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
struct dentry *dcache_lookup(struct dentry *dir, const char *name, size_t len);
void dcache_add(struct dentry *d, struct inode *n);
void dcache_remove(struct dentry *d);
void dcache_prune(struct dentry *top);
void dcache_move(struct dentry *d, struct dentry *dir, const char *name,
                 size_t len);
struct dentry *dcache_add_child(struct dentry *dir, const char *name,
                                struct inode *n);
void dcache_graft(struct dentry *root, struct dentry *mp);
bool dentry_is_empty_dir(const struct dentry *d);
int dentry_path(struct dentry *d, char *buf, size_t size);
struct dentry *dentry_root(struct super_block *sb, struct inode *n);
long dcache_getdents(struct file *f, uptr_t buf, size_t n);

/* mounts and file system types (fs/mount.c) */
const struct fs_type *fs_type_find(const char *name);
void fs_types_foreach(void (*fn)(const struct fs_type *t, void *arg),
                      void *arg);
struct super_block *sb_alloc(const struct fs_type *type,
                             const struct super_ops *ops, uint64_t magic);
int vfs_mount(const char *source, struct dentry *target, const char *type,
              unsigned long flags, const char *data);
int vfs_umount(struct dentry *target, int flags);
int vfs_mount_path(const char *source, const char *target, const char *type,
                   unsigned long flags, const char *data);
int vfs_statfs(struct dentry *d, struct statfs *st);
/** One mount as /proc/mounts lists it. */
struct mount_info {
    const char *source;  /**< "tmpfs", "proc", "none" */
    const char *path;    /**< where: "/", "/proc" */
    const char *type;    /**< the file system type's name */
    const char *options; /**< "rw" or "ro", then the fs's own: ",size=" */
};
void vfs_mounts_foreach(void (*fn)(const struct mount_info *m, void *arg),
                        void *arg);
void vfs_init(void);

/* the path walk (fs/namei.c); results hold a reference (dentry_put) */
/** Walk flag: do not follow a symbolic link as the last component. */
#define LOOKUP_NOFOLLOW 0x1
/** Walk flag: the last component must be a directory. */
#define LOOKUP_DIRECTORY 0x2
struct dentry *fs_root(void);
int path_walk(struct dentry *base, const char *path, int flags,
              struct dentry **out);
int path_lookup_at(int dirfd, const char *path, int flags, struct dentry **out);
int path_lookup_locked(int dirfd, const char *path, int flags,
                       struct dentry **out);
int path_parent_at(int dirfd, const char *path, struct dentry **dir,
                   const char **name, size_t *len);
int path_parent_from(struct dentry *base, const char *path, int *links,
                     struct dentry **dir, const char **name, size_t *len);
int path_from_user(uptr_t src, char **out);
int fs_getcwd(char *buf, size_t size);
int fs_chdir(struct dentry *dir);

/* creating, removing, changing (fs/create.c, remove.c, attr.c) */
int vfs_open(int dirfd, const char *path, unsigned flags, uint32_t mode,
             struct file **out);
int vfs_open_dentry(struct dentry *d, unsigned flags, struct file **out);
int vfs_memfd_create(const char *name, unsigned flags, struct file **out);
int vfs_file_bytes(struct inode *n, const void **data, size_t *size,
                   void **copy);
bool vfs_writable(const struct dentry *d);
int vfs_may_create(struct dentry *dir);
int vfs_create_locked(struct dentry *dir, const char *name, size_t len,
                      uint32_t mode, uint64_t rdev, struct dentry **out);
int vfs_mknod(int dirfd, const char *path, uint32_t mode, uint64_t rdev);
int vfs_symlink(const char *target, int dirfd, const char *path);
int vfs_link(int olddirfd, const char *old, int newdirfd, const char *path,
             int flags);
int vfs_unlink(int dirfd, const char *path, bool dir);
int vfs_rename(int olddirfd, const char *old, int newdirfd, const char *path,
               unsigned flags);
int vfs_truncate(struct dentry *d, int64_t size);
int vfs_chmod(struct dentry *d, uint32_t mode);
int vfs_chown(struct dentry *d, uint32_t uid, uint32_t gid);
int vfs_utimens(struct dentry *d, const struct timespec *times);
long vfs_readlink(struct dentry *d, char *buf, size_t size);

/* devices and FIFOs: found at open. Each is documented where it is
 * defined: chrdev_open() and devfs_init() by the devfs (fs/devfs/),
 * fifo_open() by the pipe code (fs/pipe.c). */
int chrdev_open(uint64_t rdev, struct file *f);
int fifo_open(struct pipe **slot, struct file *f);
void devfs_init(void);

/* tmpfs (fs/tmpfs/) */
int tmpfs_fill_from_initramfs(struct dentry *root);
extern const struct fs_type tmpfs_type;

#endif /* FS_VFS_H */
