/**
 * @file
 * @ingroup fs
 * @brief Unpacking the initramfs into the root tmpfs at boot.
 *
 * The cpio archive is a flat list of paths ("bin/busybox", "./etc/motd")
 * with their attributes. Each member becomes a tmpfs inode under the
 * root, with the archive's mode, owner, modification time and, for a
 * device file, device number; a path through directories the archive
 * does not list makes them (0755). A regular file borrows its bytes from
 * the archive (tmpfs_borrow()): nothing is copied until someone writes.
 *
 * Like Linux's, the unpacker takes several archives one after the other
 * in the same image (cat a.cpio b.cpio > initrd): after an archive's
 * "TRAILER!!!" and the zero bytes that pad it, another archive may
 * begin, and its members are added too (a later member of a name
 * replaces the earlier one, within an archive or across two).
 *
 * Adding a name to a directory sets the directory's mtime to "now", so
 * the directories' own times are set in a second pass, once all their
 * entries exist, as Linux's initramfs unpacker does.
 *
 * Locking: none; this runs at boot before any process.
 */
#include "fs/file.h"
#include "fs/initramfs.h"
#include "fs/tmpfs.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* Skip "./", "/" and "//" at @p p: the start of the next component. */
static const char *
skip_dots(const char *p, const char *end)
{
    while (p < end &&
           (*p == '/' || (*p == '.' && (p + 1 == end || p[1] == '/'))))
        p++;
    return p;
}

/* Give inode @p n member @p e's attributes. */
static void
set_attrs(struct inode *n, const struct cpio_entry *e)
{
    n->mode = (n->mode & S_IFMT) | (e->mode & 07777);
    n->uid = e->uid;
    n->gid = e->gid;
    n->mtime.tv_sec = n->ctime.tv_sec = n->atime.tv_sec = e->mtime;
    n->mtime.tv_nsec = n->ctime.tv_nsec = n->atime.tv_nsec = 0;
}

/* A new inode for member @p e named [s, s + len) in @p dir. */
static int
add_node(struct dentry *dir, const char *s, size_t len,
         const struct cpio_entry *e)
{
    struct inode *n =
        tmpfs_new_inode(dir->sb, e->mode, MKDEV(e->rdevmajor, e->rdevminor));
    struct dentry *d = n != NULL ? dentry_alloc(dir, s, len) : NULL;
    if (d == NULL) {
        inode_put(n);
        return -ENOMEM;
    }
    if (S_ISTYPE(e->mode, S_IFREG)) {
        tmpfs_borrow(n, e->data, e->size);
    } else if (S_ISTYPE(e->mode, S_IFLNK)) {
        char *t = kmalloc(e->size + 1);
        if (t == NULL) {
            inode_put(n);
            dentry_put(d);
            return -ENOMEM;
        }
        memcpy(t, e->data, e->size);
        t[e->size] = 0;
        n->priv = t;
        n->size = e->size;
    } else if (S_ISTYPE(e->mode, S_IFDIR)) {
        dir->inode->nlink++;
    }
    set_attrs(n, e);
    dcache_add(d, n);
    dentry_put(d);
    return 0;
}

/* A directory [s, s + len) in @p dir that a deeper path implies. */
static struct dentry *
add_dir(struct dentry *dir, const char *s, size_t len)
{
    struct cpio_entry e = {.mode = S_IFDIR | 0755};
    e.mtime = (uint32_t)dir->inode->mtime.tv_sec;
    if (add_node(dir, s, len, &e) < 0)
        return NULL;
    return dcache_lookup(dir, s, len);
}

/* Enter member @p e (or only set a directory's times: @p times_only). */
static int
add_member(struct dentry *root, const struct cpio_entry *e, bool times_only)
{
    const char *p = e->name, *end = e->name + e->namelen;
    struct dentry *dir = root;
    for (;;) {
        p = skip_dots(p, end);
        if (p == end) { // "." itself: the root's own attributes
            set_attrs(dir->inode, e);
            return 0;
        }
        const char *s = p;
        while (p < end && *p != '/')
            p++;
        struct dentry *d = dcache_lookup(dir, s, p - s);
        if (p == end) {
            if (times_only || (d != NULL && S_ISTYPE(d->inode->mode, S_IFDIR) &&
                               S_ISTYPE(e->mode, S_IFDIR))) {
                if (d != NULL && S_ISTYPE(d->inode->mode, S_IFDIR))
                    set_attrs(d->inode, e);
                return 0;
            }
            if (d != NULL) // a second member of the same name: the last wins
                dcache_remove(d);
            return add_node(dir, s, p - s, e);
        }
        if (d == NULL && !times_only)
            d = add_dir(dir, s, p - s);
        if (d == NULL)
            return times_only ? 0 : -ENOMEM;
        if (!S_ISTYPE(d->inode->mode, S_IFDIR))
            return 0; // a path through a file: skipped
        dir = d;
    }
}

/** The trailer member's bytes: a 110-byte header, "TRAILER!!!" and its
 *  NUL (11 bytes), padded to 4, no data. */
#define TRAILER_BYTES 124

/* Where the archive after the one whose trailer is at @p off begins, or
 * @p len when none does: past the trailer, past the zero padding (in
 * 4-byte steps, as Linux's unpacker skips it), at a "070701" magic. */
static size_t
next_archive(const char *a, size_t len, size_t off)
{
    if (len - off < TRAILER_BYTES)
        return len;
    off += TRAILER_BYTES;
    while (off + 4 <= len && a[off] == 0 && a[off + 1] == 0 &&
           a[off + 2] == 0 && a[off + 3] == 0)
        off += 4;
    if (len - off < 6 || memcmp(a + off, "070701", 6) != 0)
        return len;
    return off;
}

/**
 * @brief Fill the tmpfs at @p root with the initramfs' members.
 * @param root the root dentry of an empty tmpfs
 * @return 0, or -ENOMEM (what was unpacked so far stays)
 * @pre initramfs_init() has run; boot, before any process
 */
int
tmpfs_fill_from_initramfs(struct dentry *root)
{
    size_t len;
    const void *a = initramfs_archive(&len);
    struct cpio_entry e;
    for (int pass = 0; pass < 2 && a != NULL; pass++) {
        size_t off = 0;
        while (off < len) {
            int r;
            while ((r = cpio_next(a, len, &off, &e)) == 1) {
                if (pass == 1 && !S_ISTYPE(e.mode, S_IFDIR))
                    continue;
                if (add_member(root, &e, pass == 1) < 0)
                    return -ENOMEM;
            }
            if (r < 0)
                break; // damaged: what came before it stays
            off = next_archive(a, len, off);
        }
    }
    return 0;
}
