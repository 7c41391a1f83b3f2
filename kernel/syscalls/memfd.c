/**
 * @file
 * @ingroup syscalls
 * @brief memfd_create: a file in memory, as a descriptor.
 */
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/**
 * @brief memfd_create(name, flags): see vfs_memfd_create().
 * @param a the six argument registers
 * @return the new descriptor; -EFAULT (a bad name); -EINVAL (flags, a
 *         name too long); -EMFILE; -ENOSPC; -ENOMEM
 */
long
sys_memfd_create(const long a[6])
{
    char name[256];
    long n = strncpy_from_user(name, UPTR(a[0]), sizeof(name));
    if (n == -ENAMETOOLONG)
        return -EINVAL; // longer than any name memfd takes
    if (n < 0)
        return n;
    struct file *f;
    int err = vfs_memfd_create(name, (unsigned)a[1], &f);
    if (err < 0)
        return err;
    int fd = fd_install(f, 0, (a[1] & 1) != 0); // MFD_CLOEXEC
    if (fd < 0)
        file_put(f);
    return fd;
}
