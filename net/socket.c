/**
 * @file
 * @ingroup net
 * @brief Sockets as files: the protocol-independent half of the socket
 *        calls, what read, write, poll and close do to a socket, and the
 *        socket-level options.
 *
 * A socket is a file whose priv is a struct socket (net/sock.h). This
 * file makes them (socket(), accept()), finds them again from a
 * descriptor, and hands each call to the socket's protocol (tcp.c,
 * udp.c), which talks to lwIP. Everything here runs with net_lock held
 * from the moment a socket is found until the call returns, except
 * while it sleeps (sock_wait()), so a protocol never sees two callers at
 * once.
 *
 * Errors are Linux's, in Linux's order: a descriptor that is not open
 * is -EBADF, one that is not a socket -ENOTSOCK, a family other than
 * AF_INET or AF_UNIX -EAFNOSUPPORT, and so on; the protocols add their
 * own. A local socket (AF_UNIX) is a file of another kind, with no
 * lwIP in it: each call hands it to unix.c once the descriptor is found.
 */
#include "uapi/socket.h"
#include "fs/poll.h"
#include "kernel/clock.h"
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "net/net.h"
#include "sock.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"
#include "uapi/termios.h"
#include "unix.h"

#include "lwip/err.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

static const struct file_ops sock_fops;
static uint64_t sock_ino = 2ULL << 32; // apart from pipes' numbers
/** Sockets alive (/proc/net/sockstat's "sockets: used"). */
int sock_count;

/** Linux's default buffer sizes (net.core.rmem_default, wmem_default). */
#define SOCK_RCVBUF_DEFAULT 212992
#define SOCK_SNDBUF_DEFAULT 212992
/** Linux's smallest (SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF) and largest. */
#define SOCK_RCVBUF_MIN 2304
#define SOCK_SNDBUF_MIN 4608
#define SOCK_BUF_MAX 212992

/**
 * @brief A new socket, not yet a file.
 * @param type     SOCK_STREAM, SOCK_DGRAM or SOCK_RAW
 * @param protocol IPPROTO_*
 * @param proto    its protocol's operations
 * @return the socket, or NULL when memory ran out
 */
struct socket *
sock_alloc(int type, int protocol, const struct sock_proto *proto)
{
    struct socket *s = kzalloc(sizeof *s);
    if (s == NULL)
        return NULL;
    __atomic_add_fetch(&sock_count, 1, __ATOMIC_SEQ_CST);
    s->node.mode = S_IFSOCK | 0777;
    s->node.nlink = 1;
    s->node.ino = __atomic_add_fetch(&sock_ino, 1, __ATOMIC_SEQ_CST);
    s->type = type;
    s->protocol = protocol;
    s->proto = proto;
    s->rcvbuf = SOCK_RCVBUF_DEFAULT;
    s->sndbuf = SOCK_SNDBUF_DEFAULT;
    wait_queue_init(&s->wq, "socket");
    list_init(&s->dgrams);
    list_init(&s->accept_q);
    list_init(&s->accept_link);
    return s;
}

/** @brief Free @p s, whose protocol has let go of its pcb.
 *  @param s the socket */
void
sock_free(struct socket *s)
{
    __atomic_sub_fetch(&sock_count, 1, __ATOMIC_SEQ_CST);
    kfree(s);
}

/* ---- sleeping ----------------------------------------------------------- */

/** A timeout's timer, waking the socket's queue when it fires. */
struct sock_timeout {
    struct ktimer timer;
    struct wait_queue *wq;
};

static void
sock_timeout_fire(struct ktimer *t)
{
    struct sock_timeout *st = (struct sock_timeout *)t;
    wait_queue_wake_all(st->wq);
}

/**
 * @brief Sleep once on @p s's queue, for an event its caller checks.
 *
 * The caller found it must wait: it returns -EAGAIN at once for a
 * non-blocking call. Otherwise it sleeps until a wake-up (lwIP's
 * callbacks), a signal, or the end of the socket's timeout.
 * @param s       the socket
 * @param timeo_ns SO_RCVTIMEO or SO_SNDTIMEO (0: none); the deadline
 *                 counts from the first call of one system call only
 *                 approximately: each sleep may wait the whole timeout
 * @return 0 (check again); -EAGAIN (non-blocking, or the time is up);
 *         -ERESTARTSYS or, with a timeout set, -EINTR (a signal)
 * @pre net_lock held; it is dropped while asleep
 */
