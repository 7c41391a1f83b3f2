/**
 * @file
 * @ingroup fs
 * @brief The initramfs: find the boot module, check it, look files up.
 *
 * GRUB loads the file named by `module2` in grub.cfg into memory and
 * lists it in the multiboot2 information; Keel takes the first module,
 * boot_info.modules[0], as its initramfs, a newc cpio archive
 * (fs/initramfs/cpio.c). Nothing is copied: the archive is read where
 * GRUB put it, through the direct map. pmm_init() reserves every module's
 * frames before it hands memory to the buddy allocator (kernel/mm/pmm.c),
 * so no allocation can overwrite the archive.
 *
 * initramfs_init() walks the whole archive once, so that a broken one is
 * reported at boot, with its offset, rather than when a file is wanted.
 * A gzip-compressed archive is refused; GRUB's `module2` unpacks one
 * itself, so that happens only with `module2 --nounzip` or another loader.
 * Locking: none; the archive is read-only once initramfs_init() has run,
 * which it does at boot on one CPU.
 */
#include "fs/initramfs.h"
#include "kernel/arch.h"
#include "kernel/boot.h"
#include "kernel/printk.h"
#include "uapi/errno.h"

/** The checked archive, or NULL if there is none (or it is broken). */
static const void *archive;
/** Its size in bytes. */
static size_t archive_len;
/** initramfs_init() has run. */
static bool initramfs_ready;

/*
 * Walk every member of the @p len bytes at @p a; count them in *@p count.
 * Returns 0, or the first error, with *@p offset where it happened.
 */
static int
check_archive(const void *a, size_t len, size_t *count, size_t *offset)
{
    struct cpio_entry e;
    int r;
    *count = 0;
    *offset = 0;
    while ((r = cpio_next(a, len, offset, &e)) == 1)
        (*count)++;
    return r;
}

/**
 * @brief Find the initramfs among the boot modules and check it.
 *
 * Prints `initramfs: N files, M KiB` (N counts members of every kind,
 * directories too; M is the module's size, rounded up), `initramfs: none`
 * without a module, or why the archive was refused; a refused archive is
 * as good as none. Idempotent: calls after the first do nothing, so a
 * self-test may call it whether or not boot did.
 *
 * @pre boot_info is filled in and pmm_init() has reserved the modules
 */
void
initramfs_init(void)
{
    if (initramfs_ready)
        return;
    initramfs_ready = true;
    if (boot_info.nmodules == 0) {
        pr_info("initramfs: none\n");
        return;
    }
    const struct boot_module *m = &boot_info.modules[0];
    if (m->end < m->start || m->end > DMAP_BOOT_SIZE) {
        pr_err("initramfs: module at [0x%lx, 0x%lx) is outside the direct "
               "map\n",
               m->start, m->end);
        return;
    }
    const void *a = phys_to_virt(m->start);
    size_t len = m->end - m->start;
    size_t count, offset;
    int err = check_archive(a, len, &count, &offset);
    if (err == -ENOEXEC) {
        pr_err("initramfs: gzip not supported, pack with cpio -H newc\n");
        return;
    }
    if (err < 0) {
        pr_err("initramfs: not a newc cpio archive: error %d at offset "
               "%zu\n",
               err, offset);
        return;
    }
    archive = a;
    archive_len = len;
    pr_info("initramfs: %zu files, %zu KiB\n", count, (len + 1023) / 1024);
}

/**
 * @brief Find the file @p path in the initramfs.
 *
 * "/init", "./init" and "init" name the same file (see cpio_find()).
 *
 * @param path the NUL-terminated path
 * @param out  the member found, pointing into the archive (which is never
 *             freed)
 * @return 0, or -ENOENT if there is no initramfs or no such file in it
 * @pre initramfs_init() has run
 */
int
initramfs_lookup(const char *path, struct cpio_entry *out)
{
    if (archive == NULL)
        return -ENOENT;
    return cpio_find(archive, archive_len, path, out);
}

#if CHAPTER >= 4
/**
 * @brief The checked archive, for the tree that indexes it.
 * @param len set to its size in bytes (0 when there is none)
 * @return the archive, or NULL without an initramfs
 */
const void *
initramfs_archive(size_t *len)
{
    *len = archive_len;
    return archive;
}
#endif
