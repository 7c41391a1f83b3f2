/**
 * @file
 * @ingroup fs
 * @brief File descriptors: each process's table of open files.
 *
 * A descriptor is an index into the process's struct fdtable; open, dup
 * and pipe take the lowest free one (POSIX demands it: shells rely on
 * "close(1); open(...)" giving 1). Each slot holds one reference to its
 * file and a close-on-exec bit.
 *
 * The table follows the process through its life: fork gives the child
 * a copy (the same files, one more reference each: parent and child then
 * share offsets, as on Linux), execve closes the descriptors marked
 * close-on-exec, exit closes all of them. Process 1 starts with the
 * console open on 0, 1 and 2 (fs_proc_init()); everyone else inherits.
 * The process code calls these through the process hooks registered at
 * the end of the file.
 *
 * Locking: a table is used only by its process's one thread (and by
 * fork, which that thread runs), so it needs no lock in this chapter;
 * clone with CLONE_FILES will add one.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#if CHAPTER >= 5
#include "kernel/cred.h"
#include "uapi/resource.h"
#endif
#include "uapi/errno.h"

#if CHAPTER >= 5
/* The descriptors a process may use: RLIMIT_NOFILE, at most FD_MAX. */
static int
fd_limit(void)
{
    struct rlimit r;
    if (rlimit_get(proc_current(), RLIMIT_NOFILE, &r) < 0 ||
        r.rlim_cur > FD_MAX)
        return FD_MAX;
    return (int)r.rlim_cur;
}
#else
/* The descriptors a process may use. */
static int
fd_limit(void)
{
    return FD_MAX;
}
#endif

/* The current process's table. */
static struct fdtable *
table(void)
{
    return proc_current()->fs_fdt;
}

/* Set or clear the close-on-exec bit of @p fd in @p t. */
static void
set_cloexec(struct fdtable *t, int fd, bool on)
{
    uint64_t bit = 1ULL << (fd % 64);
    if (on)
        t->cloexec[fd / 64] |= bit;
    else
        t->cloexec[fd / 64] &= ~bit;
}

/* The lowest free descriptor of @p t from @p min, below the limit;
 * -EMFILE when none is. */
static int
lowest_free(const struct fdtable *t, int min)
{
    int max = fd_limit();
    for (int fd = min; fd < max; fd++)
        if (t->fd[fd] == NULL)
            return fd;
    return -EMFILE;
}

/**
 * @brief Put @p f in the lowest free descriptor >= @p min.
 * @param f       the file; the descriptor takes over the caller's reference
 * @param min     the lowest acceptable descriptor
 * @param cloexec set FD_CLOEXEC
 * @return the descriptor; -EMFILE (none free below FD_MAX); -EINVAL
 *         (@p min out of range); the reference is not taken on failure
 */
int
fd_install(struct file *f, int min, bool cloexec)
{
    struct fdtable *t = table();
    if (min < 0 || min >= fd_limit())
        return -EINVAL;
    int fd = lowest_free(t, min);
    if (fd < 0)
        return fd;
    t->fd[fd] = f;
    set_cloexec(t, fd, cloexec);
    return fd;
}

/**
 * @brief Is there a free descriptor for fd_install(f, 0, ...)?
 *
 * open() asks before it creates anything: a file made with O_CREAT and
 * then refused a descriptor would stay behind (Linux takes the
 * descriptor first, get_unused_fd_flags). One thread per process: no one
 * can take the free one in between.
 * @return 0, or -EMFILE when every descriptor below the limit is in use
 */
int
fd_check_free(void)
{
    int fd = lowest_free(table(), 0);
    return fd < 0 ? fd : 0;
}

/**
 * @brief Put @p f in descriptor @p fd, closing what was there (dup2).
 * @param f       the file; the descriptor takes over the caller's reference
 * @param fd      the descriptor
 * @param cloexec set FD_CLOEXEC
 * @return @p fd, or -EBADF when it is out of range
 */
int
fd_install_at(struct file *f, int fd, bool cloexec)
{
    struct fdtable *t = table();
    if (fd < 0 || fd >= fd_limit())
        return -EBADF;
    struct file *old = t->fd[fd];
    t->fd[fd] = f;
    set_cloexec(t, fd, cloexec);
    file_put(old);
    return fd;
}

/**
 * @brief The file behind @p fd, with a reference the caller must put.
 * @param fd the descriptor (any number: out of range is no file)
 * @return the file, or NULL when @p fd is not open
 */