int
sock_wait(struct socket *s, uint64_t timeo_ns)
{
    if (s->nonblock)
        return -EAGAIN;
    if (signal_pending())
        return timeo_ns != 0 ? -EINTR : -ERESTARTSYS;
    struct sock_timeout st = {.wq = &s->wq};
    uint64_t deadline = 0;
    if (timeo_ns != 0) {
        deadline = clock_monotonic_ns() + timeo_ns;
        ktimer_init(&st.timer, sock_timeout_fire);
        ktimer_arm(&st.timer, deadline);
    }
    bool nonblock = s->nonblock; // another call may set it meanwhile
    net_sleep(&s->wq);
    s->nonblock = nonblock;
    if (timeo_ns != 0) {
        ktimer_cancel(&st.timer);
        if (clock_monotonic_ns() >= deadline)
            return -EAGAIN;
    }
    if (signal_pending())
        return timeo_ns != 0 ? -EINTR : -ERESTARTSYS;
    return 0;
}

/* ---- user buffers --------------------------------------------------------- */

/* Move @p n bytes between @p k and the iterator's user buffers. */
static int
iter_copy(struct sock_iter *it, void *k, size_t n, bool to_user)
{
    uint8_t *p = k;
    while (n > 0 && it->idx < it->count) {
        const struct iovec *v = &it->iov[it->idx];
        size_t room = v->iov_len - it->off;
        if (room == 0) {
            it->idx++;
            it->off = 0;
            continue;
        }
        size_t chunk = n < room ? n : room;
        uptr_t u = UPTR(v->iov_base + it->off);
        int err =
            to_user ? copy_to_user(u, p, chunk) : copy_from_user(p, u, chunk);
        if (err < 0)
            return err;
        p += chunk;
        n -= chunk;
        it->off += chunk;
        it->left -= chunk;
    }
    return 0;
}

/**
 * @brief Copy @p n bytes from kernel memory into the iterator's buffers.
 * @param it  the user buffers, advanced
 * @param src the bytes
 * @param n   how many
 * @return 0, or -EFAULT (the bytes before the bad one are copied and
 *         counted)
 */
int
iter_to_user(struct sock_iter *it, const void *src, size_t n)
{
    return iter_copy(it, (void *)src, n, true);
}

/**
 * @brief Copy @p n bytes from the iterator's buffers into kernel memory.
 * @param it  the user buffers, advanced
 * @param dst where the bytes go
 * @param n   how many
 * @return 0, or -EFAULT
 */
int
iter_from_user(struct sock_iter *it, void *dst, size_t n)
{
    return iter_copy(it, dst, n, false);
}

/* ---- errors and addresses ----------------------------------------------- */

/**
 * @brief The Linux errno (negative) for one of lwIP's err_t values.
 * @param err an err_t
 * @return 0 for ERR_OK, else -errno
 */
int
sock_lwip_errno(int err)
{
    switch (err) {
    case ERR_OK:
        return 0;
    case ERR_MEM:
        return -ENOMEM;
    case ERR_BUF:
        return -ENOBUFS;
    case ERR_TIMEOUT:
        return -ETIMEDOUT;
    case ERR_RTE:
        return -ENETUNREACH;
    case ERR_INPROGRESS:
        return -EINPROGRESS;
    case ERR_WOULDBLOCK:
        return -EAGAIN;
    case ERR_USE:
        return -EADDRINUSE;
    case ERR_ALREADY:
        return -EALREADY;
    case ERR_ISCONN:
        return -EISCONN;
    case ERR_CONN:
    case ERR_CLSD:
        return -ENOTCONN;
    case ERR_IF:
        return -ENETDOWN;
    case ERR_ABRT:
        return -ECONNABORTED;
    case ERR_RST:
        return -ECONNRESET;
    default:
        return -EINVAL;
    }
}

/**
 * @brief Whether bind() may use @p addr: any, loopback, broadcast or the
 *        address of one of our interfaces.
 * @param addr the address, network order
 * @return 0, or -EADDRNOTAVAIL
 */
int
sock_local_addr_ok(uint32_t addr)
{
    ip4_addr_t a;
    ip4_addr_set_u32(&a, addr);
    if (ip4_addr_isany_val(a) || ip4_addr_isloopback(&a) ||
        (netif_default != NULL &&
         ip4_addr_isbroadcast_u32(addr, netif_default)) ||
        ip4_addr_ismulticast(&a))
        return 0;
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (ip4_addr_cmp(netif_ip4_addr(n), &a))
            return 0;
    }
    return -EADDRNOTAVAIL;
}

