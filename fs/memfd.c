/**
 * @file
 * @ingroup fs
 * @brief memfd_create: a file in memory that no directory names.
 *
 * A memfd is a tmpfs file reached only through descriptors: a program
 * writes it, maps it, hands the descriptor to a child (fork, exec, or
 * /proc/self/fd). Its pages are a tmpfs file's page cache like any other
 * (fs/tmpfs/file.c), so two processes that map it MAP_SHARED share that
 * memory, which is what the call is for. The files are made in a tmpfs
 * instance of their own that is mounted nowhere, and their names are
 * removed at once: /proc/self/fd/N reads "/memfd:NAME (deleted)", as on
 * Linux.
 *
 * File sealing (F_ADD_SEALS, F_GET_SEALS) is not implemented: fcntl gives
 * EINVAL for them, as Linux does for a file that cannot be sealed, so a
 * program that needs seals learns it at once.
 *
 * Locking: vfs_lock around the instance and the name.
 */
#include "fs/file.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** memfd_create's flags (include/uapi/linux/memfd.h). */
#define MFD_CLOEXEC 0x1U
#define MFD_ALLOW_SEALING 0x2U
#define MFD_HUGETLB 0x4U
/** The longest NAME: a name is "memfd:" and NAME in 255 bytes. */
#define MFD_NAME_MAX 249

/** The tmpfs instance that holds every memfd; made at the first call. */
static struct super_block *memfd_sb;

/* The instance, made if missing; NULL when memory is out. */
static struct super_block *
memfd_instance(void)
{
    if (memfd_sb == NULL) {
        const struct fs_type *t = fs_type_find("tmpfs");
        if (t == NULL || t->mount("memfd", 0, NULL, &memfd_sb) < 0)
            memfd_sb = NULL;
    }
    return memfd_sb;
}

/**
 * @brief memfd_create(2): a new, empty file in memory, open read-write.
 * @param name  the name shown in /proc/self/fd (at most 249 bytes)
 * @param flags MFD_CLOEXEC, MFD_ALLOW_SEALING (accepted; sealing itself
 *              is not implemented)
 * @param out   the open file (O_RDWR, O_LARGEFILE)
 * @return 0; -EINVAL (unknown flags, MFD_HUGETLB, a name too long);
 *         -ENOSPC; -ENOMEM
 */
int
vfs_memfd_create(const char *name, unsigned flags, struct file **out)
{
    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING))
        return -EINVAL; // MFD_HUGETLB too: no huge pages here
    size_t len = strlen(name);
    if (len > MFD_NAME_MAX)
        return -EINVAL;
    char full[6 + MFD_NAME_MAX + 1];
    memcpy(full, "memfd:", 6);
    memcpy(full + 6, name, len + 1);
    mutex_lock(&vfs_lock);
    struct super_block *sb = memfd_instance();
    int err = sb == NULL ? -ENOMEM : 0;
    struct dentry *d = NULL;
    if (err == 0) {
        // the name lives for an instant: another memfd of the same name
        // cannot meet it, since both are made under vfs_lock
        d = dentry_alloc(sb->root, full, len + 6);
        err = d == NULL ? -ENOMEM
                        : sb->root->inode->iops->mknod(sb->root->inode, d,
                                                       S_IFREG | 0777, 0);
    }
    if (err == 0)
        err = vfs_open_dentry(d, O_RDWR, out);
    if (err == 0) {
        d->inode->nlink--; // no name: only descriptors keep it
        dcache_remove(d);  // takes the tree's reference
    } else if (d != NULL) {
        dentry_put(d);
    }
    mutex_unlock(&vfs_lock);
    return err;
}
