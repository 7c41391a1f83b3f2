/**
 * @file
 * @ingroup net
 * @brief AF_UNIX messages: sending bytes, records and datagrams, with
 *        what rides along (passed files, credentials); freeing them.
 *
 * A send copies the user's bytes into one or more struct unix_msg and
 * puts them straight on the receiver's queue. A stream's messages are
 * read across their boundaries, a datagram's or a record's one at a
 * time (the rest of a longer one is lost: MSG_TRUNC). Every message
 * sent counts against the sender's SO_SNDBUF until it is read (its
 * bytes and an overhead, as Linux counts), which is what makes a writer
 * to a slow reader block.
 *
 * Passed files (SCM_RIGHTS) are struct file references held by the
 * message: the sender's descriptors may be closed at once, the files
 * stay open "in flight". The receiver turns them into new descriptors
 * (unix_recv.c). A file is never put with unix_lock held (putting
 * a socket's last reference releases it, which takes the lock): a
 * message freed under the lock goes on a caller's list and its files
 * are put after the lock is dropped (unix_put_files()).
 *
 * Locking: unix_lock around queue and socket state; user memory is
 * copied with it held (a page fault may sleep, which a mutex allows).
 */
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "sock.h"
#include "uapi/errno.h"
#include "uapi/resource.h"
#include "unix.h"

/** What a message costs beyond its bytes, counted against SO_SNDBUF as
 *  Linux counts an sk_buff's truesize: many tiny messages (each maybe
 *  carrying 253 files) must not queue without bound. */
#define UNIX_MSG_OVERHEAD 512

/** Most bytes in one message of a stream. */
#define UNIX_STREAM_CHUNK 65536
/** Control bytes sendmsg accepts (net.core.optmem_max). */
#define UNIX_OPTMEM_MAX 20480

/** What a sendmsg's control buffer asked for, parsed. */
struct unix_scm {
    struct file **fp;  /**< files to pass (referenced), or NULL */
    int nfp;           /**< their number */
    struct ucred cred; /**< the credentials to attach */
};

/* ---- freeing ------------------------------------------------------------ */

/** Files in flight per user (Linux's user_struct.unix_inflight). */
struct unix_user {
    uint32_t uid; /**< the real uid of the senders */
    int inflight; /**< files they have in flight; 0: a free entry */
};

/** Users with files in flight at once; one more waits (ETOOMANYREFS). */
#define UNIX_USERS 16
static struct unix_user unix_users[UNIX_USERS];

/* The entry of @p uid, made if need be; NULL when the table is full. */
static struct unix_user *
unix_user(uint32_t uid)
{
    struct unix_user *free = NULL;
    for (int i = 0; i < UNIX_USERS; i++) {
        if (unix_users[i].inflight > 0 && unix_users[i].uid == uid)
            return &unix_users[i];
        if (unix_users[i].inflight == 0 && free == NULL)
            free = &unix_users[i];
    }
    if (free != NULL)
        free->uid = uid;
    return free;
}

/* Whether the caller has too many files in flight to pass more: more
 * than its RLIMIT_NOFILE, unless it has CAP_SYS_RESOURCE or
 * CAP_SYS_ADMIN (Linux's too_many_unix_fds). unix_lock held. */
static bool
unix_too_many_fds(void)
{
    struct proc *p = proc_current();
    if (capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN))
        return false;
    struct rlimit r;
    struct unix_user *e = unix_user(p->cred.uid);
    return e == NULL || (rlimit_get(p, RLIMIT_NOFILE, &r) == 0 &&
                         (uint64_t)e->inflight > r.rlim_cur);
}

/**
 * @brief The files of @p m leave flight: the sockets among them count
 *        one in-flight reference fewer, and so does its sender's user.
 * @param m the message
 * @pre unix_lock held
 */
void
unix_msg_unflight(struct unix_msg *m)
{
    for (int i = 0; i < m->nfp; i++) {
        struct unix_sock *s = unix_from_file(m->fp[i]);
        if (s != NULL)
            s->inflight--;
    }
    struct unix_user *e = m->nfp > 0 ? unix_user(m->uid) : NULL;
    if (e != NULL)
        e->inflight -= m->nfp;
}

