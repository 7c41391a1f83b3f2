/**
 * @file
 * @ingroup net
 * @brief AF_UNIX sockets: making them, connecting, accepting, shutting
 *        down; a local socket as a file.
 *
 * A local socket is a file of its own kind, beside the lwIP sockets of
 * socket.c rather than one of their protocols: struct sock_proto's
 * operations take IPv4 addresses and run under net_lock, lwIP's lock,
 * while a local socket has names of up to 108 bytes and nothing to do
 * with lwIP. net/socket.c asks unix_is_file() and hands the call here.
 *
 * As on Linux, connect() on a stream or seqpacket socket does not wait
 * for accept(): it makes the server's end at once (an "embryo", a
 * socket with no file yet), links the two as peers and queues the
 * embryo on the listener; accept() only gives it a file. When the
 * listener's queue holds more than its backlog, connect() waits (or
 * says -EAGAIN).
 *
 * Names are in unix_name.c, options in unix_opt.c, messages and passed
 * files in unix_msg.c, the collector in unix_gc.c.
 * Locking: unix_lock (see unix.h); vfs_lock is taken inside it.
 */
#include "unix.h"
#include "fs/poll.h"
#include "kernel/clock.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "net/net.h"
#include "sock.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"
#include "uapi/termios.h"

/** The lock of every AF_UNIX socket. */
struct mutex unix_lock;
/** Every AF_UNIX socket, for /proc/net/unix and the collector. */
struct list_node unix_all = LIST_INIT(unix_all);
/** Taken before unix_lock is dropped to sleep (as net_sleep_lock). */
static struct spinlock unix_sleep_lock = SPINLOCK_INIT("unix_sleep");
static uint64_t unix_ino = 3ULL << 32; // apart from pipes' and sockets'

/** Linux's defaults: net.core.wmem_default and rmem_default. */
#define UNIX_BUF_DEFAULT 212992
/** net.core.somaxconn: the largest backlog. */
#define UNIX_SOMAXCONN 4096

static const struct file_ops unix_fops;

static int
unix_init(void)
{
    mutex_init(&unix_lock, "unix table"); // not the sockets' queues
    return 0;
}
initcall(core, unix_init);

/* ---- life ----------------------------------------------------------- */

/* A new socket with one reference (its file's, or a listener's);
 * unix_lock held. */
static struct unix_sock *
unix_alloc(int type)
{
    struct unix_sock *u = kzalloc(sizeof *u);
    if (u == NULL)
        return NULL;
    __atomic_add_fetch(&sock_count, 1, __ATOMIC_SEQ_CST);
    u->node.mode = S_IFSOCK | 0777;
    u->node.nlink = 1;
    u->node.ino = __atomic_add_fetch(&unix_ino, 1, __ATOMIC_SEQ_CST);
    u->type = type;
    u->refs = 1;
    u->sndbuf = UNIX_BUF_DEFAULT;
    u->rcvbuf = UNIX_BUF_DEFAULT;
    wait_queue_init(&u->wq, "unix");
    list_init(&u->bound);
    list_init(&u->rx);
    list_init(&u->accept_q);
    list_init(&u->accept_link);
    list_push_back(&unix_all, &u->all);
    return u;
}

/**
 * @brief Drop a reference to @p u; the last one frees it.
 * @param u the socket
 * @pre unix_lock held
 */
void
unix_sock_put(struct unix_sock *u)
{
    if (--u->refs > 0)
        return;
    list_remove(&u->all);
    list_remove(&u->bound);
    if (u->inode != NULL)
        inode_put(u->inode);
    __atomic_sub_fetch(&sock_count, 1, __ATOMIC_SEQ_CST);
    kfree(u);
}

/**
 * @brief The socket behind @p f, or NULL when @p f is no AF_UNIX socket.
 * @param f an open file
 * @return its struct unix_sock or NULL
 */
struct unix_sock *
unix_from_file(struct file *f)
{
    return f != NULL && f->ops == &unix_fops ? f->priv : NULL;
}

/**
 * @brief Whether @p f is an AF_UNIX socket (for net/socket.c).
 * @param f an open file
 * @return true for a local socket
 */
bool
unix_is_file(struct file *f)
{
    return unix_from_file(f) != NULL;
}

/** A timeout's timer, waking the socket's queue when it fires. */
struct unix_timeout {
    struct ktimer timer;
    struct wait_queue *wq;
};

