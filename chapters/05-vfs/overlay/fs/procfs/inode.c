/**
 * @file
 * @ingroup fs
 * @brief procfs inodes and directories: names made when they are looked up.
 *
 * No directory of /proc stores its entries. When the path walk asks the
 * dcache for a name it has not seen, it calls the directory's lookup
 * (procfs_lookup()), which decides from the directory's kind whether the
 * name exists: an entry of a table, "self", a live process's id, or an
 * open descriptor's number. The new inode records what it stands for in a
 * struct proc_node. A cached name is checked again at each later walk
 * (procfs_revalidate()): once its process has exited, the walk drops it,
 * so a dead process's directory disappears. getdents makes the listing
 * the same way, from the tables, the process table and the fd table.
 *
 * Locking: lookup and revalidate run under vfs_lock (the walk's); they
 * take the process table's lock briefly through kernel/proc/procinfo.c.
 */
#include "fs/procfs.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/procinfo.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** getdents positions from here on are PID_POS + pid (root directory). */
#define PID_POS 0x10000

/**
 * @brief Make an inode of @p sb standing for @p pn.
 * @param sb   the procfs super block
 * @param pn   what it stands for (copied)
 * @param mode its type and permissions
 * @return the inode (one reference), or NULL when memory is short
 */
struct inode *
procfs_inode(struct super_block *sb, const struct proc_node *pn, uint32_t mode)
{
    struct inode *n = inode_alloc(sb, mode);
    struct proc_node *copy = kmalloc(sizeof(*copy));
    if (n == NULL || copy == NULL) {
        kfree(copy);
        if (n != NULL)
            inode_put(n);
        return NULL;
    }
    *copy = *pn;
    n->priv = copy;
    n->uid = n->gid = 0;
    if (S_ISTYPE(mode, S_IFDIR)) {
        n->iops = &procfs_dir_iops;
        n->fops = &procfs_dir_fops;
        n->nlink = 2;
    } else if (S_ISTYPE(mode, S_IFLNK)) {
        n->iops = &procfs_link_iops;
    } else {
        n->iops = &procfs_file_iops;
        n->fops = &procfs_show_fops;
    }
    struct proc_info pi;
    if (pn->pid > 0 && proc_info_get(pn->pid, &pi) == 0) {
        n->uid = pi.cred.euid; // a process's files belong to its user
        n->gid = pi.cred.egid;
    }
    return n;
}

/* A decimal number at [s, s + len), or -1. */
static int
parse_number(const char *s, size_t len)
{
    int v = 0;
    if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Find @p d's name in @p table; fill @p pn and @p mode. */
static bool
table_lookup(const struct proc_entry *table, size_t count,
             const struct dentry *d, struct proc_node *pn, uint32_t *mode)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(table[i].name) == d->namelen &&
            memcmp(table[i].name, d->name, d->namelen) == 0) {
            pn->entry = &table[i];
            pn->kind = table[i].dir != 0 ? table[i].dir : PROC_NODE_ENTRY;
            *mode = table[i].mode;
            return true;
        }
    }
    return false;
}

/*
 * Forget the cached names of processes that have gone (vfs_lock held). A
 * walk drops such a name only when it meets it again, which for a pid
 * that is never reused may be never: each short-lived process that read
 * /proc/self/... would leave its directory behind. So the names are
 * swept whenever a new process directory is looked up (Linux flushes a
 * process's names when it is reaped), and when ps lists /proc.
 */
static void
prune_dead_locked(struct dentry *root)
{
    struct list_node *it = root->children.next;
    while (it != &root->children) {
        struct dentry *d = list_entry(it, struct dentry, sibling);
        it = it->next;
        const struct proc_node *pn = d->inode->priv;
        if (pn->kind == PROC_NODE_PID && !proc_info_alive(pn->pid)) {
            dentry_get(d);
            procfs_drop_tree(d);
            dcache_remove(d);
            dentry_put(d);
        }
    }
}

/* prune_dead_locked(), taking vfs_lock. */
static void
prune_dead(struct dentry *root)
{
    mutex_lock(&vfs_lock);
    prune_dead_locked(root);
    mutex_unlock(&vfs_lock);
}

// [procfs_lookup]
/* lookup: does @p d's name exist in directory @p dir? */
static int
procfs_lookup(struct inode *dir, struct dentry *d)
{
    const struct proc_node *pd = dir->priv;
    struct proc_node pn = {.pid = pd->pid, .fd = -1};
    uint32_t mode = 0;
    int num = parse_number(d->name, d->namelen);
    bool found = false;
    if (pd->kind == PROC_NODE_ROOT) {
        found = table_lookup(proc_root_entries, proc_root_count, d, &pn, &mode);
        if (!found && num > 0 && proc_info_alive(num)) {
            pn =
                (struct proc_node){.pid = num, .fd = -1, .kind = PROC_NODE_PID};
            mode = S_IFDIR | 0555;
            found = true;
            prune_dead_locked(d->parent); // the walk holds vfs_lock
        }
    } else if (pd->kind == PROC_NODE_PID) {
        found = table_lookup(proc_pid_entries, proc_pid_count, d, &pn, &mode);
    } else if (pd->kind == PROC_NODE_FDDIR && num >= 0 &&
               procfs_fd_is_open(pd->pid, num)) {
        pn.fd = num;
        pn.kind = PROC_NODE_FD;
        mode = S_IFLNK | 0500;
        found = true;
    } else if (pd->kind == PROC_NODE_TASKS && num == pd->pid) {
        // one thread per process: its only task is itself
        pn.kind = PROC_NODE_PID;
        mode = S_IFDIR | 0555;
        found = true;
    }
    if (!found)
        return 0; // no inode: the walk says -ENOENT
    d->inode = procfs_inode(dir->sb, &pn, mode);
    return d->inode != NULL ? 0 : -ENOMEM;
}
// [procfs_lookup]

