/**
 * @file
 * @ingroup net
 * @brief TCP sockets on lwIP's raw API.
 *
 * lwIP's raw TCP API is event-driven: the socket layer calls tcp_bind,
 * tcp_listen, tcp_connect, tcp_write and tcp_close on a pcb, and lwIP
 * calls back when something happens to it:
 *
 * | callback          | when                         | what Keel does          |
 * |-------------------|------------------------------|-------------------------|
 * | accept            | a connection is established  | queue a new socket      |
 * | connected         | our SYN was answered         | state CONNECTED         |
 * | recv (data)       | bytes arrived in order       | chain them on `rx`      |
 * | recv (NULL)       | the peer sent FIN            | rx_eof: reads return 0  |
 * | sent              | bytes were acknowledged      | writers may go on       |
 * | err               | reset or aborted; pcb freed  | remember the error      |
 *
 * Every callback runs with net_lock held, in whichever thread made lwIP
 * run (netd for a card's frames and timers, a socket call for loopback
 * traffic): it only changes the socket and wakes its queue; the
 * sleeping system call then looks at the socket again.
 *
 * Flow control is lwIP's: a receiver tells it with tcp_recved() how many
 * bytes a read took, which reopens the window; bytes that no one reads
 * keep it shut, and the peer stops sending. Closing a socket with bytes
 * unread makes lwIP answer with a reset, as Linux does.
 */
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "net/net.h"
#include "sock.h"
#include "uapi/errno.h"
#include "uapi/poll.h"

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

/** Linux's POLLRDHUP: the peer shut its writing side. */
#define POLLRDHUP 0x2000
/** Half-open connections a listener takes beside its backlog (Linux's
 *  SYN queue, tcp_max_syn_backlog, is at least 128). */
#define TCP_SYN_QUEUE 128
/** Bytes copied from user memory per tcp_write. */
#define TCP_CHUNK 16384
/** TCP_FASTOPEN's longest queue: Linux caps it at net.core.somaxconn. */
#define FASTOPEN_MAX 4096

/* User bytes on their way into lwIP (net_lock makes one buffer enough). */
static uint8_t tcp_bounce[TCP_CHUNK];

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
                         err_t err);
static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len);
static void tcp_err_cb(void *arg, err_t err);

/* Remember @p pcb's addresses in @p s, for when it is gone. */
static void
tcp_note_addrs(struct socket *s, const struct tcp_pcb *pcb)
{
    s->local.sin_family = AF_INET;
    s->local.sin_addr = ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip));
    s->local.sin_port = lwip_htons(pcb->local_port);
    s->peer.sin_family = AF_INET;
    s->peer.sin_addr = ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip));
    s->peer.sin_port = lwip_htons(pcb->remote_port);
}

/* Point @p pcb's callbacks at @p s. */
static void
tcp_hook(struct socket *s, struct tcp_pcb *pcb)
{
    tcp_arg(pcb, s);
    tcp_recv(pcb, tcp_recv_cb);
    tcp_sent(pcb, tcp_sent_cb);
    tcp_err(pcb, tcp_err_cb);
}

/* Cut @p s from its pcb: lwIP finishes the connection on its own. */
static void
tcp_unhook(struct socket *s)
{
    struct tcp_pcb *pcb = s->pcb;
    if (pcb == NULL)
        return;
    if (pcb->state != LISTEN) {
        tcp_note_addrs(s, pcb);
        tcp_recv(pcb, NULL); // lwIP's default: acknowledge and drop
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
    } else {
        tcp_accept(pcb, NULL);
    }
    tcp_arg(pcb, NULL);
    s->pcb = NULL;
}

/* ---- lwIP's callbacks ------------------------------------------------- */