/* ---- from a descriptor to a socket ----------------------------------- */

/* The file at @p fd if it is a socket (a reference to put); else NULL
 * with -EBADF or -ENOTSOCK in *err. */
static struct file *
sock_file(int fd, long *err)
{
    struct file *f = fd_get(fd);
    if (f == NULL) {
        *err = -EBADF;
        return NULL;
    }
    if (f->ops != &sock_fops && !unix_is_file(f)) {
        file_put(f);
        *err = -ENOTSOCK;
        return NULL;
    }
    return f;
}

/**
 * @brief Whether @p fd is a socket: 0, -EBADF or -ENOTSOCK.
 *
 * The system calls ask first where Linux looks the descriptor up
 * before it reads the arguments it points at.
 * @param fd the descriptor
 * @return 0, -EBADF or -ENOTSOCK
 */
long
sock_fd_check(int fd)
{
    long err = 0;
    file_put(sock_file(fd, &err));
    return err;
}

/* Enter the stack for a call on the socket of @p f. */
static struct socket *
sock_enter(struct file *f, int msg_flags)
{
    struct socket *s = f->priv;
    net_lock();
    s->nonblock =
        (f->flags & O_NONBLOCK) != 0 || (msg_flags & MSG_DONTWAIT) != 0;
    return s;
}

/* Leave the stack and drop the file. */
static void
sock_leave(struct file *f)
{
    net_unlock();
    file_put(f);
}

/* ---- a socket as a file ---------------------------------------------- */

/* -EPIPE also raises SIGPIPE, unless the call said MSG_NOSIGNAL. */
static long
sock_epipe(long r, int flags)
{
    if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
        signal_raise(SIGPIPE);
    return r;
}

// [sock_read]
/* read(): recv() without flags. */
static long
sock_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    struct iovec v = {buf.addr, n};
    struct sock_iter it = {&v, 1, 0, 0, n};
    int flags = 0;
    struct socket *s = sock_enter(f, 0);
    long r = s->proto->recv(s, &it, NULL, &flags);
    net_unlock();
    return r;
}
// [sock_read]

/* write(): send() without flags; -EPIPE raises SIGPIPE. */
static long
sock_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    struct iovec v = {buf.addr, n};
    struct sock_iter it = {&v, 1, 0, 0, n};
    struct socket *s = sock_enter(f, 0);
    long r = s->proto->send(s, &it, NULL, 0);
    net_unlock();
    return sock_epipe(r, 0);
}

/* poll(): the protocol says which events hold; lwIP's callbacks wake
 * the queue when one may have changed. */
static unsigned
sock_poll(struct file *f, struct poll_table *pt)
{
    struct socket *s = f->priv;
    poll_wait(f, &s->wq, pt);
    net_lock();
    unsigned mask = s->proto->poll(s);
    net_unlock();
    return mask;
}

/* FIONREAD (bytes to read) and FIONBIO (O_NONBLOCK); the interface
 * ioctls (SIOC*) are answered on any socket. */
static long
sock_ioctl(struct file *f, unsigned long cmd, uptr_t arg)
{
    struct socket *s = f->priv;
    if (cmd == FIONREAD) {
        net_lock();
        int n = (int)s->proto->pending(s);
        net_unlock();
        return copy_to_user(arg, &n, sizeof n);
    }
    if (cmd == FIONBIO) {
        int on;
        if (copy_from_user(&on, arg, sizeof on) < 0)
            return -EFAULT;
        if (on)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(unsigned)O_NONBLOCK;
        return 0;
    }
    return net_if_ioctl(cmd, arg);
}

/* The last descriptor is closed: the protocol lets lwIP's pcb go. */
static void
sock_release(struct file *f)
{
    struct socket *s = f->priv;
    net_lock();
    s->proto->close(s);
    net_unlock();
    sock_free(s);
}

static const struct file_ops sock_fops = {
    .read = sock_read,
    .write = sock_write,
    .poll = sock_poll,
    .ioctl = sock_ioctl,
    .release = sock_release,
};

// [sock_install]
/* Make @p s a file and give it the lowest free descriptor. */
static long
sock_install(struct socket *s, int flags)
{
    unsigned fl = O_RDWR | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
    struct file *f = file_alloc(&s->node, &sock_fops, fl);
    if (f == NULL)
        return file_alloc_error();
    f->priv = s;
    int fd = fd_install(f, 0, (flags & SOCK_CLOEXEC) != 0);
    if (fd < 0) {
        f->priv = NULL;
        f->ops = NULL; // the caller frees the socket
        file_put(f);
    }
    return fd;
}
// [sock_install]

