/**
 * @file
 * @ingroup syscalls
 * @brief The socket calls: socket, bind, listen, accept, connect, the
 *        send and receive family, shutdown, the names and the options.
 *
 * Each call copies its user arguments in (addresses, iovec arrays,
 * option values), asks net/ (net/socket.c), and copies the answers out,
 * in the order Linux does it, so that a program passing several bad
 * arguments at once gets the error Linux would give: most calls look
 * the descriptor up first (-EBADF, -ENOTSOCK) and read what it points
 * at after. Addresses longer than struct sockaddr_storage are -EINVAL;
 * an address read back is truncated to the caller's length, and the
 * length written back is the address's full one, as on Linux.
 */
#include "uapi/socket.h"
#include "fs/file.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "net/net.h"
#include "uapi/errno.h"

/* Copy a user address of @p len bytes in (Linux's move_addr_to_kernel). */
static long
addr_in(struct sockaddr_storage *k, long u, long len)
{
    if (len < 0 || (unsigned long)len > sizeof *k)
        return -EINVAL;
    if (len == 0)
        return 0;
    return copy_from_user(k, UPTR(u), (size_t)len);
}

/* Copy an address of @p full bytes out through the user's length
 * (Linux's move_addr_to_user): -EFAULT or -EINVAL for a bad length. */
static long
addr_out(const void *k, unsigned full, long u, long ulenp)
{
    if (ulenp == 0)
        return 0;
    int len;
    if (copy_from_user(&len, UPTR(ulenp), sizeof len) < 0)
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    size_t n = (size_t)len < full ? (size_t)len : full;
    if (n > 0 && copy_to_user(UPTR(u), k, n) < 0)
        return -EFAULT;
    return copy_to_user(UPTR(ulenp), &full, sizeof full);
}

/* The length behind @p ulenp, for checks before the call (-EFAULT,
 * -EINVAL), or 0 when no address is wanted. */
static long
addr_len_check(long u, long ulenp)
{
    if (u == 0 || ulenp == 0)
        return 0;
    int len;
    if (copy_from_user(&len, UPTR(ulenp), sizeof len) < 0)
        return -EFAULT;
    return len < 0 ? -EINVAL : 0;
}

/**
 * @brief socket(family, type, protocol).
 * @param a the argument registers
 * @return a descriptor; see sock_socket()
 */
long
sys_socket(const long a[6])
{
    return sock_socket((int)a[0], (int)a[1], (int)a[2]);
}

/**
 * @brief bind(fd, addr, addrlen).
 * @param a the argument registers
 * @return 0; -EBADF, -ENOTSOCK, -EFAULT, -EINVAL, see sock_bind()
 */
long
sys_bind(const long a[6])
{
    long err = sock_fd_check((int)a[0]);
    struct sockaddr_storage k = {0};
    if (err == 0)
        err = addr_in(&k, a[1], (int)a[2]);
    return err < 0 ? err : sock_bind((int)a[0], &k, (unsigned)(int)a[2]);
}

/**
 * @brief connect(fd, addr, addrlen).
 * @param a the argument registers
 * @return 0; see sock_connect()
 */
long
sys_connect(const long a[6])
{
    long err = sock_fd_check((int)a[0]);
    struct sockaddr_storage k = {0};
    if (err == -EBADF)
        return err;
    long cerr = addr_in(&k, a[1], (int)a[2]); // Linux reads it before
    if (cerr < 0)                             // it asks for a socket
        return cerr;
    if (err < 0)
        return err;
    return sock_connect((int)a[0], &k, (unsigned)(int)a[2]);
}

/**
 * @brief listen(fd, backlog).
 * @param a the argument registers
 * @return 0; see sock_listen()
 */
long
sys_listen(const long a[6])
{
    return sock_listen((int)a[0], (int)a[1]);
}

/* accept and accept4: the peer's address is written only on success. */
static long
do_accept(const long a[6], int flags)
{
    long err = sock_fd_check((int)a[0]);
    if (err == 0)
        err = addr_len_check(a[1], a[2]);
    if (err < 0)
        return err;
    struct sockaddr_storage peer;
    unsigned plen = 0;
    long fd = sock_accept((int)a[0], &peer, &plen, flags);
    if (fd >= 0 && a[1] != 0 && addr_out(&peer, plen, a[1], a[2]) < 0)
        return -EFAULT; // the connection is gone with the descriptor: as
                        // Linux, which also has installed it by then
    return fd;
}

