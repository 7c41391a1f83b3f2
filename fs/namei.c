/**
 * @file
 * @ingroup fs
 * @brief The path walk: from a string to a dentry, one component a step.
 *
 * path_walk() does what chapter 4's lookup did, over dentries instead of
 * the read-only tree: an absolute path starts at the root, a relative one
 * at the given directory (the cwd, or a dirfd's). Each component is a
 * step (step()):
 *
 * 1. the directory must be one and be searchable by the caller (x);
 * 2. "." stays, ".." goes to the parent (the root's parent is itself; a
 *    mounted root's parent is its mount point's, see dcache_graft());
 *    any other name is looked up in the dentry cache, and in the file
 *    system when the cache does not hold the whole directory (procfs);
 *    a removed directory has no names left (-ENOENT), but "." and ".."
 *    still work in it, as on Linux;
 * 3. a dentry with a mount on top of it is replaced by the mounted root;
 * 4. a symbolic link is replaced by the walk of its target, from the
 *    link's directory, unless it is the last component and the caller
 *    asked not to follow (lstat, unlink, O_NOFOLLOW). A trailing slash
 *    always follows and demands a directory. At most SYMLINK_MAX links
 *    per walk (-ELOOP), so a loop cannot hang the kernel. The walk of a
 *    target is not a recursive call: walk() keeps the targets it is inside
 *    on a list of its own (struct walk_frame), so however links nest, the
 *    walk's kernel stack stays the same size.
 *
 * The walk holds a reference on the dentry it stands on, so a concurrent
 * rmdir cannot free it under the walk; the result is returned with a
 * reference that the caller drops with dentry_put().
 *
 * path_parent_at() is the walk the calls that create or remove a name
 * need: the directory, walked, and the last name, not looked up. The
 * file ends with the working directory (fs_chdir(), fs_getcwd()) and
 * path_from_user(), the copy of a user's path every path call starts
 * with.
 *
 * Locking: path_walk() and path_parent_at() run under vfs_lock, held by
 * the caller; path_lookup_at() takes it itself.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** A link's target being walked: where the path that held it goes on. */
struct walk_frame {
    char *text;      /**< the target, kmalloc'd (PATH_MAX bytes) */
    const char *p;   /**< the rest of the path that held the link */
    const char *end; /**< its end */
    bool last;       /**< the link was that path's last component */
    bool slash;      /**< ... and a slash followed it */
};

/*
 * The walk's state: the dentry it stands on and the links being walked,
 * innermost last. Targets are walked in place of recursion, so a chain of
 * links costs a frame here (up to SYMLINK_MAX), not kernel stack.
 */
struct walk_state {
    struct dentry *cur;        /**< referenced */
    struct walk_frame *frames; /**< SYMLINK_MAX of them, kmalloc'd */
    int depth;                 /**< frames in use */
    int *links;                /**< links followed in this walk */
};

/* Whether [p, end) holds only slashes (or nothing). */
static bool
only_slashes(const char *p, const char *end)
{
    while (p < end && *p == '/')
        p++;
    return p == end;
}

/* Swap the walk's reference from *@p cur to @p next (referenced). */
static void
move_to(struct dentry **cur, struct dentry *next)
{
    struct dentry *old = *cur;
    *cur = next;
    dentry_put(old);
}

/*
 * The entry [s, s + len) of @p dir, referenced, or -ENOENT: from the
 * dcache, else from the file system's lookup (procfs), which is then
 * cached. A cached entry the file system no longer vouches for (a process
 * that exited) is dropped first.
 */