/* ---- the calls --------------------------------------------------------- */

/**
 * @brief socket(family, type, protocol): a new socket's descriptor.
 * @param family   AF_INET (AF_UNIX and others: -EAFNOSUPPORT)
 * @param type     SOCK_STREAM, SOCK_DGRAM or SOCK_RAW, with SOCK_NONBLOCK
 *                 and SOCK_CLOEXEC
 * @param protocol 0 or the type's own (TCP, UDP; ICMP for raw)
 * @return the descriptor; -EAFNOSUPPORT, -EINVAL (bad type or flags, an
 *         AF_INET protocol outside 0..IPPROTO_MAX-1),
 *         -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -EMFILE, -ENOMEM
 */
long
sock_socket(int family, int type, int protocol)
{
    int flags = type & ~SOCK_TYPE_MASK;
    type &= SOCK_TYPE_MASK;
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (family < 0 || family >= AF_MAX)
        return -EAFNOSUPPORT;
    if (family == AF_UNIX)
        return unix_socket(type, protocol, flags);
    if (family != AF_INET)
        return -EAFNOSUPPORT;
    if (protocol < 0 || protocol >= IPPROTO_MAX)
        return -EINVAL; // Linux's inet_create, before it looks for a match
    const struct sock_proto *proto;
    if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP)) {
        proto = &tcp_proto;
        protocol = IPPROTO_TCP;
    } else if (type == SOCK_DGRAM &&
               (protocol == 0 || protocol == IPPROTO_UDP)) {
        proto = &udp_proto;
        protocol = IPPROTO_UDP;
    } else if (type == SOCK_RAW && protocol > 0 && protocol < 255 &&
               protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) {
        proto = &raw_proto;
    } else if (type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_RAW) {
        return -EPROTONOSUPPORT;
    } else if (type == SOCK_SEQPACKET || type == 4 || type == 6 || type == 10) {
        return -ESOCKTNOSUPPORT;
    } else {
        return -EINVAL;
    }
    long fd = fd_check_free();
    if (fd < 0)
        return fd;
    struct socket *s = sock_alloc(type, protocol, proto);
    if (s == NULL)
        return -ENOMEM;
    net_lock();
    int err = proto->create(s);
    net_unlock();
    if (err == 0) {
        fd = sock_install(s, flags);
        if (fd >= 0)
            return fd;
        err = (int)fd;
        net_lock();
        proto->close(s);
        net_unlock();
    }
    sock_free(s);
    return err;
}

/**
 * @brief socketpair(family, type, protocol, fds): two connected sockets.
 * @param family   AF_UNIX; AF_INET has no pairs (-EOPNOTSUPP once the
 *                 type is found good, as Linux answers)
 * @param type     as socket(), with SOCK_NONBLOCK and SOCK_CLOEXEC
 * @param protocol 0 or the family's own
 * @param fds      receives the two descriptors
 * @return 0; -EOPNOTSUPP; as sock_socket()
 */
long
sock_socketpair(int family, int type, int protocol, int fds[2])
{
    int flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (family == AF_UNIX)
        return unix_socketpair(type & SOCK_TYPE_MASK, protocol, flags, fds);
    long fd = sock_socket(family, type, protocol); // Linux makes one first
    if (fd < 0)
        return fd;
    fd_close((int)fd);
    return -EOPNOTSUPP;
}

/* An AF_INET address from bind or connect, checked as Linux checks it.
 * bind (@p unspec_any) also takes AF_UNSPEC with the any-address, as
 * Linux's inet_bind does "for compatibility". */
static int
sock_inet_addr(const struct sockaddr_storage *a, unsigned len,
               struct sockaddr_in *out, bool unspec_any)
{
    if (len < sizeof(struct sockaddr_in))
        return -EINVAL;
    memcpy(out, a, sizeof *out);
    if (out->sin_family == AF_UNSPEC && unspec_any && out->sin_addr == 0) {
        out->sin_family = AF_INET;
        return 0;
    }
    if (out->sin_family != AF_INET)
        return -EAFNOSUPPORT;
    return 0;
}

/*
 * A peer address as Linux routes it: the any-address (0.0.0.0) as a
 * destination means this host, so a connect or send to it goes to the
 * loopback (ip_route_output_key_hash_rcu() does the same).
 */
