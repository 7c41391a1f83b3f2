/**
 * @file
 * @ingroup fs
 * @brief procfs's tables of entries, and the links of a process.
 *
 * /proc has two fixed directories, described by tables: the root
 * (meminfo, uptime, ..., and the link self) and the directory of a
 * process (stat, status, ..., the links exe and cwd, the directory fd).
 * The process directories themselves and the entries of fd are made at
 * lookup (inode.c). Every entry names its show function (a generated
 * file, file.c) or its link function (a symbolic link whose target is
 * made when it is read).
 *
 * The link functions here read a process's working directory and its
 * descriptors, under the process table's lock, with a reference taken so
 * that the path can be made after the lock is let go. How links are
 * followed is in super.c (procfs_follow()).
 *
 * Locking: the process table's lock while a process's fields are read.
 */
#include "fs/procfs.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/procinfo.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* /proc/self: the calling process's directory, as a relative link. */
static long
link_self(int pid, int fd, char *buf, size_t size)
{
    (void)pid, (void)fd;
    return snprintf(buf, size, "%d", proc_current()->pid);
}

// [proc_root_entries]
/** The entries of /proc itself (the process directories come on top). */
const struct proc_entry proc_root_entries[] = {
    {"cpuinfo", S_IFREG | 0444, proc_show_cpuinfo, NULL, 0, NULL},
    {"filesystems", S_IFREG | 0444, proc_show_filesystems, NULL, 0, NULL},
    {"loadavg", S_IFREG | 0444, proc_show_loadavg, NULL, 0, NULL},
    {"meminfo", S_IFREG | 0444, proc_show_meminfo, NULL, 0, NULL},
    {"mounts", S_IFREG | 0444, proc_show_mounts, NULL, 0, NULL},
    {"self", S_IFLNK | 0777, NULL, link_self, 0, NULL},
    {"stat", S_IFREG | 0444, proc_show_stat, NULL, 0, NULL},
    {"uptime", S_IFREG | 0444, proc_show_uptime, NULL, 0, NULL},
    {"version", S_IFREG | 0444, proc_show_version, NULL, 0, NULL},
};
// [proc_root_entries]
/** How many. */
const size_t proc_root_count = ARRAY_SIZE(proc_root_entries);

/** The entries of /proc/[pid]. */
const struct proc_entry proc_pid_entries[] = {
    {"cmdline", S_IFREG | 0444, proc_show_pid_cmdline, NULL, 0, NULL},
    {"comm", S_IFREG | 0644, proc_show_pid_comm, NULL, 0, NULL},
    {"cwd", S_IFLNK | 0777, NULL, proc_link_cwd, 0, NULL},
    {"environ", S_IFREG | 0400, proc_show_pid_environ, NULL, 0, NULL},
    {"exe", S_IFLNK | 0777, NULL, proc_link_exe, 0, NULL},
    {"fd", S_IFDIR | 0500, NULL, NULL, PROC_NODE_FDDIR, NULL},
    {"make-it-fail", S_IFREG | 0644, proc_show_pid_make_it_fail, NULL, 0,
     proc_store_pid_make_it_fail},
    {"maps", S_IFREG | 0444, proc_show_pid_maps, NULL, 0, NULL},
    {"mounts", S_IFREG | 0444, proc_show_mounts, NULL, 0, NULL},
    {"root", S_IFLNK | 0777, NULL, proc_link_root, 0, NULL},
    {"stat", S_IFREG | 0444, proc_show_pid_stat, NULL, 0, NULL},
    {"statm", S_IFREG | 0444, proc_show_pid_statm, NULL, 0, NULL},
    {"status", S_IFREG | 0444, proc_show_pid_status, NULL, 0, NULL},
    {"task", S_IFDIR | 0555, NULL, NULL, PROC_NODE_TASKS, NULL},
};
/** How many. */
const size_t proc_pid_count = ARRAY_SIZE(proc_pid_entries);

/* The path of @p d into @p buf, " (deleted)" after a removed one. */
static long
path_of(struct dentry *d, char *buf, size_t size)
{
    int n = dentry_path(d, buf, size);
    if (n >= 0 && d->dead && (size_t)n + 11 < size) {
        strlcpy(buf + n, " (deleted)", size - (size_t)n);
        n += 10;
    }
    return n;
}

/* Descriptor @p fd of process @p pid, referenced; NULL if not open. */
static struct file *
file_of(int pid, int fd)
{
    struct file *f = NULL;
    irqflags_t flags = proc_table_lock();
    struct proc *p = proc_find_locked(pid);
    if (p != NULL && p->fs_fdt != NULL && fd >= 0 && fd < FD_MAX &&
        p->fs_fdt->fd[fd] != NULL) {
        f = p->fs_fdt->fd[fd];
        file_get(f);
    }
    proc_table_unlock(flags);
    return f;
}

/**
 * @brief Is descriptor @p fd of process @p pid open?
 * @param pid the process
 * @param fd  the descriptor
 * @return true if it is
 */
bool
procfs_fd_is_open(int pid, int fd)
{
    struct file *f = file_of(pid, fd);
    if (f != NULL)
        file_put(f);
    return f != NULL;
}

/**
 * @brief /proc/[pid]/fd/N: the path of the open file, or what it is.
 *
 * A file without a name says what it is as Linux does: "pipe:[ino]".
 * @param pid  the process
 * @param fd   the descriptor
 * @param buf  receives the target
 * @param size room at @p buf
 * @return its length; -ENOENT when @p fd is not open
 */
long
proc_link_fd(int pid, int fd, char *buf, size_t size)
{
    struct file *f = file_of(pid, fd);
    if (f == NULL)
        return -ENOENT;
    long n;
    if (f->dentry != NULL)
        n = path_of(f->dentry, buf, size);
    else
        n = snprintf(buf, size, "pipe:[%lu]",
                     f->inode != NULL ? f->inode->ino : 0UL);
    file_put(f);
    return n;
}

/**
 * @brief /proc/[pid]/cwd: the path of the working directory.
 * @param pid  the process
 * @param fd   unused (-1)
 * @param buf  receives the path
 * @param size room at @p buf
 * @return its length; -ENOENT (no cwd: a zombie); -ESRCH
 */
long
proc_link_cwd(int pid, int fd, char *buf, size_t size)
{
    (void)fd;
    struct dentry *cwd = NULL;
    irqflags_t flags = proc_table_lock();
    struct proc *p = proc_find_locked(pid);
    if (p != NULL && p->fs_cwd != NULL && p->state != PROC_ZOMBIE) {
        cwd = p->fs_cwd;
        dentry_get(cwd);
    }
    proc_table_unlock(flags);
    if (cwd == NULL)
        return p == NULL ? -ESRCH : -ENOENT;
    long n = path_of(cwd, buf, size);
    dentry_put(cwd);
    return n;
}
