/**
 * @file
 * @ingroup proc
 * @brief What /proc/[pid] shows: snapshots of processes and their memory.
 *
 * procfs (fs/procfs/) turns processes into text. It asks this file, by
 * process id, for a struct proc_info (ids, state, times, memory sizes,
 * signal masks), for the regions of the address space, and for the bytes
 * of the argument and environment strings, which live in the process's
 * own memory, on its stack. Each call takes the process table's lock,
 * finds the process, copies what is asked and lets go: the process may
 * exit the moment after, and the caller formats a copy that stays true to
 * one instant.
 *
 * Three facts are kept for procfs in struct proc (its procfs block): the
 * time the process was forked (proc_info_fork()), where exec put the
 * strings, and the program's absolute path (proc_info_exec()).
 *
 * Locking: the process table's lock (proc_table_lock(), interrupts off)
 * around every look at a process; on one CPU with interrupts off nothing
 * else changes a process or its address space meanwhile.
 */
#include "kernel/procinfo.h"
#include "fs/file.h"
#include "kernel/arch.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/** The pid of the newest process (/proc/loadavg's last field). */
static int last_forked;

/* A kmalloc'd copy of @p s, or NULL. */
static char *
dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = kmalloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/**
 * @brief Note what a new process inherits for /proc: its start time, and
 *        (a fork) the parent's program and strings.
 * @param child  the new process, just made by proc_alloc()
 * @param parent its parent, or NULL for init
 */
static void
proc_info_fork(struct proc *child, struct proc *parent)
{
    child->start_ticks = time_jiffies();
    last_forked = child->pid;
    if (parent == NULL)
        return;
    child->arg_start = parent->arg_start;
    child->arg_end = parent->arg_end;
    child->env_start = parent->env_start;
    child->env_end = parent->env_end;
    if (parent->exe_path != NULL)
        child->exe_path = dup_string(parent->exe_path);
}

/* Copy @p len bytes at user address @p va of @p mm; stops at a page not
 * present. Returns the bytes copied. */
static size_t
mm_read(const struct mm *mm, vaddr_t va, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        paddr_t pa;
        if (!arch_translate(mm->root, va + done, &pa, NULL))
            break;
        size_t n = MIN(len - done, PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));
        memcpy((char *)buf + done, phys_to_virt(pa), n);
        done += n;
    }
    return done;
}

/* The address one past the NUL of the string at @p va (at most a page). */
static vaddr_t
string_end(const struct mm *mm, vaddr_t va)
{
    char c = 1;
    vaddr_t end = va;
    while (end - va < PAGE_SIZE && mm_read(mm, end, &c, 1) == 1 && c != 0)
        end++;
    return end + 1;
}

/* @p path made absolute lexically (relative to the caller's cwd when @p p
 * is the caller), in a new kmalloc'd string; NULL when memory is short. */
static char *
absolute_path(struct proc *p, const char *path)
{
    if (path[0] == '/')
        return dup_string(path);
    char *buf = kmalloc(PATH_MAX);
    if (buf == NULL)
        return NULL;
    int n = p == proc_current() ? fs_getcwd(buf, PATH_MAX) : -1;
    size_t len = n < 0 ? 0 : strlen(buf);
    if (len == 0 || buf[len - 1] != '/')
        buf[len++] = '/';
    if (path[0] == '.' && path[1] == '/')
        path += 2;
    strlcpy(buf + len, path, PATH_MAX - len);
    char *s = dup_string(buf);
    kfree(buf);
    return s;
}

/*
 * The program's path as Linux's /proc/[pid]/exe gives it: the file the
 * path leads to, links followed ("/bin/sh" is "/bin/busybox"); the path
 * as given, made absolute, if the walk fails.
 */
static char *
program_path(struct proc *p, const char *path)
{
    struct dentry *d;
    int err;
    if (p == proc_current()) {
        err = path_lookup_at(AT_FDCWD, path, 0, &d);
    } else { // init, started by the kernel: from the root
        mutex_lock(&vfs_lock);
        err = path_walk(fs_root(), path, 0, &d);
        mutex_unlock(&vfs_lock);
    }
    if (err < 0)
        return absolute_path(p, path);
    char *buf = kmalloc(PATH_MAX);
    char *s = NULL;
    if (buf != NULL && dentry_path(d, buf, PATH_MAX) >= 0)
        s = dup_string(buf);
    kfree(buf);
    dentry_put(d);
    return s != NULL ? s : absolute_path(p, path);
}

/**
 * @brief Note where exec put the strings, and the program's path.
 *
 * The new stack starts with argc, the argument pointers, a NULL, the
 * environment pointers, a NULL; the strings themselves lie together above
 * (kernel/proc/ustack.c), the arguments first.
 * @param p        the process that exec'd (its new mm in place), or
 *                 init, just made
 * @param exe_path the program's path as exec was given it
 * @param sp       the new stack pointer (at argc)
 */
