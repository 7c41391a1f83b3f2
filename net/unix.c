/**
 * @file
 * @ingroup net
 * @brief AF_UNIX sockets: making them, their names (paths, abstract
 *        names, autobind), connecting, accepting, shutting down,
 *        readiness and options.
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
 * says -EAGAIN). A path name is a socket inode made in the file system
 * (S_IFSOCK, as mknod makes it), found again by its inode; an abstract
 * name lives only in the list of named sockets.
 *
 * Messages, passed files and the collector are in unix_msg.c.
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
/** Named sockets, for connect and sendto. */
static struct list_node unix_bound = LIST_INIT(unix_bound);
/** Taken before unix_lock is dropped to sleep (as net_sleep_lock). */
static struct spinlock unix_sleep_lock = SPINLOCK_INIT("unix_sleep");
static uint64_t unix_ino = 3ULL << 32; // apart from pipes' and sockets'
static unsigned unix_autobind_next;

/** Linux's defaults: net.core.wmem_default, rmem_default, wmem_max. */
#define UNIX_BUF_DEFAULT 212992
#define UNIX_BUF_MAX 212992
#define UNIX_SNDBUF_MIN 4608
#define UNIX_RCVBUF_MIN 2304
/** net.core.somaxconn: the largest backlog. */
#define UNIX_SOMAXCONN 4096

static const struct file_ops unix_fops;

