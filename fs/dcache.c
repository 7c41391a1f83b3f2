/**
 * @file
 * @ingroup fs
 * @brief The dentry cache: names in directories, found by (parent, name).
 *
 * Every name the kernel knows is a struct dentry: its text, its parent
 * dentry, the inode it names. A hash table keyed by (parent, name) finds
 * one component of a path in one probe, whatever the directory's size;
 * each directory also lists its children in creation order, which is the
 * order getdents64 reports them in. For tmpfs nothing else exists: the
 * cache is the directory. A file system whose entries are made on demand
 * (procfs) fills the cache from its lookup operation instead.
 *
 * Reference counts keep dentries alive: being in the tree is one
 * reference, each child holds one on its parent, and so do open files,
 * working directories and walks in progress. dcache_remove() (unlink,
 * rmdir) takes a dentry out of the hash and the parent's list, marks it
 * dead and drops the tree's reference; whoever still holds it (a process
 * reading the open file) keeps it until dentry_put() frees it.
 *
 * getdents64's offset in a directory is a position, not an index: each
 * child gets the directory's next position when it is added, so removing
 * an entry during a listing (rm -r does) does not make the listing skip
 * the next one.
 *
 * Locking: vfs_lock, held by the caller, protects the hash, the lists
 * and names; reference counts are atomic.
 */
#include "fs/file.h"
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** Buckets of the (parent, name) hash table: a power of two. */
#define DCACHE_BUCKETS 1024

/** The lock of the file tree (see fs/include/fs/vfs.h). */
struct mutex vfs_lock;

static struct dentry *buckets[DCACHE_BUCKETS];

/* FNV-1a of the parent's address and the name: the bucket. */
static struct dentry **
bucket(const struct dentry *dir, const char *name, size_t len)
{
    uint64_t h = 14695981039346656037ULL ^ (uint64_t)(uintptr_t)dir;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 1099511628211ULL;
    return &buckets[(h ^ (h >> 32)) & (DCACHE_BUCKETS - 1)];
}

/* Give @p d its own NUL-terminated copy of @p name; false: no memory. */
static bool
set_name(struct dentry *d, const char *name, size_t len)
{
    char *s = kmalloc(len + 1);
    if (s == NULL)
        return false;
    memcpy(s, name, len);
    s[len] = 0;
    kfree(d->name);
    d->name = s;
    d->namelen = len;
    return true;
}

/**
 * @brief A new dentry @p name in @p parent, not yet in the tree.
 * @param parent the directory (holds a reference for the child)
 * @param name   the name (@p len bytes, no slash)
 * @param len    its length
 * @return the dentry with one reference (the caller's), no inode; or
 *         NULL when memory is out
 */
struct dentry *
dentry_alloc(struct dentry *parent, const char *name, size_t len)
{
    struct dentry *d = kzalloc(sizeof(*d));
    if (d == NULL)
        return NULL;
    if (!set_name(d, name, len)) {
        kfree(d);
        return NULL;
    }
    d->refs = 1;
    d->parent = parent;
    d->sb = parent->sb;
    d->next_pos = 2;
    list_init(&d->children);
    dentry_get(parent);
    return d;
}

/**
 * @brief The root dentry of a new super block @p sb, naming @p n.
 * @param sb the super block
 * @param n  its root directory's inode (the dentry takes this reference)
 * @return the dentry (its parent is itself), or NULL when memory is out
 */
struct dentry *
dentry_root(struct super_block *sb, struct inode *n)
{
    struct dentry *d = kzalloc(sizeof(*d));
    if (d == NULL || !set_name(d, "/", 1)) {
        kfree(d);
        return NULL;
    }
    d->refs = 1;
    d->parent = d;
    d->sb = sb;
    d->inode = n;
    d->next_pos = 2;
    list_init(&d->children);
    return d;
}

/**
 * @brief Take one more reference to @p d.
 * @param d the dentry
 */
void
dentry_get(struct dentry *d)
{
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_SEQ_CST);
}

/**
 * @brief Drop a reference; the last one frees the dentry (it has left
 *        the tree by then), its inode reference and its parent reference.
 * @param d the dentry (NULL is ignored)
 */
