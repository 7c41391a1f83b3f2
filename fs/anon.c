/**
 * @file
 * @ingroup fs
 * @brief Anonymous inodes: the inode of a file that no directory holds.
 *
 * Linux gives every such file (signalfd, timerfd, eventfd, epoll) one
 * shared inode of an internal file system and a name, "[signalfd]",
 * which /proc/[pid]/fd/N shows as "anon_inode:[signalfd]". Keel gives
 * each kind of anonymous file an inode of its own from a small table,
 * named by the kind, so that the name can be found from the file's
 * inode alone (anon_inode_name()); the kinds are few and fixed. The
 * inodes live forever: they own nothing.
 *
 * The file's own state (a signalfd's mask) is its priv, freed by its
 * release operation.
 *
 * Locking: anon_lock while the table grows.
 */
#include "fs/anon.h"
#include "kernel/panic.h"
#include "kernel/string.h"

/** How many kinds of anonymous files there may be. */
#define ANON_KINDS 8
/** Inode numbers of the kinds: apart from every file system's. */
#define ANON_INO_BASE (1ULL << 40)

static struct inode anon_inodes[ANON_KINDS];
static struct spinlock anon_lock = SPINLOCK_INIT("anon");

/* The inode of kind @p name, made at its first use. */
static struct inode *
anon_inode(const char *name)
{
    irqflags_t flags = spin_lock_irqsave(&anon_lock);
    struct inode *n = NULL;
    for (int i = 0; i < ANON_KINDS && n == NULL; i++) {
        struct inode *k = &anon_inodes[i];
        if (k->priv == NULL) {
            k->mode = 0600; // no file type, as Linux's anonymous inode
            k->nlink = 1;
            k->ino = ANON_INO_BASE + (uint64_t)i;
            k->priv = (void *)name;
        }
        if (strcmp(k->priv, name) == 0)
            n = k;
    }
    spin_unlock_irqrestore(&anon_lock, flags);
    if (n == NULL)
        panic("anon: more than %d kinds of anonymous files", ANON_KINDS);
    return n;
}

/**
 * @brief A new open file of kind @p name, with no name in any directory.
 * @param name  the kind, in brackets as Linux names it: "[signalfd]"
 *              (a string that lives forever)
 * @param ops   what reading, polling and closing it do
 * @param priv  the file's own state (file->priv)
 * @param flags open flags (O_RDWR, O_NONBLOCK)
 * @return the file (one reference), or NULL when memory is out
 */
struct file *
anon_file_alloc(const char *name, const struct file_ops *ops, void *priv,
                unsigned flags)
{
    struct file *f = file_alloc(anon_inode(name), ops, flags);
    if (f != NULL)
        f->priv = priv;
    return f;
}

/**
 * @brief The kind of an anonymous inode ("[signalfd]"), for /proc.
 * @param n an inode, or NULL
 * @return the kind, or NULL when @p n is not an anonymous inode
 */
const char *
anon_inode_name(const struct inode *n)
{
    if (n < &anon_inodes[0] || n >= &anon_inodes[ANON_KINDS])
        return NULL;
    return n->priv;
}
