/**
 * @file
 * @ingroup fs
 * @brief tmpfs regular files: bytes in pages, or borrowed from the archive.
 *
 * A file's bytes are a table of pages: entry i holds bytes
 * [i * 4096, (i + 1) * 4096), or is NULL for a hole that reads as zeros
 * (after a seek past the end, or a truncate that grew the file). The
 * table has two levels (struct tmpfs_data), so a sparse file costs
 * memory for the pages it has, not for the offsets it spans. Pages
 * come from the frame allocator one at a time and count against the
 * instance's size limit (-ENOSPC).
 *
 * A file unpacked from the initramfs starts without pages: it *borrows*
 * its bytes from the archive, which stays in memory for good. Reading,
 * exec and mmap use them in place, so booting copies nothing. The first
 * write, or a truncate that grows the file, copies them into pages of
 * the file's own ("copy on write" at the scale of a file); a truncate
 * that shrinks it only shortens what is borrowed.
 *
 * The bytes of the last page past the end of the file are always zero,
 * so that growing the file shows zeros there without clearing anything.
 *
 * The pages are also what mmap maps (map_page_op): a MAP_SHARED region
 * maps these very frames, so the page table is the file's page cache and
 * a store through a mapping is a write to the file. A mapped frame holds
 * one more reference (pmm_ref), so a page the file drops lives until its
 * mappings let go. A borrowed file gets pages of its own at its first
 * mapped page (unborrow: one copy of the file, no more).
 *
 * Locking: vfs_lock around every read, write and truncate (the page
 * table may be replaced by a larger one while it is used); a file's
 * last reference frees its pages without it, as no one else can reach
 * the file any more.
 */
#include "fs/file.h"
#include "fs/tmpfs.h"
#include "kernel/arch.h"
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** The largest file (4 GiB): 2048 leaves, a directory of 16 KiB. */
#define TMPFS_FILE_MAX (1ULL << 32)
/** Leaves of the largest file: the directory never grows past this. */
#define MAX_LEAVES (TMPFS_FILE_MAX / PAGE_SIZE / LEAF_PAGES)

/** Page pointers in one leaf of a file's page table (one 4 KiB block). */
#define LEAF_PAGES (PAGE_SIZE / sizeof(uint8_t *))

/**
 * A regular file's bytes (inode::priv). The page table has two levels,
 * as a sparse file wants: a directory of leaves, each leaf LEAF_PAGES
 * page pointers. A file written only at 2 GiB costs one leaf and a
 * directory of 1025 entries, not a table of half a million; a NULL leaf
 * or page is a hole.
 */
struct tmpfs_data {
    const uint8_t *borrowed; /**< the archive's bytes, or NULL */
    uint8_t ***leaves;       /**< the directory; NULL entries: holes */
    size_t nleaves;          /**< entries in the directory */
};

static const uint8_t zero_page[PAGE_SIZE];

/* The file's data; made on first use. NULL when memory is out. */
static struct tmpfs_data *
data_of(struct inode *n)
{
    if (n->priv == NULL)
        n->priv = kzalloc(sizeof(struct tmpfs_data));
    return n->priv;
}

/**
 * @brief Let file @p n borrow @p size bytes at @p data (the initramfs').
 * @param n    a new, empty regular file
 * @param data the bytes (they must live for good)
 * @param size how many
 */
void
tmpfs_borrow(struct inode *n, const void *data, size_t size)
{
    struct tmpfs_data *td = data_of(n);
    if (td == NULL)
        return;
    td->borrowed = data;
    n->size = size;
}

/* The instance's accounting. */
static struct tmpfs_sb *
sb_of(struct inode *n)
{
    return n->sb->priv;
}