struct file *
fd_get(int fd)
{
    struct fdtable *t = table();
    if (t == NULL || fd < 0 || fd >= FD_MAX || t->fd[fd] == NULL)
        return NULL;
    struct file *f = t->fd[fd];
    file_get(f);
    return f;
}

/**
 * @brief close(fd).
 * @param fd the descriptor
 * @return 0, or -EBADF
 */
int
fd_close(int fd)
{
    struct fdtable *t = table();
    if (fd < 0 || fd >= FD_MAX || t->fd[fd] == NULL)
        return -EBADF;
    struct file *f = t->fd[fd];
    t->fd[fd] = NULL;
    set_cloexec(t, fd, false);
    file_put(f);
    return 0;
}

/**
 * @brief The descriptor flags of @p fd (F_GETFD).
 * @param fd the descriptor
 * @return FD_CLOEXEC or 0; -EBADF
 */
int
fd_get_cloexec(int fd)
{
    struct fdtable *t = table();
    if (fd < 0 || fd >= FD_MAX || t->fd[fd] == NULL)
        return -EBADF;
    return (t->cloexec[fd / 64] >> (fd % 64)) & 1 ? FD_CLOEXEC : 0;
}

/**
 * @brief Set or clear FD_CLOEXEC on @p fd (F_SETFD, FIOCLEX, FIONCLEX).
 * @param fd the descriptor
 * @param on the new value
 * @return 0; -EBADF
 */
int
fd_set_cloexec(int fd, bool on)
{
    struct fdtable *t = table();
    if (fd < 0 || fd >= FD_MAX || t->fd[fd] == NULL)
        return -EBADF;
    set_cloexec(t, fd, on);
    return 0;
}

/*
 * The start_init hook: process 1's file state: cwd "/", umask 022, and
 * /dev/console opened once on descriptors 0, 1 and 2. Without a console
 * init runs with no descriptors, and the log says why.
 */
static void
fs_proc_init(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    p->fs_fdt = kzalloc(sizeof(*p->fs_fdt));
    if (p->fs_fdt == NULL) {
        pr_err("keel: no console for init: error %d\n", -ENOMEM);
        return;
    }
    fs_cwd_init(p);
    p->fs_umask = 022;
    struct file *f;
    int err = file_open_path("/dev/console", O_RDWR, &f);
    if (err < 0) {
        pr_err("keel: no console for init: error %d\n", err);
        return;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (fd > 0)
            file_get(f);
        p->fs_fdt->fd[fd] = f;
    }
}

/* The fork hook: the child gets a copy of the parent's table (the same
 * files, one more reference each), cwd and umask; 0 or -ENOMEM. */
static int
fs_fork(struct proc *child, struct proc *parent, void *frame)
{
    (void)frame;
    struct fdtable *t = kmalloc(sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    *t = *parent->fs_fdt;
    for (int fd = 0; fd < FD_MAX; fd++) {
        if (t->fd[fd] != NULL)
            file_get(t->fd[fd]);
    }
    child->fs_fdt = t;
    fs_cwd_fork(child, parent);
    child->fs_umask = parent->fs_umask;
    return 0;
}

/* The exec hook: close the descriptors marked close-on-exec. */
static void
fs_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    struct fdtable *t = p->fs_fdt;
    for (int fd = 0; fd < FD_MAX; fd++) {
        if ((t->cloexec[fd / 64] >> (fd % 64)) & 1) {
            file_put(t->fd[fd]);
            t->fd[fd] = NULL;
            set_cloexec(t, fd, false);
        }
    }
}

/* The release hook, at exit (after the memory is gone) or after a fork
 * that failed later on: close every descriptor, free the table. */
static void
fs_exit(struct proc *p)
{
    struct fdtable *t = p->fs_fdt;
    if (t == NULL)
        return;
    p->fs_fdt = NULL;
    for (int fd = 0; fd < FD_MAX; fd++)
        file_put(t->fd[fd]);
    kfree(t);
    fs_cwd_exit(p); // the working directory is let go too
}

/*
 * The table's part of a process's life (kernel/proc/proc_hooks.c). Order
 * 10, first: a fork that cannot copy the table fails before anything else
 * was done, and the clone and signal hooks find the files in place. The
 * files close after the memory is gone, so a pipe's reader sees
 * end-of-file only when the writer is truly gone.
 */
proc_hooks(10, files, .fork = fs_fork, .exec = fs_exec,
           .start_init = fs_proc_init, .release = fs_exit);