/**
 * @brief lwIP's hook on each segment for a connection: drop an empty
 *        ACK that says nothing new while our receive window is closed.
 *
 * lwIP 2.1's tcp_receive() acknowledges every segment that does not
 * start inside the receive window, and with the window at zero no
 * segment does, not even an empty ACK at exactly the next sequence
 * number. When both ends of a loopback connection have full receive
 * buffers (each reader busy writing, as an echo server is), one such
 * ACK is answered by the other end, whose answer is answered in turn:
 * an endless exchange that netif_poll() delivers in one call, holding
 * net_lock, with every other thread of the stack waiting for it. Linux
 * answers an out-of-window segment too, but rate-limits the answers
 * (net.ipv4.tcp_invalid_ratelimit); lwIP has no such limit, and its
 * source is used unmodified.
 *
 * The segment dropped here changes nothing lwIP keeps: no data, no
 * flag but ACK, the next sequence number we expect, an acknowledgement
 * of what was already acknowledged with nothing in flight (so it is
 * no duplicate ACK that fast retransmit counts), and the window we
 * already know. A window update, a zero-window probe (one byte of
 * data) and a keep-alive (one sequence number back) all pass.
 * @param pcb the connection
 * @param hdr the segment's header, already in host byte order
 * @param p   the segment's data (the header removed)
 * @return ERR_OK to process it, ERR_VAL to drop it
 * @pre net_lock held (lwIP's input path)
 */
int
tcp_drop_noop_ack(const struct tcp_pcb *pcb, const struct tcp_hdr *hdr,
                  const struct pbuf *p)
{
    if (pcb->state == LISTEN || pcb->state == TIME_WAIT)
        return ERR_OK;
    bool noop = pcb->rcv_wnd == 0 && p->tot_len == 0 &&
                TCPH_FLAGS(hdr) == TCP_ACK && hdr->seqno == pcb->rcv_nxt &&
                hdr->ackno == pcb->lastack && pcb->unacked == NULL &&
                (tcpwnd_size_t)SND_WND_SCALE(pcb, hdr->wnd) == pcb->snd_wnd;
    return noop ? ERR_VAL : ERR_OK;
}

// [tcp_recv_cb]
/* Data arrived, or the peer's FIN (p NULL). */
static err_t
tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct socket *s = arg;
    (void)err;
    if (p == NULL) {
        s->rx_eof = true;
        // both sides have sent FIN: lwIP keeps the pcb in TIME_WAIT and
        // frees it with no callback, so let it go now
        if (s->shut & SHUT_SEND) {
            tcp_unhook(s);
            s->state = SOCK_CLOSED;
        }
    } else {
        if (s->rx == NULL)
            s->rx = p;
        else
            pbuf_cat(s->rx, p);
        s->rx_bytes += p->tot_len;
    }
    (void)pcb;
    net_wake(&s->wq);
    return ERR_OK;
}
// [tcp_recv_cb]

/* Bytes were acknowledged: there is room to send again. */
static err_t
tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct socket *s = arg;
    (void)pcb;
    (void)len;
    net_wake(&s->wq);
    return ERR_OK;
}

/* The pcb is gone (lwIP freed it): reset, aborted, closed, timed out. */
static void
tcp_err_cb(void *arg, err_t err)
{
    struct socket *s = arg;
    if (s == NULL)
        return;
    s->pcb = NULL;
    if (s->state == SOCK_CONNECTING)
        s->error = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
    else if (err == ERR_RST && s->rx_eof)
        s->error = EPIPE; // reset in CLOSE_WAIT: Linux's tcp_reset says so
    else if (err == ERR_RST)
        s->error = ECONNRESET;
    else if (err == ERR_ABRT)
        s->error = ETIMEDOUT; // retransmissions or keepalives gave up
    else if (err != ERR_CLSD)
        s->error = -sock_lwip_errno(err);
    s->state = SOCK_CLOSED;
    s->shut = SHUT_RCV | SHUT_SEND;
    net_wake(&s->wq);
}

/* Our SYN was answered. */
static err_t
tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct socket *s = arg;
    (void)err;
    s->state = SOCK_CONNECTED;
    s->was_connected = true;
    tcp_note_addrs(s, pcb);
    net_wake(&s->wq);
    return ERR_OK;
}

// >>> exercise 7.2 accept
/* A connection to a listening socket is established: queue a socket
 * for accept(). Until accept() takes it, it counts against the
 * listener's backlog (tcp_backlog_delayed). */