/* Make the directory hold at least @p count leaves; 0 or -ENOMEM. */
static int
grow_dir(struct tmpfs_data *td, size_t count)
{
    if (count <= td->nleaves)
        return 0;
    size_t want = MAX(count, td->nleaves * 2);
    if (want > MAX_LEAVES) // doubling stops at the largest file's size
        want = MAX(count, (size_t)MAX_LEAVES);
    uint8_t ***t = kzalloc(want * sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    if (td->nleaves > 0)
        memcpy(t, td->leaves, td->nleaves * sizeof(*t));
    kfree(td->leaves);
    td->leaves = t;
    td->nleaves = want;
    return 0;
}

/* Page @p i of the file, or NULL for a hole. */
static uint8_t *
page_at(const struct tmpfs_data *td, size_t i)
{
    size_t leaf = i / LEAF_PAGES;
    if (td == NULL || leaf >= td->nleaves || td->leaves[leaf] == NULL)
        return NULL;
    return td->leaves[leaf][i % LEAF_PAGES];
}

/* Page @p i of @p n, allocated (zeroed) if it was a hole. */
static uint8_t *
page_get(struct inode *n, struct tmpfs_data *td, size_t i, int *err)
{
    size_t leaf = i / LEAF_PAGES;
    if ((*err = grow_dir(td, leaf + 1)) < 0)
        return NULL;
    if (td->leaves[leaf] == NULL &&
        (td->leaves[leaf] = kzalloc(LEAF_PAGES * sizeof(uint8_t *))) == NULL) {
        *err = -ENOMEM;
        return NULL;
    }
    uint8_t **slot = &td->leaves[leaf][i % LEAF_PAGES];
    if (*slot != NULL)
        return *slot;
    struct tmpfs_sb *ts = sb_of(n);
    bool room = ts->max_pages == 0 || ts->used_pages < ts->max_pages;
    paddr_t pa = room ? pmm_alloc_frame() : 0; // max 0: no limit (size=0)
    if (pa == 0) {
        *err = -ENOSPC;
        return NULL;
    }
    __atomic_add_fetch(&ts->used_pages, 1, __ATOMIC_SEQ_CST);
    *slot = phys_to_virt(pa);
    memset(*slot, 0, PAGE_SIZE);
    return *slot;
}

/* Drop pages from index @p from on (a page a mapping still maps lives
 * on until it is unmapped: pmm_put), and the leaves left empty. */
static void
free_pages_from(struct inode *n, struct tmpfs_data *td, size_t from)
{
    for (size_t leaf = from / LEAF_PAGES; leaf < td->nleaves; leaf++) {
        uint8_t **l = td->leaves[leaf];
        if (l == NULL)
            continue;
        size_t first = leaf * LEAF_PAGES;
        for (size_t k = from > first ? from - first : 0; k < LEAF_PAGES; k++) {
            if (l[k] != NULL) {
                pmm_put(virt_to_phys(l[k]));
                l[k] = NULL;
                __atomic_sub_fetch(&sb_of(n)->used_pages, 1, __ATOMIC_SEQ_CST);
            }
        }
        if (from <= first) {
            kfree(l);
            td->leaves[leaf] = NULL;
        }
    }
}

// [unborrow]
/* Stop borrowing: copy the archive's bytes into pages of our own. */
static int
unborrow(struct inode *n, struct tmpfs_data *td)
{
    if (td->borrowed == NULL)
        return 0;
    for (uint64_t off = 0; off < n->size; off += PAGE_SIZE) {
        int err;
        uint8_t *p = page_get(n, td, off / PAGE_SIZE, &err);
        if (p == NULL) {
            free_pages_from(n, td, 0);
            return err;
        }
        memcpy(p, td->borrowed + off, MIN(PAGE_SIZE, n->size - off));
    }
    td->borrowed = NULL;
    return 0;
}
// [unborrow]

/*
 * Copy [off, off + len) of the file to @p dst: user memory if @p user,
 * else kernel memory. The caller has cut len to the file's size.
 */
static long
copy_out(struct tmpfs_data *td, uint64_t off, size_t len, void *dst, bool user)
{
    size_t done = 0;
    while (done < len) {
        uint64_t at = off + done;
        size_t k = MIN(len - done, PAGE_SIZE - at % PAGE_SIZE);
        const uint8_t *src = zero_page;
        if (td != NULL && td->borrowed != NULL)
            src = td->borrowed + at, k = len - done;
        else if (page_at(td, at / PAGE_SIZE) != NULL)
            src = page_at(td, at / PAGE_SIZE) + at % PAGE_SIZE;
        uint8_t *d = (uint8_t *)dst + done;
        if (!user)
            memcpy(d, src, k);
        else if (copy_to_user(UPTR((uintptr_t)d), src, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
    }
    return (long)done;
}

/* read(): the bytes at *pos, zeros in holes. */
static long
file_read_op(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct inode *node = f->inode;
    mutex_lock(&vfs_lock);
    long r = 0;
    if (*pos < node->size) {
        n = MIN(n, node->size - *pos);
        r = copy_out(node->priv, *pos, n, (void *)buf.addr, true);
        if (r > 0)
            *pos += (uint64_t)r;
    }
    mutex_unlock(&vfs_lock);
    return r;
}

/* Copy @p n user bytes at @p buf into the file at @p off. */
static long
copy_in(struct inode *node, struct tmpfs_data *td, uptr_t buf, size_t n,
        uint64_t off)
{
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint64_t at = off + done;
        size_t k = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
        uint8_t *p = page_get(node, td, at / PAGE_SIZE, &err);
        if (p == NULL)
            break;
        if (copy_from_user(p + at % PAGE_SIZE, UPTR(buf.addr + done), k) < 0) {
            err = -EFAULT;
            break;
        }
        done += k;
        if (at + k > node->size)
            node->size = at + k;
    }
    return done > 0 ? (long)done : err;
}

/* write(): at *pos, or at the end with O_APPEND; mtime and ctime. */
static long
file_write_op(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct inode *node = f->inode;
    mutex_lock(&vfs_lock);
    struct tmpfs_data *td = data_of(node);
    long r = td == NULL ? -ENOMEM : unborrow(node, td);
    // O_APPEND moves to the end only to write something: Linux checks
    // for an empty write first (generic_write_checks), so write(fd, p, 0)
    // leaves the offset where it was.
    if ((f->flags & O_APPEND) && n > 0)
        *pos = node->size;
    if (r == 0 && n > 0 && *pos >= TMPFS_FILE_MAX)
        r = -EFBIG;
    if (r == 0 && n > 0) {
        r = copy_in(node, td, buf, MIN(n, TMPFS_FILE_MAX - *pos), *pos);
        if (r > 0) {
            *pos += (uint64_t)r;
            inode_touch(node, true, true);
        }
    }
    mutex_unlock(&vfs_lock);
    return r;
}

/* Does the file of @p td (NULL: no pages yet) hold page @p i? */
static bool
has_page(const struct tmpfs_data *td, size_t i)
{
    return page_at(td, i) != NULL;
}

/*
 * SEEK_DATA and SEEK_HOLE from @p off: the first byte at or after it that
 * is in a page (data), or in no page (a hole; the end of the file counts
 * as one), page by page as Linux's tmpfs answers. -ENXIO at or past the
 * end, or when no data follows. A borrowed file is all data.
 */
static long
seek_data_hole(struct inode *n, int64_t off, bool data)
{
    mutex_lock(&vfs_lock);
    const struct tmpfs_data *td = n->priv;
    int64_t size = (int64_t)n->size, to;
    if (off < 0 || off >= size)
        to = -ENXIO;
    else if (td != NULL && td->borrowed != NULL)
        to = data ? off : size; // the archive's bytes are all data
    else {
        size_t i = (size_t)off / PAGE_SIZE;
        while ((int64_t)(i * PAGE_SIZE) < size && has_page(td, i) != data)
            i++;
        to = MAX((int64_t)(i * PAGE_SIZE), off);
        if (to >= size)
            to = data ? -ENXIO : size; // only holes follow / the end
    }
    mutex_unlock(&vfs_lock);
    return to;
}

/* lseek: SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE. */
static long
file_lseek_op(struct file *f, int64_t off, int whence)
{
    int64_t base;
    switch (whence) {
    case SEEK_DATA:
    case SEEK_HOLE: {
        long to = seek_data_hole(f->inode, off, whence == SEEK_DATA);
        if (to >= 0)
            f->pos = (uint64_t)to;
        return to;
    }
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END:
        base = (int64_t)f->inode->size;
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

/*
 * truncate: pages past the end go, the tail of the last one is zeroed.
 * Mappings lose the pages wholly past the new end at once (a touch there
 * is SIGBUS), and see the zeroed tail; a file that grows again shows its
 * new pages to existing mappings at their next touch.
 */
static int
truncate_op(struct inode *n, uint64_t size)
{
    if (size > TMPFS_FILE_MAX)
        return -EFBIG;
    struct tmpfs_data *td = data_of(n);
    if (td == NULL)
        return -ENOMEM;
    if (size < n->size)
        vm_file_shrink(&n->maps, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
    if (td->borrowed != NULL && size <= n->size) {
        n->size = size; // still borrowed, just shorter
        return 0;
    }
    int err = unborrow(n, td);
    if (err < 0)
        return err;
    if (size < n->size) {
        free_pages_from(n, td, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
        size_t last = size / PAGE_SIZE;
        if (size % PAGE_SIZE && page_at(td, last) != NULL)
            memset(page_at(td, last) + size % PAGE_SIZE, 0,
                   PAGE_SIZE - size % PAGE_SIZE);
    }
    n->size = size;
    return 0;
}

/* The bytes for exec and mmap, copied into the kernel. */
static long
read_kernel_op(struct inode *n, uint64_t off, void *buf, size_t len)
{
    if (off >= n->size)
        return 0;
    return copy_out(n->priv, off, MIN(len, n->size - off), buf, false);
}

/* All the bytes in one piece: only while borrowed. */
static const void *
bytes_op(struct inode *n)
{
    struct tmpfs_data *td = n->priv;
    return td != NULL ? td->borrowed : NULL;
}

/*
 * mmap's page (inode_ops::map_page): the frame of page @p index, made
 * (zeroed) if it was a hole, with a reference for the mapping. A fault
 * reaches here with vfs_lock free, or held by this very thread when a
 * file operation's copy to or from user memory touched a mapping (read()
 * into a mapped buffer): then the lock is already ours, and the page
 * table is consistent between the pages such a copy moves.
 * 0; -EIO wholly past the end of the file, or with no room left (SIGBUS,
 * as Linux's tmpfs gives for ENOSPC); -ENOMEM.
 */
static int
map_page_op(struct inode *n, uint64_t index, paddr_t *pa)
{
    bool lock = !mutex_held(&vfs_lock);
    if (lock)
        mutex_lock(&vfs_lock);
    struct tmpfs_data *td = data_of(n);
    int err = td == NULL ? -ENOMEM : 0;
    if (err == 0 && index >= ALIGN_UP(n->size, PAGE_SIZE) / PAGE_SIZE)
        err = -EIO;
    if (err == 0)
        err = unborrow(n, td);
    uint8_t *p = err == 0 ? page_get(n, td, index, &err) : NULL;
    if (p != NULL) {
        *pa = virt_to_phys(p);
        pmm_ref(*pa);
    }
    if (lock)
        mutex_unlock(&vfs_lock);
    return err == -ENOSPC ? -EIO : err;
}

/* mincore: a page of the file in memory (borrowed bytes are, holes and
 * pages past the end are not). Takes vfs_lock: the table may grow. */
static bool
resident_op(struct inode *n, uint64_t index)
{
    mutex_lock(&vfs_lock);
    const struct tmpfs_data *td = n->priv;
    bool in = index < ALIGN_UP(n->size, PAGE_SIZE) / PAGE_SIZE &&
              ((td != NULL && td->borrowed != NULL) || has_page(td, index));
    mutex_unlock(&vfs_lock);
    return in;
}

/* The file's last reference is gone: its pages and table go too. */
static void
evict_op(struct inode *n)
{
    struct tmpfs_data *td = n->priv;
    if (td != NULL) {
        free_pages_from(n, td, 0);
        kfree(td->leaves);
        kfree(td);
    }
    tmpfs_inode_gone(n);
}

/** Regular files: what the VFS asks of them. */
const struct inode_ops tmpfs_file_iops = {
    .truncate = truncate_op,
    .read_kernel = read_kernel_op,
    .bytes = bytes_op,
    .evict = evict_op,
    .map_page = map_page_op,
    .resident = resident_op,
};

/** Regular files: open file operations. */
const struct file_ops tmpfs_file_fops = {
    .read = file_read_op,
    .write = file_write_op,
    .lseek = file_lseek_op,
};