/**
 * @brief accept(fd, addr, addrlen).
 * @param a the argument registers
 * @return the new descriptor; see sock_accept()
 */
long
sys_accept(const long a[6])
{
    return do_accept(a, 0);
}

/**
 * @brief accept4(fd, addr, addrlen, flags).
 * @param a the argument registers
 * @return the new descriptor; see sock_accept()
 */
long
sys_accept4(const long a[6])
{
    return do_accept(a, (int)a[3]);
}

/**
 * @brief sendto(fd, buf, len, flags, addr, addrlen); send is sendto with
 *        no address.
 * @param a the argument registers
 * @return bytes sent; see sock_sendmsg()
 */
long
sys_sendto(const long a[6])
{
    struct iovec v = {(uint64_t)a[1], (uint64_t)a[2]};
    if (a[2] < 0 || (uint64_t)a[2] > 0x7ffff000)
        v.iov_len = 0x7ffff000; // Linux clamps to MAX_RW_COUNT
    long err = sock_fd_check((int)a[0]);
    struct sockaddr_storage k = {0};
    if (err == 0 && a[4] != 0)
        err = addr_in(&k, a[4], (int)a[5]);
    if (err < 0)
        return err;
    return sock_sendmsg((int)a[0], &v, 1, a[4] != 0 ? &k : NULL,
                        (unsigned)(int)a[5], (int)a[3], NULL, 0);
}

/**
 * @brief recvfrom(fd, buf, len, flags, addr, addrlen); recv is recvfrom
 *        with no address.
 * @param a the argument registers
 * @return bytes received; see sock_recvmsg()
 */
long
sys_recvfrom(const long a[6])
{
    struct iovec v = {(uint64_t)a[1], (uint64_t)a[2]};
    if (a[2] < 0 || (uint64_t)a[2] > 0x7ffff000)
        v.iov_len = 0x7ffff000;
    long err = sock_fd_check((int)a[0]);
    if (err < 0)
        return err;
    struct sockaddr_storage from;
    unsigned fromlen = 0;
    size_t ctllen = 0;
    int flags = (int)a[3];
    long n = sock_recvmsg((int)a[0], &v, 1, a[4] != 0 ? &from : NULL, &fromlen,
                          &flags, NULL, &ctllen);
    if (n >= 0 && a[4] != 0 && addr_out(&from, fromlen, a[4], a[5]) < 0)
        return -EFAULT;
    return n;
}

/* A message header and its iovec array, copied in. */
struct msg_in {
    struct msghdr h;
    struct iovec *iov;
};

/* Copy @p u's header and iovecs in: 0, -EFAULT, -EMSGSIZE, -EINVAL. */
static long
msg_copy_in(struct msg_in *m, long u)
{
    if (copy_from_user(&m->h, UPTR(u), sizeof m->h) < 0)
        return -EFAULT;
    if (m->h.msg_iovlen > UIO_MAXIOV)
        return -EMSGSIZE;
    size_t bytes = m->h.msg_iovlen * sizeof(struct iovec);
    m->iov = kmalloc(bytes ? bytes : 1);
    if (m->iov == NULL)
        return -ENOMEM;
    if (bytes && copy_from_user(m->iov, UPTR(m->h.msg_iov), bytes) < 0)
        return -EFAULT;
    uint64_t total = 0;
    for (size_t i = 0; i < m->h.msg_iovlen; i++) {
        if (m->iov[i].iov_len > 0x7ffff000 - total) // Linux's MAX_RW_COUNT
            m->iov[i].iov_len = 0x7ffff000 - total;
        total += m->iov[i].iov_len;
    }
    return 0;
}

/** The most control bytes sendmsg copies in (Linux's optmem_max). */
#define CTL_MAX 20480

/* Copy the control buffer of @p h in: 0 (none: *ctl NULL), -ENOBUFS
 * (longer than CTL_MAX), -EFAULT, -ENOMEM. */