static err_t
tcp_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct socket *l = arg;
    if (err != ERR_OK || pcb == NULL || l == NULL)
        return ERR_VAL;
    struct socket *s = sock_alloc(l->type, l->protocol, l->proto);
    if (s == NULL)
        return ERR_MEM; // lwIP aborts the connection
    s->pcb = pcb;
    s->state = SOCK_CONNECTED;
    s->was_connected = true;
    s->reuseaddr = l->reuseaddr;
    s->keepalive = l->keepalive;
    s->nodelay = l->nodelay;
    s->rcvbuf = l->rcvbuf;
    s->sndbuf = l->sndbuf;
    tcp_note_addrs(s, pcb);
    tcp_hook(s, pcb);
    if (s->nodelay)
        tcp_nagle_disable(pcb);
    tcp_backlog_delayed(pcb);
    list_push_back(&l->accept_q, &s->accept_link);
    l->accept_len++;
    net_wake(&l->wq);
    return ERR_OK;
}

/* accept(): take the oldest connection off the queue, waiting for one;
 * from now on it no longer counts against the backlog. */
static int
tcp_accept_(struct socket *s, struct socket **out, bool nonblock)
{
    (void)nonblock; // s->nonblock says the same
    if (s->state != SOCK_LISTENING)
        return -EINVAL;
    while (list_empty(&s->accept_q)) {
        int err = sock_wait(s, s->rcvtimeo_ns);
        if (err < 0)
            return err;
        if (s->state != SOCK_LISTENING)
            return -EINVAL;
    }
    struct socket *c = list_entry(s->accept_q.next, struct socket, accept_link);
    list_remove(&c->accept_link);
    s->accept_len--;
    if (c->pcb != NULL)
        tcp_backlog_accepted(c->pcb);
    *out = c;
    return 0;
}
// === stub: no connection is ever queued, and accept() has none to give
// static err_t
// tcp_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
// {
//     (void)arg, (void)pcb, (void)err;
//     return ERR_VAL; // TODO(7.2): lwIP resets the connection
// }
//
// static int
// tcp_accept_(struct socket *s, struct socket **out, bool nonblock)
// {
//     (void)s, (void)out, (void)nonblock;
//     return -EOPNOTSUPP; // TODO(7.2)
// }
// <<< exercise 7.2 accept

/* ---- the calls ---------------------------------------------------------- */

/* socket(): a pcb now, so options and bind have one to act on. */
static int
tcp_create(struct socket *s)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (pcb == NULL)
        return -ENOMEM;
    s->pcb = pcb;
    tcp_hook(s, pcb);
    s->local.sin_family = AF_INET;
    return 0;
}

/* SO_REUSEADDR, SO_KEEPALIVE and TCP_NODELAY onto the pcb. */
static void
tcp_sync_options(struct socket *s)
{
    struct tcp_pcb *pcb = s->pcb;
    if (pcb == NULL)
        return;
    if (s->reuseaddr)
        ip_set_option(pcb, SOF_REUSEADDR);
    else
        ip_reset_option(pcb, SOF_REUSEADDR);
    if (pcb->state == LISTEN)
        return; // a listen pcb is smaller: no keepalive, no flags
    if (s->keepalive)
        ip_set_option(pcb, SOF_KEEPALIVE);
    else
        ip_reset_option(pcb, SOF_KEEPALIVE);
    if (s->nodelay)
        tcp_nagle_disable(pcb);
    else
        tcp_nagle_enable(pcb);
}

/* A connection that failed leaves no pcb: make a new one to try again
 * (Linux lets a socket connect again after ECONNREFUSED). */
static int
tcp_revive(struct socket *s)
{
    if (s->pcb != NULL)
        return 0;
    int err = tcp_create(s);
    if (err == 0) {
        s->state = SOCK_UNCONNECTED;
        s->shut = 0;
        s->rx_eof = false;
        tcp_sync_options(s);
    }
    return err;
}

static int
tcp_bind_(struct socket *s, const struct sockaddr_in *a)
{
    struct tcp_pcb *pcb = s->pcb;
    if (pcb == NULL || pcb->local_port != 0 || s->state != SOCK_UNCONNECTED)
        return -EINVAL;
    ip_addr_t ip;
    ip_addr_set_ip4_u32(&ip, a->sin_addr);
    int err = sock_lwip_errno(tcp_bind(pcb, &ip, lwip_ntohs(a->sin_port)));
    if (err == 0)
        tcp_note_addrs(s, pcb);
    return err;
}

