/**
 * @file
 * @ingroup net
 * @brief A socket inside the kernel: the object behind a socket's file,
 *        shared by the generic layer (socket.c) and the protocols (tcp.c,
 *        udp.c).
 *
 * A socket descriptor leads, like any descriptor, to a struct file; its
 * priv is a struct socket, which holds what Linux's socket layer keeps
 * for the protocol-independent part (type, options, the wait queue,
 * the pending error) and points at lwIP's protocol control block, the
 * pcb, where TCP's or UDP's state lives:
 *
 *     fd ──> struct file ──priv──> struct socket ──pcb──> tcp_pcb / udp_pcb
 *                                      │
 *                                  wait queue <── lwIP's callbacks wake it
 *
 * Every field is protected by net_lock, except what poll's wake-up and
 * the file layer read without it (the inode, the wait queue's own lock).
 */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include "fs/file.h"
#include "kernel/list.h"
#include "kernel/sync.h"
#include "uapi/socket.h"

struct socket;
struct sock_iter;

/** Where a socket is in its life (Linux's SS_* for sockets). */
enum sock_state {
    SOCK_UNCONNECTED, /**< fresh, or bound */
    SOCK_CONNECTING,  /**< a stream's connect is under way */
    SOCK_CONNECTED,   /**< a stream is established; a datagram has a peer */
    SOCK_LISTENING,   /**< listen() was called */
    SOCK_CLOSED,      /**< a stream's connection is over (FIN both ways,
                           reset, or failed to connect) */
};

/** @name shutdown bits (Linux's RCV_SHUTDOWN and SEND_SHUTDOWN). */
///@{
#define SHUT_RCV 1  /**< reads end (shutdown SHUT_RD) */
#define SHUT_SEND 2 /**< writes end (shutdown SHUT_WR) */
///@}

/** What each protocol does for the generic layer; all with net_lock held. */
struct sock_proto {
    /** Make the pcb: 0 or -errno. */
    int (*create)(struct socket *s);
    /** bind(): 0 or -errno. */
    int (*bind)(struct socket *s, const struct sockaddr_in *a);
    /** connect(): 0, -EINPROGRESS (non-blocking) or -errno. */
    int (*connect)(struct socket *s, const struct sockaddr_in *a,
                   bool nonblock);
    /** listen(): 0 or -errno; NULL: -EOPNOTSUPP. */
    int (*listen)(struct socket *s, int backlog);
    /** accept(): the new socket in *out, or -errno; NULL: -EOPNOTSUPP. */
    int (*accept)(struct socket *s, struct socket **out, bool nonblock);
    /** Send from @p it (to @p to, or NULL): bytes sent or -errno. */
    long (*send)(struct socket *s, struct sock_iter *it,
                 const struct sockaddr_in *to, int flags);
    /** Receive into @p it; the sender in @p from when not NULL; recvmsg's
     *  flags out in *@p flags: bytes or -errno. */
    long (*recv)(struct socket *s, struct sock_iter *it,
                 struct sockaddr_in *from, int *flags);
    /** shutdown(): 0 or -errno. */
    int (*shutdown)(struct socket *s, int how);
    /** The local address (@p peer false) or the peer's: 0 or -ENOTCONN. */
    int (*getname)(struct socket *s, struct sockaddr_in *a, bool peer);
    /** The POLL* bits that hold now. */
    unsigned (*poll)(struct socket *s);
    /** Bytes waiting to be read (FIONREAD). */
    long (*pending)(struct socket *s);
    /** An option of the protocol's level (IPPROTO_TCP): 0 or -errno;
     *  @p get: read it into *@p val. */
    int (*option)(struct socket *s, int name, int *val, bool get);
    /** Apply the socket-level options to a new pcb (SO_REUSEADDR, ...). */
    void (*sync_options)(struct socket *s);
    /** The file is closed: let the pcb go (lwIP may keep it a while). */
    void (*close)(struct socket *s);
};

/** A socket. */
struct socket {
    struct inode node;              /**< what fstat reports: S_IFSOCK */
    int type;                       /**< SOCK_STREAM, SOCK_DGRAM, SOCK_RAW */
    int protocol;                   /**< IPPROTO_* */
    const struct sock_proto *proto; /**< tcp or udp or raw */
    enum sock_state state;          /**< see enum sock_state */
    unsigned shut;                  /**< SHUT_RCV | SHUT_SEND */
    bool was_connected;             /**< a stream was connected once */
    bool connect_unseen;      /**< a non-blocking connect ended, and no second
                              connect has said so yet (Linux answers it 0,
                              then -EISCONN) */
    int error;                /**< pending error (positive errno) */
    bool nonblock;            /**< the call at hand must not sleep */
    struct wait_queue wq;     /**< readers, writers, pollers */
    void *pcb;                /**< lwIP's tcp_pcb, udp_pcb or raw_pcb;
                                       NULL once lwIP has let it go */
    struct sockaddr_in local; /**< the local address, kept for when
                                       the pcb is gone */
    struct sockaddr_in peer;  /**< the peer's, likewise */