/**
 * @brief Free a message taken off its queue: the sender gets its
 *        buffer room back, the files go on @p puts.
 * @param m    the message
 * @param puts where a message with files waits for unix_put_files()
 * @pre unix_lock held
 */
void
unix_msg_free(struct unix_msg *m, struct list_node *puts)
{
    if (m->from != NULL) {
        m->from->wmem -= m->truesize;
        unix_wake(m->from);
        unix_sock_put(m->from);
        m->from = NULL;
    }
    unix_msg_unflight(m);
    if (m->nfp > 0)
        list_push_back(puts, &m->link);
    else
        kfree(m);
}

/**
 * @brief Take @p m off @p u's queue.
 * @param u the receiving socket
 * @param m a message on its queue
 * @pre unix_lock held
 */
void
unix_dequeue(struct unix_sock *u, struct unix_msg *m)
{
    list_remove(&m->link);
    u->rx_bytes -= m->len - m->off;
    u->rx_count--;
}

/**
 * @brief Free every message queued on @p u (it is released, or the
 *        collector found it unreachable).
 * @param u    the socket
 * @param puts receives the messages that hold files
 * @pre unix_lock held
 */
void
unix_purge(struct unix_sock *u, struct list_node *puts)
{
    while (!list_empty(&u->rx)) {
        struct unix_msg *m = list_entry(u->rx.next, struct unix_msg, link);
        unix_dequeue(u, m);
        unix_msg_free(m, puts);
    }
}

/* Put @p n file references. */
static void
unix_put_fp(struct file **fp, int n)
{
    for (int i = 0; i < n; i++)
        file_put(fp[i]);
    kfree(fp);
}

/** Messages whose files wait to be put, and whether a thread is at it. */
static struct list_node unix_deferred = LIST_INIT(unix_deferred);
static struct spinlock unix_defer_lock = SPINLOCK_INIT("unix_defer");
static bool unix_draining;

/**
 * @brief Put the files of the messages on @p puts and free them.
 *
 * Putting a file may release a socket whose queue holds more files,
 * whose release puts more: a chain of sockets passed inside each other
 * would recurse as deep as it is long, and overflow the kernel stack.
 * So the messages join one list, and only the first caller drains it,
 * in a loop; a nested (or concurrent) caller only adds to it and
 * returns, its files are put by the thread already draining.
 * @param puts messages from unix_msg_free(), emptied
 * @pre unix_lock not held
 */
// [unix_put_files]
void
unix_put_files(struct list_node *puts)
{
    irqflags_t f = spin_lock_irqsave(&unix_defer_lock);
    while (!list_empty(puts)) {
        struct list_node *n = puts->next;
        list_remove(n);
        list_push_back(&unix_deferred, n);
    }
    if (unix_draining) {
        spin_unlock_irqrestore(&unix_defer_lock, f);
        return;
    }
    unix_draining = true;
    while (!list_empty(&unix_deferred)) {
        struct unix_msg *m =
            list_entry(unix_deferred.next, struct unix_msg, link);
        list_remove(&m->link);
        spin_unlock_irqrestore(&unix_defer_lock, f);
        unix_put_fp(m->fp, m->nfp);
        kfree(m);
        f = spin_lock_irqsave(&unix_defer_lock);
    }
    unix_draining = false;
    spin_unlock_irqrestore(&unix_defer_lock, f);
}
// [unix_put_files]

/* ---- control messages in ---------------------------------------------- */

/* SCM_RIGHTS: reference the files of @p n descriptors at @p fds. */
static int
unix_scm_fds(struct unix_scm *scm, const int *fds, size_t n)
{
    if (n == 0)
        return 0;
    if (n > SCM_MAX_FD || scm->nfp + (int)n > SCM_MAX_FD)
        return -EINVAL;
    struct file **fp = kmalloc((size_t)(scm->nfp + (int)n) * sizeof *fp);
    if (fp == NULL)
        return -ENOMEM;
    for (int i = 0; i < scm->nfp; i++)
        fp[i] = scm->fp[i];
    kfree(scm->fp);
    scm->fp = fp;
    for (size_t i = 0; i < n; i++) {
        int fd;
        memcpy(&fd, &fds[i], sizeof fd);
        struct file *f = fd_get(fd);
        if (f == NULL)
            return -EBADF;
        scm->fp[scm->nfp++] = f;
    }
    return 0;
}