static int
unix_init(void)
{
    mutex_init(&unix_lock, "unix");
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

/* The last descriptor is closed. */
static void
unix_release(struct file *f)
{
    struct unix_sock *u = f->priv;
    struct list_node puts = LIST_INIT(puts);
    mutex_lock(&unix_lock);
    unix_release_sock(u, &puts, false);
    unix_sock_put(u);
    mutex_unlock(&unix_lock);
    unix_put_files(&puts);
    unix_gc();
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
        mutex_lock(&unix_lock);
        unix_sock_put(u);
        mutex_unlock(&unix_lock);
        return -ENOMEM;
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
        file_put(unix_file(b, 0)); // close b as if it had a descriptor
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

/* ---- names ----------------------------------------------------------- */

/* Check an address of connect or sendto: 0 or -EINVAL. */
static int
unix_check_addr(const struct sockaddr_storage *a, unsigned len)
{
    if (len <= sizeof(uint16_t) || len > sizeof(struct sockaddr_un) ||
        a->ss_family != AF_UNIX)
        return -EINVAL;
    return 0;
}

/* The path of @p a, NUL-terminated in @p path (at most 108 bytes); its
 * address length as Linux stores it (unix_mkname_bsd). */
static unsigned
unix_path(const struct sockaddr_storage *a, unsigned len, char *path)
{
    const struct sockaddr_un *sun = (const struct sockaddr_un *)a;
    size_t n = len - sizeof(uint16_t);
    memcpy(path, sun->sun_path, n);
    path[n] = 0;
    return (unsigned)(sizeof(uint16_t) + strlen(path) + 1);
}

/* The named socket of @p type whose abstract name is @p a's. */
static struct unix_sock *
unix_find_abstract(const struct sockaddr_storage *a, unsigned len, int type)
{
    struct list_node *n;
    list_for_each(n, &unix_bound)
    {
        struct unix_sock *u = list_entry(n, struct unix_sock, bound);
        if (u->inode == NULL && u->addr.len == len && u->type == type &&
            memcmp(&u->addr.sun, a, len) == 0)
            return u;
    }
    return NULL;
}

/* The socket bound to the path of @p a: it or NULL with *err set
 * (-ENOENT, -ECONNREFUSED, -EPROTOTYPE, -EACCES, ...). */
static struct unix_sock *
unix_find_path(const struct sockaddr_storage *a, unsigned len, int type,
               int *err)
{
    char path[sizeof(struct sockaddr_un)];
    unix_path(a, len, path);
    struct dentry *d;
    *err = path_lookup_at(AT_FDCWD, path, 0, &d);
    if (*err < 0)
        return NULL;
    struct unix_sock *found = NULL;
    *err = inode_permission(d->inode, W_OK);
    struct list_node *n;
    list_for_each(n, &unix_bound)
    {
        struct unix_sock *u = list_entry(n, struct unix_sock, bound);
        if (*err == 0 && u->inode == d->inode)
            found = u;
    }
    dentry_put(d);
    if (*err == 0 && found == NULL)
        *err = -ECONNREFUSED; // not a socket, or no one bound there
    else if (found != NULL && found->type != type)
        *err = -EPROTOTYPE;
    return *err == 0 ? found : NULL;
}

/**
 * @brief The socket named by @p a, referenced.
 * @param a    the address (checked here)
 * @param len  its length
 * @param type the type the socket must have
 * @param err  receives -errno when none is found
 * @return the socket, or NULL: -EINVAL, -ENOENT, -ECONNREFUSED,
 *         -EPROTOTYPE, -EACCES
 * @pre unix_lock held
 */
struct unix_sock *
unix_find(const struct sockaddr_storage *a, unsigned len, int type, int *err)
{
    *err = unix_check_addr(a, len);
    if (*err < 0)
        return NULL;
    const struct sockaddr_un *sun = (const struct sockaddr_un *)a;
    struct unix_sock *u;
    if (sun->sun_path[0] != 0) {
        u = unix_find_path(a, len, type, err);
    } else {
        u = unix_find_abstract(a, len, type);
        *err = u == NULL ? -ECONNREFUSED : 0;
    }
    if (u != NULL)
        u->refs++;
    return u;
}

/* Bind @p u to the path of @p a: make the socket inode. */
static int
unix_bind_path(struct unix_sock *u, const struct sockaddr_storage *a,
               unsigned len)
{
    char path[sizeof(struct sockaddr_un)];
    unsigned alen = unix_path(a, len, path);
    mutex_lock(&vfs_lock);
    struct dentry *dir, *d = NULL;
    const char *name;
    size_t nlen;
    int err = path_parent_at(AT_FDCWD, path, &dir, &name, &nlen);
    if (err == 0) {
        err = vfs_create_locked(dir, name, nlen, S_IFSOCK | 0777, 0, &d);
        dentry_put(dir);
    }
    if (err == 0) {
        u->inode = d->inode;
        inode_get(u->inode);
        dentry_put(d);
    }
    mutex_unlock(&vfs_lock);
    if (err < 0)
        return err == -EEXIST ? -EADDRINUSE : err;
    u->addr.sun.sun_family = AF_UNIX;
    memcpy(u->addr.sun.sun_path, path, alen - sizeof(uint16_t));
    u->addr.len = alen;
    return 0;
}

/**
 * @brief Give @p u an abstract name of its own, "\0" and five hex
 *        digits (Linux's autobind): bind with only a family, or a
 *        datagram sent or connected with SO_PASSCRED and no name.
 * @param u the socket, unbound
 * @return 0
 * @pre unix_lock held
 */
int
unix_autobind(struct unix_sock *u)
{
    struct sockaddr_storage a = {.ss_family = AF_UNIX};
    for (;;) {
        unsigned n = unix_autobind_next++ & 0xfffff;
        const char *hex = "0123456789abcdef";
        for (int i = 0; i < 5; i++)
            a.ss_data[1 + i] = hex[(n >> (4 * (4 - i))) & 0xf];
        if (unix_find_abstract(&a, 8, u->type) == NULL)
            break;
    }
    memcpy(&u->addr.sun, &a, 8);
    u->addr.len = 8;
    list_push_back(&unix_bound, &u->bound);
    return 0;
}

/**
 * @brief bind(fd, addr, len) on a local socket.
 * @param f   the socket's file
 * @param a   the address, copied in
 * @param len its length
 * @return 0; -EINVAL (short, not AF_UNIX, already bound), -EADDRINUSE,
 *         and the path walk's errors (-ENOENT, -EACCES, -ENOTDIR, ...)
 */
long
unix_bind(struct file *f, const struct sockaddr_storage *a, unsigned len)
{
    struct unix_sock *u = f->priv;
    if (len < sizeof(uint16_t) || a->ss_family != AF_UNIX ||
        len > sizeof(struct sockaddr_un))
        return -EINVAL;
    mutex_lock(&unix_lock);
    int err = 0;
    if (u->addr.len != 0)
        err = -EINVAL;
    else if (len == sizeof(uint16_t))
        err = unix_autobind(u);
    else if (a->ss_data[0] != 0)
        err = unix_bind_path(u, a, len);
    else if (unix_find_abstract(a, len, u->type) != NULL)
        err = -EADDRINUSE;
    else {
        memcpy(&u->addr.sun, a, len);
        u->addr.len = len;
    }
    if (err == 0 && list_empty(&u->bound))
        list_push_back(&unix_bound, &u->bound);
    mutex_unlock(&unix_lock);
    return err;
}

/**
 * @brief getsockname and getpeername on a local socket.
 * @param f    the socket's file
 * @param a    receives the address
 * @param len  receives its length (2 for an unnamed socket)
 * @param peer the peer's name rather than the socket's own
 * @return 0, or -ENOTCONN (getpeername without a peer)
 */
long
unix_getname(struct file *f, struct sockaddr_storage *a, unsigned *len,
             bool peer)
{
    struct unix_sock *u = f->priv;
    mutex_lock(&unix_lock);
    struct unix_sock *w = peer ? u->peer : u;
    long err = w == NULL ? -ENOTCONN : 0;
    if (w != NULL && w->addr.len != 0) {
        memcpy(a, &w->addr.sun, w->addr.len);
        *len = w->addr.len;
    } else {
        a->ss_family = AF_UNIX;
        *len = sizeof(uint16_t);
    }
    mutex_unlock(&unix_lock);
    return err;
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
 *         listening), -EAGAIN, -EINTR, -EMFILE, -ENOMEM
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
    while (err == 0 && u->state == UNIX_LISTENING && list_empty(&u->accept_q))
        err = unix_wait(u, (f->flags & O_NONBLOCK) != 0, u->rcvtimeo_ns);
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

/* ---- options ---------------------------------------------------------- */

/* A buffer size as Linux stores it: capped, doubled, at least @p min. */
static unsigned
unix_bufsize(int v, unsigned min)
{
    uint64_t d = v < 0 ? 0 : (uint64_t)v;
    d = (d > UNIX_BUF_MAX ? UNIX_BUF_MAX : d) * 2;
    return d < min ? min : (unsigned)d;
}

/* SO_RCVTIMEO or SO_SNDTIMEO from a struct timeval. */
static long
unix_set_timeo(uint64_t *ns, const void *val, unsigned len)
{
    int64_t tv[2];
    if (len < sizeof tv)
        return -EINVAL;
    memcpy(tv, val, sizeof tv);
    if (tv[1] < 0 || tv[1] >= 1000000)
        return -EDOM;
    *ns = tv[0] < 0 ? 1
                    : (uint64_t)tv[0] * 1000000000ULL + (uint64_t)tv[1] * 1000;
    return 0;
}

/**
 * @brief setsockopt on a local socket: SOL_SOCKET only.
 * @param f     the socket's file
 * @param level SOL_SOCKET (else -EOPNOTSUPP, as Linux answers)
 * @param name  the option
 * @param val   its value, copied in
 * @param len   its length
 * @return 0; -EINVAL (short), -EDOM, -ENOPROTOOPT, -EOPNOTSUPP
 */
long
unix_setsockopt(struct file *f, int level, int name, const void *val,
                unsigned len)
{
    struct unix_sock *u = f->priv;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
        return unix_set_timeo(
            name == SO_RCVTIMEO ? &u->rcvtimeo_ns : &u->sndtimeo_ns, val, len);
    if (len < sizeof(int))
        return -EINVAL;
    int v;
    memcpy(&v, val, sizeof v);
    mutex_lock(&unix_lock);
    long err = 0;
    if (name == SO_PASSCRED)
        u->passcred = v != 0;
    else if (name == SO_SNDBUF)
        u->sndbuf = unix_bufsize(v, UNIX_SNDBUF_MIN);
    else if (name == SO_RCVBUF)
        u->rcvbuf = unix_bufsize(v, UNIX_RCVBUF_MIN);
    else if (name != SO_REUSEADDR && name != SO_KEEPALIVE &&
             name != SO_BROADCAST && name != SO_DEBUG)
        err = -ENOPROTOOPT;
    unix_wake(u); // a writer may now have room
    mutex_unlock(&unix_lock);
    return err;
}

/* An int-valued SOL_SOCKET option: 0 or -ENOPROTOOPT. */
static long
unix_int_opt(struct unix_sock *u, int name, int *v)
{
    switch (name) {
    case SO_TYPE:
        *v = u->type;
        return 0;
    case SO_DOMAIN:
        *v = AF_UNIX;
        return 0;
    case SO_PROTOCOL:
    case SO_REUSEADDR:
    case SO_KEEPALIVE:
    case SO_BROADCAST:
        *v = 0;
        return 0;
    case SO_ACCEPTCONN:
        *v = u->state == UNIX_LISTENING;
        return 0;
    case SO_PASSCRED:
        *v = u->passcred;
        return 0;
    case SO_SNDBUF:
        *v = (int)u->sndbuf;
        return 0;
    case SO_RCVBUF:
        *v = (int)u->rcvbuf;
        return 0;
    case SO_ERROR:
        *v = u->error;
        u->error = 0; // reading it clears it
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

/**
 * @brief getsockopt on a local socket.
 * @param f     the socket's file
 * @param level SOL_SOCKET (else -EOPNOTSUPP)
 * @param name  the option; SO_PEERCRED is the peer's struct ucred as it
 *              was at connect (or socketpair, or the listener's listen)
 * @param out   receives the value (room for 16 bytes)
 * @return the value's length; -ENOPROTOOPT, -EOPNOTSUPP
 */
long
unix_getsockopt(struct file *f, int level, int name, void *out)
{
    struct unix_sock *u = f->priv;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    mutex_lock(&unix_lock);
    long r = sizeof(int);
    if (name == SO_PEERCRED) {
        struct ucred c = {0, (uint32_t)-1, (uint32_t)-1};
        if (u->has_peercred)
            c = u->peercred;
        memcpy(out, &c, sizeof c);
        r = sizeof c;
    } else if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
        uint64_t ns = name == SO_RCVTIMEO ? u->rcvtimeo_ns : u->sndtimeo_ns;
        int64_t tv[2] = {(int64_t)(ns / 1000000000ULL),
                         (int64_t)(ns % 1000000000ULL / 1000)};
        memcpy(out, tv, sizeof tv);
        r = sizeof tv;
    } else {
        int v = 0;
        r = unix_int_opt(u, name, &v);
        if (r == 0) {
            memcpy(out, &v, sizeof v);
            r = sizeof v;
        }
    }
    mutex_unlock(&unix_lock);
    return r;
}