static long
ctl_copy_in(void **ctl, struct msghdr *h)
{
    if (h->msg_controllen == 0)
        return 0;
    if (h->msg_controllen > CTL_MAX)
        return -ENOBUFS;
    *ctl = kmalloc(h->msg_controllen);
    if (*ctl == NULL)
        return -ENOMEM;
    return copy_from_user(*ctl, UPTR(h->msg_control), h->msg_controllen);
}

/**
 * @brief sendmsg(fd, msg, flags): send from several buffers, and the
 *        control messages (passed files, credentials).
 * @param a the argument registers
 * @return bytes sent; -EFAULT, -EMSGSIZE; see sock_sendmsg()
 */
long
sys_sendmsg(const long a[6])
{
    if ((unsigned)a[2] & MSG_CMSG_COMPAT)
        return -EINVAL; // a 32-bit caller's flag: Linux refuses it first
    long err = sock_fd_check((int)a[0]);
    if (err < 0)
        return err;
    struct msg_in m = {0};
    struct sockaddr_storage k = {0};
    void *ctl = NULL;
    err = msg_copy_in(&m, a[1]);
    if (err == 0 && m.h.msg_name != 0)
        err = addr_in(&k, (long)m.h.msg_name, (int)m.h.msg_namelen);
    if (err == 0)
        err = ctl_copy_in(&ctl, &m.h);
    if (err == 0)
        err = sock_sendmsg((int)a[0], m.iov, m.h.msg_iovlen,
                           m.h.msg_name != 0 ? &k : NULL, m.h.msg_namelen,
                           (int)a[2], ctl, m.h.msg_controllen);
    kfree(ctl);
    kfree(m.iov);
    return err;
}

/** Most control bytes one receive fills: room for SCM_MAX_FD
 *  descriptors and the credentials. */
#define CTL_ROOM 2048

/* Where @p field lies in the user's struct msghdr. */
#define MSGHDR_AT(field) ((long)__builtin_offsetof(struct msghdr, field))

/* Write recvmsg's answers into the user's header @p u: the sender's
 * name and its length, the control bytes and their length, msg_flags. */