    /* socket-level options (SOL_SOCKET) */
    bool reuseaddr;       /**< SO_REUSEADDR */
    bool keepalive;       /**< SO_KEEPALIVE */
    bool broadcast;       /**< SO_BROADCAST */
    bool nodelay;         /**< TCP_NODELAY */
    int priority;         /**< SO_PRIORITY (kept: lwIP has one queue) */
    int fastopen;         /**< TCP_FASTOPEN's queue length (kept: lwIP
                               does not do TCP Fast Open) */
    struct linger linger; /**< SO_LINGER */
    uint64_t rcvtimeo_ns; /**< SO_RCVTIMEO; 0: none */
    uint64_t sndtimeo_ns; /**< SO_SNDTIMEO; 0: none */
    unsigned rcvbuf;      /**< SO_RCVBUF, as Linux reports it (doubled) */
    unsigned sndbuf;      /**< SO_SNDBUF, as Linux reports it (doubled) */

    /* received, not yet read */
    void *rx;                /**< a stream's bytes: a pbuf chain */
    size_t rx_bytes;         /**< bytes queued (stream or datagrams) */
    bool rx_eof;             /**< the peer sent FIN */
    struct list_node dgrams; /**< a datagram socket's struct sock_dgram */

    /* a listening socket's connections, and an accepted one's link */
    struct list_node accept_q;    /**< connections accept() has not taken */
    int accept_len;               /**< their number */
    int backlog;                  /**< listen()'s backlog, as given */
    struct list_node accept_link; /**< on the listener's accept_q */
};

/** The user buffers of one call: an iovec array, consumed from the front. */
struct sock_iter {
    const struct iovec *iov; /**< the array, in kernel memory */
    size_t count;            /**< its length */
    size_t idx;              /**< the iovec being filled or drained */
    size_t off;              /**< bytes of it already done */
    size_t left;             /**< bytes left in all of them */
};

/** One connection or socket as /proc/net/tcp and udp list it. */
struct net_conn {
    uint32_t local, remote; /**< addresses, network order */
    uint16_t lport, rport;  /**< ports, host order */
    int state;              /**< Linux's TCP_* state number */
    uint32_t txq, rxq;      /**< bytes queued each way */
    uint64_t ino;           /**< its socket's inode; 0: none left */
};

/** One interface's counters, as /proc/net/dev lists them. */
struct net_ifstat {
    char name[16];                 /**< "lo", "eth0" */
    uint64_t rx_bytes, rx_packets; /**< received */
    uint64_t rx_dropped;           /**< received and lost */
    uint64_t tx_bytes, tx_packets; /**< sent */
    uint64_t tx_dropped;           /**< lost on the way out */
};

/** One route, as /proc/net/route lists it. */
struct net_route {
    char iface[16]; /**< through this interface */
    uint32_t dest;  /**< destination, network order */
    uint32_t gw;    /**< gateway, network order (0: on the link) */
    uint32_t mask;  /**< destination's netmask, network order */
    unsigned flags; /**< RTF_UP, RTF_GATEWAY */
};

/* what /proc/net shows (tcp.c, udp.c, netif.c), net_lock held */
int tcp_conns(struct net_conn *out, int max);
int udp_conns(struct net_conn *out, int max);
int netif_stats(struct net_ifstat *out, int max);
int netif_routes(struct net_route *out, int max);
int netif_dns_servers(uint32_t *out, int max, bool *dhcp);
extern int sock_count;

/* the generic layer (socket.c) */
struct socket *sock_alloc(int type, int protocol,
                          const struct sock_proto *proto);
void sock_free(struct socket *s);
int sock_wait(struct socket *s, uint64_t timeo_ns);
int iter_to_user(struct sock_iter *it, const void *src, size_t n);
int iter_from_user(struct sock_iter *it, void *dst, size_t n);
int sock_lwip_errno(int err);
int sock_local_addr_ok(uint32_t addr);

extern const struct sock_proto tcp_proto; /* tcp.c */
extern const struct sock_proto udp_proto; /* udp.c */
extern const struct sock_proto raw_proto; /* udp.c */

#endif /* NET_SOCK_H */
