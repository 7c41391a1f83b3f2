/**
 * @file
 * @ingroup fs
 * @brief Path lookup: from a string to a node, and the working directory.
 *
 * path_lookup() walks a path one component at a time, as Linux's namei
 * does: an absolute path starts at the root, a relative one at the given
 * directory (the cwd, or a dirfd's). "." stays, ".." goes up (the root's
 * parent is the root), repeated slashes count as one. A symbolic link is
 * replaced by its target, looked up from the link's own directory, except
 * a link in the last component when the caller asks not to follow it
 * (lstat, readlink, O_NOFOLLOW); a trailing slash always follows it and
 * demands a directory. At most SYMLINK_MAX links are followed in one
 * lookup (-ELOOP past it), so a loop of links cannot hang the kernel.
 *
 * The walk works on (pointer, length) strings, as a link's target in the
 * archive is not NUL-terminated, and copies nothing, so following links
 * recursively costs little stack.
 *
 * Locking: none; the tree does not change in this chapter.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

static int walk(struct fnode *base, const char *p, const char *end, int flags,
                int *links, struct fnode **out);

/* Whether [p, end) holds only slashes (or nothing). */
static bool
only_slashes(const char *p, const char *end)
{
    while (p < end && *p == '/')
        p++;
    return p == end;
}

/*
 * One component [s, s + len) of a walk in directory @p dir; @p last and
 * @p slash say whether it ends the path and is followed by a slash.
 * Follows a link unless told not to; sets *@p out.
 */
static int
step(struct fnode *dir, const char *s, size_t len, bool last, bool slash,
     int flags, int *links, struct fnode **out)
{
    if (len > NAME_MAX)
        return -ENAMETOOLONG;
    if (!S_ISTYPE(dir->mode, S_IFDIR))
        return -ENOTDIR;
    struct fnode *n;
    if (len == 1 && s[0] == '.')
        n = dir;
    else if (len == 2 && s[0] == '.' && s[1] == '.')
        n = dir->parent;
    else if ((n = fnode_child(dir, s, len)) == NULL)
        return -ENOENT;
    if (S_ISTYPE(n->mode, S_IFLNK) &&
        (!last || slash || !(flags & LOOKUP_NOFOLLOW))) {
        if (++*links > SYMLINK_MAX)
            return -ELOOP;
        const char *t = n->data;
        if (n->size == 0)
            return -ENOENT;
        int err = walk(dir, t, t + n->size, 0, links, &n);
        if (err < 0)
            return err;
    }
    if (slash && !S_ISTYPE(n->mode, S_IFDIR))
        return -ENOTDIR;
    *out = n;
    return 0;
}

/* Walk [p, end) from @p base (or the root, for an absolute path). */
static int
walk(struct fnode *base, const char *p, const char *end, int flags, int *links,
     struct fnode **out)
{
    struct fnode *cur = (p < end && *p == '/') ? fs_root() : base;
    for (;;) {
        while (p < end && *p == '/')
            p++;
        if (p == end)
            break;
        const char *s = p;
        while (p < end && *p != '/')
            p++;
        bool last = only_slashes(p, end);
        int err =
            step(cur, s, p - s, last, last && p < end, flags, links, &cur);
        if (err < 0)
            return err;
    }
    *out = cur;
    return 0;
}

/**
 * @brief Find the node @p path names.
 * @param base  the directory a relative path starts from
 * @param path  a NUL-terminated path, shorter than PATH_MAX
 * @param flags LOOKUP_NOFOLLOW: a link as last component is the result
 * @param out   the node found
 * @return 0; -ENOENT (missing, or "" as path); -ENOTDIR (a component is
 *         not a directory, or a trailing slash after a non-directory);
 *         -ELOOP (more than SYMLINK_MAX links); -ENAMETOOLONG
 */
int
path_lookup(struct fnode *base, const char *path, int flags, struct fnode **out)
{
    size_t len = strnlen(path, PATH_MAX);
    if (len == 0)
        return -ENOENT;
    if (len >= PATH_MAX)
        return -ENAMETOOLONG;
    int links = 0;
    return walk(base, path, path + len, flags, &links, out);
}

/**
 * @brief path_lookup() from a dirfd, as the *at() calls do.
 * @param dirfd AT_FDCWD (the cwd) or a descriptor of a directory
 * @param path  the path (an absolute one ignores dirfd)
 * @param flags LOOKUP_NOFOLLOW
 * @param out   the node found
 * @return 0 or the errors of path_lookup(); -EBADF (bad dirfd);
 *         -ENOTDIR (dirfd is not a directory)
 */
int
path_lookup_at(int dirfd, const char *path, int flags, struct fnode **out)
{
    struct fnode *base = proc_current()->fs_cwd;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        struct file *f = fd_get(dirfd);
        if (f == NULL)
            return -EBADF;
        base = f->node;
        file_put(f);
        if (!S_ISTYPE(base->mode, S_IFDIR))
            return -ENOTDIR;
    }
    return path_lookup(base, path, flags, out);
}

/**
 * @brief The current directory's absolute path, into a kernel buffer.
 *
 * A node knows its name and its parent, not its path: the path is built
 * backwards, from the end of @p buf, one "/name" per step up to the root
 * (the one node that is its own parent), then moved to the front. The
 * root alone is "/".
 * @param buf  where to put it, NUL-terminated
 * @param size bytes at buf
 * @return the length with the NUL; -ERANGE if it does not fit
 * @pre none: the tree does not change in this chapter
 */
int
fs_getcwd(char *buf, size_t size)
{
    // >>> exercise 4.2 getcwd
    struct fnode *n = proc_current()->fs_cwd;
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
    // === stub: no working directory can be named
    // (void)buf;
    // (void)size;
    // return -ENOSYS;
    // <<< exercise 4.2 getcwd
}

/**
 * @brief Make @p dir the working directory of the current process.
 * @param dir the node
 * @return 0; -ENOTDIR; -EACCES (no search permission)
 */
int
fs_chdir(struct fnode *dir)
{
    if (!S_ISTYPE(dir->mode, S_IFDIR))
        return -ENOTDIR;
    int err = fnode_access(dir, X_OK);
    if (err < 0)
        return err;
    proc_current()->fs_cwd = dir;
    return 0;
}

/**
 * @brief Start @p p in the root directory (process 1; fork copies it).
 * @param p the new process
 */
void
fs_cwd_init(struct proc *p)
{
    p->fs_cwd = fs_root();
}

/**
 * @brief fork: the child works in its parent's directory.
 * @param child  the new process
 * @param parent the current process
 */
void
fs_cwd_fork(struct proc *child, struct proc *parent)
{
    child->fs_cwd = parent->fs_cwd;
}

/**
 * @brief exit: the process has no working directory any more.
 *
 * The tree never changes in this chapter, so there is nothing to let go.
 * @param p the exiting process
 */
void
fs_cwd_exit(struct proc *p)
{
    p->fs_cwd = NULL;
}

/**
 * @brief Open the file at the absolute @p path for the kernel itself (the
 *        console that process 1 starts with).
 * @param path  an absolute path
 * @param flags O_RDONLY, O_WRONLY or O_RDWR and friends
 * @param out   set to the open file (one reference)
 * @return 0; -ENOENT and the other lookup errors; -ENOMEM
 */
int
file_open_path(const char *path, unsigned flags, struct file **out)
{
    struct fnode *n;
    int err = path_lookup(fs_root(), path, 0, &n);
    return err < 0 ? err : file_open(n, flags, out);
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
