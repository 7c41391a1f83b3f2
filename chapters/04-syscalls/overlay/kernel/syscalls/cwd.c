/**
 * @file
 * @ingroup syscalls
 * @brief getcwd, chdir, fchdir: the working directory.
 */
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/**
 * @brief getcwd(buf, size): the absolute path of the cwd.
 * @param a the six argument registers
 * @return its length with the NUL; -ERANGE (does not fit); -EFAULT
 */
long
sys_getcwd(const long a[6])
{
    size_t size = (size_t)a[1];
    char *buf = kmalloc(PATH_MAX);
    if (buf == NULL)
        return -ENOMEM;
    int n = fs_getcwd(buf, size < PATH_MAX ? size : PATH_MAX);
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
    struct fnode *n;
    err = path_lookup_at(AT_FDCWD, path, 0, &n);
    kfree(path);
    return err < 0 ? err : fs_chdir(n);
}

/**
 * @brief fchdir(fd): the directory open on fd becomes the cwd.
 * @param a the six argument registers
 * @return 0; -EBADF; -ENOTDIR
 */
long
sys_fchdir(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    int err = fs_chdir(f->node);
    file_put(f);
    return err;
}