static void
sock_peer_addr(struct sockaddr_in *in)
{
    if (in->sin_addr == 0)
        in->sin_addr = lwip_htonl(0x7f000001); // 127.0.0.1
}

/**
 * @brief bind(fd, addr, len): give the socket its local address.
 * @param fd  the socket
 * @param a   the address, copied in
 * @param len its length
 * @return 0; -EBADF, -ENOTSOCK, -EINVAL (short address, already bound),
 *         -EAFNOSUPPORT, -EADDRNOTAVAIL, -EADDRINUSE
 */
long
sock_bind(int fd, const struct sockaddr_storage *a, unsigned len)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_bind(f, a, len);
        file_put(f);
        return err;
    }
    struct sockaddr_in in;
    err = sock_inet_addr(a, len, &in, true);
    if (err == 0) {
        struct socket *s = sock_enter(f, 0);
        err = sock_local_addr_ok(in.sin_addr);
        if (err == 0)
            err = s->proto->bind(s, &in);
        net_unlock();
    }
    file_put(f);
    return err;
}

/**
 * @brief connect(fd, addr, len): reach a peer (a stream) or choose the
 *        only one (a datagram socket).
 * @param fd  the socket
 * @param a   the address, copied in
 * @param len its length
 * @return 0; -EINPROGRESS (non-blocking); -EBADF, -ENOTSOCK, -EINVAL,
 *         -EAFNOSUPPORT, -EISCONN, -EALREADY, -ECONNREFUSED,
 *         -ETIMEDOUT, -ENETUNREACH, -EINTR
 */
long
sock_connect(int fd, const struct sockaddr_storage *a, unsigned len)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_connect(f, a, len);
        file_put(f);
        return err;
    }
    struct socket *s = sock_enter(f, 0);
    struct sockaddr_in in;
    if (len >= sizeof(uint16_t) && a->ss_family == AF_UNSPEC &&
        s->type != SOCK_STREAM) {
        memset(&in, 0, sizeof in); // a datagram socket forgets its peer
        err = s->proto->connect(s, &in, s->nonblock);
    } else if (len >= sizeof(uint16_t) && a->ss_family == AF_UNSPEC &&
               s->state == SOCK_UNCONNECTED) {
        err = 0; // Linux's disconnect of a stream that has nothing to drop
    } else {
        err = sock_inet_addr(a, len, &in, false);
        sock_peer_addr(&in);
        if (err == 0)
            err = s->proto->connect(s, &in, s->nonblock);
    }
    sock_leave(f);
    return err;
}

/**
 * @brief listen(fd, backlog): accept connections from now on.
 * @param fd      the socket
 * @param backlog connections that may wait for accept()
 * @return 0; -EBADF, -ENOTSOCK, -EOPNOTSUPP (not a stream), -EINVAL
 *         (connected), -EADDRINUSE
 */
long
sock_listen(int fd, int backlog)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_listen(f, backlog);
        file_put(f);
        return err;
    }
    struct socket *s = sock_enter(f, 0);
    err = s->proto->listen ? s->proto->listen(s, backlog) : -EOPNOTSUPP;
    sock_leave(f);
    return err;
}

/**
 * @brief accept4(fd, addr, len, flags): the next connection, as a new
 *        descriptor.
 * @param fd    the listening socket
 * @param pa    receives the peer's address
 * @param plen  receives its length
 * @param flags SOCK_NONBLOCK, SOCK_CLOEXEC
 * @return the descriptor; -EBADF, -ENOTSOCK, -EOPNOTSUPP, -EINVAL (not
 *         listening, bad flags), -EAGAIN, -EINTR, -EMFILE, -ENOMEM
 */
long
sock_accept(int fd, struct sockaddr_storage *pa, unsigned *plen, int flags)
{
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_accept(f, pa, plen, flags);
        file_put(f);
        return err;
    }
    struct sockaddr_in *peer = (struct sockaddr_in *)pa;
    *plen = sizeof *peer;
    struct socket *s = sock_enter(f, 0);
    struct socket *c = NULL;
    err = s->proto->accept ? s->proto->accept(s, &c, s->nonblock) : -EOPNOTSUPP;
    if (err == 0 && peer != NULL &&
        c->proto->getname(c, peer, true) < 0) { // reset before accept
        memset(peer, 0, sizeof *peer);
        peer->sin_family = AF_INET;
    }
    net_unlock();
    if (err == 0) {
        err = sock_install(c, flags);
        if (err < 0) {
            net_lock();
            c->proto->close(c);
            net_unlock();
            sock_free(c);
        }
    }
    file_put(f);
    return err;
}

