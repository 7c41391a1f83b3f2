/**
 * @file
 * @ingroup fs
 * @brief A node's attributes as stat and statx report them, and access().
 *
 * Every file the initramfs holds is on one device, which Keel numbers
 * 0:1 as Linux numbers its first unnamed (initramfs) file system 0:x.
 * Sizes in blocks are counted in 512-byte units, rounded up, as Linux
 * does for files in memory.
 *
 * Permissions: every process is root (uid 0) in this chapter, and root
 * may read and write anything; it may execute a file only when some x
 * bit is set. Writing fails with -EROFS as the initramfs is read-only.
 */
#include "fs/file.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** The device number of the initramfs (an unnamed file system). */
#define INITRAMFS_DEV MKDEV(0, 1)

/**
 * @brief Fill @p st from node @p n.
 * @param n  the node
 * @param st the stat buffer (kernel memory)
 */
void
fnode_stat(const struct fnode *n, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = INITRAMFS_DEV;
    st->st_ino = n->ino;
    st->st_nlink = n->nlink ? n->nlink : 1;
    st->st_mode = n->mode;
    st->st_uid = n->uid;
    st->st_gid = n->gid;
    st->st_rdev = n->rdev;
    st->st_size = (int64_t)n->size;
    st->st_blksize = 4096;
    st->st_blocks = (int64_t)((n->size + 511) / 512);
    st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = n->mtime;
}

/**
 * @brief The statx view of a struct stat.
 * @param st a filled struct stat (file_stat())
 * @param sx filled in; all basic fields are valid (STATX_BASIC_STATS)
 */
void
stat_to_statx(const struct stat *st, struct statx *sx)
{
    memset(sx, 0, sizeof(*sx));
    sx->stx_mask = STATX_BASIC_STATS;
    sx->stx_blksize = (uint32_t)st->st_blksize;
    sx->stx_nlink = (uint32_t)st->st_nlink;
    sx->stx_uid = st->st_uid;
    sx->stx_gid = st->st_gid;
    sx->stx_mode = (uint16_t)st->st_mode;
    sx->stx_ino = st->st_ino;
    sx->stx_size = (uint64_t)st->st_size;
    sx->stx_blocks = (uint64_t)st->st_blocks;
    sx->stx_atime.tv_sec = st->st_atim.tv_sec;
    sx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
    sx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
    sx->stx_rdev_major = (uint32_t)(st->st_rdev >> 8);
    sx->stx_rdev_minor = (uint32_t)(st->st_rdev & 0xff);
    sx->stx_dev_major = (uint32_t)(st->st_dev >> 8);
    sx->stx_dev_minor = (uint32_t)(st->st_dev & 0xff);
}

/**
 * @brief May root access @p n with @p mode (R_OK|W_OK|X_OK, or F_OK)?
 * @param n    the node
 * @param mode the access bits wanted
 * @return 0; -EACCES (X_OK on a file without any x bit); -EROFS (W_OK on
 *         an initramfs file or directory); -EINVAL (unknown bits)
 */
int
fnode_access(const struct fnode *n, int mode)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    bool fs_object = S_ISTYPE(n->mode, S_IFREG) || S_ISTYPE(n->mode, S_IFDIR) ||
                     S_ISTYPE(n->mode, S_IFLNK);
    if ((mode & W_OK) && fs_object && n->fops == NULL)
        return -EROFS;
    if ((mode & X_OK) && !S_ISTYPE(n->mode, S_IFDIR) && !(n->mode & 0111))
        return -EACCES;
    return 0;
}
