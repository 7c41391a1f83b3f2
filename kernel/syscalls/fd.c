/**
 * @file
 * @ingroup syscalls
 * @brief dup, dup2, dup3, fcntl, ioctl: operations on descriptors.
 *
 * A duplicate is a second descriptor for the same open file: one more
 * reference, the same offset and status flags, its own close-on-exec bit
 * (clear unless asked for).
 *
 * The open file's status flags and its owner (who O_ASYNC signals) are
 * changed here too; fs/fasync.c keeps the owner and sends the signals.
 */
#include "fs/fasync.h"
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"
#include "uapi/fasync.h"
#include "uapi/termios.h"

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

/* F_SETFL: O_APPEND, O_NONBLOCK and O_ASYNC may change; the last
 * arms or disarms the file's signals (fs/fasync.c). O_DIRECT is
 * -EINVAL except on a pipe (Linux's packet mode, taken and ignored):
 * no Keel file can skip a cache, as Linux's tmpfs cannot. */
static long
set_status_flags(struct file *f, unsigned arg)
{
    if ((arg & O_DIRECT) &&
        (f->inode == NULL || !S_ISTYPE(f->inode->mode, S_IFIFO)))
        return -EINVAL;
    if ((arg ^ f->flags) & O_ASYNC) {
        long r = fasync_set(f, (arg & O_ASYNC) != 0);
        if (r < 0)
            return r;
    }
    f->flags =
        (f->flags & ~(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK));
    return 0;
}

/* The commands on the open file itself: F_GETFL, F_SETFL, and the
 * owner's and signal's (fs/fasync.c). */
static long
file_fcntl(int fd, int cmd, long arg)
{
    struct file *f = fd_get(fd);
    if (f == NULL)
        return -EBADF;
    long r;
    if (cmd == F_GETFL)
        r = f->flags;
    else if (cmd == F_SETFL)
        r = set_status_flags(f, (unsigned)arg);
    else
        r = fasync_fcntl(f, cmd, arg);
    file_put(f);
    return r;
}

/**
 * @brief fcntl(fd, cmd, arg): F_DUPFD(_CLOEXEC), F_GETFD/F_SETFD,
 *        F_GETFL/F_SETFL (O_APPEND, O_NONBLOCK and O_ASYNC may change);
 *        F_SETOWN/F_GETOWN(_EX), F_SETSIG/F_GETSIG (fs/fasync.c);
 *        F_GETPIPE_SZ/F_SETPIPE_SZ (a pipe's fixed 64 KiB).
 * @param a the six argument registers
 * @return depends on cmd; -EBADF; -EINVAL (other commands, a pipe size
 *         other than 64 KiB, a bad owner or signal, F_SETFL O_DIRECT
 *         on anything but a pipe); -ESRCH (F_SETOWN
 *         of nobody); -EFAULT (the _EX forms)
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
    case F_SETOWN:
    case F_GETOWN:
    case F_SETSIG:
    case F_GETSIG:
    case F_SETOWN_EX:
    case F_GETOWN_EX:
        return file_fcntl(fd, (int)a[1], arg);
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        return pipe_size_fcntl(fd, (int)a[1], (unsigned int)arg);
    default:
        return -EINVAL;
    }
}

/* FIOASYNC: O_ASYNC on or off, on a file that can signal; -ENOTTY on
 * others (Linux: a file without a fasync operation). */
static long
ioctl_fioasync(struct file *f, uptr_t arg)
{
    int on;
    if (copy_from_user(&on, arg, sizeof(on)) < 0)
        return -EFAULT;
    if ((on != 0) == ((f->flags & O_ASYNC) != 0))
        return 0; // no change: Linux does not ask the file
    if (!fasync_capable(f))
        return -ENOTTY;
    return fasync_set(f, on != 0);
}

/**
 * @brief ioctl(fd, cmd, arg): FIONBIO, FIOCLEX, FIONCLEX for every file,
 *        FIOASYNC for those that can signal, FIONREAD for a regular file;
 *        other commands go to the file (the console: tty_ioctl; a pipe).
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
    } else if (cmd == FIOASYNC)
        r = ioctl_fioasync(f, UPTR(a[2]));
    else if (cmd == FIONREAD && f->inode != NULL &&
             S_ISTYPE(f->inode->mode, S_IFREG)) {
        // a regular file: the bytes from the offset to the end (Linux's
        // do_vfs_ioctl; other files answer for themselves)
        int left = (int)(f->inode->size - f->pos);
        r = copy_to_user(UPTR(a[2]), &left, sizeof(left)) < 0 ? -EFAULT : 0;
    } else if (f->ops->ioctl != NULL)
        r = f->ops->ioctl(f, cmd, UPTR(a[2]));
    file_put(f);
    return r;
}