static void
proc_info_exec(struct proc *p, const char *exe_path, vaddr_t sp)
{
    uint64_t argc = 0, first = 0, last = 0;
    mm_read(p->mm, sp, &argc, 8);
    mm_read(p->mm, sp + 8, &first, 8);
    mm_read(p->mm, sp + 8 * argc, &last, 8);
    p->arg_start = first;
    p->arg_end = argc > 0 ? string_end(p->mm, last) : first;
    // the environment: from its first pointer to its last one's end
    vaddr_t envp = sp + 8 * (argc + 2);
    uint64_t e = 0, elast = 0;
    mm_read(p->mm, envp, &e, 8);
    p->env_start = p->env_end = e != 0 ? e : p->arg_end;
    for (vaddr_t it = envp; e != 0; it += 8) {
        elast = e;
        if (mm_read(p->mm, it + 8, &e, 8) != 8)
            break;
    }
    if (elast != 0)
        p->env_end = string_end(p->mm, elast);
    kfree(p->exe_path);
    p->exe_path = program_path(p, exe_path);
}

/* A process leaves the table: its program's path goes too. */
static void
proc_info_free(struct proc *p)
{
    kfree(p->exe_path);
}

proc_hooks(40, procinfo, .alloc = proc_info_fork, .exec = proc_info_exec,
           .start_init = proc_info_exec, .free = proc_info_free);

/* Find @p pid under the table lock; NULL if it does not exist. */
static struct proc *
find_locked(int pid)
{
    return pid > 0 ? proc_find_locked(pid) : NULL;
}

/* The state letter of @p p, as Linux's /proc shows it. */
static char
state_letter(const struct proc *p)
{
    if (p->state == PROC_ZOMBIE || p->thread == NULL)
        return 'Z'; // its thread may be freed already: not looked at
    if (p->stopped)
        return 'T'; // job control: stopped until SIGCONT
    enum thread_state s = p->thread->state;
    return s == THREAD_RUNNING || s == THREAD_RUNNABLE ? 'R' : 'S';
}

/* Add up the regions of @p mm into @p out: sizes and pages present. */
static void
measure_mm(const struct mm *mm, struct proc_info *out)
{
    struct list_node *it;
    list_for_each(it, &mm->vmas)
    {
        const struct vma *v = list_entry(it, struct vma, link);
        uint64_t size = v->end - v->start;
        out->vsize += size;
        if (v->end == USER_STACK_TOP) {
            out->stack += size;
            out->start_stack = v->end;
        } else if (v->prot & VM_EXEC) {
            out->text += size;
        } else if ((v->prot & VM_WRITE) && !(v->flags & VMA_SHARED)) {
            out->data += size;
        }
        // a huge reservation has few page tables: skip where none are
        // (page by page, 1 TiB of PROT_NONE took minutes, interrupts off)
        for (vaddr_t va = arch_uvm_skip(mm->root, v->start); va < v->end;
             va = arch_uvm_skip(mm->root, va + PAGE_SIZE)) {
            paddr_t pa;
            out->rss += arch_translate(mm->root, va, &pa, NULL);
        }
    }
    out->brk_start = mm->brk_start;
    out->brk = mm->brk;
}

/* Which signals @p p ignores and catches, one bit per signal. */
static void
signal_sets(const struct proc *p, struct proc_info *out)
{
    out->sig_pending = p->sig.pending;
    // a zombie's thread is gone (freed by the reaper): only a live one
    if (p->state != PROC_ZOMBIE && p->thread != NULL)
        out->sig_blocked = p->thread->sig_blocked;
    for (int sig = 1; sig < NSIG; sig++) {
        uint64_t h = p->sig.action[sig].handler;
        if (h == SIG_IGN)
            out->sig_ignored |= SIGBIT(sig);
        else if (h != SIG_DFL)
            out->sig_caught |= SIGBIT(sig);
    }
}

// [proc_info_get]
/**
 * @brief Copy what /proc shows of process @p pid into @p out.
 * @param pid the process id
 * @param out receives the snapshot
 * @return 0, or -ESRCH when no such process exists (any more)
 * @pre interrupts on; takes the process table's lock
 */
int
proc_info_get(int pid, struct proc_info *out)
{
    memset(out, 0, sizeof(*out));
    irqflags_t flags = proc_table_lock();
    struct proc *p = find_locked(pid);
    if (p == NULL) {
        proc_table_unlock(flags);
        return -ESRCH;
    }
    out->pid = p->pid;
    out->ppid = p->parent != NULL ? p->parent->pid : 0;
    out->pgid = p->pgid;
    out->sid = p->sid;
    uint64_t rdev = 0;
    int tpgid = 0;
    bool has_tty = tty_ctty_info(p->sid, &rdev, &tpgid);
    out->tty_nr = has_tty ? (int)rdev : 0;
    out->tpgid = has_tty && tpgid != 0 ? tpgid : -1;
    out->state = state_letter(p);
    strlcpy(out->name, p->name, sizeof(out->name));
    out->cred = p->cred;
    out->umask = p->fs_umask;
    out->nice = p->nice;
    out->utime = p->ticks - p->sys_ticks;
    out->stime = p->sys_ticks;
    out->cutime = p->child_ticks - p->child_sys_ticks;
    out->cstime = p->child_sys_ticks;
    out->start_ticks = p->start_ticks;
    out->arg_start = p->arg_start;
    out->arg_end = p->arg_end;
    out->env_start = p->env_start;
    out->env_end = p->env_end;
    if (p->mm != NULL && out->state != 'Z')
        measure_mm(p->mm, out);
    signal_sets(p, out);
    proc_table_unlock(flags);
    return 0;
}
// [proc_info_get]

