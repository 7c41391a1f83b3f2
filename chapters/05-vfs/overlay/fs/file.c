/**
 * @file
 * @ingroup fs
 * @brief Open files: creation, reference counts, read, write, seek, stat.
 *
 * Chapter 4's open file again, now pointing at a dentry and an inode: the
 * dentry is the name the file was opened by (it keeps the name, and with
 * it the inode, alive: an unlinked file stays readable while open), the
 * inode the file itself. A pipe's file has an inode of its own and no
 * dentry.
 *
 * Each descriptor holds one reference, and so does a system call that is
 * using the file (fd_get()); the last reference releases the file's own
 * state (a pipe end, a procfs buffer), the dentry and the file system's
 * count of users (umount: -EBUSY while it is not zero).
 *
 * The read/write helpers check what every file shares, the access mode,
 * and leave the rest to the file's operations (struct file_ops).
 *
 * Locking: the reference count is atomic; the offset belongs to whoever
 * holds the file.
 */
#include "fs/file.h"
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** The fewest open files a system may hold (Linux's NR_FILE). */
#define NR_FILE 8192

/** Open files in the whole system, every process's (Linux's nr_files). */
static unsigned long nr_files;

/*
 * Linux's fs.file-max: the most open files the system holds for users
 * other than root, a tenth of memory's kB (a file and what it keeps
 * alive take about 1 KiB), at least NR_FILE. Past it, open, pipe,
 * socket and their kin fail with ENFILE for everyone but root, who can
 * still repair things.
 */
static bool
files_full(void)
{
    uint64_t max = pmm_total_frames() * (PAGE_SIZE / 1024) / 10;
    if (max < NR_FILE)
        max = NR_FILE;
    // a kernel thread has no process, and no limit either
    return __atomic_load_n(&nr_files, __ATOMIC_RELAXED) >= max &&
           !capable(CAP_SYS_ADMIN);
}

/**
 * @brief Why file_alloc() just returned NULL, for its caller to return.
 * @return -ENFILE when the system's open files are at fs.file-max (and
 *         the caller is not root), otherwise -ENOMEM
 */
int
file_alloc_error(void)
{
    return files_full() ? -ENFILE : -ENOMEM;
}

/**
 * @brief A new open file with one reference, on no dentry yet.
 * @param node  what is open (the file does not take a reference: its
 *              dentry, or the pipe that embeds the inode, keeps it)
 * @param ops   its operations
 * @param flags the open flags kept (access mode, O_APPEND, O_NONBLOCK;
 *              O_DIRECTORY, O_NOFOLLOW, O_LARGEFILE, which F_GETFL shows
 *              as Linux does)
 * @return the file, or NULL when memory is out or the system holds
 *         fs.file-max open files (file_alloc_error() tells which)
 */
struct file *
file_alloc(struct inode *node, const struct file_ops *ops, unsigned flags)
{
    if (files_full())
        return NULL;
    struct file *f = kzalloc(sizeof(*f));
    if (f == NULL)
        return NULL;
    __atomic_add_fetch(&nr_files, 1, __ATOMIC_RELAXED);
    f->refs = 1;
    f->inode = node;
    f->ops = ops;
    f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY |
                        O_NOFOLLOW | O_LARGEFILE);
    return f;
}

/**
 * @brief Take one more reference to @p f.
 * @param f the file
 */
void
file_get(struct file *f)
{
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_SEQ_CST);
}

/**
 * @brief Drop a reference; the last one releases and frees the file.
 * @param f the file (NULL is ignored)
 */
void
file_put(struct file *f)
{
    if (f == NULL || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_SEQ_CST) > 0)
        return;
    if (f->ops != NULL && f->ops->release != NULL)
        f->ops->release(f);
    if (f->dentry != NULL) {
        __atomic_sub_fetch(&f->dentry->sb->users, 1, __ATOMIC_SEQ_CST);
        dentry_put(f->dentry);
    }
    file_free_unused(f);
}

/**
 * @brief Free @p f, fresh from file_alloc() and never used (a call that
 *        fails after making it): no release, no dentry, one less open
 *        file in the system's count.
 * @param f the file (NULL is ignored)
 */
void
file_free_unused(struct file *f)
{
    if (f == NULL)
        return;
    __atomic_sub_fetch(&nr_files, 1, __ATOMIC_RELAXED);
    kfree(f);
}

/**
 * @brief Read from @p f at *@p pos into user memory.
 * @param f   the file
 * @param buf the user buffer
 * @param n   bytes wanted
 * @param pos the offset, advanced by what was read
 * @return bytes read (0 at the end); -EBADF (not open for reading);
 *         -EINVAL (cannot be read); the file's own errors
 */
long
file_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (f->ops->read == NULL)
        return -EINVAL;
    return f->ops->read(f, buf, n, pos);
}

/**
 * @brief Write user memory to @p f at *@p pos.
 * @param f   the file
 * @param buf the user buffer
 * @param n   bytes to write
 * @param pos the offset, advanced by what was written
 * @return bytes written; -EBADF (not open for writing); -EINVAL (cannot
 *         be written); the file's own errors (-EPIPE, -EAGAIN, ...)
 */
long
file_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (f->ops->write == NULL)
        return -EINVAL;
    return f->ops->write(f, buf, n, pos);
}

/**
 * @brief lseek on @p f.
 * @param f      the file
 * @param off    the offset
 * @param whence SEEK_SET, SEEK_CUR or SEEK_END
 * @return the new offset; -ESPIPE (a pipe or terminal); -EINVAL
 */
