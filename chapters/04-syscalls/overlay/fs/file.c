/**
 * @file
 * @ingroup fs
 * @brief Open files: creation, reference counts, read, write, seek.
 *
 * A struct file is what open() creates and a descriptor points to. Each
 * descriptor holds one reference, and so does a system call that is
 * using the file (fd_get()), so a file closed by one process while
 * another still reads it stays alive until the read ends. When the last
 * reference goes, the file's release operation frees what it owns (a
 * pipe end tells the pipe).
 *
 * The read/write helpers here check what every file shares, the access
 * mode, and leave the rest to the file's operations (struct file_ops):
 * the initramfs files (fs/regular.c), the devices (fs/dev.c),
 * pipes (fs/pipe.c).
 *
 * Locking: the reference count is changed atomically; the offset belongs
 * to whoever holds the file (one thread per process in this chapter).
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "uapi/errno.h"

/**
 * @brief A new open file with one reference.
 * @param node  what is open
 * @param ops   its operations
 * @param flags the open flags kept (access mode, O_APPEND, O_NONBLOCK)
 * @return the file, or NULL when memory is out
 */
struct file *
file_alloc(struct fnode *node, const struct file_ops *ops, unsigned flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (f == NULL)
        return NULL;
    f->refs = 1;
    f->node = node;
    f->ops = ops;
    f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
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
    if (f->ops->release != NULL)
        f->ops->release(f);
    kfree(f);
}

/**
 * @brief Open node @p n: check the flags against its type, make a file.
 * @param n     the node path lookup found
 * @param flags open()'s flags
 * @param out   the new file (one reference)
 * @return 0; -EISDIR (a directory for writing); -EROFS (writing to, or
 *         truncating, an initramfs file); -ENXIO (a device Keel does not
 *         have); -ENOMEM
 */
int
file_open(struct fnode *n, unsigned flags, struct file **out)
{
    unsigned acc = flags & O_ACCMODE;
    bool writing = acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC);
    const struct file_ops *ops;
    switch (n->mode & S_IFMT) {
    case S_IFDIR:
        if (writing || (flags & O_CREAT))
            return -EISDIR;
        ops = &dir_ops;
        break;
    case S_IFREG:
        if (writing)
            return -EROFS; // read-only until chapter 5's tmpfs
        ops = &regular_ops;
        break;
    case S_IFLNK: // only with O_PATH|O_NOFOLLOW, which the caller refused
        return -ELOOP;
    default:
        ops = n->fops;
        if (ops == NULL)
            return -ENXIO;
    }
    struct file *f = file_alloc(n, ops, flags);
    if (f == NULL)
        return -ENOMEM;
    *out = f;
    return 0;
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
        fnode_stat(f->node, st);
}

/**
 * @brief The bytes behind file descriptor @p fd, for a private mmap.
 * @param fd  the file descriptor
 * @param out filled with the file's kernel bytes and size
 * @return 0; -EBADF; -EACCES (not open for reading); -ENODEV (a file
 *         that cannot be mapped: pipe, terminal, directory)
 */
int
fd_mmap_source(int fd, struct mmap_file *out)
{
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    int err = 0;
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        err = -EACCES;
    else if (f->ops != &regular_ops)
        err = -ENODEV;
    else {
        out->data = f->node->data;
        out->size = f->node->size;
    }
    file_put(f);
    return err;
}