/* SCM_CREDENTIALS: the sender says who it is, and must be telling the
 * truth unless it is root (Linux's scm_check_creds). */
static int
unix_scm_cred(struct unix_scm *scm, const void *data, size_t len)
{
    if (len != sizeof(struct ucred))
        return -EINVAL;
    struct ucred c;
    memcpy(&c, data, sizeof c);
    if (c.uid == (uint32_t)-1 || c.gid == (uint32_t)-1)
        return -EINVAL;
    const struct proc *p = proc_current();
    const struct cred *k = &p->cred;
    if ((c.pid != p->pid && !capable(CAP_SYS_ADMIN)) ||
        (c.uid != k->uid && c.uid != k->euid && c.uid != k->suid &&
         !capable(CAP_SETUID)) ||
        (c.gid != k->gid && c.gid != k->egid && c.gid != k->sgid &&
         !capable(CAP_SETGID)))
        return -EPERM;
    scm->cred = c;
    return 0;
}

/* Parse sendmsg's control buffer as Linux's __scm_send: every header
 * must fit (-EINVAL), other levels are skipped, unknown SOL_SOCKET
 * types are -EINVAL. */
static int
unix_scm_parse(struct unix_scm *scm, const unsigned char *ctl, size_t len)
{
    struct proc *p = proc_current();
    scm->cred = (struct ucred){p->pid, p->cred.uid, p->cred.gid};
    size_t off = 0;
    while (len - off >= sizeof(struct cmsghdr)) {
        struct cmsghdr h;
        memcpy(&h, ctl + off, sizeof h);
        if (h.cmsg_len < sizeof h || h.cmsg_len > len - off)
            return -EINVAL;
        const unsigned char *data = ctl + off + sizeof h;
        size_t dlen = h.cmsg_len - sizeof h;
        int err = 0;
        if (h.cmsg_level != SOL_SOCKET)
            err = 0;
        else if (h.cmsg_type == SCM_RIGHTS)
            err = unix_scm_fds(scm, (const int *)data, dlen / sizeof(int));
        else if (h.cmsg_type == SCM_CREDENTIALS)
            err = unix_scm_cred(scm, data, dlen);
        else
            err = -EINVAL;
        if (err < 0)
            return err;
        off += CMSG_ALIGN(h.cmsg_len);
        if (off > len)
            break;
    }
    return 0;
}

/* ---- sending ------------------------------------------------------------ */

/* A message of @p len bytes from @p it, with @p scm's files (moved into
 * it) when @p fp; NULL: -ENOMEM or -EFAULT in *err. */
static struct unix_msg *
unix_msg_new(struct unix_sock *u, struct sock_iter *it, size_t len,
             struct unix_scm *scm, bool fp, int *err)
{
    if (fp && scm->nfp > 0 && unix_too_many_fds()) {
        *err = -ETOOMANYREFS;
        return NULL;
    }
    struct unix_msg *m = kzalloc(sizeof *m + (len ? len : 1));
    *err = -ENOMEM;
    if (m == NULL)
        return NULL;
    *err = iter_from_user(it, m->data, len);
    if (*err < 0) {
        kfree(m);
        return NULL;
    }
    m->len = len;
    m->addr = u->addr;
    m->cred = scm->cred;
    m->has_cred = true;
    if (fp && scm->nfp > 0) {
        m->fp = scm->fp, m->nfp = scm->nfp;
        m->uid = proc_current()->cred.uid;
        scm->fp = NULL, scm->nfp = 0;
    }
    return m;
}

