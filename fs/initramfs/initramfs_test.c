/**
 * @file
 * @ingroup fs
 * @brief Self-test `initramfs`: a file the grader packed is found, intact.
 *
 * Guards against an initramfs that is not found, a cpio parser that
 * misreads names, sizes or padding, and a lookup that ignores the "./"
 * or "/" in front of a name. The grader packs a random token into a file
 * with a random name and boots with
 * `test=initramfs initrd_file=PATH initrd_token=TOKEN`: the file must
 * hold exactly TOKEN, or TOKEN and a newline (what `echo` writes). A
 * stub that prints a fixed text cannot know either word.
 */
#include "fs/initramfs.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"

/* Does the file @p e hold @p token, with at most one newline after it? */
static bool
holds_token(const struct cpio_entry *e, const char *token)
{
    size_t n = strlen(token);
    const char *data = e->data;
    if (e->size != n && !(e->size == n + 1 && data[n] == '\n'))
        return false;
    return memcmp(data, token, n) == 0;
}

static int
selftest_initramfs(void)
{
    if (boot_info.nmodules == 0)
        return selftest_fail("no initramfs module (boot with an initrd)");
    initramfs_init(); // nothing happens if boot called it already
    const char *path = cmdline_get("initrd_file");
    const char *token = cmdline_get("initrd_token");
    if (path == NULL || *path == 0 || token == NULL || *token == 0)
        return selftest_fail("the command line needs initrd_file=PATH and "
                             "initrd_token=TOKEN");

    struct cpio_entry e;
    int err = initramfs_lookup(path, &e);
    if (err < 0)
        return selftest_fail("%s: not found in the initramfs (error %d)", path,
                             err);
    if ((e.mode & CPIO_S_IFMT) != CPIO_S_IFREG)
        return selftest_fail("%s: mode 0%o is not a regular file", path,
                             e.mode);
    if (!holds_token(&e, token))
        return selftest_fail("%s: %zu bytes that are not the token", path,
                             e.size);
    pr_info("initramfs: found %s (%zu bytes)\n", path, e.size);
    return 0;
}
SELFTEST("initramfs", selftest_initramfs, 0);
