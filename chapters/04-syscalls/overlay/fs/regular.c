/**
 * @file
 * @ingroup fs
 * @brief Reading initramfs files and listing directories.
 *
 * A regular file's bytes are in the archive, in kernel memory, so read is
 * one copy_to_user from the node's data at the offset. A directory's
 * offset is not a byte position but the index of the next entry:
 * 0 is ".", 1 is "..", 2 and up are the directory's entries in the order
 * the archive listed them. getdents64 packs as many whole entries as fit;
 * d_off of an entry is the offset that continues after it, so a program
 * may lseek back to it.
 */
#include "fs/file.h"
#include "kernel/compiler.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* Read from a file whose bytes are in kernel memory (the node's data). */
static long
regular_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    const struct fnode *node = f->node;
    if (*pos >= node->size)
        return 0;
    size_t left = node->size - *pos;
    if (n > left)
        n = left;
    if (copy_to_user(buf, (const char *)node->data + *pos, n) < 0)
        return -EFAULT;
    *pos += n;
    return (long)n;
}

/* lseek on a file of node->size bytes (a directory: entries). */
static long
regular_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END:
        base = (int64_t)f->node->size;
        break;
    default:
        return -EINVAL;
    }
    int64_t to;
    if (__builtin_add_overflow(base, off, &to) || to < 0)
        return -EINVAL;
    f->pos = (uint64_t)to;
    return to;
}

/** Regular files of the initramfs. */
const struct file_ops regular_ops = {
    .read = regular_read,
    .lseek = regular_lseek,
};

/* read() on a directory. */
static long
dir_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)buf, (void)n, (void)pos;
    return -EISDIR;
}

/* The d_type of a mode. */
static uint8_t
dtype(uint32_t mode)
{
    return (uint8_t)((mode & S_IFMT) >> 12);
}

/* Entry number @p i of directory @p d: name and node; false past the end. */
static bool
dir_entry(struct fnode *d, uint64_t i, const char **name, size_t *len,
          struct fnode **node)
{
    if (i < 2) {
        *name = "..";
        *len = i + 1;
        *node = i == 0 ? d : d->parent;
        return true;
    }
    struct fnode *c = d->children;
    for (uint64_t k = 2; c != NULL && k < i; k++)
        c = c->next;
    if (c == NULL)
        return false;
    *name = c->name;
    *len = c->namelen;
    *node = c;
    return true;
}

/*
 * getdents64: whole entries from the offset on, as many as fit in the
 * @p n bytes at @p buf; bytes filled, -EINVAL when not even the first
 * fits, -EFAULT.
 */
static long
dir_getdents(struct file *f, uptr_t buf, size_t n)
{
    union {
        struct linux_dirent64 d;
        char bytes[sizeof(struct linux_dirent64) + NAME_MAX + 8];
    } rec;
    size_t used = 0;
    const char *name;
    size_t len;
    struct fnode *node;
    while (dir_entry(f->node, f->pos, &name, &len, &node)) {
        size_t reclen = DIRENT64_RECLEN(len);
        if (used + reclen > n)
            break;
        memset(&rec, 0, reclen);
        rec.d.d_ino = node->ino;
        rec.d.d_off = (int64_t)f->pos + 1;
        rec.d.d_reclen = (uint16_t)reclen;
        rec.d.d_type = dtype(node->mode);
        memcpy(rec.d.d_name, name, len);
        if (copy_to_user(UPTR(buf.addr + used), &rec, reclen) < 0)
            return used > 0 ? (long)used : -EFAULT;
        used += reclen;
        f->pos++;
    }
    if (used == 0 && dir_entry(f->node, f->pos, &name, &len, &node))
        return -EINVAL;
    return (long)used;
}

/** Directories of the initramfs. */
const struct file_ops dir_ops = {
    .read = dir_read,
    .lseek = regular_lseek,
    .getdents = dir_getdents,
};
