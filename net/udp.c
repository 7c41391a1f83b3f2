/**
 * @file
 * @ingroup net
 * @brief Datagram sockets on lwIP's raw API: UDP, and raw IP sockets
 *        (what ping sends its ICMP echo requests with).
 *
 * A datagram socket keeps what arrives as a queue of whole datagrams,
 * each with its sender's address: a read takes exactly one, however
 * small the buffer (the rest of a datagram that does not fit is lost,
 * and MSG_TRUNC says so). lwIP's receive callback queues; recvfrom
 * takes from the queue, sleeping while it is empty. Sending builds a
 * pbuf of the user's bytes and hands it to udp_sendto() or
 * raw_sendto(), which add the headers and route it.
 *
 * The two protocols differ only in their pcb calls and in what a
 * datagram holds: a UDP datagram's payload, or a raw socket's whole IP
 * packet, header first, as Linux gives it to a raw socket's reader (the
 * reader of an ICMP echo reply finds the IP header before the ICMP
 * one). The queue's bytes are capped by SO_RCVBUF; datagrams past it
 * are dropped, as Linux drops them.
 */
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "net/net.h"
#include "sock.h"
#include "uapi/errno.h"
#include "uapi/poll.h"

#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/raw.h"
#include "lwip/udp.h"

/** Largest UDP payload in one IPv4 datagram. */
#define UDP_MAX_PAYLOAD 65507

/** A received datagram, waiting for a reader. */
struct sock_dgram {
    struct list_node link; /**< on the socket's dgrams */
    struct pbuf *p;        /**< its bytes */
    uint32_t addr;         /**< the sender, network order */
    uint16_t port;         /**< its port, host order (0 for raw) */
};

// >>> exercise 7.3 datagrams
/* Queue @p p from @p addr:@p port on @p s, or drop it when full. */
static void
dgram_queue(struct socket *s, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    struct sock_dgram *d = NULL;
    if (s->rx_bytes + p->tot_len <= s->rcvbuf && !(s->shut & SHUT_RCV))
        d = kmalloc(sizeof *d);
    if (d == NULL) {
        pbuf_free(p);
        return;
    }
    d->p = p;
    d->addr = ip4_addr_get_u32(ip_2_ip4(addr));
    d->port = port;
    list_push_back(&s->dgrams, &d->link);
    s->rx_bytes += p->tot_len;
    net_wake(&s->wq);
}

/* recv(): the first datagram, truncated to the buffer (MSG_TRUNC). */
static long
dgram_recv(struct socket *s, struct sock_iter *it, struct sockaddr_in *from,
           int *flags)
{
    while (list_empty(&s->dgrams)) {
        if (s->shut & SHUT_RCV)
            return 0;
        int err = sock_wait(s, s->rcvtimeo_ns);
        if (err < 0)
            return err;
    }
    struct sock_dgram *d = list_entry(s->dgrams.next, struct sock_dgram, link);
    size_t len = d->p->tot_len;
    size_t n = it->left < len ? it->left : len;
    size_t done = 0;
    for (struct pbuf *q = d->p; q != NULL && done < n; q = q->next) {
        size_t c = q->len < n - done ? q->len : n - done;
        if (iter_to_user(it, q->payload, c) < 0)
            return -EFAULT; // the datagram stays queued
        done += c;
    }
    if (from != NULL) {
        from->sin_addr = d->addr;
        from->sin_port = lwip_htons(d->port);
    }
    int in = *flags;
    *flags = n < len ? MSG_TRUNC : 0;
    if (!(in & MSG_PEEK)) {
        list_remove(&d->link);
        s->rx_bytes -= len;
        pbuf_free(d->p);
        kfree(d);
    }
    return (long)((in & MSG_TRUNC) ? len : n);
}
// === stub: datagrams are dropped as they arrive
// static void
// dgram_queue(struct socket *s, struct pbuf *p, const ip_addr_t *addr,
//             u16_t port)
// {
//     (void)s, (void)addr, (void)port;
//     pbuf_free(p); // TODO(7.3): keep it for recvfrom
// }
//
// static long
// dgram_recv(struct socket *s, struct sock_iter *it, struct sockaddr_in *from,
//            int *flags)
// {
//     (void)s, (void)it, (void)from, (void)flags;
//     return -EAGAIN; // TODO(7.3)
// }
// <<< exercise 7.3 datagrams

/* lwIP: a UDP datagram for @p arg's socket. */
static void
udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
            const ip_addr_t *addr, u16_t port)
{
    (void)pcb;
    dgram_queue(arg, p, addr, port);
}

/* lwIP: an IP packet of the raw socket's protocol; a copy is queued
 * and 0 returned, so lwIP's own ICMP still sees it. */
