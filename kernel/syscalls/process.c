/**
 * @file
 * @ingroup syscalls
 * @brief fork, execve, execveat, exit and the process-id calls.
 *
 * Thin wrappers: copy the arguments in from user memory (execve's strings
 * with Linux's limits), call the process layer (kernel/proc/), copy the
 * results out.
 */
#include "fs/file.h"
#include "fs/vfs.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/sync.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define PATH_MAX 4096
#if CHAPTER >= 4
/* Linux's MAX_ARG_STRLEN: the longest one string may be, its NUL included;
 * all strings together may take ARG_MAX_BYTES (Linux: a quarter of the
 * stack limit, 2 MiB; Keel: 256 KiB, USTACK_ARG_MAX in kernel/proc/ustack.c) */
#define MAX_ARG_STRLEN (128 * 1024)
#define ARG_MAX_BYTES (256 * 1024)
#else
/* one string may take all the room there is */
#define ARG_MAX_BYTES (128 * 1024)
#define MAX_ARG_STRLEN ARG_MAX_BYTES
#endif
/* The most strings argv and envp hold together: each takes a pointer and
 * at least its NUL, so ARG_MAX_BYTES bounds their number, as on Linux
 * (which has no smaller limit on the count: xargs passes thousands). */
#define ARG_MAX_COUNT ((long)(ARG_MAX_BYTES / (sizeof(char *) + 1)))

/**
 * @brief fork() (chapter 3's vfork is this too, through sys_vfork).
 * @param a the six argument registers (unused)
 * @return the child's pid (0 in the child); -EAGAIN when the process
 *         table is full; -ENOMEM
 */
long
sys_fork(const long a[6] __unused)
{
    return proc_fork();
}

/* Copy a NULL-terminated user array of strings into @p buf (packed), the
 * pointers into @p out (room for @p cap and the NULL); returns the count
 * or -E2BIG / -EFAULT. */
static long
copy_strings(long uvec, char **out, long cap, char *buf, size_t *used)
{
    long n = 0;
    for (; uvec != 0; n++) {
        uint64_t ptr;
        if (n >= cap)
            return -E2BIG;
        if (copy_from_user(&ptr, UPTR(uvec + n * 8), 8) < 0)
            return -EFAULT;
        if (ptr == 0)
            break;
        size_t room = ARG_MAX_BYTES - *used;
        if (room > MAX_ARG_STRLEN)
            room = MAX_ARG_STRLEN;
        long len = strncpy_from_user(buf + *used, UPTR(ptr), room);
        if (len == -ENAMETOOLONG)
            return -E2BIG;
        if (len < 0)
            return len;
        out[n] = buf + *used;
        *used += len + 1;
    }
    out[n] = NULL;
    return n;
}

// [execveat]
/*
 * Where execveat's (dirfd, path, flags) lead, as the absolute path that
 * exec opens, into @p kpath (PATH_MAX bytes, holding the path on entry):
 * Keel's exec opens programs by path, so a file named through a
 * descriptor is looked up now and exec'd by its path. An absolute path,
 * or one relative to the working directory, stays as it is.
 * AT_EMPTY_PATH with "" names dirfd's own file (fexecve);
 * AT_SYMLINK_NOFOLLOW refuses a last component that is a symbolic link
 * (ELOOP), as Linux does. Linux checks the flags here, after the strings
 * are copied (an empty path without AT_EMPTY_PATH is ENOENT before
 * that). Returns 0, or -EINVAL (another flag), -EBADF, -ENOTDIR,
 * -ELOOP, -EACCES (a descriptor without a name: a pipe or a socket),
 * -ERANGE, or an error of the path walk.
 */
