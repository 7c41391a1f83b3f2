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
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/** Most bytes of mount's option string (Linux copies one page). */
#define MOUNT_DATA_MAX 4096

/* A kernel copy of the user string at @p src (NULL stays NULL). */
static int
string_in(long src, char **out)
{
    *out = NULL;
    return src == 0 ? 0 : path_from_user(UPTR(src), out);
}

/**
 * @brief mount(source, target, type, flags, data).
 * @param a the argument registers
 * @return 0; -ENODEV (unknown type); -ENOENT, -ENOTDIR (target); -EINVAL
 *         (bad options, MS_BIND, MS_MOVE, remount of a non-mount);
 *         -EPERM (not root); -EFAULT; -ENOMEM
 */
long
sys_mount(const long a[6])
{
    char *source, *target = NULL, *type = NULL, *data = NULL;
    int err = string_in(a[0], &source);
    if (err == 0)
        err = a[1] == 0 ? -EFAULT : string_in(a[1], &target);
    if (err == 0 && !(a[3] & MS_REMOUNT))
        err = a[2] == 0 ? -EFAULT : string_in(a[2], &type);
    if (err == 0)
        err = string_in(a[4], &data);
    if (err == 0)
        err =
            vfs_mount_path(source != NULL ? source : "none", target,
                           type != NULL ? type : "", (unsigned long)a[3], data);
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