static int
lookup_child(struct dentry *dir, const char *s, size_t len, struct dentry **out)
{
    const struct inode_ops *ops = dir->inode->iops;
    struct dentry *d = dcache_lookup(dir, s, len);
    if (d != NULL && ops != NULL && ops->revalidate != NULL &&
        !ops->revalidate(d)) {
        // its cached children (a gone process's status, fd/3) go with
        // it: each holds a reference on it, so they would keep it forever
        dentry_get(d); // dcache_remove() wants the caller's reference
        dcache_prune(d);
        dcache_remove(d);
        dentry_put(d);
        d = NULL;
    }
    if (d != NULL) {
        dentry_get(d);
        *out = d;
        return 0;
    }
    if (ops == NULL || ops->lookup == NULL)
        return -ENOENT;
    if ((d = dentry_alloc(dir, s, len)) == NULL)
        return -ENOMEM;
    int err = ops->lookup(dir->inode, d);
    if (err == 0 && d->inode == NULL)
        err = -ENOENT;
    if (err == 0)
        dcache_add(d, d->inode);
    if (err < 0) {
        dentry_put(d);
        return err;
    }
    *out = d;
    return 0;
}

/*
 * One component [s, s + len) of a walk in directory @p dir: the entry,
 * referenced in *@p out, with any file system mounted on it entered. A
 * symbolic link is returned as it is; walk() decides whether to follow.
 */
// [step]
static int
step(struct dentry *dir, const char *s, size_t len, struct dentry **out)
{
    if (len > NAME_MAX)
        return -ENAMETOOLONG;
    if (!S_ISTYPE(dir->inode->mode, S_IFDIR))
        return -ENOTDIR;
    int err = inode_permission(dir->inode, X_OK);
    if (err < 0)
        return err;
    struct dentry *n;
    if (len == 1 && s[0] == '.') {
        n = dir;
        dentry_get(n);
    } else if (len == 2 && s[0] == '.' && s[1] == '.') {
        n = dir == fs_root() ? dir : dir->parent; // never above the root
        dentry_get(n);
    } else if (dir->dead) {
        return -ENOENT; // removed: no name can be found in it
    } else if ((err = lookup_child(dir, s, len, &n)) < 0) {
        return err;
    }
    while (n->mounted != NULL) { // a file system is mounted here: enter it
        dentry_get(n->mounted->sb->root);
        move_to(&n, n->mounted->sb->root);
    }
    *out = n;
    return 0;
}
// [step]

/*
 * Follow the link @p n (referenced; the walk stands on its directory):
 * a magic link (procfs) resolves at once into *@p to; any other pushes
 * its target as a new frame to walk from here (*@p to stays NULL).
 */
static int
follow_link(struct walk_state *w, struct dentry *n, const char **p,
            const char **end, bool last, bool slash, struct dentry **to)
{
    *to = NULL;
    if (++*w->links > SYMLINK_MAX)
        return -ELOOP;
    const struct inode_ops *ops = n->inode->iops;
    if (ops->follow != NULL)
        return ops->follow(n, to);
    if (w->frames == NULL &&
        (w->frames = kmalloc(SYMLINK_MAX * sizeof(*w->frames))) == NULL)
        return -ENOMEM;
    char *t = kmalloc(PATH_MAX);
    if (t == NULL)
        return -ENOMEM;
    long len = ops->readlink(n, t, PATH_MAX);
    if (len <= 0) {
        kfree(t);
        return len == 0 ? -ENOENT : (int)len;
    }
    w->frames[w->depth++] = (struct walk_frame){t, *p, *end, last, slash};
    *p = t;
    *end = t + len;
    if (t[0] == '/') { // an absolute target starts again at the root
        dentry_get(fs_root());
        move_to(&w->cur, fs_root());
    }
    return 0;
}

/* What a component's result must be: a directory before a slash, or as
 * the last one under LOOKUP_DIRECTORY. */
static int
check_dir(struct dentry *n, bool last, bool slash, int flags)
{
    if ((slash || (last && (flags & LOOKUP_DIRECTORY))) &&
        !S_ISTYPE(n->inode->mode, S_IFDIR))
        return -ENOTDIR;
    return 0;
}

/*
 * One component at *@p p of the innermost path: step, follow a link
 * (which may push a frame), move the walk on.
 */