static void
unix_timeout_fire(struct ktimer *t)
{
    wait_queue_wake_all(((struct unix_timeout *)t)->wq);
}

/**
 * @brief Sleep once on @p u's queue, unix_lock dropped meanwhile.
 *
 * unix_sleep_lock is taken before unix_lock is dropped, and unix_wake()
 * takes it too, so a wake-up cannot fall between the caller's check
 * and the sleep.
 * @param u        the socket whose queue to sleep on
 * @param nonblock the call must not sleep
 * @param timeo_ns SO_RCVTIMEO or SO_SNDTIMEO, 0: none
 * @return 0 (check again), -EAGAIN (non-blocking or time up), -EINTR or
 *         -ERESTARTSYS (a signal)
 * @pre unix_lock held; held again on return
 */
int
unix_wait(struct unix_sock *u, bool nonblock, uint64_t timeo_ns)
{
    if (nonblock)
        return -EAGAIN;
    if (signal_pending())
        return timeo_ns != 0 ? -EINTR : -ERESTARTSYS;
    struct unix_timeout st = {.wq = &u->wq};
    uint64_t deadline = clock_monotonic_ns() + timeo_ns;
    if (timeo_ns != 0) {
        ktimer_init(&st.timer, unix_timeout_fire);
        ktimer_arm(&st.timer, deadline);
    }
    irqflags_t f = spin_lock_irqsave(&unix_sleep_lock);
    mutex_unlock(&unix_lock);
    wait_queue_sleep(&u->wq, &unix_sleep_lock, &f);
    spin_unlock_irqrestore(&unix_sleep_lock, f);
    mutex_lock(&unix_lock);
    if (timeo_ns != 0) {
        ktimer_cancel(&st.timer);
        if (clock_monotonic_ns() >= deadline)
            return -EAGAIN;
    }
    if (signal_pending())
        return timeo_ns != 0 ? -EINTR : -ERESTARTSYS;
    return 0;
}

/**
 * @brief Wake every thread and poll watch on @p u's queue.
 * @param u the socket
 */
void
unix_wake(struct unix_sock *u)
{
    irqflags_t f = spin_lock_irqsave(&unix_sleep_lock);
    spin_unlock_irqrestore(&unix_sleep_lock, f);
    wait_queue_wake_all(&u->wq);
}

/**
 * @brief The credentials a socket records of the calling process.
 * @param c receives pid, effective uid and gid
 */
void
unix_current_cred(struct ucred *c)
{
    struct proc *p = proc_current();
    c->pid = p->pid;
    c->uid = p->cred.euid;
    c->gid = p->cred.egid;
}

/* ---- a socket as a file ---------------------------------------------- */

/* Give @p u a file, referenced once (the caller's); NULL: no memory. */
static struct file *
unix_file(struct unix_sock *u, int flags)
{
    unsigned fl = O_RDWR | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
    struct file *f = file_alloc(&u->node, &unix_fops, fl);
    if (f != NULL) {
        f->priv = u;
        u->file = f;
    }
    return f;
}

/* read(): recv() without flags. */
static long
unix_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    struct iovec v = {buf.addr, n};
    struct sock_iter it = {&v, 1, 0, 0, n};
    int flags = 0;
    size_t ctllen = 0;
    return unix_recv(f->priv, &it, NULL, NULL, &flags,
                     (f->flags & O_NONBLOCK) != 0, NULL, &ctllen);
}

/* write(): send() without flags; -EPIPE raises SIGPIPE. */
static long
unix_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    struct iovec v = {buf.addr, n};
    struct sock_iter it = {&v, 1, 0, 0, n};
    long r = unix_send(f->priv, &it, NULL, 0, 0, (f->flags & O_NONBLOCK) != 0,
                       NULL, 0);
    if (r == -EPIPE)
        signal_raise(SIGPIPE);
    return r;
}

/* poll(): see unix_poll_mask(). */
static unsigned
unix_poll(struct file *f, struct poll_table *pt)
{
    struct unix_sock *u = f->priv;
    poll_wait(f, &u->wq, pt);
    mutex_lock(&unix_lock);
    unsigned mask = unix_poll_mask(u);
    mutex_unlock(&unix_lock);
    return mask;
}