static int
tcp_listen_(struct socket *s, int backlog)
{
    if (s->state == SOCK_LISTENING) {
        s->backlog = backlog; // Linux lets listen() change the backlog
        return 0;
    }
    if (s->state != SOCK_UNCONNECTED || s->pcb == NULL)
        return -EINVAL;
    struct tcp_pcb *pcb = s->pcb;
    if (pcb->local_port == 0) { // Linux binds to a free port first
        int err = sock_lwip_errno(tcp_bind(pcb, IP4_ADDR_ANY, 0));
        if (err < 0)
            return err;
    }
    // lwIP counts half-open connections and those accept() has not
    // taken against one limit, a u8_t; Linux keeps the half-open ones
    // apart (its SYN queue, 128 and more) and lets backlog + 1 wait for
    // accept(). Room for both, within lwIP's 255.
    if (backlog < 0)
        backlog = 0;
    int room = backlog + 1 + TCP_SYN_QUEUE;
    u8_t lb = room >= 255 ? 255 : (u8_t)room;
    err_t e;
    struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(pcb, lb, &e);
    if (lpcb == NULL)
        return sock_lwip_errno(e);
    s->pcb = lpcb; // the old pcb is freed
    s->backlog = backlog;
    s->state = SOCK_LISTENING;
    tcp_arg(lpcb, s);
    tcp_accept(lpcb, tcp_accept_cb);
    tcp_note_addrs(s, lpcb);
    return 0;
}

static int
tcp_connect_(struct socket *s, const struct sockaddr_in *a, bool nonblock)
{
    if (s->state == SOCK_CONNECTING)
        return -EALREADY;
    if (s->connect_unseen) { // a non-blocking connect finished: say so
        s->connect_unseen = false;
        if (s->state == SOCK_CONNECTED)
            return 0;
    }
    // once connected, always "connected" for connect(), as Linux's
    // SS_CONNECTED outlives the connection
    if (s->state == SOCK_CONNECTED || s->state == SOCK_LISTENING ||
        s->was_connected)
        return -EISCONN;
    int err = tcp_revive(s);
    if (err < 0)
        return err;
    s->error = 0;
    ip_addr_t ip;
    ip_addr_set_ip4_u32(&ip, a->sin_addr);
    err = sock_lwip_errno(
        tcp_connect(s->pcb, &ip, lwip_ntohs(a->sin_port), tcp_connected_cb));
    if (err < 0)
        return err;
    s->state = SOCK_CONNECTING;
    tcp_note_addrs(s, s->pcb);
    if (nonblock) {
        s->connect_unseen = true;
        return -EINPROGRESS;
    }
    while (s->state == SOCK_CONNECTING) {
        err = sock_wait(s, s->sndtimeo_ns);
        if (err == -EAGAIN)
            return -EINPROGRESS; // SO_SNDTIMEO ran out, as on Linux
        if (err < 0)
            return err;
    }
    if (s->state != SOCK_CONNECTED) {
        err = -s->error;
        s->error = 0;
        return err != 0 ? err : -ECONNREFUSED;
    }
    return 0;
}

/* Copy up to it->left queued bytes out (all of them with MSG_PEEK
 * left in place): the count, or -EFAULT when none could be copied. */
static long
tcp_copy_out(struct socket *s, struct sock_iter *it, int flags)
{
    size_t want = it->left < s->rx_bytes ? it->left : s->rx_bytes;
    size_t done = 0;
    for (struct pbuf *q = s->rx; q != NULL && done < want; q = q->next) {
        size_t n = q->len < want - done ? q->len : want - done;
        size_t before = it->left;
        if (iter_to_user(it, q->payload, n) < 0) {
            done += before - it->left;
            if (done == 0)
                return -EFAULT;
            break;
        }
        done += n;
    }
    if (!(flags & MSG_PEEK) && done > 0) {
        size_t left = done;
        while (left > 0) {
            u16_t step = left > 0xffff ? 0xffff : (u16_t)left;
            s->rx = pbuf_free_header(s->rx, step);
            if (s->pcb != NULL)
                tcp_recved(s->pcb, step); // the window opens again
            left -= step;
        }
        s->rx_bytes -= done;
    }
    return (long)done;
}

