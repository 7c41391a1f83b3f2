/**
 * @file
 * @ingroup proc
 * @brief A process's open files through its life: fork, exec, exit.
 *
 * The descriptor table, the working directory and the umask belong to the
 * file layer (fs/core/fdtable.c); this file tells the process code when
 * they change hands, through the process hooks (kernel/proc/proc_hooks.c).
 * Its hooks run first (order 10): a fork that cannot copy the table fails
 * before anything else was done, and clone's and the signal code's hooks
 * find the files in place. At exit the files are closed after the memory
 * is gone, so a pipe's reader sees end-of-file only when we are truly gone.
 */
#include "fs/file.h"
#include "kernel/printk.h"
#include "kernel/proc.h"

/* fork: the child shares the parent's open files (new references). */
static int
files_fork(struct proc *child, struct proc *parent, void *frame)
{
    (void)frame;
    return fs_fork(child, parent);
}

/* execve: close the descriptors marked close-on-exec. */
static void
files_exec(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    fs_exec(p);
}

/* init: cwd "/", the console on fds 0, 1, 2; init runs without them if
 * that fails (and says why). */
static void
files_start_init(struct proc *p, const char *path, vaddr_t sp)
{
    (void)path;
    (void)sp;
    int err = fs_proc_init(p);
    if (err < 0)
        pr_err("keel: no console for init: error %d\n", err);
}

proc_hooks(10, files, .fork = files_fork, .exec = files_exec,
           .start_init = files_start_init, .release = fs_exit);