/**
 * @brief sendmsg, sendto, send, write: send from @p iov.
 * @param fd    the socket
 * @param iov   the buffers (kernel copy of the user's array)
 * @param n     their number
 * @param to    the destination, or NULL
 * @param tolen its length
 * @param flags MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE, ...
 * @param ctl   the control buffer (copied in), or NULL: what a local
 *              socket passes (files, credentials); others ignore it
 * @param ctllen its length
 * @return bytes sent; -EBADF, -ENOTSOCK, -EPIPE (with SIGPIPE unless
 *         MSG_NOSIGNAL), -EAGAIN, -EMSGSIZE, -EDESTADDRREQ, -EISCONN,
 *         -ENOTCONN, -ECONNRESET, -EFAULT, -EINTR; see unix_send()
 */
long
sock_sendmsg(int fd, const struct iovec *iov, size_t n,
             const struct sockaddr_storage *to, unsigned tolen, int flags,
             const void *ctl, size_t ctllen)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    struct sock_iter it = {iov, n, 0, 0, 0};
    for (size_t i = 0; i < n; i++)
        it.left += iov[i].iov_len;
    if (unix_is_file(f)) {
        err = unix_send(f->priv, &it, to, tolen, flags,
                        (f->flags & O_NONBLOCK) != 0, ctl, ctllen);
        file_put(f);
        return err;
    }
    // Linux's udp_sendmsg checks, in its order: the size, MSG_OOB, then
    // the address, where AF_UNSPEC counts as AF_INET and port 0 is none
    struct socket *sk = f->priv; // type and protocol never change
    bool udp = sk->type == SOCK_DGRAM && sk->protocol == IPPROTO_UDP;
    struct sockaddr_in in, *dst = NULL;
    if (udp && it.left > 0xffff)
        err = -EMSGSIZE;
    else if (udp && (flags & MSG_OOB))
        err = -EOPNOTSUPP;
    else if (to != NULL) {
        err = sock_inet_addr(to, tolen, &in, false);
        if (udp && err == -EAFNOSUPPORT && in.sin_family == AF_UNSPEC)
            err = 0;
        if (udp && err == 0 && in.sin_port == 0)
            err = -EINVAL;
        sock_peer_addr(&in);
        dst = &in;
    }
    if (err == 0) {
        struct socket *s = sock_enter(f, flags);
        err = sock_epipe(s->proto->send(s, &it, dst, flags), flags);
        net_unlock();
    }
    file_put(f);
    return err;
}

/**
 * @brief recvmsg, recvfrom, recv, read: receive into @p iov.
 * @param fd    the socket
 * @param iov   the buffers (kernel copy of the user's array)
 * @param n     their number
 * @param fa    receives the sender's address, or NULL
 * @param falen receives its length
 * @param flags in: MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC;
 *              out: recvmsg's msg_flags (MSG_TRUNC, MSG_CTRUNC)
 * @param ctl   the control buffer to fill (kernel memory), or NULL
 * @param ctllen in: its room; out: the bytes filled (0 but for a local
 *              socket's files and credentials)
 * @return bytes received (0: the peer shut down); -EBADF, -ENOTSOCK,
 *         -EAGAIN, -ENOTCONN, -ECONNRESET, -EFAULT, -EINTR
 */
long
sock_recvmsg(int fd, const struct iovec *iov, size_t n,
             struct sockaddr_storage *fa, unsigned *falen, int *flags,
             void *ctl, size_t *ctllen)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    struct sock_iter it = {iov, n, 0, 0, 0};
    for (size_t i = 0; i < n; i++)
        it.left += iov[i].iov_len;
    if (unix_is_file(f)) {
        err = unix_recv(f->priv, &it, fa, falen, flags,
                        (f->flags & O_NONBLOCK) != 0, ctl, ctllen);
        file_put(f);
        return err;
    }
    *ctllen = 0;
    *falen = sizeof(struct sockaddr_in);
    struct sockaddr_in *from = (struct sockaddr_in *)fa;
    struct socket *s = sock_enter(f, *flags);
    if (from != NULL) {
        memset(from, 0, sizeof *from);
        from->sin_family = AF_INET;
    }
    err = s->proto->recv(s, &it, from, flags);
    sock_leave(f);
    return err;
}

