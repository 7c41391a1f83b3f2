/**
 * @file
 * @ingroup syscalls
 * @brief sendfile: copy between two descriptors (fs/sendfile.c).
 */
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/**
 * @brief sendfile(out_fd, in_fd, offset, count).
 *
 * With an offset pointer, the offset is read first and written back
 * after (even when nothing was sent), as Linux does.
 * @param a the six argument registers
 * @return bytes sent; -EFAULT (a bad offset pointer); as fs_sendfile()
 */
long
sys_sendfile(const long a[6])
{
    if (a[2] == 0)
        return fs_sendfile((int)a[0], (int)a[1], NULL, (size_t)a[3]);
    int64_t off;
    if (copy_from_user(&off, UPTR(a[2]), sizeof(off)) < 0)
        return -EFAULT;
    long r = fs_sendfile((int)a[0], (int)a[1], &off, (size_t)a[3]);
    if (copy_to_user(UPTR(a[2]), &off, sizeof(off)) < 0)
        return -EFAULT;
    return r;
}
