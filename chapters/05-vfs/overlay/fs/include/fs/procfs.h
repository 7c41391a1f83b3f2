/**
 * @file
 * @ingroup fs
 * @brief procfs inside: generated text, the entry tables, the show functions.
 *
 * Every file of /proc is a show function: it writes the file's text into
 * a struct pbuf, a kernel buffer, when the file is opened; reads are then
 * offsets into that text, so a program that reads in small pieces sees
 * one consistent picture (Linux's seq_file does the same). A buffer that
 * turns out too small is thrown away and the show function run again
 * with one twice as large.
 *
 * Entries are described by tables of struct proc_entry: the name, the
 * mode, and either a show function (a file), a link function (a symbolic
 * link made when it is read) or the kind of a directory (fd, task).
 * The root table (root.c) holds meminfo, uptime, ...; pid.c holds the
 * table of /proc/[pid].
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include "fs/file.h"
#include "kernel/compiler.h"

/** The text of a generated file, being written. */
struct pbuf {
    char *buf;     /**< kmalloc'd */
    size_t len;    /**< bytes written */
    size_t cap;    /**< bytes at buf */
    bool overflow; /**< something did not fit: run the show again */
};

void pbuf_printf(struct pbuf *b, const char *fmt, ...) __printf(2, 3);
void pbuf_write(struct pbuf *b, const void *s, size_t n);

/** Fill @p b with the text of the file for process @p pid (0: none). */
typedef void (*proc_show_fn)(struct pbuf *b, int pid);
/** Write the target of a link for process @p pid (and descriptor @p fd)
 *  into @p buf: its length or -errno. */
typedef long (*proc_link_fn)(int pid, int fd, char *buf, size_t size);
/** Take what was written to a writable file of process @p pid: the
 *  NUL-terminated @p text (at most 12 bytes); 0 or -errno. */
typedef int (*proc_store_fn)(int pid, const char *text);

/** One name in a procfs directory. */
struct proc_entry {
    const char *name;    /**< the name */
    uint32_t mode;       /**< S_IF* and permissions */
    proc_show_fn show;   /**< a file: its text */
    proc_link_fn link;   /**< a link: its target */
    int dir;             /**< a directory: its PROC_NODE_* kind */
    proc_store_fn store; /**< a writable file: takes a write; else NULL */
};

/** What a procfs inode stands for (inode::priv). */
struct proc_node {
    const struct proc_entry *entry; /**< NULL: the root, or a pid / fd dir */
    int pid;                        /**< its process; 0: not per process */
    int fd;                         /**< an fd/N link: N; else -1 */
    int kind;                       /**< PROC_NODE_* */
};

/** @name Kinds of procfs inodes. */
///@{
#define PROC_NODE_ROOT 0  /**< /proc */
#define PROC_NODE_ENTRY 1 /**< a table entry (file, link, directory) */
#define PROC_NODE_PID 2   /**< /proc/[pid] */
#define PROC_NODE_FDDIR 3 /**< /proc/[pid]/fd */
#define PROC_NODE_FD 4    /**< /proc/[pid]/fd/N */
#define PROC_NODE_SELF 5  /**< /proc/self */
#define PROC_NODE_TASKS 6 /**< /proc/[pid]/task */
///@}

/* the entry tables (root.c, pid.c) */
extern const struct proc_entry proc_root_entries[];
extern const size_t proc_root_count;
extern const struct proc_entry proc_pid_entries[];
extern const size_t proc_pid_count;

/* inodes and generated files (inode.c, file.c, super.c) */
void procfs_drop_tree(struct dentry *d);
struct inode *procfs_inode(struct super_block *sb, const struct proc_node *pn,
                           uint32_t mode);
extern const struct file_ops procfs_show_fops;
extern const struct file_ops procfs_dir_fops;
extern const struct inode_ops procfs_dir_iops;
extern const struct inode_ops procfs_file_iops;
extern const struct inode_ops procfs_link_iops;

/* show functions of the system-wide files (system.c, super.c) */
void proc_show_meminfo(struct pbuf *b, int pid);
void proc_show_uptime(struct pbuf *b, int pid);
void proc_show_loadavg(struct pbuf *b, int pid);
void proc_show_version(struct pbuf *b, int pid);
void proc_show_cpuinfo(struct pbuf *b, int pid);
void proc_show_stat(struct pbuf *b, int pid);
void proc_show_filesystems(struct pbuf *b, int pid);
void proc_show_mounts(struct pbuf *b, int pid);

/* show and link functions of /proc/[pid] (pidstat.c, pidfiles.c, root.c) */
void proc_show_pid_stat(struct pbuf *b, int pid);
void proc_show_pid_status(struct pbuf *b, int pid);
void proc_show_pid_statm(struct pbuf *b, int pid);
void proc_show_pid_cmdline(struct pbuf *b, int pid);
void proc_show_pid_environ(struct pbuf *b, int pid);
void proc_show_pid_comm(struct pbuf *b, int pid);
void proc_show_pid_make_it_fail(struct pbuf *b, int pid);
int proc_store_pid_make_it_fail(int pid, const char *text);
void proc_show_pid_maps(struct pbuf *b, int pid);
long proc_link_exe(int pid, int fd, char *buf, size_t size);
long proc_link_cwd(int pid, int fd, char *buf, size_t size);
long proc_link_root(int pid, int fd, char *buf, size_t size);
long proc_link_fd(int pid, int fd, char *buf, size_t size);
bool procfs_fd_is_open(int pid, int fd);

#endif /* FS_PROCFS_H */