static long
recvmsg_out(long u, const struct msghdr *h, const struct sockaddr_storage *from,
            unsigned fromlen, const void *ctl, size_t ctllen, int flags)
{
    size_t n = h->msg_namelen < fromlen ? h->msg_namelen : fromlen;
    uint32_t full = h->msg_name != 0 ? fromlen : 0;
    uint64_t clen = ctllen;
    int32_t out = flags;
    if ((h->msg_name != 0 && n > 0 &&
         copy_to_user(UPTR(h->msg_name), from, n) < 0) ||
        (ctllen > 0 && copy_to_user(UPTR(h->msg_control), ctl, ctllen) < 0) ||
        copy_to_user(UPTR(u + MSGHDR_AT(msg_namelen)), &full, sizeof full) <
            0 ||
        copy_to_user(UPTR(u + MSGHDR_AT(msg_controllen)), &clen, sizeof clen) <
            0 ||
        copy_to_user(UPTR(u + MSGHDR_AT(msg_flags)), &out, sizeof out) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief recvmsg(fd, msg, flags): receive into several buffers; the
 *        sender's address, its length and msg_flags are written back.
 * @param a the argument registers
 * @return bytes received; -EFAULT, -EMSGSIZE; see sock_recvmsg()
 */
long
sys_recvmsg(const long a[6])
{
    if ((unsigned)a[2] & MSG_CMSG_COMPAT)
        return -EINVAL; // a 32-bit caller's flag: Linux refuses it first
    long err = sock_fd_check((int)a[0]);
    if (err < 0)
        return err;
    struct msg_in m = {0};
    err = msg_copy_in(&m, a[1]);
    size_t room = 0;
    void *ctl = NULL;
    if (err == 0) {
        room = m.h.msg_controllen < CTL_ROOM ? m.h.msg_controllen : CTL_ROOM;
        ctl = kmalloc(room ? room : 1);
        err = ctl == NULL ? -ENOMEM : 0;
    }
    if (err == 0) {
        struct sockaddr_storage from;
        unsigned fromlen = 0;
        int flags = (int)a[2];
        err = sock_recvmsg((int)a[0], m.iov, m.h.msg_iovlen,
                           m.h.msg_name != 0 ? &from : NULL, &fromlen, &flags,
                           ctl, &room);
        if (err >= 0 &&
            recvmsg_out(a[1], &m.h, &from, fromlen, ctl, room, flags) < 0)
            err = -EFAULT;
    }
    kfree(ctl);
    kfree(m.iov);
    return err;
}

/**
 * @brief shutdown(fd, how).
 * @param a the argument registers
 * @return 0; see sock_shutdown()
 */
long
sys_shutdown(const long a[6])
{
    return sock_shutdown((int)a[0], (int)a[1]);
}

/* getsockname and getpeername. */
static long
do_getname(const long a[6], bool peer)
{
    long err = sock_fd_check((int)a[0]);
    if (err < 0)
        return err;
    struct sockaddr_storage k;
    unsigned klen = 0;
    err = sock_getname((int)a[0], &k, &klen, peer);
    if (err < 0)
        return err;
    int len;
    if (copy_from_user(&len, UPTR(a[2]), sizeof len) < 0)
        return -EFAULT;
    return addr_out(&k, klen, a[1], a[2]);
}

/**
 * @brief getsockname(fd, addr, addrlen).
 * @param a the argument registers
 * @return 0; -EBADF, -ENOTSOCK, -EFAULT, -EINVAL
 */
long
sys_getsockname(const long a[6])
{
    return do_getname(a, false);
}

/**
 * @brief getpeername(fd, addr, addrlen).
 * @param a the argument registers
 * @return 0; -EBADF, -ENOTSOCK, -ENOTCONN, -EFAULT, -EINVAL
 */
long
sys_getpeername(const long a[6])
{
    return do_getname(a, true);
}

/**
 * @brief setsockopt(fd, level, name, value, len).
 * @param a the argument registers
 * @return 0; -EFAULT, -EINVAL; see sock_setsockopt()
 */
long
sys_setsockopt(const long a[6])
{
    int len = (int)a[4];
    if (len < 0)
        return -EINVAL; // before the descriptor, as Linux
    long err = sock_fd_check((int)a[0]);
    if (err < 0)
        return err;
    uint8_t val[32] = {0};
    size_t n = (size_t)len < sizeof val ? (size_t)len : sizeof val;
    if (n > 0 && copy_from_user(val, UPTR(a[3]), n) < 0)
        return -EFAULT;
    return sock_setsockopt((int)a[0], (int)a[1], (int)a[2], val, (unsigned)len);
}

/**
 * @brief getsockopt(fd, level, name, value, lenp): the value, truncated
 *        to *lenp, and its length written back.
 * @param a the argument registers
 * @return 0; -EFAULT, -EINVAL; see sock_getsockopt()
 */
long
sys_getsockopt(const long a[6])
{
    long err = sock_fd_check((int)a[0]);
    if (err < 0)
        return err;
    int len;
    if (copy_from_user(&len, UPTR(a[4]), sizeof len) < 0)
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    uint8_t val[32] = {0};
    long full = sock_getsockopt((int)a[0], (int)a[1], (int)a[2], val);
    if (full < 0)
        return full;
    int n = len < full ? len : (int)full;
    if ((n > 0 && copy_to_user(UPTR(a[3]), val, (size_t)n) < 0) ||
        copy_to_user(UPTR(a[4]), &n, sizeof n) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief socketpair(family, type, protocol, fds): two connected sockets.
 * @param a the argument registers
 * @return 0 with the descriptors written; -EFAULT (neither is left
 *         open); see sock_socketpair()
 */
long
sys_socketpair(const long a[6])
{
    int fds[2];
    long err = sock_socketpair((int)a[0], (int)a[1], (int)a[2], fds);
    if (err < 0)
        return err;
    if (copy_to_user(UPTR(a[3]), fds, sizeof fds) < 0) {
        fd_close(fds[0]);
        fd_close(fds[1]);
        return -EFAULT;
    }
    return 0;
}