/* revalidate: a cached name holds while its process (and fd) exist. */
static bool
procfs_revalidate(struct dentry *d)
{
    const struct proc_node *pn = d->inode->priv;
    if (pn->pid <= 0)
        return true;
    if (pn->kind == PROC_NODE_FD)
        return procfs_fd_is_open(pn->pid, pn->fd);
    return proc_info_alive(pn->pid);
}

static void
procfs_evict(struct inode *n)
{
    kfree(n->priv);
    n->priv = NULL;
}

/** What a procfs directory does. */
const struct inode_ops procfs_dir_iops = {.lookup = procfs_lookup,
                                          .revalidate = procfs_revalidate,
                                          .evict = procfs_evict};

/** What a generated file does as an inode: only go away. */
const struct inode_ops procfs_file_iops = {.evict = procfs_evict};

/** One listed name. */
struct listed {
    char name[16]; /**< the name */
    uint8_t type;  /**< DT_* */
    uint64_t next; /**< the position after it */
};

/* Entry at position @p pos of a table-backed directory (root or pid). */
static bool
table_at(const struct proc_entry *t, size_t count, uint64_t pos,
         struct listed *out)
{
    if (pos >= count)
        return false;
    strlcpy(out->name, t[pos].name, sizeof(out->name));
    out->type = (uint8_t)((t[pos].mode >> 12) & 0xf);
    out->next = pos + 1;
    return true;
}

/* The first process at or after position @p pos (PID_POS + pid). */
static bool
pid_at(uint64_t pos, struct listed *out)
{
    if (pos > PID_POS + (uint64_t)0x7fffffff)
        return false; // past every pid
    int pid = proc_info_next_pid(pos > PID_POS ? (int)(pos - PID_POS) : 0);
    if (pid == 0)
        return false;
    snprintf(out->name, sizeof(out->name), "%d", pid);
    out->type = S_IFDIR >> 12;
    out->next = PID_POS + (uint64_t)pid + 1;
    return true;
}

/* The first open descriptor at or after position @p pos (2 + fd). */
static bool
fd_at(int pid, uint64_t pos, struct listed *out)
{
    for (int fd = (int)pos - 2; fd < FD_MAX; fd++) {
        if (procfs_fd_is_open(pid, fd)) {
            snprintf(out->name, sizeof(out->name), "%d", fd);
            out->type = S_IFLNK >> 12;
            out->next = (uint64_t)fd + 3;
            return true;
        }
    }
    return false;
}

/* The name at position @p pos of directory @p pn: ".", "..", then its own. */
static bool
listed_at(const struct proc_node *pn, uint64_t pos, struct listed *out)
{
    if (pos < 2) {
        strlcpy(out->name, pos == 0 ? "." : "..", sizeof(out->name));
        out->type = S_IFDIR >> 12;
        out->next = pos + 1;
        return true;
    }
    switch (pn->kind) {
    case PROC_NODE_ROOT:
        if (pos < PID_POS &&
            table_at(proc_root_entries, proc_root_count, pos - 2, out)) {
            out->next += 2;
            return true;
        }
        return pid_at(MAX(pos, (uint64_t)PID_POS), out);
    case PROC_NODE_PID:
        if (!table_at(proc_pid_entries, proc_pid_count, pos - 2, out))
            return false;
        out->next += 2;
        return true;
    case PROC_NODE_FDDIR:
        return fd_at(pn->pid, pos, out);
    case PROC_NODE_TASKS: // the one thread, named by its id
        if (pos > 2)
            return false;
        snprintf(out->name, sizeof(out->name), "%d", pn->pid);
        out->type = S_IFDIR >> 12;
        out->next = 3;
        return true;
    default:
        return false;
    }
}

/* getdents64 of a procfs directory: generated names from f->pos on. */
static long
procfs_getdents(struct file *f, uptr_t buf, size_t n)
{
    union {
        struct linux_dirent64 d;
        char bytes[sizeof(struct linux_dirent64) + 24];
    } rec;
    const struct proc_node *pn = f->inode->priv;
    struct listed e;
    size_t used = 0;
    if (pn->pid > 0 && !proc_info_alive(pn->pid))
        return -ENOENT;
    if (pn->kind == PROC_NODE_ROOT && f->pos == 0)
        prune_dead(f->dentry);
    while (listed_at(pn, f->pos, &e)) {
        size_t len = strlen(e.name);
        size_t reclen = DIRENT64_RECLEN(len);
        if (used + reclen > n)
            return used == 0 ? -EINVAL : (long)used;
        memset(&rec, 0, reclen);
        rec.d.d_ino = f->inode->ino * 1024 + f->pos; // stable enough for ls
        rec.d.d_off = (int64_t)e.next;
        rec.d.d_reclen = (uint16_t)reclen;
        rec.d.d_type = e.type;
        memcpy(rec.d.d_name, e.name, len);
        if (copy_to_user(UPTR(buf.addr + used), &rec, reclen) < 0)
            return -EFAULT;
        used += reclen;
        f->pos = e.next;
    }
    return (long)used;
}

/* lseek on a directory: back to the start (rewinddir), or a position a
 * getdents record gave (d_off, for seekdir). */
static long
procfs_dir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence != SEEK_SET || off < 0)
        return -EINVAL;
    f->pos = (uint64_t)off;
    return off;
}

/** What an open procfs directory does. */
const struct file_ops procfs_dir_fops = {.getdents = procfs_getdents,
                                         .lseek = procfs_dir_lseek};
