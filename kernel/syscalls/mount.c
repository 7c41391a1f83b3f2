/**
 * @file
 * @ingroup syscalls
 * @brief mount, umount2: attaching and detaching file systems.
 *
 * mount(source, target, type, flags, data) copies its strings in (data,
 * the option string, at most one page) and asks the VFS
 * (fs/mount.c) to mount a new instance of the type on target.
 * umount2 walks to the mount point (which, as the walk crosses mounts,
 * is the mounted root) and detaches it.
 */
#include "fs/file.h"
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/** Most bytes of mount's option string (Linux copies one page). */
#define MOUNT_DATA_MAX 4096

/* A kernel copy of mount's type or source string, as Linux's
 * copy_mount_string (strndup_user up to PATH_MAX): NULL stays NULL, and a
 * string longer than PATH_MAX is -EINVAL, not -ENAMETOOLONG. */
static int
mount_string_in(long src, char **out)
{
    *out = NULL;
    if (src == 0)
        return 0;
    int err = path_from_user(UPTR(src), out);
    return err == -ENAMETOOLONG ? -EINVAL : err;
}

/* A kernel copy of mount's options, as Linux's copy_mount_options: up to
 * a page, as much as can be read (the string may end anywhere before a
 * fault), -EFAULT only when not one byte can be; always NUL-terminated. */
static int
mount_data_in(long src, char **out)
{
    *out = NULL;
    if (src == 0)
        return 0;
    char *p = kzalloc(MOUNT_DATA_MAX);
    if (p == NULL)
        return -ENOMEM;
    size_t got = 0;
    while (got < MOUNT_DATA_MAX) {
        // faults come at page boundaries: one page's part at a time
        uint64_t at = (uint64_t)src + got;
        size_t part = MIN(MOUNT_DATA_MAX - got, PAGE_SIZE - (at % PAGE_SIZE));
        if (copy_from_user(p + got, UPTR(at), part) < 0)
            break;
        got += part;
    }
    if (got == 0) {
        kfree(p);
        return -EFAULT;
    }
    p[MOUNT_DATA_MAX - 1] = 0;
    *out = p;
    return 0;
}

/**
 * @brief mount(source, target, type, flags, data).
 *
 * Copied in Linux's order: the type, the source, the options, then the
 * target's path; then vfs_mount() looks at the flags.
 * @param a the argument registers
 * @return 0; -ENODEV (unknown type); -ENOENT, -ENOTDIR (target); -EINVAL
 *         (no type, a string past PATH_MAX, bad options, MS_BIND,
 *         MS_MOVE, MS_NOUSER, remount of a non-mount); -EPERM (not
 *         root); -EFAULT; -ENOMEM
 */
long
sys_mount(const long a[6])
{
    char *source = NULL, *target = NULL, *type = NULL, *data = NULL;
    int err = mount_string_in(a[2], &type);
    if (err == 0)
        err = mount_string_in(a[0], &source);
    if (err == 0)
        err = mount_data_in(a[4], &data);
    if (err == 0)
        err = path_from_user(UPTR(a[1]), &target);
    if (err == 0)
        err = vfs_mount_path(source != NULL ? source : "none", target, type,
                             (unsigned long)a[3], data);
    kfree(source);
    kfree(target);
    kfree(type);
    kfree(data);
    return err;
}

/**
 * @brief umount2(target, flags): MNT_DETACH, MNT_FORCE, UMOUNT_NOFOLLOW.
 * @param a the argument registers
 * @return 0; -EINVAL (not a mount point, unknown flags); -EBUSY (in use,
 *         or the root); -EPERM; -ENOENT; -EFAULT
 */
long
sys_umount2(const long a[6])
{
    char *path;
    int err = path_from_user(UPTR(a[0]), &path);
    if (err < 0)
        return err;
    struct dentry *d;
    int look = (a[1] & UMOUNT_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0;
    err = path_lookup_at(AT_FDCWD, path, look, &d);
    kfree(path);
    if (err < 0)
        return err;
    err = vfs_umount(d, (int)a[1]);
    dentry_put(d);
    return err;
}
