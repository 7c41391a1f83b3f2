/**
 * @file
 * @ingroup syscalls
 * @brief dup, dup2, dup3, fcntl, ioctl: operations on descriptors.
 *
 * A duplicate is a second descriptor for the same open file: one more
 * reference, the same offset and status flags, its own close-on-exec bit
 * (clear unless asked for).
 */
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/**
 * @brief dup(fd): the lowest free descriptor for the same file.
 * @param a the six argument registers
 * @return the new descriptor; -EBADF; -EMFILE
 */
long
sys_dup(const long a[6])
{
    struct file *f = fd_get((int)a[0]);
    if (f == NULL)
        return -EBADF;
    int fd = fd_install(f, 0, false);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* dup2 and dup3: @p newfd becomes a copy of @p oldfd. */
static long
dup_to(long oldfd, long newfd, bool cloexec)
{
    struct file *f = fd_get((int)oldfd);
    if (f == NULL)
        return -EBADF;
    if (newfd < 0 || newfd >= FD_MAX || newfd != (int)newfd) {
        file_put(f);
        return -EBADF;
    }
    return fd_install_at(f, (int)newfd, cloexec);
}

/**
 * @brief dup2(oldfd, newfd): closes newfd first; same fd: a no-op.
 * @param a the six argument registers
 * @return newfd; -EBADF
 */
long
sys_dup2(const long a[6])
{
    if (a[0] == a[1]) {
        struct file *f = fd_get((int)a[0]);
        if (f == NULL)
            return -EBADF;
        file_put(f);
        return a[1];
    }
    return dup_to(a[0], a[1], false);
}

/**
 * @brief dup3(oldfd, newfd, flags): dup2 with O_CLOEXEC.
 * @param a the six argument registers
 * @return newfd; -EBADF; -EINVAL (same fd, or flags other than O_CLOEXEC)
 */
long
sys_dup3(const long a[6])
{
    if (a[2] & ~O_CLOEXEC || a[0] == a[1])
        return -EINVAL;
    return dup_to(a[0], a[1], (a[2] & O_CLOEXEC) != 0);
}

/* F_DUPFD and F_DUPFD_CLOEXEC: the lowest free fd >= min. */
static long
dup_min(int fd, long min, bool cloexec)
{
    if (min < 0 || min >= FD_MAX)
        return -EINVAL;
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    int nfd = fd_install(f, (int)min, cloexec);
    if (nfd < 0)
        file_put(f);
    return nfd;
}

/* F_GETPIPE_SZ and F_SETPIPE_SZ on @p fd: the pipe answers (fs/pipe.c). */
static long
pipe_size_fcntl(int fd, int cmd, unsigned long arg)
{
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    long r = pipe_fcntl_size(f, cmd == F_SETPIPE_SZ, arg);
    file_put(f);
    return r;
}

/**
 * @brief fcntl(fd, cmd, arg): F_DUPFD(_CLOEXEC), F_GETFD/F_SETFD,
 *        F_GETFL/F_SETFL (O_APPEND and O_NONBLOCK may change);
 *        F_GETPIPE_SZ/F_SETPIPE_SZ (a pipe's fixed 64 KiB).
 * @param a the six argument registers
 * @return depends on cmd; -EBADF; -EINVAL (other commands, a pipe size
 *         other than 64 KiB, F_SETFL O_DIRECT from chapter 5 on)
 */
long
sys_fcntl(const long a[6])
{
    int fd = (int)a[0];
    long arg = a[2];
    switch (a[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return dup_min(fd, arg, a[1] == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fd_get_cloexec(fd);
    case F_SETFD:
        return fd_set_cloexec(fd, (arg & FD_CLOEXEC) != 0);
    case F_GETFL:
    case F_SETFL:
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        return pipe_size_fcntl(fd, (int)a[1], (unsigned int)arg);
    default:
        return -EINVAL;
    }
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    long r = 0;
    if (a[1] == F_GETFL)
        r = f->flags;
#if CHAPTER >= 5
    else if ((arg & O_DIRECT) &&
             (f->inode == NULL || !S_ISTYPE(f->inode->mode, S_IFIFO)))
        r = -EINVAL; // no Keel file can skip a cache (a pipe ignores it)
#endif
    else
        f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) |
                   ((unsigned)arg & (O_APPEND | O_NONBLOCK));
    file_put(f);
    return r;
}

/**
 * @brief ioctl(fd, cmd, arg): FIONBIO, FIOCLEX, FIONCLEX for every file;
 *        other commands go to the file (the console: tty_ioctl).
 * @param a the six argument registers
 * @return 0 or the command's value; -EBADF; -ENOTTY (not a device that
 *         knows cmd); -EFAULT
 */
long
sys_ioctl(const long a[6])
{
    int fd = (int)a[0];
    unsigned long cmd = (unsigned int)a[1];
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    long r = -ENOTTY;
    int on;
    if (cmd == FIOCLEX || cmd == FIONCLEX)
        r = fd_set_cloexec(fd, cmd == FIOCLEX);
    else if (cmd == FIONBIO) {
        r = copy_from_user(&on, UPTR(a[2]), sizeof(on)) < 0 ? -EFAULT : 0;
        if (r == 0)
            f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
    } else if (f->ops->ioctl != NULL)
        r = f->ops->ioctl(f, cmd, UPTR(a[2]));
    file_put(f);
    return r;
}