/**
 * @brief The smallest process id at or above @p from, zombies too: how
 *        /proc lists its pid folders in order, one per call, without a
 *        copy of the whole table (ids wrap around, so the table is not
 *        in id order).
 * @param from the least id wanted
 * @return the id, or 0 when no process has one that high
 */
int
proc_info_next_pid(int from)
{
    int best = 0;
    irqflags_t flags = proc_table_lock();
    for (const struct proc *p = proc_next(NULL); p != NULL; p = proc_next(p)) {
        if (p->pid >= from && (best == 0 || p->pid < best))
            best = p->pid;
    }
    proc_table_unlock(flags);
    return best;
}

/**
 * @brief Does process @p pid exist (a zombie counts)?
 * @param pid the process id
 * @return true if it does
 */
bool
proc_info_alive(int pid)
{
    irqflags_t flags = proc_table_lock();
    bool alive = find_locked(pid) != NULL;
    proc_table_unlock(flags);
    return alive;
}

/* What a region is, for the last column of maps. */
static int
vma_kind(const struct mm *mm, const struct vma *v, bool has_exe)
{
    if (v->end == USER_STACK_TOP)
        return PROC_VMA_STACK;
    if (v->start >= mm->brk_start && v->start < ALIGN_UP(mm->brk, PAGE_SIZE))
        return PROC_VMA_HEAP;
    if (has_exe && v->end <= mm->brk_start && !(v->flags & VMA_SHARED))
        return PROC_VMA_IMAGE;
    return PROC_VMA_ANON;
}

/**
 * @brief The regions of process @p pid's address space, lowest first.
 * @param pid the process id
 * @param out receives up to @p max regions
 * @param max room in @p out
 * @return how many regions (more than @p max: the list was cut); -ESRCH
 */
int
proc_info_vmas(int pid, struct proc_vma *out, int max)
{
    irqflags_t flags = proc_table_lock();
    struct proc *p = find_locked(pid);
    if (p == NULL || p->mm == NULL || p->state == PROC_ZOMBIE) {
        proc_table_unlock(flags);
        return p == NULL ? -ESRCH : 0;
    }
    int n = 0;
    struct list_node *it;
    list_for_each(it, &p->mm->vmas)
    {
        const struct vma *v = list_entry(it, struct vma, link);
        if (n < max) {
            out[n] = (struct proc_vma){
                .start = v->start,
                .end = v->end,
                .prot = v->prot,
                .shared = (v->flags & VMA_SHARED) != 0,
                .offset = v->file_off,
                .kind = vma_kind(p->mm, v, p->exe_path != NULL)};
        }
        n++;
    }
    proc_table_unlock(flags);
    return n;
}

/**
 * @brief Copy bytes of @p pid's argument (or environment) strings.
 * @param pid the process id
 * @param env false: the arguments (cmdline); true: the environment
 * @param off offset into the strings
 * @param buf receives up to @p len bytes
 * @param len room at @p buf
 * @return bytes copied (0 past the end, or for a zombie); -ESRCH
 */
long
proc_info_read_mem(int pid, bool env, uint64_t off, void *buf, size_t len)
{
    irqflags_t flags = proc_table_lock();
    struct proc *p = find_locked(pid);
    if (p == NULL) {
        proc_table_unlock(flags);
        return -ESRCH;
    }
    uint64_t start = env ? p->env_start : p->arg_start;
    uint64_t end = env ? p->env_end : p->arg_end;
    size_t got = 0;
    if (p->mm != NULL && p->state != PROC_ZOMBIE && start + off < end)
        got = mm_read(p->mm, start + off, buf, MIN(len, end - start - off));
    proc_table_unlock(flags);
    return (long)got;
}

/**
 * @brief The absolute path of the program process @p pid runs.
 * @param pid  the process id
 * @param buf  receives the path, NUL-terminated
 * @param size room at @p buf
 * @return the path's length; -ESRCH; -ENOENT when it has none (a zombie,
 *         or a process that never exec'd)
 */
int
proc_info_exe(int pid, char *buf, size_t size)
{
    irqflags_t flags = proc_table_lock();
    struct proc *p = find_locked(pid);
    int ret = p == NULL ? -ESRCH : -ENOENT;
    if (p != NULL && p->exe_path != NULL && p->state != PROC_ZOMBIE) {
        strlcpy(buf, p->exe_path, size);
        ret = (int)strlen(buf);
    }
    proc_table_unlock(flags);
    return ret;
}

/**
 * @brief The id of the newest process, for /proc/loadavg.
 * @return it
 */
int
proc_info_last_pid(void)
{
    return last_forked;
}