/* FIONREAD, FIONBIO; the interface ioctls, as on any socket. */
static long
unix_ioctl(struct file *f, unsigned long cmd, uptr_t arg)
{
    if (cmd == FIONREAD) {
        mutex_lock(&unix_lock);
        long n = unix_pending(f->priv);
        mutex_unlock(&unix_lock);
        int v = (int)n;
        return n < 0 ? n : copy_to_user(arg, &v, sizeof v);
    }
    if (cmd == FIONBIO) {
        int on;
        if (copy_from_user(&on, arg, sizeof on) < 0)
            return -EFAULT;
        f->flags =
            on ? f->flags | O_NONBLOCK : f->flags & ~(unsigned)O_NONBLOCK;
        return 0;
    }
    return net_if_ioctl(cmd, arg);
}

/* Tell @p u's peer that @p u is gone (Linux's unix_release_sock). */
static void
unix_disconnect_peer(struct unix_sock *u, bool embryo)
{
    struct unix_sock *p = u->peer;
    if (p == NULL)
        return;
    if (u->type != SOCK_DGRAM) {
        p->shut = SHUT_RCV | SHUT_SEND;
        if (!list_empty(&u->rx) || embryo)
            p->error = ECONNRESET;
    }
    unix_wake(p);
    u->peer = NULL;
    unix_sock_put(p);
}

/* A socket is gone (its file closed, or an embryo never accepted). */
static void
unix_release_sock(struct unix_sock *u, struct list_node *puts, bool embryo)
{
    u->dead = true;
    u->file = NULL;
    u->shut = SHUT_RCV | SHUT_SEND;
    list_remove(&u->bound);
    while (!list_empty(&u->accept_q)) {
        struct unix_sock *e =
            list_entry(u->accept_q.next, struct unix_sock, accept_link);
        list_remove(&e->accept_link);
        unix_release_sock(e, puts, true);
        unix_sock_put(e);
    }
    unix_disconnect_peer(u, embryo);
    unix_purge(u, puts);
    unix_wake(u);
}

/* Let socket @p u go, as the last close of its file would: its peer is
 * told and its own reference dropped. unix_lock not held. */
static void
unix_drop(struct unix_sock *u)
{
    struct list_node puts = LIST_INIT(puts);
    mutex_lock(&unix_lock);
    unix_release_sock(u, &puts, false);
    unix_sock_put(u);
    mutex_unlock(&unix_lock);
    unix_put_files(&puts);
    unix_gc();
}

/* The last descriptor is closed. */
static void
unix_release(struct file *f)
{
    unix_drop(f->priv);
}

static const struct file_ops unix_fops = {
    .read = unix_read,
    .write = unix_write,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
    .release = unix_release,
};

/* ---- making sockets -------------------------------------------------- */

