/**
 * @file
 * @ingroup syscalls
 * @brief The socket calls on a descriptor, before there are sockets:
 *        shutdown, getsockname, getpeername, setsockopt, getsockopt.
 *
 * Programs try socket calls on descriptors that may or may not be
 * sockets, and go on when they fail: BusyBox telnetd in inetd mode asks
 * for SO_KEEPALIVE on its stdin and the peer's address of its stdout,
 * which are pipes or a pty when it is not started by inetd. Linux looks
 * the descriptor up first and answers -EBADF for a closed one and
 * -ENOTSOCK for any other file, before it reads a single argument; with
 * no socket in this kernel yet, that is the whole answer, and a program
 * sees what it would see on Linux instead of -ENOSYS.
 */
#include "fs/file.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

/* -EBADF for a closed @p fd, else -ENOTSOCK: no file is a socket. */
static long
not_a_socket(long fd)
{
    struct file *f = fd_get((int)fd);
    if (f == NULL)
        return -EBADF;
    file_put(f);
    return -ENOTSOCK;
}

/**
 * @brief shutdown(fd, how): only a socket has a connection to shut.
 * @param a the argument registers
 * @return -EBADF or -ENOTSOCK
 */
long
sys_shutdown(const long a[6])
{
    return not_a_socket(a[0]);
}

/**
 * @brief getsockname(fd, addr, addrlen): the socket's own address.
 * @param a the argument registers
 * @return -EBADF or -ENOTSOCK
 */
long
sys_getsockname(const long a[6])
{
    return not_a_socket(a[0]);
}

/**
 * @brief setsockopt(fd, level, name, value, len): set a socket's option
 *        (SO_KEEPALIVE, ...).
 * @param a the argument registers
 * @return -EINVAL (a negative len), -EBADF or -ENOTSOCK
 */
long
sys_setsockopt(const long a[6])
{
    if ((int)a[4] < 0)
        return -EINVAL; // a negative length, before the descriptor
    return not_a_socket(a[0]);
}

/**
 * @brief getpeername(fd, addr, addrlen): the peer's address.
 * @param a the argument registers
 * @return -EBADF or -ENOTSOCK
 */
long
sys_getpeername(const long a[6])
{
    return not_a_socket(a[0]);
}

/**
 * @brief getsockopt(fd, level, name, value, lenp): a socket's option.
 * @param a the argument registers
 * @return -EBADF or -ENOTSOCK
 */
long
sys_getsockopt(const long a[6])
{
    return not_a_socket(a[0]);
}