/**
 * @brief shutdown(fd, how): end one direction or both.
 * @param fd  the socket
 * @param how SHUT_RD, SHUT_WR or SHUT_RDWR
 * @return 0; -EBADF, -ENOTSOCK, -EINVAL (bad @p how), -ENOTCONN
 */
long
sock_shutdown(int fd, int how)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_shutdown(f, how);
        file_put(f);
        return err;
    }
    struct socket *s = sock_enter(f, 0);
    err =
        how < SHUT_RD || how > SHUT_RDWR ? -EINVAL : s->proto->shutdown(s, how);
    sock_leave(f);
    return err;
}

/**
 * @brief getsockname and getpeername.
 * @param fd   the socket
 * @param sa   receives the address
 * @param len  receives its length
 * @param peer the peer's (getpeername) rather than the socket's own
 * @return 0; -EBADF, -ENOTSOCK, -ENOTCONN
 */
long
sock_getname(int fd, struct sockaddr_storage *sa, unsigned *len, bool peer)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_getname(f, sa, len, peer);
        file_put(f);
        return err;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)sa;
    *len = sizeof *a;
    struct socket *s = sock_enter(f, 0);
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    err = s->proto->getname(s, a, peer);
    sock_leave(f);
    return err;
}

/* ---- options ------------------------------------------------------------ */

/** struct timeval as SO_RCVTIMEO and SO_SNDTIMEO take it. */
struct sock_timeval {
    int64_t sec;  /**< seconds */
    int64_t usec; /**< microseconds, 0..999999 */
};

/* Set SO_RCVTIMEO or SO_SNDTIMEO from @p v: 0, -EINVAL or -EDOM. */
static int
sock_set_timeo(uint64_t *ns, const void *v, unsigned len)
{
    struct sock_timeval tv;
    if (len < sizeof tv)
        return -EINVAL;
    memcpy(&tv, v, sizeof tv);
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EDOM;
    if (tv.sec < 0)
        *ns = 1; // Linux: a negative time means "do not wait at all"
    else
        *ns = (uint64_t)tv.sec * 1000000000ULL + (uint64_t)tv.usec * 1000;
    return 0;
}

/* A buffer size as Linux stores it: doubled, within its bounds. */
static unsigned
sock_bufsize(int v, unsigned min)
{
    uint64_t d = v < 0 ? 0 : (uint64_t)v * 2;
    if (d > SOCK_BUF_MAX)
        d = SOCK_BUF_MAX;
    return d < min ? min : (unsigned)d;
}

/* setsockopt(SOL_SOCKET, name) with the int value @p v. */
static int
sock_set_socket_opt(struct socket *s, int name, int v, const void *val,
                    unsigned len)
{
    switch (name) {
    case SO_REUSEADDR:
        s->reuseaddr = v != 0;
        break;
    case SO_KEEPALIVE:
        s->keepalive = v != 0;
        break;
    case SO_BROADCAST:
        s->broadcast = v != 0;
        break;
    case SO_RCVBUF:
        s->rcvbuf = sock_bufsize(v, SOCK_RCVBUF_MIN);
        break;
    case SO_SNDBUF:
        s->sndbuf = sock_bufsize(v, SOCK_SNDBUF_MIN);
        break;
    case SO_RCVTIMEO:
        return sock_set_timeo(&s->rcvtimeo_ns, val, len);
    case SO_SNDTIMEO:
        return sock_set_timeo(&s->sndtimeo_ns, val, len);
    case SO_LINGER:
        if (len < sizeof s->linger)
            return -EINVAL;
        memcpy(&s->linger, val, sizeof s->linger);
        s->linger.l_onoff = s->linger.l_onoff != 0;
        break;
    case SO_PRIORITY: // 0..6 for anyone, any value for root (Linux: the
                      // capability CAP_NET_ADMIN)
        if ((v < 0 || v > 6) && !capable(CAP_NET_ADMIN))
            return -EPERM;
        s->priority = v;
        break;
    case SO_DEBUG:
    case SO_DONTROUTE:
    case SO_OOBINLINE:
    case SO_REUSEPORT:
    case SO_RCVLOWAT:
        break; // accepted, as Linux does, with no effect here
    default:
        return -ENOPROTOOPT;
    }
    if (s->proto->sync_options != NULL)
        s->proto->sync_options(s);
    return 0;
}