/* Check socket()'s type and protocol for AF_UNIX: the type or -errno. */
static int
unix_check_type(int type, int protocol)
{
    if (protocol != 0 && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    if (type == SOCK_RAW)
        return SOCK_DGRAM; // Linux: a synonym, "BSD has it"
    if (type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_SEQPACKET)
        return type;
    return type > 10 ? -EINVAL : -ESOCKTNOSUPPORT;
}

/* Make @p u a file on the lowest free descriptor: the fd or -errno;
 * on failure the socket is released. */
static long
unix_install(struct unix_sock *u, int flags)
{
    struct file *f = unix_file(u, flags);
    if (f == NULL) {
        int err = file_alloc_error();
        unix_drop(u); // a socketpair's other end is told, as by a close
        return err;
    }
    int fd = fd_install(f, 0, (flags & SOCK_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/**
 * @brief socket(AF_UNIX, type, protocol).
 * @param type     SOCK_STREAM, SOCK_DGRAM (or SOCK_RAW), SOCK_SEQPACKET
 * @param protocol 0 or PF_UNIX
 * @param flags    SOCK_NONBLOCK, SOCK_CLOEXEC
 * @return the descriptor; -EPROTONOSUPPORT, -ESOCKTNOSUPPORT, -EINVAL,
 *         -EMFILE, -ENOMEM
 */
long
unix_socket(int type, int protocol, int flags)
{
    type = unix_check_type(type, protocol);
    if (type < 0)
        return type;
    long err = fd_check_free();
    if (err < 0)
        return err;
    mutex_lock(&unix_lock);
    struct unix_sock *u = unix_alloc(type);
    mutex_unlock(&unix_lock);
    return u == NULL ? -ENOMEM : unix_install(u, flags);
}

/**
 * @brief socketpair(AF_UNIX, type, protocol, fds): two connected
 *        sockets, each the other's peer, each knowing the other's
 *        credentials (the caller's).
 * @param type     as unix_socket()
 * @param protocol 0 or PF_UNIX
 * @param flags    SOCK_NONBLOCK, SOCK_CLOEXEC
 * @param fds      receives the two descriptors
 * @return 0; as unix_socket()
 */
long
unix_socketpair(int type, int protocol, int flags, int fds[2])
{
    type = unix_check_type(type, protocol);
    if (type < 0)
        return type;
    mutex_lock(&unix_lock);
    struct unix_sock *a = unix_alloc(type), *b = unix_alloc(type);
    if (a == NULL || b == NULL) {
        if (a != NULL)
            unix_sock_put(a);
        if (b != NULL)
            unix_sock_put(b);
        mutex_unlock(&unix_lock);
        return -ENOMEM;
    }
    a->peer = b, b->peer = a;
    a->refs++, b->refs++;
    a->state = b->state = UNIX_CONNECTED;
    unix_current_cred(&a->peercred);
    b->peercred = a->peercred;
    a->has_peercred = b->has_peercred = true;
    mutex_unlock(&unix_lock);
    long fa = unix_install(a, flags);
    if (fa < 0) {
        // close b as if it had a descriptor; when even its file cannot
        // be made (the same ENFILE or ENOMEM), let the socket go as
        // unix_install() does
        struct file *fb = unix_file(b, 0);
        if (fb != NULL)
            file_put(fb);
        else
            unix_drop(b);
        return fa;
    }
    long fb = unix_install(b, flags);
    if (fb < 0) {
        fd_close((int)fa);
        return fb;
    }
    fds[0] = (int)fa;
    fds[1] = (int)fb;
    return 0;
}

/* ---- connections ------------------------------------------------------ */

/**
 * @brief listen(fd, backlog) on a local socket.
 * @param f       the socket's file
 * @param backlog connections that may wait for accept() (beyond it,
 *                connect waits)
 * @return 0; -EOPNOTSUPP (a datagram socket), -EINVAL (unbound, or
 *         connected)
 */
long
unix_listen(struct file *f, int backlog)
{
    struct unix_sock *u = f->priv;
    if ((unsigned)backlog > UNIX_SOMAXCONN)
        backlog = UNIX_SOMAXCONN;
    if (u->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    mutex_lock(&unix_lock);
    long err = 0;
    if (u->addr.len == 0 || u->state == UNIX_CONNECTED)
        err = -EINVAL;
    else {
        if (backlog > u->backlog)
            unix_wake(u); // connectors waiting for room
        u->backlog = backlog;
        u->state = UNIX_LISTENING;
        unix_current_cred(&u->peercred); // what connectors will see
        u->has_peercred = true;
    }
    mutex_unlock(&unix_lock);
    return err;
}

// [unix_link_embryo]
/* Link @p u to a new embryo queued on the listener @p l. */
static int
unix_link_embryo(struct unix_sock *u, struct unix_sock *l)
{
    struct unix_sock *e = unix_alloc(u->type);
    if (e == NULL)
        return -ENOMEM;
    e->state = u->state = UNIX_CONNECTED;
    e->addr = l->addr;
    e->peer = u, u->peer = e;
    e->refs++, u->refs++;
    unix_current_cred(&e->peercred);
    e->has_peercred = true;
    u->peercred = l->peercred;
    u->has_peercred = true;
    list_push_back(&l->accept_q, &e->accept_link);
    l->accept_len++;
    unix_wake(l);
    return 0;
}
// [unix_link_embryo]

/* A stream or seqpacket connect: wait for room in @p l's queue. */
static int
unix_stream_connect(struct unix_sock *u, struct unix_sock *l, bool nonblock)
{
    for (;;) {
        if (u->state == UNIX_CONNECTED)
            return -EISCONN;
        if (u->state == UNIX_LISTENING)
            return -EINVAL;
        if (l->dead || l->state != UNIX_LISTENING)
            return -ECONNREFUSED;
        if (l->accept_len <= l->backlog)
            return unix_link_embryo(u, l);
        int err = unix_wait(l, nonblock, u->sndtimeo_ns);
        if (err < 0)
            return err;
    }
}

/* A datagram socket's connect: the only peer it sends to and hears
 * from; AF_UNSPEC forgets it. */
static int
unix_dgram_connect(struct unix_sock *u, struct unix_sock *p)
{
    if (u->peer != NULL)
        unix_sock_put(u->peer);
    u->peer = p;
    u->state = p != NULL ? UNIX_CONNECTED : UNIX_UNCONNECTED;
    if (p != NULL)
        p->refs++;
    return 0;
}

/**
 * @brief connect(fd, addr, len) on a local socket.
 * @param f   the socket's file
 * @param a   the address, copied in
 * @param len its length
 * @return 0; -EINVAL, -ENOENT, -ECONNREFUSED (no listener there),
 *         -EPROTOTYPE, -EISCONN, -EAGAIN (backlog full, non-blocking),
 *         -EINTR, -ENOMEM
 */
long
unix_connect(struct file *f, const struct sockaddr_storage *a, unsigned len)
{
    struct unix_sock *u = f->priv;
    bool dgram = u->type == SOCK_DGRAM;
    if (dgram && len >= sizeof(uint16_t) && a->ss_family == AF_UNSPEC) {
        mutex_lock(&unix_lock);
        unix_dgram_connect(u, NULL);
        mutex_unlock(&unix_lock);
        return 0;
    }
    int err = unix_check_addr(a, len);
    if (err < 0)
        return err;
    mutex_lock(&unix_lock);
    if (u->passcred && u->addr.len == 0)
        unix_autobind(u);
    struct unix_sock *p = unix_find(a, len, u->type, &err);
    if (p != NULL) {
        err = dgram ? unix_dgram_connect(u, p)
                    : unix_stream_connect(u, p, (f->flags & O_NONBLOCK) != 0);
        unix_sock_put(p);
    }
    mutex_unlock(&unix_lock);
    return err;
}

/**
 * @brief accept4 on a local socket: the next connection's descriptor.
 * @param f     the listening socket's file
 * @param peer  receives the connecting socket's name
 * @param plen  receives its length
 * @param flags SOCK_NONBLOCK, SOCK_CLOEXEC
 * @return the descriptor; -EOPNOTSUPP (a datagram socket), -EINVAL (not
 *         listening, or shut down and nothing queued), -EAGAIN, -EINTR,
 *         -EMFILE, -ENOMEM
 */
long
unix_accept(struct file *f, struct sockaddr_storage *peer, unsigned *plen,
            int flags)
{
    struct unix_sock *u = f->priv;
    if (u->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    mutex_lock(&unix_lock);
    long err = 0;
    bool nonblock = (f->flags & O_NONBLOCK) != 0;
    while (err == 0 && u->state == UNIX_LISTENING && list_empty(&u->accept_q))
        err = !nonblock && (u->shut & SHUT_RCV)
                  ? -EINVAL // shut down: Linux's "receive shutdown"
                  : unix_wait(u, nonblock, u->rcvtimeo_ns);
    if (err == 0 && u->state != UNIX_LISTENING)
        err = -EINVAL;
    struct unix_sock *e = NULL;
    if (err == 0) {
        e = list_entry(u->accept_q.next, struct unix_sock, accept_link);
        list_remove(&e->accept_link);
        u->accept_len--;
        unix_wake(u); // a connector may wait for the room
        struct unix_sock *c = e->peer;
        *plen = sizeof(uint16_t);
        peer->ss_family = AF_UNIX;
        if (c != NULL && c->addr.len != 0) {
            memcpy(peer, &c->addr.sun, c->addr.len);
            *plen = c->addr.len;
        }
    }
    mutex_unlock(&unix_lock);
    return e == NULL ? err : unix_install(e, flags);
}

/**
 * @brief shutdown(fd, how) on a local socket: for a connection the
 *        peer's other direction ends too (its reads see the end).
 * @param f   the socket's file
 * @param how SHUT_RD, SHUT_WR, SHUT_RDWR
 * @return 0, or -EINVAL (bad @p how)
 */
long
unix_shutdown(struct file *f, int how)
{
    struct unix_sock *u = f->priv;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    unsigned mode = (unsigned)how + 1; // SHUT_RCV, SHUT_SEND or both
    mutex_lock(&unix_lock);
    u->shut |= mode;
    unix_wake(u);
    struct unix_sock *p = u->peer;
    if (p != NULL && u->type != SOCK_DGRAM) {
        p->shut |= ((mode & SHUT_RCV) ? SHUT_SEND : 0) |
                   ((mode & SHUT_SEND) ? SHUT_RCV : 0);
        unix_wake(p);
    }
    mutex_unlock(&unix_lock);
    return 0;
}
