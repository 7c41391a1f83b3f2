/**
 * @file
 * @ingroup fs
 * @brief The initramfs as a tree of nodes, indexed once at boot.
 *
 * The cpio archive is a flat list of paths ("bin/busybox", "./etc/motd");
 * looking a file up by scanning it costs a walk over every header. So
 * fs_tree_init() reads the archive once and builds a tree of struct
 * fnode: one node per member, plus the directories a member implies
 * ("a/b/c" without "a/b" still makes a and a/b directories). A node keeps
 * pointers into the archive for its name and bytes, so nothing is copied.
 *
 * Finding a name in a directory is a hash-table lookup keyed by (the
 * directory, the name); each directory also chains its entries in archive
 * order, for getdents64. Inode numbers are handed out in that order from
 * 2 (the root is 1), so they are stable from boot to boot.
 *
 * Locking: none. The tree is built before init runs and never changes in
 * this chapter (the initramfs is read-only until chapter 5's tmpfs).
 */
#include "fs/file.h"
#include "fs/initramfs.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** Buckets of the (directory, name) hash table: a power of two. */
#define HASH_SIZE 1024

static struct fnode *hash_table[HASH_SIZE];
static struct fnode root_node;
static uint64_t next_ino = 2;
static bool tree_ready;

/* FNV-1a of the directory's address and the name: the bucket. */
static unsigned
hash(const struct fnode *dir, const char *name, size_t len)
{
    uint64_t h = 14695981039346656037ULL ^ (uint64_t)(uintptr_t)dir;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 1099511628211ULL;
    return (unsigned)(h ^ (h >> 32)) & (HASH_SIZE - 1);
}

/**
 * @brief The entry @p name (@p len bytes, no slash) of directory @p dir.
 * @param dir  a directory node
 * @param name the name, not NUL-terminated
 * @param len  its length
 * @return the node, or NULL if there is none
 */
struct fnode *
fnode_child(struct fnode *dir, const char *name, size_t len)
{
    struct fnode *n = hash_table[hash(dir, name, len)];
    for (; n != NULL; n = n->hash_next) {
        if (n->parent == dir && n->namelen == len &&
            memcmp(n->name, name, len) == 0)
            return n;
    }
    return NULL;
}

/**
 * @brief Enter node @p n (name and attributes set) into directory @p dir.
 *
 * Gives it an inode number and appends it to the directory's entries.
 * @param dir the directory
 * @param n   the new node, not yet in any directory
 */
void
fnode_add(struct fnode *dir, struct fnode *n)
{
    n->parent = dir;
    n->ino = next_ino++;
    unsigned b = hash(dir, n->name, n->namelen);
    n->hash_next = hash_table[b];
    hash_table[b] = n;
    struct fnode **tail = &dir->children;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = n;
}

/* A new directory @p name in @p dir, implied by a deeper path. */
static struct fnode *
add_dir(struct fnode *dir, const char *name, size_t len)
{
    struct fnode *n = kzalloc(sizeof(*n));
    if (n == NULL)
        return NULL;
    n->name = name;
    n->namelen = len;
    n->mode = S_IFDIR | 0755;
    n->mtime = dir->mtime;
    fnode_add(dir, n);
    return n;
}

/* Copy a member's attributes into its node. */
static void
set_attrs(struct fnode *n, const struct cpio_entry *e)
{
    n->mode = e->mode;
    n->uid = e->uid;
    n->gid = e->gid;
    n->nlink = e->nlink;
    n->mtime = e->mtime;
    n->rdev = MKDEV(e->rdevmajor, e->rdevminor);
    n->data = e->data;
    n->size = S_ISTYPE(e->mode, S_IFDIR) ? 0 : e->size;
}

/*
 * Enter member @p e: walk its path from the root, making the directories
 * it implies, and create (or, for a directory met before, update) its
 * node. Returns 0 or -ENOMEM; a path through a non-directory is skipped.
 */
static int
add_member(const struct cpio_entry *e)
{
    const char *p = e->name, *end = e->name + e->namelen;
    struct fnode *dir = &root_node;
    for (;;) {
        while (p < end &&
               (*p == '/' || (*p == '.' && (p + 1 == end || p[1] == '/'))))
            p++;        // "./a", "/a" and "a//b" name the same thing
        if (p == end) { // "." itself: the root's own attributes
            set_attrs(dir, e);
            dir->mode = S_IFDIR | (e->mode & 07777);
            return 0;
        }
        const char *s = p;
        while (p < end && *p != '/')
            p++;
        struct fnode *n = fnode_child(dir, s, p - s);
        bool last = p == end;
        if (last) {
            if (n == NULL && (n = kzalloc(sizeof(*n))) != NULL) {
                n->name = s;
                n->namelen = p - s;
                fnode_add(dir, n);
            }
            if (n != NULL)
                set_attrs(n, e);
            return n != NULL ? 0 : -ENOMEM;
        }
        if (n == NULL)
            n = add_dir(dir, s, p - s);
        if (n == NULL)
            return -ENOMEM;
        if (!S_ISTYPE(n->mode, S_IFDIR))
            return 0;
        dir = n;
    }
}

/* nlink of every directory: 2 plus one per subdirectory, as on Linux. */
static void
count_links(struct fnode *dir)
{
    dir->nlink = 2;
    for (struct fnode *c = dir->children; c != NULL; c = c->next) {
        if (S_ISTYPE(c->mode, S_IFDIR)) {
            dir->nlink++;
            count_links(c);
        }
    }
}

/**
 * @brief Build the tree from the initramfs, then add the device files.
 *
 * Idempotent. Without an initramfs the tree is an empty root with /dev.
 * @pre initramfs_init() has run; kmalloc works
 */
void
fs_tree_init(void)
{
    if (tree_ready)
        return;
    tree_ready = true;
    root_node.ino = 1;
    root_node.mode = S_IFDIR | 0755;
    root_node.parent = &root_node;
    root_node.name = "/";
    root_node.namelen = 1;
    size_t len, off = 0;
    const void *a = initramfs_archive(&len);
    struct cpio_entry e;
    while (a != NULL && cpio_next(a, len, &off, &e) == 1) {
        if (add_member(&e) < 0) {
            pr_err("fs: out of memory indexing the initramfs\n");
            break;
        }
    }
    dev_init();
    count_links(&root_node);
}

/* Boot: index the archive once, before the first path is looked up. */
static int
tree_boot(void)
{
    fs_tree_init();
    return 0;
}
initcall(core, tree_boot);

/**
 * @brief The root directory (the tree is built on first use, if boot
 *        has not built it yet).
 * @return its node (never NULL)
 */
struct fnode *
fs_root(void)
{
    if (!tree_ready)
        fs_tree_init();
    return &root_node;
}
