/**
 * @file
 * @ingroup net
 * @brief AF_UNIX sockets inside the kernel: the object behind a local
 *        socket's file, shared by unix.c (names, connections, options)
 *        and unix_msg.c (messages, passed files, the collector).
 *
 * A local socket never touches lwIP: a message goes from the sender
 * straight onto the receiver's queue, so the struct socket of sock.h,
 * built around an lwIP pcb and an IPv4 address, does not fit it. It is
 * a file of its own kind instead (unix_fops), which net/socket.c
 * recognises (unix_is_file()) and hands every socket call to:
 *
 *     fd ──> struct file ──priv──> struct unix_sock ──peer──> unix_sock
 *                                     │ rx queue: struct unix_msg ...
 *                                     │   (bytes, passed files, creds)
 *                                  wait queue
 *
 * Locking: one sleeping lock, unix_lock, protects every unix_sock, every
 * queue and the name tables; a call sleeps with it dropped
 * (unix_wait()). A file is never put with unix_lock held: putting the
 * last reference to a socket's file takes unix_lock again.
 */
#ifndef NET_UNIX_H
#define NET_UNIX_H

#include "fs/file.h"
#include "fs/vfs.h"
#include "kernel/list.h"
#include "kernel/sync.h"
#include "uapi/socket.h"

struct pbuf;
struct sock_iter;

/** Most queued datagrams a receiver holds (net.unix.max_dgram_qlen). */
#define UNIX_DGRAM_QLEN 10

/** A socket's name: what getsockname answers, and its length. */
struct unix_addr {
    struct sockaddr_un sun; /**< family and path (or abstract name) */
    unsigned len;           /**< the address length Linux reports */
};

/** One message queued for a reader: a datagram, a record, or a piece of
 *  a stream, with what rode along with it. */
struct unix_msg {
    struct list_node link;  /**< on the receiver's rx queue */
    struct unix_sock *from; /**< the sender (referenced): its wmem */
    struct unix_addr addr;  /**< the sender's name then (len 0: none) */
    struct file **fp;       /**< passed files (referenced), or NULL */
    int nfp;                /**< their number */
    uint32_t uid;           /**< who passed them (real uid) */
    bool has_cred;          /**< cred is valid */
    struct ucred cred;      /**< the sender's credentials */
    size_t len;             /**< bytes of data */
    size_t truesize;        /**< what it counts against the sender's
                                 SO_SNDBUF: data and overhead */
    size_t off;             /**< bytes a stream reader took already */
    unsigned char data[];   /**< the bytes */
};

/** Where an AF_UNIX socket is in its life. */
enum unix_state {
    UNIX_UNCONNECTED, /**< fresh, bound, or a datagram socket */
    UNIX_LISTENING,   /**< listen() was called */
    UNIX_CONNECTED,   /**< has a peer (a stream's or a datagram's) */
};

/** An AF_UNIX socket. */
struct unix_sock {
    struct inode node;      /**< what fstat on the descriptor reports */
    int type;               /**< SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
    enum unix_state state;  /**< see enum unix_state */
    int refs;               /**< the file, peers, messages, a listener */
    bool dead;              /**< released: its file is closed */
    struct file *file;      /**< its file; NULL once released */
    struct unix_sock *peer; /**< the other end (referenced), or NULL */
    unsigned shut;          /**< SHUT_RCV | SHUT_SEND, as Linux's */
    int error;              /**< pending error (positive errno) */
    struct wait_queue wq;   /**< readers, writers, pollers, connectors */

    struct unix_addr addr;  /**< its name (len 0: unbound) */
    struct inode *inode;    /**< a path name's inode (referenced) */
    struct list_node bound; /**< on unix_bound, while named */

    struct list_node rx;   /**< struct unix_msg, oldest first */
    size_t rx_bytes;       /**< bytes of data queued there */
    int rx_count;          /**< messages queued there */
    size_t wmem;           /**< truesize of what it sent, unread yet */
    unsigned sndbuf;       /**< SO_SNDBUF, as Linux reports it */
    unsigned rcvbuf;       /**< SO_RCVBUF, as Linux reports it */
    uint64_t rcvtimeo_ns;  /**< SO_RCVTIMEO; 0: none */
    uint64_t sndtimeo_ns;  /**< SO_SNDTIMEO; 0: none */
    bool passcred;         /**< SO_PASSCRED */
    bool has_peercred;     /**< peercred is valid */
    struct ucred peercred; /**< the peer's, at connect or socketpair */

    struct list_node accept_q;    /**< connections not accepted yet */
    int accept_len;               /**< their number */
    int backlog;                  /**< listen()'s backlog */
    struct list_node accept_link; /**< a new one's link on accept_q */

    struct list_node all; /**< on unix_all (/proc/net/unix, collector) */
    int inflight;         /**< its file's references held by messages */
    bool gc_candidate;    /**< the collector's marks */
    int gc_refs;          /**< the collector's count of outside refs */
};

extern struct mutex unix_lock;
extern struct list_node unix_all;

/* unix.c: the calls net/socket.c hands over */
bool unix_is_file(struct file *f);
long unix_socket(int type, int protocol, int flags);
long unix_socketpair(int type, int protocol, int flags, int fds[2]);
long unix_bind(struct file *f, const struct sockaddr_storage *a, unsigned len);
long unix_connect(struct file *f, const struct sockaddr_storage *a,
                  unsigned len);
long unix_listen(struct file *f, int backlog);
long unix_accept(struct file *f, struct sockaddr_storage *peer, unsigned *plen,
                 int flags);
long unix_getname(struct file *f, struct sockaddr_storage *a, unsigned *len,
                  bool peer);
long unix_shutdown(struct file *f, int how);
long unix_setsockopt(struct file *f, int level, int name, const void *val,
                     unsigned len);
long unix_getsockopt(struct file *f, int level, int name, void *out);

/* unix.c, unix_name.c: for the other files */
int unix_check_addr(const struct sockaddr_storage *a, unsigned len);
struct unix_sock *unix_from_file(struct file *f);
void unix_sock_put(struct unix_sock *u);
int unix_wait(struct unix_sock *u, bool nonblock, uint64_t timeo_ns);
void unix_wake(struct unix_sock *u);
struct unix_sock *unix_find(const struct sockaddr_storage *a, unsigned len,
                            int type, int *err);
int unix_autobind(struct unix_sock *u);
void unix_current_cred(struct ucred *c);

/* unix_msg.c */
long unix_send(struct unix_sock *u, struct sock_iter *it,
               const struct sockaddr_storage *to, unsigned tolen, int flags,
               bool nonblock, const void *ctl, size_t ctllen);
bool unix_dgram_full(const struct unix_sock *u, const struct unix_sock *p);
void unix_msg_free(struct unix_msg *m, struct list_node *puts);
void unix_msg_unflight(struct unix_msg *m);
void unix_dequeue(struct unix_sock *u, struct unix_msg *m);
void unix_purge(struct unix_sock *u, struct list_node *puts);
void unix_put_files(struct list_node *puts);

/* unix_recv.c */
long unix_recv(struct unix_sock *u, struct sock_iter *it,
               struct sockaddr_storage *from, unsigned *fromlen, int *flags,
               bool nonblock, void *ctl, size_t *ctllen);
unsigned unix_poll_mask(struct unix_sock *u);
long unix_pending(struct unix_sock *u);

/* unix_gc.c */
void unix_gc(void);
void unix_show_proc(struct pbuf *b, int pid);

#endif /* NET_UNIX_H */