// [unix_enqueue]
/* Queue @p m from @p u on @p to, and wake its readers. */
static void
unix_enqueue(struct unix_sock *u, struct unix_sock *to, struct unix_msg *m)
{
    m->from = u;
    u->refs++;
    m->truesize = sizeof *m + m->len + (size_t)m->nfp * sizeof(struct file *) +
                  UNIX_MSG_OVERHEAD;
    u->wmem += m->truesize;
    for (int i = 0; i < m->nfp; i++) {
        struct unix_sock *s = unix_from_file(m->fp[i]);
        if (s != NULL)
            s->inflight++;
    }
    struct unix_user *e = m->nfp > 0 ? unix_user(m->uid) : NULL;
    if (e != NULL) // full table: the files are not counted, as never
        e->inflight += m->nfp; // checked (unix_too_many_fds() refused)
    list_push_back(&to->rx, &m->link);
    to->rx_bytes += m->len;
    to->rx_count++;
    unix_wake(to);
}
// [unix_enqueue]

/* Wait until @p u may queue more (its unread bytes under SO_SNDBUF):
 * 0, -EPIPE (it was shut down meanwhile), -EAGAIN, -EINTR. */
static int
unix_wait_wmem(struct unix_sock *u, bool nonblock)
{
    while (u->wmem >= u->sndbuf) {
        if (u->shut & SHUT_SEND)
            return -EPIPE;
        int err = unix_wait(u, nonblock, u->sndtimeo_ns);
        if (err < 0)
            return err;
    }
    return u->shut & SHUT_SEND ? -EPIPE : 0;
}

/* A stream's send: as many messages as the bytes need. */
static long
unix_stream_send(struct unix_sock *u, struct sock_iter *it, bool has_to,
                 bool nonblock, struct unix_scm *scm)
{
    if (has_to)
        return u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    if (u->peer == NULL)
        return -ENOTCONN;
    if (u->shut & SHUT_SEND)
        return -EPIPE;
    size_t sent = 0;
    long err = 0;
    bool first = true;
    while (it->left > 0) { // no bytes, no message (and no files: Linux)
        err = unix_wait_wmem(u, nonblock);
        struct unix_sock *p = u->peer;
        if (err == 0 && (p == NULL || p->dead || (p->shut & SHUT_RCV)))
            err = -EPIPE;
        if (err < 0)
            break;
        size_t n = it->left;
        size_t max = (u->sndbuf >> 1) - 64;
        n = n > max ? max : n;
        n = n > UNIX_STREAM_CHUNK ? UNIX_STREAM_CHUNK : n;
        int e;
        struct unix_msg *m = unix_msg_new(u, it, n, scm, first, &e);
        if (m == NULL) {
            err = e;
            break;
        }
        unix_enqueue(u, p, m);
        sent += n;
        first = false;
    }
    return sent > 0 ? (long)sent : err;
}

/* The receiver of a datagram: the peer, or the socket named @p to
 * (referenced); NULL with *err. */
static struct unix_sock *
unix_dgram_target(struct unix_sock *u, const struct sockaddr_storage *to,
                  unsigned tolen, int *err)
{
    struct unix_sock *p = NULL;
    if (to != NULL && u->type == SOCK_DGRAM) {
        p = unix_find(to, tolen, u->type, err);
    } else if (u->peer != NULL) {
        p = u->peer;
        p->refs++;
    } else {
        *err = -ENOTCONN;
    }
    return p;
}

/**
 * @brief Whether @p p's queue is too full for datagrams from @p u: more
 *        than UNIX_DGRAM_QLEN, unless @p p is @p u or connected back to it.
 * @param u the sender
 * @param p the receiver
 * @return true: @p u must wait (or say -EAGAIN)
 * @pre unix_lock held
 */
bool
unix_dgram_full(const struct unix_sock *u, const struct unix_sock *p)
{
    return p != u && p->peer != u && p->rx_count > UNIX_DGRAM_QLEN;
}

/* Whether @p u may send to @p p now: 0, or -errno for an error that
 * waiting would not cure, or 1: @p p's queue is full. */