static int
walk_component(struct walk_state *w, const char **p, const char **end,
               int flags)
{
    const char *s = *p;
    while (*p < *end && **p != '/')
        (*p)++;
    bool last = only_slashes(*p, *end);
    bool slash = last && *p < *end;
    struct dentry *n, *to;
    int err = step(w->cur, s, *p - s, &n);
    if (err < 0)
        return err;
    if (S_ISTYPE(n->inode->mode, S_IFLNK) &&
        (!last || slash || !(flags & LOOKUP_NOFOLLOW))) {
        err = follow_link(w, n, p, end, last, slash, &to);
        dentry_put(n);
        if (err < 0 || to == NULL)
            return err; // an error, or a target to walk first
        n = to;
    }
    if ((err = check_dir(n, last, slash, flags)) < 0) {
        dentry_put(n);
        return err;
    }
    move_to(&w->cur, n);
    return 0;
}

/*
 * Walk [p, end) from @p base (or the root, for an absolute path), with
 * *@p links followed so far. A link's target is walked as a frame pushed
 * on the walk's own list; when it is done the walk stands on what the
 * link points to and goes on with the path that held the link.
 */
static int
walk(struct dentry *base, const char *p, const char *end, int flags, int *links,
     struct dentry **out)
{
    struct walk_state w = {(p < end && *p == '/') ? fs_root() : base, NULL, 0,
                           links};
    int err = 0;
    dentry_get(w.cur);
    for (;;) {
        while (p < end && *p == '/')
            p++;
        if (p < end) {
            err = walk_component(&w, &p, &end, w.depth == 0 ? flags : 0);
        } else if (w.depth > 0) { // a target is done: back to its link
            struct walk_frame *f = &w.frames[--w.depth];
            kfree(f->text);
            p = f->p;
            end = f->end;
            err = check_dir(w.cur, f->last, f->slash, w.depth == 0 ? flags : 0);
        } else {
            break;
        }
        if (err < 0)
            break;
    }
    while (w.depth > 0)
        kfree(w.frames[--w.depth].text);
    kfree(w.frames);
    if (err < 0) {
        dentry_put(w.cur);
        return err;
    }
    *out = w.cur;
    return 0;
}

/**
 * @brief Find the dentry @p path names, from @p base.
 * @param base  the directory a relative path starts from
 * @param path  a NUL-terminated path, shorter than PATH_MAX
 * @param flags LOOKUP_NOFOLLOW: a link as last component is the result;
 *              LOOKUP_DIRECTORY: the result must be a directory
 * @param out   the dentry found, referenced (dentry_put() it)
 * @return 0; -ENOENT (missing, removed, or "" as path); -ENOTDIR (a
 *         component is not a directory, or a trailing slash after a
 *         non-directory); -EACCES (a directory without x for the caller);
 *         -ELOOP (more than SYMLINK_MAX links); -ENAMETOOLONG; -ENOMEM
 * @pre vfs_lock held
 */
int
path_walk(struct dentry *base, const char *path, int flags, struct dentry **out)
{
    size_t len = strnlen(path, PATH_MAX);
    if (len == 0)
        return -ENOENT;
    if (len >= PATH_MAX)
        return -ENAMETOOLONG;
    int links = 0;
    return walk(base, path, path + len, flags, &links, out);
}

/* The directory a relative path from @p dirfd starts at, referenced. */
static int
start_dir(int dirfd, const char *path, struct dentry **out)
{
    struct proc *p = proc_current();
    struct dentry *base = p != NULL ? p->fs_cwd : fs_root(); // boot: "/"
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        struct file *f = fd_get(dirfd);
        if (f == NULL)
            return -EBADF;
        base = f->dentry;
        file_put(f); // the descriptor keeps it; vfs_lock keeps the tree
        if (base == NULL || !S_ISTYPE(base->inode->mode, S_IFDIR))
            return -ENOTDIR;
    }
    dentry_get(base);
    *out = base;
    return 0;
}

/**
 * @brief path_walk() from a dirfd, as the *at() calls do; takes vfs_lock.
 * @param dirfd AT_FDCWD (the cwd) or a descriptor of a directory
 * @param path  the path (an absolute one ignores dirfd)
 * @param flags LOOKUP_NOFOLLOW, LOOKUP_DIRECTORY
 * @param out   the dentry found, referenced
 * @return 0 or the errors of path_walk(); -EBADF (bad dirfd); -ENOTDIR
 *         (dirfd is not a directory)
 */