long
file_lseek(struct file *f, int64_t off, int whence)
{
    if (f->ops->lseek == NULL)
        return -ESPIPE;
    return f->ops->lseek(f, off, whence);
}

/**
 * @brief What fstat says about @p f.
 * @param f  the file
 * @param st filled in
 */
void
file_stat(struct file *f, struct stat *st)
{
    if (f->ops->stat != NULL)
        f->ops->stat(f, st);
    else
        inode_stat(f->inode, st);
}

/**
 * @brief The statx view of a struct stat.
 * @param st a filled struct stat (file_stat())
 * @param sx filled in; all basic fields are valid (STATX_BASIC_STATS)
 */
void
stat_to_statx(const struct stat *st, struct statx *sx)
{
    memset(sx, 0, sizeof(*sx));
    sx->stx_mask = STATX_BASIC_STATS;
    sx->stx_blksize = (uint32_t)st->st_blksize;
    sx->stx_nlink = (uint32_t)st->st_nlink;
    sx->stx_uid = st->st_uid;
    sx->stx_gid = st->st_gid;
    sx->stx_mode = (uint16_t)st->st_mode;
    sx->stx_ino = st->st_ino;
    sx->stx_size = (uint64_t)st->st_size;
    sx->stx_blocks = (uint64_t)st->st_blocks;
    sx->stx_atime.tv_sec = st->st_atim.tv_sec;
    sx->stx_atime.tv_nsec = (uint32_t)st->st_atim.tv_nsec;
    sx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
    sx->stx_mtime.tv_nsec = (uint32_t)st->st_mtim.tv_nsec;
    sx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
    sx->stx_ctime.tv_nsec = (uint32_t)st->st_ctim.tv_nsec;
    sx->stx_rdev_major = (uint32_t)(st->st_rdev >> 8);
    sx->stx_rdev_minor = (uint32_t)(st->st_rdev & 0xff);
    sx->stx_dev_major = (uint32_t)(st->st_dev >> 8);
    sx->stx_dev_minor = (uint32_t)(st->st_dev & 0xff);
}

/**
 * @brief All of a regular file's bytes in one piece (exec).
 *
 * A file still borrowing the initramfs' bytes hands them out as they are;
 * a file in pages is copied into one kmalloc'd buffer.
 * @param n    the inode
 * @param data set to the bytes
 * @param size set to how many
 * @param copy set to the buffer to kfree() afterwards, or NULL
 * @return 0; -EACCES (not a regular file of a file system that can read
 *         it into the kernel); -ENOMEM; the file system's errors
 */
int
vfs_file_bytes(struct inode *n, const void **data, size_t *size, void **copy)
{
    *copy = NULL;
    if (!S_ISTYPE(n->mode, S_IFREG) || n->iops == NULL ||
        n->iops->read_kernel == NULL)
        return -EACCES;
    mutex_lock(&vfs_lock);
    *size = n->size;
    *data = n->iops->bytes != NULL ? n->iops->bytes(n) : NULL;
    int err = 0;
    if (*data == NULL) {
        *copy = kmalloc(*size > 0 ? *size : 1);
        long got =
            *copy == NULL ? -ENOMEM : n->iops->read_kernel(n, 0, *copy, *size);
        if (got < 0) {
            kfree(*copy);
            *copy = NULL;
            err = (int)got;
        }
        *data = *copy;
    }
    mutex_unlock(&vfs_lock);
    return err;
}

/* The mm's view of an inode's pages (struct vm_file_ops). */
static int
vm_inode_page(void *file, uint64_t index, paddr_t *pa)
{
    struct inode *n = file;
    return n->iops->map_page(n, index, pa);
}

static void
vm_inode_get(void *file)
{
    inode_get(file);
}

static void
vm_inode_put(void *file)
{
    inode_put(file);
}

static struct vm_file_maps *
vm_inode_maps(void *file)
{
    return &((struct inode *)file)->maps;
}

static bool
vm_inode_resident(void *file, uint64_t index)
{
    struct inode *n = file;
    return n->iops->resident != NULL && n->iops->resident(n, index);
}

static const struct vm_file_ops inode_vm_ops = {
    .page = vm_inode_page,
    .get = vm_inode_get,
    .put = vm_inode_put,
    .maps = vm_inode_maps,
    .resident = vm_inode_resident,
};

/**
 * @brief The file behind descriptor @p fd, for mmap: its pages, with a
 *        reference to the inode (the region holds it until unmapped).
 *
 * Every file mapping maps the file's own pages (a tmpfs file's page
 * cache): shared regions share them, private ones copy on write.
 * @param fd  the file descriptor
 * @param out filled with the inode, its page operations and whether the
 *            file is open for writing; NULL only checks @p fd
 * @return 0; -EBADF; -EACCES (not open for reading); -ENODEV (a file
 *         that cannot be mapped: pipe, terminal, directory, a file
 *         system without pages)
 */
int
fd_mmap_open(int fd, struct mmap_target *out)
{
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    struct inode *n = f->inode;
    int err = 0;
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        err = -EACCES; // Linux's order: readable before mappable
    else if (!S_ISTYPE(n->mode, S_IFREG) || f->dentry == NULL ||
             n->iops == NULL || n->iops->map_page == NULL)
        err = -ENODEV;
    if (err == 0 && out != NULL) {
        inode_get(n);
        out->file = n;
        out->ops = &inode_vm_ops;
        out->may_write = (f->flags & O_ACCMODE) == O_RDWR;
    }
    file_put(f);
    return err;
}