static int
unix_dgram_may_send(struct unix_sock *u, struct unix_sock *p)
{
    if (p->dead) {
        if (u->type == SOCK_SEQPACKET)
            return -EPIPE;
        if (u->peer == p) { // forget it, as Linux does, once
            u->peer = NULL;
            u->state = UNIX_UNCONNECTED;
            unix_sock_put(p);
        }
        return -ECONNREFUSED;
    }
    if (p->peer != NULL && p->peer != u)
        return -EPERM; // it hears only from its own peer
    if (p->shut & SHUT_RCV)
        return -EPIPE;
    if (unix_dgram_full(u, p))
        return 1;
    return 0;
}

/* A datagram's or record's send: one message. */
static long
unix_dgram_send(struct unix_sock *u, struct sock_iter *it,
                const struct sockaddr_storage *to, unsigned tolen,
                bool nonblock, struct unix_scm *scm)
{
    size_t len = it->left;
    if (u->type == SOCK_SEQPACKET && u->state != UNIX_CONNECTED)
        return -ENOTCONN;
    if (to == NULL && u->peer == NULL)
        return -ENOTCONN;
    if (u->passcred && u->addr.len == 0)
        unix_autobind(u);
    if (len > u->sndbuf - 32)
        return -EMSGSIZE;
    int err = unix_wait_wmem(u, nonblock);
    if (u->type == SOCK_SEQPACKET && err == -EPIPE)
        return -EPIPE;
    struct unix_sock *p =
        err < 0 ? NULL : unix_dgram_target(u, to, tolen, &err);
    while (p != NULL && (err = unix_dgram_may_send(u, p)) == 1) {
        err = unix_wait(p, nonblock, u->sndtimeo_ns);
        if (err < 0)
            break;
    }
    if (p != NULL && err == 0) {
        struct unix_msg *m = unix_msg_new(u, it, len, scm, true, &err);
        if (m != NULL)
            unix_enqueue(u, p, m);
    }
    if (p != NULL)
        unix_sock_put(p);
    return err < 0 ? err : (long)len;
}

/**
 * @brief sendmsg on a local socket.
 * @param u        the socket
 * @param it       the user's bytes
 * @param to       the destination (a datagram socket's), or NULL
 * @param tolen    its length
 * @param flags    MSG_NOSIGNAL, MSG_DONTWAIT, ...
 * @param nonblock the call must not block
 * @param ctl      the control buffer, copied in, or NULL
 * @param ctllen   its length
 * @return bytes sent; -EINVAL (bad control message, address), -EBADF
 *         (a passed descriptor), -EPERM (false credentials), -EMSGSIZE,
 *         -ENOTCONN, -EISCONN, -EOPNOTSUPP, -EPIPE (a stream raises
 *         SIGPIPE unless MSG_NOSIGNAL), -ECONNREFUSED, -ENOENT, -EAGAIN,
 *         -EINTR, -EFAULT, -ENOBUFS (control buffer too long)
 */
long
unix_send(struct unix_sock *u, struct sock_iter *it,
          const struct sockaddr_storage *to, unsigned tolen, int flags,
          bool nonblock, const void *ctl, size_t ctllen)
{
    nonblock = nonblock || (flags & MSG_DONTWAIT);
    struct unix_scm scm = {0};
    long err =
        ctllen > UNIX_OPTMEM_MAX ? -ENOBUFS : unix_scm_parse(&scm, ctl, ctllen);
    if (err == 0 && (flags & MSG_OOB))
        err = -EOPNOTSUPP;
    if (err == 0 && to != NULL && u->type == SOCK_DGRAM)
        err = unix_check_addr(to, tolen);
    if (err == 0) {
        mutex_lock(&unix_lock);
        if (u->type == SOCK_STREAM)
            err = unix_stream_send(u, it, to != NULL, nonblock, &scm);
        else
            err = unix_dgram_send(u, it, to, tolen, nonblock, &scm);
        mutex_unlock(&unix_lock);
    }
    unix_put_fp(scm.fp, scm.nfp); // what no message took
    if (err == -EPIPE && u->type == SOCK_STREAM && !(flags & MSG_NOSIGNAL))
        signal_raise(SIGPIPE);
    return err;
}