int
path_lookup_at(int dirfd, const char *path, int flags, struct dentry **out)
{
    mutex_lock(&vfs_lock);
    int err = path_lookup_locked(dirfd, path, flags, out);
    mutex_unlock(&vfs_lock);
    return err;
}

/**
 * @brief path_lookup_at() for a caller that holds vfs_lock.
 * @param dirfd AT_FDCWD or a directory's descriptor
 * @param path  the path
 * @param flags LOOKUP_NOFOLLOW, LOOKUP_DIRECTORY
 * @param out   the dentry found, referenced
 * @return as path_lookup_at()
 * @pre vfs_lock held
 */
int
path_lookup_locked(int dirfd, const char *path, int flags, struct dentry **out)
{
    // Linux rejects "" before it looks at dirfd: ENOENT even when dirfd
    // is a file or no descriptor at all (AT_EMPTY_PATH is the caller's).
    if (path[0] == '\0')
        return -ENOENT;
    struct dentry *base;
    int err = start_dir(dirfd, path, &base);
    if (err == 0) {
        err = path_walk(base, path, flags, out);
        dentry_put(base);
    }
    return err;
}

/**
 * @brief path_parent_at() from a directory dentry instead of a dirfd.
 *
 * open(O_CREAT) needs it to go on from where a dangling link was found:
 * the link's text is a path from the link's own directory, and the links
 * already followed count towards SYMLINK_MAX (*@p links).
 * @param base  the directory a relative path starts from
 * @param path  the path, NUL-terminated
 * @param links links followed so far in this walk (updated)
 * @param dir   the directory, referenced
 * @param name  the last component, inside @p path
 * @param len   its length
 * @return as path_parent_at()
 * @pre vfs_lock held
 */
int
path_parent_from(struct dentry *base, const char *path, int *links,
                 struct dentry **dir, const char **name, size_t *len)
{
    size_t n = strnlen(path, PATH_MAX);
    if (n == 0)
        return -ENOENT;
    if (n >= PATH_MAX)
        return -ENAMETOOLONG;
    size_t end = n;
    while (end > 1 && path[end - 1] == '/')
        end--; // "a/b//" names b
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    int err = 0;
    *dir = NULL;
    if (start == end) { // "/" (or "///"): the root itself
        *name = ".";
        *len = 1;
        *dir = fs_root();
        dentry_get(*dir);
        return 0;
    }
    if (end - start > NAME_MAX)
        err = -ENAMETOOLONG;
    else if (start == 0) {
        *dir = base;
        dentry_get(base);
    } else {
        err = walk(base, path, path + start, LOOKUP_DIRECTORY, links, dir);
    }
    if (err == 0 && !S_ISTYPE((*dir)->inode->mode, S_IFDIR)) {
        dentry_put(*dir);
        *dir = NULL;
        err = -ENOTDIR;
    }
    *name = path + start;
    *len = end - start;
    return err;
}

/**
 * @brief The directory and last name of @p path (create, remove, rename).
 *
 * "a/b/c" gives the dentry of a/b and the name "c"; "c" the start
 * directory and "c"; trailing slashes stay after the name (the caller
 * sees name[len] == '/'); "/" gives the root and ".".
 * @param dirfd AT_FDCWD or a directory's descriptor
 * @param path  the path
 * @param dir   the directory, referenced
 * @param name  the last component, inside @p path
 * @param len   its length
 * @return 0; -ENOENT (""); -ENAMETOOLONG; the errors of path_walk() for
 *         the directory part
 * @pre vfs_lock held
 */