void
dentry_put(struct dentry *d)
{
    while (d != NULL &&
           __atomic_sub_fetch(&d->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        struct dentry *parent = d->parent != d ? d->parent : NULL;
        inode_put(d->inode);
        kfree(d->name);
        kfree(d);
        d = parent; // the child's reference on its parent goes too
    }
}

/**
 * @brief The live entry @p name of directory @p dir, if the cache has it.
 * @param dir  the directory's dentry
 * @param name the name (not NUL-terminated)
 * @param len  its length
 * @return the dentry (no reference taken), or NULL
 * @pre vfs_lock held
 */
// [dcache_lookup]
struct dentry *
dcache_lookup(struct dentry *dir, const char *name, size_t len)
{
    for (struct dentry *d = *bucket(dir, name, len); d; d = d->hash_next) {
        if (d->parent == dir && d->namelen == len &&
            memcmp(d->name, name, len) == 0)
            return d;
    }
    return NULL;
}
// [dcache_lookup]

/* Enter @p d into the hash and at the end of its parent's entries. */
static void
link_in(struct dentry *d)
{
    struct dentry **b = bucket(d->parent, d->name, d->namelen);
    d->hash_next = *b;
    *b = d;
    d->pos = d->parent->next_pos++;
    list_push_back(&d->parent->children, &d->sibling);
}

/* Take @p d out of the hash and its parent's entries. */
static void
link_out(struct dentry *d)
{
    struct dentry **p = bucket(d->parent, d->name, d->namelen);
    while (*p != NULL && *p != d)
        p = &(*p)->hash_next;
    if (*p == d)
        *p = d->hash_next;
    list_remove(&d->sibling);
}

/**
 * @brief Put new dentry @p d, naming inode @p n, into the tree.
 * @param d the dentry from dentry_alloc()
 * @param n its inode (the dentry takes over the caller's reference)
 * @pre vfs_lock held; the name is free in d->parent
 */
void
dcache_add(struct dentry *d, struct inode *n)
{
    d->inode = n;
    dentry_get(d); // the tree's reference
    link_in(d);
}

/**
 * @brief Take @p d out of the tree (unlink, rmdir): it is dead.
 * @param d the dentry
 * @pre vfs_lock held; the caller holds its own reference
 */
void
dcache_remove(struct dentry *d)
{
    link_out(d);
    d->dead = true;
    dentry_put(d); // the tree's reference
}

/**
 * @brief Take every name below @p top out of the tree, deepest first.
 *
 * Unmounting a file system (tmpfs, procfs) drops its whole tree. A user
 * can make a directory tree as deep as memory allows (mkdir and chdir,
 * one level at a time), so the descent is a loop that climbs back through
 * the parent pointers, not a recursion that would spend kernel stack per
 * level. Each name is removed as dcache_remove() does; a dentry someone
 * still holds (an open file, a cwd) lives on, dead, until its last put.
 * @param top the directory whose descendants go; it stays
 * @pre vfs_lock held
 */
void
dcache_prune(struct dentry *top)
{
    struct dentry *d = top;
    for (;;) {
        if (!list_empty(&d->children)) { // down to a leaf first
            d = list_entry(d->children.next, struct dentry, sibling);
            continue;
        }
        if (d == top)
            return;
        struct dentry *parent = d->parent; // the tree holds it still
        dentry_get(d); // dcache_remove() wants the caller's reference
        dcache_remove(d);
        dentry_put(d);
        d = parent;
    }
}

/**
 * @brief Move @p d to directory @p dir under @p name (rename).
 * @param d    the dentry
 * @param dir  the new parent
 * @param name the new name
 * @param len  its length
 * @pre vfs_lock held; the name is free in @p dir
 */
void
dcache_move(struct dentry *d, struct dentry *dir, const char *name, size_t len)
{
    link_out(d);
    set_name(d, name, len); // keeps the old name if memory is out
    struct dentry *old = d->parent;
    dentry_get(dir);
    d->parent = dir;
    link_in(d);
    dentry_put(old);
}

/**
 * @brief A new entry @p name naming @p n in @p dir: for file systems that
 *        build their tree themselves (procfs, devtmpfs, the initramfs).
 * @param dir  the directory
 * @param name a NUL-terminated name
 * @param n    the inode (the entry takes over the caller's reference)
 * @return the dentry (held by the tree only), or NULL when memory is out
 *         (then @p n is released)
 * @pre vfs_lock held, or boot before other processes run
 */
struct dentry *
dcache_add_child(struct dentry *dir, const char *name, struct inode *n)
{
    struct dentry *d = dentry_alloc(dir, name, strlen(name));
    if (d == NULL) {
        inode_put(n);
        return NULL;
    }
    dcache_add(d, n);
    dentry_put(d);
    return d;
}

/**
 * @brief Mounting: root dentry @p root takes mount point @p mp's place
 *        (its parent and name), so ".." and getcwd cross the mount.
 * @param root the mounted file system's root
 * @param mp   the mount point, or NULL to undo (unmounting)
 * @pre vfs_lock held
 */
void
dcache_graft(struct dentry *root, struct dentry *mp)
{
    if (mp != NULL) {
        set_name(root, mp->name, mp->namelen);
        root->parent = mp->parent;
    } else {
        set_name(root, "/", 1);
        root->parent = root;
    }
}

/**
 * @brief Has directory @p d no entries (rmdir's condition)?
 * @param d the directory's dentry
 * @return true when it has none
 */
bool
dentry_is_empty_dir(const struct dentry *d)
{
    return list_empty(&d->children);
}

/* The d_type of a mode: its type bits, shifted. */
static uint8_t
dtype(uint32_t mode)
{
    return (uint8_t)((mode & S_IFMT) >> 12);
}

/* Entry at offset >= *@p pos of @p dir: its name, inode and offset. */
static bool
entry_at(struct dentry *dir, uint64_t *pos, const char **name, size_t *len,
         struct inode **n)
{
    if (*pos < 2) {
        *name = "..";
        *len = *pos + 1;
        *n = *pos == 0 ? dir->inode : dir->parent->inode;
        return true;
    }
    struct list_node *l;
    list_for_each(l, &dir->children)
    {
        struct dentry *c = list_entry(l, struct dentry, sibling);
        if (c->pos >= *pos) {
            *pos = c->pos;
            *name = c->name;
            *len = c->namelen;
            *n = c->inode;
            return true;
        }
    }
    return false;
}

/**
 * @brief getdents64 over the cached entries of the directory open in @p f.
 *
 * Offsets: 0 is ".", 1 is "..", then each child's position; d_off of an
 * entry is the offset that continues after it.
 * @param f   the open directory
 * @param buf the user buffer
 * @param n   its size
 * @return bytes filled (0 at the end); -EINVAL (the next entry does not
 *         fit); -EFAULT; -ENOENT (the directory was removed)
 */
long
dcache_getdents(struct file *f, uptr_t buf, size_t n)
{
    union {
        struct linux_dirent64 d;
        char bytes[sizeof(struct linux_dirent64) + NAME_MAX + 8];
    } rec;
    size_t used = 0;
    const char *name;
    size_t len;
    struct inode *node;
    mutex_lock(&vfs_lock);
    uint64_t pos = f->pos;
    long err = f->dentry->dead ? -ENOENT : 0;
    while (err == 0 && entry_at(f->dentry, &pos, &name, &len, &node)) {
        size_t reclen = DIRENT64_RECLEN(len);
        if (used + reclen > n) {
            err = used == 0 ? -EINVAL : 0;
            break;
        }
        memset(&rec, 0, reclen);
        rec.d.d_ino = node->ino;
        rec.d.d_off = (int64_t)pos + 1;
        rec.d.d_reclen = (uint16_t)reclen;
        rec.d.d_type = dtype(node->mode);
        memcpy(rec.d.d_name, name, len);
        if (copy_to_user(UPTR(buf.addr + used), &rec, reclen) < 0) {
            err = -EFAULT;
            break;
        }
        used += reclen;
        f->pos = ++pos;
    }
    mutex_unlock(&vfs_lock);
    return used > 0 ? (long)used : err;
}