/* recv(): wait for bytes, the peer's FIN, or an error. */
static long
tcp_recv_(struct socket *s, struct sock_iter *it, struct sockaddr_in *from,
          int *flags)
{
    (void)from; // a stream's recvfrom gives no address
    if (s->state == SOCK_LISTENING ||
        (s->state == SOCK_UNCONNECTED && !s->was_connected))
        return -ENOTCONN;
    long got = 0;
    for (;;) {
        if (s->rx_bytes > 0 && it->left == 0)
            return 0; // Linux waits for a byte even to read none of it
        if (s->rx_bytes > 0) {
            long n = tcp_copy_out(s, it, *flags);
            if (n < 0)
                return got > 0 ? got : n;
            got += n;
            if (!(*flags & MSG_WAITALL) || it->left == 0 || (*flags & MSG_PEEK))
                return got;
            continue;
        }
        if (got > 0 && (s->rx_eof || s->error != 0))
            return got;
        if (s->error != 0) {
            int e = s->error;
            s->error = 0;
            return -e;
        }
        if (s->rx_eof || (s->shut & SHUT_RCV) || s->pcb == NULL)
            return got;
        if (s->state == SOCK_CONNECTING && s->nonblock)
            return -EAGAIN;
        int err = sock_wait(s, s->rcvtimeo_ns);
        if (err < 0)
            return got > 0 ? got : err;
    }
}

/* Room for one more tcp_write, in bytes (0: wait for acknowledgements). */
static size_t
tcp_room(struct tcp_pcb *pcb)
{
    if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 2)
        return 0;
    size_t room = tcp_sndbuf(pcb);
    return room < TCP_CHUNK ? room : TCP_CHUNK;
}

/* send(): copy into lwIP's queue as room allows, waiting for more. */
static long
tcp_send_(struct socket *s, struct sock_iter *it, const struct sockaddr_in *to,
          int flags)
{
    (void)to; // Linux ignores a stream's destination once connected
    long sent = 0;
    while (it->left > 0 || sent == 0) {
        if (s->error != 0) {
            int e = s->error;
            s->error = 0;
            return sent > 0 ? sent : -e;
        }
        if (s->state == SOCK_CONNECTING) {
            if (s->nonblock)
                return -EAGAIN;
        } else if (s->state != SOCK_CONNECTED || (s->shut & SHUT_SEND) ||
                   s->pcb == NULL) {
            return sent > 0 ? sent : -EPIPE;
        }
        if (it->left == 0)
            return 0;
        size_t room = s->state == SOCK_CONNECTED ? tcp_room(s->pcb) : 0;
        if (room == 0) {
            if (s->pcb != NULL)
                tcp_output(s->pcb);
            int err = sock_wait(s, s->sndtimeo_ns);
            if (err < 0)
                return sent > 0 ? sent : err;
            continue;
        }
        size_t n = it->left < room ? it->left : room;
        if (iter_from_user(it, tcp_bounce, n) < 0)
            return sent > 0 ? sent : -EFAULT;
        u8_t wf = TCP_WRITE_FLAG_COPY;
        if ((flags & MSG_MORE) || it->left > 0)
            wf |= TCP_WRITE_FLAG_MORE;
        err_t e = tcp_write(s->pcb, tcp_bounce, (u16_t)n, wf);
        if (e != ERR_OK) // out of memory: give back what was not queued
            return sent > 0 ? sent : sock_lwip_errno(e);
        sent += (long)n;
        if (!(flags & MSG_MORE))
            tcp_output(s->pcb);
    }
    return sent;
}

static int
tcp_shutdown_(struct socket *s, int how)
{
    if (s->state != SOCK_CONNECTED && s->state != SOCK_CLOSED &&
        s->state != SOCK_CONNECTING)
        return -ENOTCONN;
    if (s->state == SOCK_CLOSED && !s->was_connected)
        return -ENOTCONN;
    if (how != SHUT_WR)
        s->shut |= SHUT_RCV; // reads end; lwIP keeps acknowledging
    if (how != SHUT_RD && !(s->shut & SHUT_SEND)) {
        s->shut |= SHUT_SEND;
        if (s->pcb != NULL) {
            struct tcp_pcb *pcb = s->pcb;
            tcp_shutdown(pcb, 0, 1); // our FIN, after what is queued
            if (s->rx_eof) {         // and theirs came already: lwIP takes over
                tcp_unhook(s);
                s->state = SOCK_CLOSED;
            }
        }
    }
    net_wake(&s->wq);
    return 0;
}