static u8_t
raw_recv_cb(void *arg, struct raw_pcb *pcb, struct pbuf *p,
            const ip_addr_t *addr)
{
    (void)pcb;
    struct pbuf *q = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    if (q != NULL)
        dgram_queue(arg, q, addr, 0);
    return 0;
}

static bool
is_raw(const struct socket *s)
{
    return s->type == SOCK_RAW;
}

static int
dgram_create(struct socket *s)
{
    if (is_raw(s)) {
        struct raw_pcb *pcb = raw_new((u8_t)s->protocol);
        if (pcb == NULL)
            return -ENOMEM;
        raw_recv(pcb, raw_recv_cb, s);
        s->pcb = pcb;
    } else {
        struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V4);
        if (pcb == NULL)
            return -ENOMEM;
        udp_recv(pcb, udp_recv_cb, s);
        s->pcb = pcb;
    }
    s->local.sin_family = AF_INET;
    return 0;
}

/* SO_REUSEADDR and SO_BROADCAST onto the pcb. */
static void
dgram_sync_options(struct socket *s)
{
    struct udp_pcb *u = s->pcb;
    struct raw_pcb *r = s->pcb;
    u8_t *opts = is_raw(s) ? &r->so_options : &u->so_options;
    *opts = (u8_t)((*opts & ~(SOF_REUSEADDR | SOF_BROADCAST)) |
                   (s->reuseaddr ? SOF_REUSEADDR : 0) |
                   (s->broadcast ? SOF_BROADCAST : 0));
}

/* Update s->local from the pcb (a send or connect may have bound it). */
static void
dgram_note_local(struct socket *s)
{
    if (is_raw(s)) {
        struct raw_pcb *r = s->pcb;
        s->local.sin_addr = ip4_addr_get_u32(ip_2_ip4(&r->local_ip));
    } else {
        struct udp_pcb *u = s->pcb;
        s->local.sin_addr = ip4_addr_get_u32(ip_2_ip4(&u->local_ip));
        s->local.sin_port = lwip_htons(u->local_port);
    }
}

static int
dgram_bind(struct socket *s, const struct sockaddr_in *a)
{
    ip_addr_t ip;
    ip_addr_set_ip4_u32(&ip, a->sin_addr);
    int err;
    if (is_raw(s)) {
        err = sock_lwip_errno(raw_bind(s->pcb, &ip));
    } else {
        struct udp_pcb *u = s->pcb;
        if (u->local_port != 0)
            return -EINVAL; // bound already
        err = sock_lwip_errno(udp_bind(u, &ip, lwip_ntohs(a->sin_port)));
    }
    if (err == 0)
        dgram_note_local(s);
    return err;
}

/* connect(): fix the peer (AF_UNSPEC, given as an all-zero address:
 * forget it). */
static int
dgram_connect(struct socket *s, const struct sockaddr_in *a, bool nonblock)
{
    (void)nonblock;
    ip_addr_t ip;
    ip_addr_set_ip4_u32(&ip, a->sin_addr);
    if (a->sin_family != AF_INET) {
        if (is_raw(s))
            raw_disconnect(s->pcb);
        else
            udp_disconnect(s->pcb);
        s->state = SOCK_UNCONNECTED;
        return 0;
    }
    int err = is_raw(s) ? sock_lwip_errno(raw_connect(s->pcb, &ip))
                        : sock_lwip_errno(udp_connect(s->pcb, &ip,
                                                      lwip_ntohs(a->sin_port)));
    if (err < 0)
        return err;
    s->state = SOCK_CONNECTED;
    s->peer = *a;
    dgram_note_local(s);
    return 0;
}

/* send(): one datagram of all of @p it's bytes. */
static long
dgram_send(struct socket *s, struct sock_iter *it, const struct sockaddr_in *to,
           int flags)
{
    (void)flags;
    if (s->shut & SHUT_SEND)
        return -EPIPE;
    if (to == NULL && s->state != SOCK_CONNECTED)
        return -EDESTADDRREQ;
    size_t len = it->left;
    if (len > UDP_MAX_PAYLOAD + (is_raw(s) ? 8 : 0))
        return -EMSGSIZE;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (p == NULL)
        return -ENOBUFS;
    if (iter_from_user(it, p->payload, len) < 0) {
        pbuf_free(p);
        return -EFAULT;
    }
    const struct sockaddr_in *dst = to != NULL ? to : &s->peer;
    ip_addr_t ip;
    ip_addr_set_ip4_u32(&ip, dst->sin_addr);
    err_t e;
    if (is_raw(s))
        e = raw_sendto(s->pcb, p, &ip);
    else
        e = udp_sendto(s->pcb, p, &ip, lwip_ntohs(dst->sin_port));
    pbuf_free(p);
    dgram_note_local(s);
    return e == ERR_OK ? (long)len : sock_lwip_errno(e);
}