int
path_parent_at(int dirfd, const char *path, struct dentry **dir,
               const char **name, size_t *len)
{
    // both are the name's own faults: Linux finds them before dirfd's
    size_t n = strnlen(path, PATH_MAX);
    if (n == 0)
        return -ENOENT;
    if (n >= PATH_MAX)
        return -ENAMETOOLONG;
    struct dentry *base;
    int err = start_dir(dirfd, path, &base);
    if (err < 0)
        return err;
    int links = 0;
    err = path_parent_from(base, path, &links, dir, name, len);
    dentry_put(base);
    return err;
}

/*
 * Make @p dir the working directory of @p p (NULL: none). A working
 * directory holds a reference on its dentry and keeps its file system
 * busy (umount gives -EBUSY); the old one's are let go.
 */
static void
cwd_set(struct proc *p, struct dentry *dir)
{
    struct dentry *old = p->fs_cwd;
    if (dir != NULL) {
        dentry_get(dir);
        __atomic_add_fetch(&dir->sb->users, 1, __ATOMIC_SEQ_CST);
    }
    p->fs_cwd = dir;
    if (old != NULL) {
        __atomic_sub_fetch(&old->sb->users, 1, __ATOMIC_SEQ_CST);
        dentry_put(old);
    }
}

/**
 * @brief Make @p dir the working directory of the current process.
 * @param dir the dentry (the process takes its own reference)
 * @return 0; -ENOTDIR; -EACCES (no search permission)
 */
int
fs_chdir(struct dentry *dir)
{
    if (!S_ISTYPE(dir->inode->mode, S_IFDIR))
        return -ENOTDIR;
    int err = inode_permission(dir->inode, X_OK);
    if (err < 0)
        return err;
    cwd_set(proc_current(), dir);
    return 0;
}

/**
 * @brief Start @p p in the root directory (process 1; fork copies it).
 * @param p the new process, with no working directory yet
 */
void
fs_cwd_init(struct proc *p)
{
    cwd_set(p, fs_root());
}

/**
 * @brief fork: the child works in its parent's directory (a reference of
 *        its own).
 * @param child  the new process, with no working directory yet
 * @param parent the current process
 */
void
fs_cwd_fork(struct proc *child, struct proc *parent)
{
    cwd_set(child, parent->fs_cwd);
}

/**
 * @brief exit (or a failed fork): let the working directory go.
 * @param p the process (it may have none)
 */
void
fs_cwd_exit(struct proc *p)
{
    cwd_set(p, NULL);
}

/**
 * @brief The current directory's absolute path, into a kernel buffer.
 *
 * A dentry knows its name and its parent, not its path: the path is built
 * backwards, from the end of @p buf, one "/name" per step up to the root
 * (the one dentry that is its own parent), then moved to the front. The
 * root alone is "/".
 * @param buf  where to put it, NUL-terminated
 * @param size bytes at buf
 * @return the length with the NUL; -ERANGE if it does not fit
 * @pre vfs_lock held (names do not change meanwhile)
 */
int
fs_getcwd(char *buf, size_t size)
{
    struct dentry *n = proc_current()->fs_cwd;
    size_t at = size;
    if (at == 0)
        return -ERANGE;
    buf[--at] = 0;
    // build it backwards, from the cwd up to the root
    for (; n != n->parent; n = n->parent) {
        if (at < n->namelen + 1)
            return -ERANGE;
        at -= n->namelen;
        memcpy(buf + at, n->name, n->namelen);
        buf[--at] = '/';
    }
    if (at == size - 1) {
        if (at == 0)
            return -ERANGE;
        buf[--at] = '/';
    }
    memmove(buf, buf + at, size - at);
    return (int)(size - at);
}

/**
 * @brief A kernel copy of the user path at @p src.
 * @param src the user address
 * @param out set to a kmalloc'd copy (free it with kfree)
 * @return 0; -EFAULT; -ENAMETOOLONG (PATH_MAX or more); -ENOMEM
 */
int
path_from_user(uptr_t src, char **out)
{
    char *p = kmalloc(PATH_MAX);
    if (p == NULL)
        return -ENOMEM;
    long n = strncpy_from_user(p, src, PATH_MAX);
    if (n < 0) {
        kfree(p);
        return (int)n;
    }
    *out = p;
    return 0;
}
