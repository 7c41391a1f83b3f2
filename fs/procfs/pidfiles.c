/**
 * @file
 * @ingroup fs
 * @brief /proc/[pid]/cmdline, environ, comm, maps and the exe link.
 *
 * cmdline and environ are not kept by the kernel: they are the strings
 * exec wrote on the new program's stack (kernel/proc/ustack.c), each
 * ending in a NUL, read back from the process's own memory. Like Linux,
 * what the program has since written over them is what /proc shows.
 *
 * maps lists the regions of the address space, one line each, in Linux's
 * columns: the range, the rights (r, w, x, and p or s for private or
 * shared), the file offset, the device and inode (0: Keel's regions are
 * copies, not shared file pages), then, from column 74, what the region
 * is: the program's path, [heap] or [stack].
 */
#include "fs/procfs.h"
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/procinfo.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** Regions maps lists at most. */
#define MAPS_MAX 128
/** Where the last column of a maps line starts (Linux: 25 + 6 * 8 - 1). */
#define MAPS_NAME_COL 73

/* Copy the argument (or environment) strings of @p pid into @p b. */
static void
show_strings(struct pbuf *b, int pid, bool env)
{
    char chunk[256];
    for (uint64_t off = 0;; off += sizeof(chunk)) {
        long n = proc_info_read_mem(pid, env, off, chunk, sizeof(chunk));
        if (n <= 0)
            return;
        pbuf_write(b, chunk, (size_t)n);
        if ((size_t)n < sizeof(chunk) || b->overflow)
            return;
    }
}

/**
 * @brief /proc/[pid]/cmdline: the arguments, each ending in a NUL.
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_cmdline(struct pbuf *b, int pid)
{
    show_strings(b, pid, false);
}

/**
 * @brief /proc/[pid]/environ: the environment, each string ending in a NUL.
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_environ(struct pbuf *b, int pid)
{
    show_strings(b, pid, true);
}

/**
 * @brief /proc/[pid]/comm: the command name and a newline.
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_comm(struct pbuf *b, int pid)
{
    struct proc_info pi;
    if (proc_info_get(pid, &pi) == 0)
        pbuf_printf(b, "%s\n", pi.name);
}

/**
 * @brief /proc/[pid]/make-it-fail: 0 or 1, without a newline (as Linux).
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_make_it_fail(struct pbuf *b, int pid)
{
    int v = failinject_get(pid);
    if (v >= 0)
        pbuf_printf(b, "%d", v);
}

/* Blanks, as Linux's strstrip() removes them. */
static bool
blank(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/**
 * @brief Write /proc/[pid]/make-it-fail, as Linux: root only, then a
 *        number (0x hex and 0 octal too, blanks around it), 0 or 1.
 * @param pid  the process
 * @param text what was written (procfs_write() keeps the first 12 bytes)
 * @return 0; -EPERM (not root: Linux asks for CAP_SYS_RESOURCE before it
 *         reads anything); -EINVAL (not a number, or not 0 or 1); -ESRCH
 *         (the process is gone)
 */
int
proc_store_pid_make_it_fail(int pid, const char *text)
{
    if (!capable(CAP_SYS_RESOURCE))
        return -EPERM;
    while (blank(*text))
        text++;
    bool minus = *text == '-';
    if (*text == '-' || *text == '+')
        text++;
    if (*text < '0' || *text > '9')
        return -EINVAL;
    const char *end;
    unsigned long v = strtoul(text, &end, 0);
    while (blank(*end))
        end++;
    if (*end != '\0' || v > 1)
        return -EINVAL;
    return failinject_set(pid, minus ? -(long)v : (long)v);
}

/* One line of maps; @p exe names the program's regions. */
static void
maps_line(struct pbuf *b, const struct proc_vma *v, const char *exe)
{
    size_t start = b->len;
    pbuf_printf(b, "%08lx-%08lx %c%c%c%c %08lx 00:00 0 ", v->start, v->end,
                v->prot & VM_READ ? 'r' : '-', v->prot & VM_WRITE ? 'w' : '-',
                v->prot & VM_EXEC ? 'x' : '-', v->shared ? 's' : 'p',
                v->offset);
    const char *name = v->kind == PROC_VMA_IMAGE   ? exe
                       : v->kind == PROC_VMA_HEAP  ? "[heap]"
                       : v->kind == PROC_VMA_STACK ? "[stack]"
                                                   : NULL;
    if (name != NULL && *name != '\0') {
        size_t used = b->len - start;
        pbuf_printf(b, "%*s%s",
                    used < MAPS_NAME_COL ? (int)(MAPS_NAME_COL - used) : 0, "",
                    name);
    }
    pbuf_write(b, "\n", 1);
}

/**
 * @brief /proc/[pid]/maps: the regions of the address space.
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_maps(struct pbuf *b, int pid)
{
    struct proc_vma *vmas = kmalloc(MAPS_MAX * sizeof(*vmas));
    char *exe = kmalloc(PATH_MAX);
    if (vmas == NULL || exe == NULL)
        goto out;
    if (proc_info_exe(pid, exe, PATH_MAX) < 0)
        exe[0] = '\0';
    int n = proc_info_vmas(pid, vmas, MAPS_MAX);
    for (int i = 0; i < n && i < MAPS_MAX; i++)
        maps_line(b, &vmas[i], exe);
out:
    kfree(exe);
    kfree(vmas);
}

/**
 * @brief /proc/[pid]/exe: the program's absolute path.
 * @param pid  the process
 * @param fd   unused (-1)
 * @param buf  receives the path
 * @param size room at @p buf
 * @return its length; -ENOENT (no program: a zombie), -ESRCH
 */
long
proc_link_exe(int pid, int fd, char *buf, size_t size)
{
    (void)fd;
    return proc_info_exe(pid, buf, size);
}

/**
 * @brief /proc/[pid]/root: the process's root directory, always "/".
 * @param pid  the process
 * @param fd   unused (-1)
 * @param buf  receives "/"
 * @param size room at @p buf
 * @return 1, or -ESRCH
 */
long
proc_link_root(int pid, int fd, char *buf, size_t size)
{
    (void)fd;
    if (!proc_info_alive(pid))
        return -ESRCH;
    strlcpy(buf, "/", size);
    return 1;
}