static int
dgram_shutdown(struct socket *s, int how)
{
    if (s->state != SOCK_CONNECTED)
        return -ENOTCONN;
    if (how != SHUT_WR)
        s->shut |= SHUT_RCV;
    if (how != SHUT_RD)
        s->shut |= SHUT_SEND;
    net_wake(&s->wq);
    return 0;
}

static int
dgram_getname(struct socket *s, struct sockaddr_in *a, bool peer)
{
    if (peer) {
        if (s->state != SOCK_CONNECTED)
            return -ENOTCONN;
        *a = s->peer;
    } else {
        dgram_note_local(s);
        *a = s->local;
        if (a->sin_addr == 0 && s->state == SOCK_CONNECTED) {
            // lwIP picks the source address per datagram; Linux fixes
            // it at connect: the address of the way to the peer
            ip4_addr_t dst;
            ip4_addr_set_u32(&dst, s->peer.sin_addr);
            struct netif *n = ip4_route(&dst);
            if (n != NULL)
                a->sin_addr = ip4_addr_get_u32(netif_ip4_addr(n));
        }
    }
    a->sin_family = AF_INET;
    return 0;
}

static unsigned
dgram_poll(struct socket *s)
{
    unsigned mask = 0;
    if (!list_empty(&s->dgrams))
        mask |= POLLIN | POLLRDNORM;
    if (s->shut & SHUT_RCV)
        mask |= POLLIN | POLLRDNORM | 0x2000; // POLLRDHUP
    if (s->shut == (SHUT_RCV | SHUT_SEND))
        mask |= POLLHUP;
    mask |= POLLOUT | POLLWRNORM; // lwIP never makes a sender wait
    if (s->error != 0)
        mask |= POLLERR;
    return mask;
}

/* FIONREAD on a datagram socket: the size of the next datagram. */
static long
dgram_pending(struct socket *s)
{
    if (list_empty(&s->dgrams))
        return 0;
    return list_entry(s->dgrams.next, struct sock_dgram, link)->p->tot_len;
}

static void
dgram_close(struct socket *s)
{
    if (is_raw(s))
        raw_remove(s->pcb);
    else
        udp_remove(s->pcb);
    s->pcb = NULL;
    while (!list_empty(&s->dgrams)) {
        struct sock_dgram *d =
            list_entry(s->dgrams.next, struct sock_dgram, link);
        list_remove(&d->link);
        pbuf_free(d->p);
        kfree(d);
    }
    s->rx_bytes = 0;
}

/** UDP: SOCK_DGRAM over AF_INET. */
const struct sock_proto udp_proto = {
    .create = dgram_create,
    .bind = dgram_bind,
    .connect = dgram_connect,
    .send = dgram_send,
    .recv = dgram_recv,
    .shutdown = dgram_shutdown,
    .getname = dgram_getname,
    .poll = dgram_poll,
    .pending = dgram_pending,
    .sync_options = dgram_sync_options,
    .close = dgram_close,
};

/** Raw IP: SOCK_RAW over AF_INET, one IP protocol (ICMP for ping). */
const struct sock_proto raw_proto = {
    .create = dgram_create,
    .bind = dgram_bind,
    .connect = dgram_connect,
    .send = dgram_send,
    .recv = dgram_recv,
    .shutdown = dgram_shutdown,
    .getname = dgram_getname,
    .poll = dgram_poll,
    .pending = dgram_pending,
    .sync_options = dgram_sync_options,
    .close = dgram_close,
};

/**
 * @brief Every UDP pcb lwIP has, for /proc/net/udp.
 * @param out receives them
 * @param max room at @p out
 * @return how many were written
 * @pre net_lock held
 */
int
udp_conns(struct net_conn *out, int max)
{
    int n = 0;
    for (struct udp_pcb *p = udp_pcbs; p != NULL && n < max; p = p->next) {
        struct socket *s = p->recv_arg;
        struct net_conn *c = &out[n++];
        c->local = ip4_addr_get_u32(ip_2_ip4(&p->local_ip));
        c->remote = ip4_addr_get_u32(ip_2_ip4(&p->remote_ip));
        c->lport = p->local_port;
        c->rport = p->remote_port;
        c->state = (p->flags & UDP_FLAGS_CONNECTED) ? 1 : 7;
        c->txq = 0;
        c->rxq = s != NULL ? (uint32_t)s->rx_bytes : 0;
        c->ino = s != NULL ? s->node.ino : 0;
    }
    return n;
}