/**
 * @brief setsockopt(fd, level, name, val, len).
 * @param fd    the socket
 * @param level SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP
 * @param name  the option
 * @param val   its value, copied in (@p len bytes)
 * @param len   its length
 * @return 0; -EBADF, -ENOTSOCK, -EPERM (SO_PRIORITY above 6, not
 *         root), -EINVAL (short value), -EDOM (bad
 *         time), -ENOPROTOOPT (unknown option)
 */
long
sock_setsockopt(int fd, int level, int name, const void *val, unsigned len)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_setsockopt(f, level, name, val, len);
        file_put(f);
        return err;
    }
    int v = 0;
    bool is_int = len >= sizeof(int);
    if (is_int)
        memcpy(&v, val, sizeof v);
    struct socket *s = sock_enter(f, 0);
    if (level == SOL_SOCKET) {
        if (!is_int && name != SO_LINGER && name != SO_RCVTIMEO &&
            name != SO_SNDTIMEO)
            err = -EINVAL;
        else
            err = sock_set_socket_opt(s, name, v, val, len);
    } else if (level == s->protocol && s->proto->option != NULL) {
        err = is_int ? s->proto->option(s, name, &v, false) : -EINVAL;
    } else if (level == IPPROTO_IP && (name == IP_TOS || name == IP_TTL)) {
        err = is_int ? 0 : -EINVAL; // accepted, not applied
    } else {
        err = -ENOPROTOOPT;
    }
    sock_leave(f);
    return err;
}

/* getsockopt(SOL_SOCKET, name) into @p out: its length or -errno. */
static long
sock_get_socket_opt(struct socket *s, int name, void *out)
{
    int v;
    switch (name) {
    case SO_REUSEADDR:
        v = s->reuseaddr;
        break;
    case SO_KEEPALIVE:
        v = s->keepalive;
        break;
    case SO_BROADCAST:
        v = s->broadcast;
        break;
    case SO_TYPE:
        v = s->type;
        break;
    case SO_PROTOCOL:
        v = s->protocol;
        break;
    case SO_DOMAIN:
        v = AF_INET;
        break;
    case SO_ACCEPTCONN:
        v = s->state == SOCK_LISTENING;
        break;
    case SO_RCVBUF:
        v = (int)s->rcvbuf;
        break;
    case SO_SNDBUF:
        v = (int)s->sndbuf;
        break;
    case SO_RCVLOWAT:
        v = 1;
        break;
    case SO_PRIORITY:
        v = s->priority;
        break;
    case SO_ERROR:
        v = s->error;
        s->error = 0; // reading it clears it
        break;
    case SO_LINGER:
        memcpy(out, &s->linger, sizeof s->linger);
        return sizeof s->linger;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO: {
        uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
        struct sock_timeval tv = {(int64_t)(ns / 1000000000ULL),
                                  (int64_t)(ns % 1000000000ULL / 1000)};
        memcpy(out, &tv, sizeof tv);
        return sizeof tv;
    }
    default:
        return -ENOPROTOOPT;
    }
    memcpy(out, &v, sizeof v);
    return sizeof v;
}

/**
 * @brief getsockopt(fd, level, name, val, lenp).
 * @param fd    the socket
 * @param level SOL_SOCKET, IPPROTO_TCP
 * @param name  the option
 * @param out   receives the value (room for 16 bytes)
 * @return the value's length; -EBADF, -ENOTSOCK, -ENOPROTOOPT (an
 *         unknown option), -EOPNOTSUPP (a level other than SOL_SOCKET,
 *         the socket's protocol and IPPROTO_IP: Linux's getsockopt says
 *         so where its setsockopt says -ENOPROTOOPT)
 */
long
sock_getsockopt(int fd, int level, int name, void *out)
{
    long err = 0;
    struct file *f = sock_file(fd, &err);
    if (f == NULL)
        return err;
    if (unix_is_file(f)) {
        err = unix_getsockopt(f, level, name, out);
        file_put(f);
        return err;
    }
    struct socket *s = sock_enter(f, 0);
    if (level == SOL_SOCKET) {
        err = sock_get_socket_opt(s, name, out);
    } else if (level == s->protocol && s->proto->option != NULL) {
        int v = 0;
        err = s->proto->option(s, name, &v, true);
        if (err == 0) {
            memcpy(out, &v, sizeof v);
            err = sizeof v;
        }
    } else if (level == IPPROTO_IP) {
        err = -ENOPROTOOPT;
    } else {
        err = -EOPNOTSUPP; // Linux's ip_getsockopt, for another level
    }
    sock_leave(f);
    return err;
}
