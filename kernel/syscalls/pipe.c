/**
 * @file
 * @ingroup syscalls
 * @brief pipe, pipe2: a pipe's two ends on the two lowest free fds.
 */
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/**
 * @brief pipe2(fds, flags): fds[0] reads, fds[1] writes.
 * @param a the six argument registers
 * @return 0; -EINVAL (flags other than O_CLOEXEC, O_NONBLOCK); -EMFILE;
 *         -ENOMEM; -EFAULT (nothing is left open then)
 */
long
sys_pipe2(const long a[6])
{
    long flags = a[1];
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    struct file *rd, *wr;
    int err = pipe_create(&rd, &wr, (unsigned)flags & O_NONBLOCK);
    if (err < 0)
        return err;
    bool cloexec = (flags & O_CLOEXEC) != 0;
    int fds[2] = {fd_install(rd, 0, cloexec), -1};
    if (fds[0] < 0) {
        file_put(rd);
        file_put(wr);
        return fds[0];
    }
    fds[1] = fd_install(wr, 0, cloexec);
    if (fds[1] < 0) {
        file_put(wr);
        fd_close(fds[0]);
        return fds[1];
    }
    if (copy_to_user(UPTR(a[0]), fds, sizeof(fds)) < 0) {
        fd_close(fds[0]);
        fd_close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

/**
 * @brief pipe(fds): pipe2 without flags.
 * @param a the six argument registers
 * @return as pipe2()
 */
long
sys_pipe(const long a[6])
{
    const long b[6] = {a[0], 0, 0, 0, 0, 0};
    return sys_pipe2(b);
}