static long
execveat_path(long dirfd, char *kpath, long flags)
{
    bool empty = kpath[0] == 0;
    if (flags & ~(long)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    if (!(flags & AT_SYMLINK_NOFOLLOW) && !empty &&
        (kpath[0] == '/' || dirfd == AT_FDCWD))
        return 0;
    struct dentry *d = NULL;
    long err = 0;
    if (empty && dirfd != AT_FDCWD) {
        struct file *f = fd_get((int)dirfd);
        if (f == NULL)
            return -EBADF;
        if ((d = f->dentry) != NULL)
            dentry_get(d);
        file_put(f);
        if (d == NULL)
            return -EACCES;
    } else {
        int look = (flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
        err = path_lookup_at((int)dirfd, empty ? "." : kpath, look, &d);
        if (err < 0)
            return err;
    }
    if ((d->inode->mode & S_IFMT) == S_IFLNK) {
        err = -ELOOP;
    } else {
        mutex_lock(&vfs_lock);
        err = dentry_path(d, kpath, PATH_MAX);
        mutex_unlock(&vfs_lock);
    }
    dentry_put(d);
    return err < 0 ? err : 0;
}
// [execveat]

/*
 * execve and execveat: copy the path and the strings in (Linux's order:
 * the path, then the strings, then the flags and the file), find the
 * file, run it.
 */
static long
do_execve(long dirfd, long path, long argv, long envp, long flags)
{
    long err = -ENOMEM;
    char *kpath = kmalloc(PATH_MAX);
    char *strings = kmalloc(ARG_MAX_BYTES);
    char **vec = kmalloc((ARG_MAX_COUNT + 2) * sizeof(char *)); // 2 NULLs
    if (kpath == NULL || strings == NULL || vec == NULL)
        goto out;
    err = strncpy_from_user(kpath, UPTR(path), PATH_MAX);
    if (err == 0 && !(flags & AT_EMPTY_PATH))
        err = -ENOENT; // "" names nothing
    if (err < 0)
        goto out;
    size_t used = 0;
    long argc = copy_strings(argv, vec, ARG_MAX_COUNT, strings, &used);
    err = argc;
    if (argc < 0)
        goto out;
    char **kenvp = vec + argc + 1; // the environment after argv's NULL
    long envc = copy_strings(envp, kenvp, ARG_MAX_COUNT - argc, strings, &used);
    err = envc;
    if (envc < 0)
        goto out;
    err = execveat_path(dirfd, kpath, flags);
    if (err == 0)
        err = proc_execve(kpath, vec, argc, kenvp, envc);
out:
    kfree(vec);
    kfree(strings);
    kfree(kpath);
    return err;
}

/**
 * @brief execve(path, argv, envp).
 * @param a the six argument registers
 * @return no return on success; -EFAULT, -ENAMETOOLONG, -E2BIG, -ENOENT,
 *         -EACCES, -ENOEXEC, -ENOMEM
 */
long
sys_execve(const long a[6])
{
    return do_execve(AT_FDCWD, a[0], a[1], a[2], 0);
}

/**
 * @brief execveat(dirfd, path, argv, envp, flags): execve of a file
 *        named relative to a directory descriptor, or of the file of a
 *        descriptor itself (AT_EMPTY_PATH with "": musl's fexecve, which
 *        Dropbear uses to run itself anew for every connection).
 * @param a the six argument registers
 * @return no return on success; -EINVAL (flags other than AT_EMPTY_PATH
 *         and AT_SYMLINK_NOFOLLOW), -EBADF, -ENOTDIR, -ELOOP, and
 *         execve's errors
 */
long
sys_execveat(const long a[6])
{
    return do_execve(a[0], a[1], a[2], a[3], a[4]);
}

/**
 * @brief exit(code) and exit_group(code): never returns.
 * @param a the six argument registers (unused)
 * @return never returns
 */
long
sys_exit(const long a[6])
{
    long code = a[0];
    proc_exit(W_EXITCODE(code));
}

/**
 * @brief getpid().
 * @param a the six argument registers (unused)
 * @return the process id
 */
long
sys_getpid(const long a[6] __unused)
{
    return proc_current()->pid;
}

/**
 * @brief gettid(): one thread per process, so the pid.
 * @param a the six argument registers (unused)
 * @return the thread id (the pid: one thread per process)
 */
long
sys_gettid(const long a[6])
{
    return sys_getpid(a);
}

/**
 * @brief getppid(): the parent's pid (0 for init).
 * @param a the six argument registers (unused)
 * @return the parent's process id (0 for init)
 */
long
sys_getppid(const long a[6] __unused)
{
    struct proc *p = proc_current();
    return p->parent != NULL ? p->parent->pid : 0;
}

#if CHAPTER < 4
/**
 * @brief getuid() and friends: everyone is root until users exist.
 * @param a the six argument registers (unused)
 * @return 0 (root)
 */
long
sys_getuid(const long a[6] __unused)
{
    return 0;
}

/**
 * @brief getgid(): root's group.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_getgid(const long a[6])
{
    return sys_getuid(a);
}

/**
 * @brief geteuid(): root.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_geteuid(const long a[6])
{
    return sys_getuid(a);
}

/**
 * @brief getegid(): root's group.
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_getegid(const long a[6])
{
    return sys_getuid(a);
}

/**
 * @brief vfork(): a plain fork in this chapter.
 * @param a the six argument registers (unused)
 * @return as sys_fork()
 */
long
sys_vfork(const long a[6])
{
    return sys_fork(a);
}
#endif

/**
 * @brief sched_yield().
 * @param a the six argument registers (unused)
 * @return 0
 */
long
sys_sched_yield(const long a[6] __unused)
{
    sched_yield();
    return 0;
}