static int
tcp_getname(struct socket *s, struct sockaddr_in *a, bool peer)
{
    if (s->pcb != NULL && s->state != SOCK_CLOSED)
        tcp_note_addrs(s, s->pcb);
    if (peer) {
        if (s->state != SOCK_CONNECTED &&
            !(s->state == SOCK_CLOSED && s->was_connected))
            return -ENOTCONN;
        *a = s->peer;
    } else {
        *a = s->local;
    }
    a->sin_family = AF_INET;
    return 0;
}

/* The events poll() reports, as Linux's tcp_poll works them out. */
static unsigned
tcp_poll_(struct socket *s)
{
    if (s->state == SOCK_LISTENING)
        return list_empty(&s->accept_q) ? 0 : POLLIN | POLLRDNORM;
    unsigned mask = 0;
    bool closed = s->state == SOCK_CLOSED || s->state == SOCK_UNCONNECTED;
    if (s->shut == (SHUT_RCV | SHUT_SEND) || closed)
        mask |= POLLHUP;
    if (s->rx_eof || (s->shut & SHUT_RCV))
        mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (s->state != SOCK_CONNECTING) {
        if (s->rx_bytes > 0)
            mask |= POLLIN | POLLRDNORM;
        if (s->shut & SHUT_SEND)
            mask |= POLLOUT | POLLWRNORM;
        else if (closed ||
                 (s->pcb != NULL && tcp_room(s->pcb) >= TCP_SNDLOWAT / 2))
            mask |= POLLOUT | POLLWRNORM;
    }
    if (s->error != 0)
        mask |= POLLERR;
    return mask;
}

static long
tcp_pending(struct socket *s)
{
    if (s->state == SOCK_LISTENING)
        return -EINVAL;
    return (long)s->rx_bytes;
}

/* TCP_NODELAY, the keepalive times and TCP_FASTOPEN (IPPROTO_TCP level). */
static int
tcp_option(struct socket *s, int name, int *val, bool get)
{
    struct tcp_pcb *pcb = s->pcb;
    bool live = pcb != NULL && pcb->state != LISTEN;
    switch (name) {
    case TCP_NODELAY:
        if (get)
            *val = s->nodelay;
        else
            s->nodelay = *val != 0;
        break;
    case TCP_MAXSEG:
        if (get)
            *val = live ? tcp_mss(pcb) : TCP_MSS;
        break; // setting is accepted and ignored
    case TCP_KEEPIDLE:
    case TCP_KEEPINTVL:
    case TCP_KEEPCNT:
        if (!get && *val < 1)
            return -EINVAL;
        if (get)
            *val = !live                   ? 0
                   : name == TCP_KEEPIDLE  ? (int)(pcb->keep_idle / 1000)
                   : name == TCP_KEEPINTVL ? (int)(pcb->keep_intvl / 1000)
                                           : (int)pcb->keep_cnt;
        else if (live && name == TCP_KEEPIDLE)
            pcb->keep_idle = (u32_t)*val * 1000;
        else if (live && name == TCP_KEEPINTVL)
            pcb->keep_intvl = (u32_t)*val * 1000;
        else if (live)
            pcb->keep_cnt = (u32_t)*val;
        break;
    case TCP_FASTOPEN: // a listener's (or a future one's) queue length
        if (get)
            *val = s->fastopen;
        else if (*val < 0 || s->state == SOCK_CONNECTING ||
                 s->state == SOCK_CONNECTED)
            return -EINVAL;
        else
            s->fastopen = *val < FASTOPEN_MAX ? *val : FASTOPEN_MAX;
        break;
    default:
        return -ENOPROTOOPT;
    }
    tcp_sync_options(s);
    return 0;
}

