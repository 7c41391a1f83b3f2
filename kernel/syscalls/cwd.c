/**
 * @file
 * @ingroup syscalls
 * @brief getcwd, chdir, fchdir: the working directory, a dentry.
 *
 * A process's working directory is a dentry it holds a reference on
 * (fs_chdir()). getcwd builds its path from the dentry up
 * (fs_getcwd()); a directory that was removed has no path any more, so
 * getcwd in it fails with -ENOENT, as on Linux.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/**
 * @brief getcwd(buf, size): the absolute path of the cwd.
 * @param a the six argument registers
 * @return its length with the NUL; -ERANGE (does not fit); -ENOENT (the
 *         directory was removed); -EFAULT
 */
long
sys_getcwd(const long a[6])
{
    size_t size = (size_t)a[1];
    char *buf = kmalloc(PATH_MAX);
    if (buf == NULL)
        return -ENOMEM;
    mutex_lock(&vfs_lock); // no rename may change the names meanwhile
    int n = proc_current()->fs_cwd->dead
                ? -ENOENT
                : fs_getcwd(buf, size < PATH_MAX ? size : PATH_MAX);
    mutex_unlock(&vfs_lock);
    if (n > 0 && copy_to_user(UPTR(a[0]), buf, (size_t)n) < 0)
        n = -EFAULT;
    kfree(buf);
    return n;
}

/**
 * @brief chdir(path).
 * @param a the six argument registers
 * @return 0; -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES, -EFAULT
 */
long
sys_chdir(const long a[6])
{
    char *path;
    int err = path_from_user(UPTR(a[0]), &path);
    if (err < 0)
        return err;
    struct dentry *d;
    err = path_lookup_at(AT_FDCWD, path, 0, &d);
    kfree(path);
    if (err < 0)
        return err;
    err = fs_chdir(d);
    dentry_put(d);
    return err;
}

/**
 * @brief fchdir(fd): the directory open on fd becomes the cwd.
 * @param a the six argument registers
 * @return 0; -EBADF; -ENOTDIR; -EACCES
 */
long
sys_fchdir(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    int err = f->dentry != NULL ? fs_chdir(f->dentry) : -ENOTDIR;
    file_put(f);
    return err;
}