/* Abort a connection no one accepted. */
static void
tcp_drop_unaccepted(struct socket *c)
{
    struct tcp_pcb *pcb = c->pcb;
    tcp_unhook(c);
    if (pcb != NULL)
        tcp_abort(pcb); // a reset to the peer
    if (c->rx != NULL)
        pbuf_free(c->rx);
    sock_free(c);
}

/* The file is closed. A listener's queued connections are reset; a
 * connection is closed gracefully (FIN after the queued bytes), or reset
 * when bytes are left unread or SO_LINGER says zero. */
static void
tcp_close_(struct socket *s)
{
    struct tcp_pcb *pcb = s->pcb;
    if (s->state == SOCK_LISTENING) {
        while (!list_empty(&s->accept_q)) {
            struct socket *c =
                list_entry(s->accept_q.next, struct socket, accept_link);
            list_remove(&c->accept_link);
            tcp_drop_unaccepted(c);
        }
    }
    tcp_unhook(s);
    if (pcb != NULL) {
        if (s->linger.l_onoff && s->linger.l_linger == 0 &&
            pcb->state != LISTEN)
            tcp_abort(pcb);
        else if (tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb); // no memory for the FIN: reset instead
    }
    if (s->rx != NULL)
        pbuf_free(s->rx);
    s->rx = NULL;
}

/** TCP: SOCK_STREAM over AF_INET. */
const struct sock_proto tcp_proto = {
    .create = tcp_create,
    .bind = tcp_bind_,
    .connect = tcp_connect_,
    .listen = tcp_listen_,
    .accept = tcp_accept_,
    .send = tcp_send_,
    .recv = tcp_recv_,
    .shutdown = tcp_shutdown_,
    .getname = tcp_getname,
    .poll = tcp_poll_,
    .pending = tcp_pending,
    .option = tcp_option,
    .sync_options = tcp_sync_options,
    .close = tcp_close_,
};

/* Linux's TCP state numbers (include/net/tcp_states.h), by lwIP's. */
static const int tcp_linux_state[] = {
    [CLOSED] = 7,      [LISTEN] = 10,    [SYN_SENT] = 2,   [SYN_RCVD] = 3,
    [ESTABLISHED] = 1, [FIN_WAIT_1] = 4, [FIN_WAIT_2] = 5, [CLOSE_WAIT] = 8,
    [CLOSING] = 11,    [LAST_ACK] = 9,   [TIME_WAIT] = 6,
};

/* Append the pcbs of one of lwIP's lists to @p out. */
static int
tcp_list(struct tcp_pcb *list, struct net_conn *out, int n, int max)
{
    for (struct tcp_pcb *p = list; p != NULL && n < max; p = p->next) {
        // a connection not yet accepted (SYN_RCVD) still carries its
        // listener's argument, which lwIP does not clear when the
        // listening socket is closed and freed: it has no socket of its
        // own yet (Linux shows inode 0 for it too)
        struct socket *s = p->state == SYN_RCVD ? NULL : p->callback_arg;
        struct net_conn *c = &out[n++];
        bool listen = p->state == LISTEN; // a smaller struct: no peer
        c->local = ip4_addr_get_u32(ip_2_ip4(&p->local_ip));
        c->remote = listen ? 0 : ip4_addr_get_u32(ip_2_ip4(&p->remote_ip));
        c->lport = p->local_port;
        c->rport = listen ? 0 : p->remote_port;
        c->state = tcp_linux_state[p->state];
        c->txq = listen ? 0 : (uint32_t)p->snd_queuelen;
        c->rxq = s != NULL ? (uint32_t)s->rx_bytes : 0;
        c->ino = s != NULL ? s->node.ino : 0;
    }
    return n;
}

/**
 * @brief Every TCP pcb lwIP has: listening, active and in TIME_WAIT.
 * @param out receives them
 * @param max room at @p out
 * @return how many were written
 * @pre net_lock held
 */
int
tcp_conns(struct net_conn *out, int max)
{
    int n = tcp_list((struct tcp_pcb *)tcp_listen_pcbs.pcbs, out, 0, max);
    n = tcp_list(tcp_active_pcbs, out, n, max);
    return tcp_list(tcp_tw_pcbs, out, n, max);
}
