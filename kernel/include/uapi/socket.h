/**
 * @file
 * @ingroup uapi
 * @brief Sockets as Linux's ABI has them: families, types, options,
 *        flags, addresses and messages (numbers from Linux's
 *        include/linux/socket.h, uapi/linux/in.h, asm-generic/socket.h).
 */
#ifndef UAPI_SOCKET_H
#define UAPI_SOCKET_H

#include "kernel/types.h"

/** @name Address families (socket's first argument). */
///@{
#define AF_UNSPEC 0   /**< no family (connect: forget the peer) */
#define AF_UNIX 1     /**< local sockets, named in the file system */
#define AF_INET 2     /**< IPv4 */
#define AF_INET6 10   /**< IPv6 */
#define AF_NETLINK 16 /**< the kernel's own messages */
#define AF_PACKET 17  /**< raw link-layer frames */
#define AF_MAX 46     /**< one past the last family */
///@}

/** @name Socket types, and the flags or'ed into them. */
///@{
#define SOCK_STREAM 1         /**< a byte stream (TCP) */
#define SOCK_DGRAM 2          /**< datagrams (UDP) */
#define SOCK_RAW 3            /**< whole IP packets of one protocol */
#define SOCK_SEQPACKET 5      /**< datagrams over a connection */
#define SOCK_TYPE_MASK 0xf    /**< the type's bits of socket()'s type */
#define SOCK_NONBLOCK 04000   /**< O_NONBLOCK on the new file */
#define SOCK_CLOEXEC 02000000 /**< FD_CLOEXEC on the new descriptor */
///@}

/** @name Protocols. */
///@{
#define IPPROTO_IP 0    /**< the IP level of options; "the type's protocol" */
#define IPPROTO_ICMP 1  /**< ICMP (ping) */
#define IPPROTO_TCP 6   /**< TCP */
#define IPPROTO_UDP 17  /**< UDP */
#define IPPROTO_RAW 255 /**< raw IP */
#define IPPROTO_MAX 263 /**< protocols are below this (else -EINVAL) */
///@}

/** @name Option levels and options (setsockopt, getsockopt). */
///@{
#define SOL_SOCKET 1     /**< the socket level of options */
#define SO_DEBUG 1       /**< debugging (accepted, ignored) */
#define SO_REUSEADDR 2   /**< bind over TIME_WAIT */
#define SO_TYPE 3        /**< the socket's type (read only) */
#define SO_ERROR 4       /**< the pending error, cleared by reading */
#define SO_DONTROUTE 5   /**< bypass routing (ignored) */
#define SO_BROADCAST 6   /**< may send to broadcast addresses */
#define SO_SNDBUF 7      /**< send buffer size */
#define SO_RCVBUF 8      /**< receive buffer size */
#define SO_KEEPALIVE 9   /**< probe an idle connection */
#define SO_OOBINLINE 10  /**< urgent data inline (ignored) */
#define SO_LINGER 13     /**< what close does with unsent data */
#define SO_PRIORITY 12   /**< the packets' queueing class (kept) */
#define SO_REUSEPORT 15  /**< share a port (ignored) */
#define SO_RCVLOWAT 18   /**< least bytes a read waits for */
#define SO_SNDLOWAT 19   /**< least room a write waits for */
#define SO_RCVTIMEO 20   /**< how long a read may wait */
#define SO_SNDTIMEO 21   /**< how long a write may wait */
#define SO_ACCEPTCONN 30 /**< listening (read only) */
#define SO_PROTOCOL 38   /**< the protocol (read only) */
#define SO_DOMAIN 39     /**< the family (read only) */
#define SO_PASSCRED 16   /**< AF_UNIX: receive the sender's credentials */
#define SO_PEERCRED 17   /**< AF_UNIX: the peer's credentials (read only) */
#define TCP_NODELAY 1    /**< send small segments at once (no Nagle) */
#define TCP_MAXSEG 2     /**< the largest segment */
#define TCP_KEEPIDLE 4   /**< idle seconds before the first probe */
#define TCP_KEEPINTVL 5  /**< seconds between probes */
#define TCP_KEEPCNT 6    /**< probes before giving up */
#define TCP_FASTOPEN 23  /**< a listener's queue of data-bearing SYNs (kept) */
#define IP_TOS 1         /**< type of service (accepted, ignored) */
#define IP_TTL 2         /**< time to live (accepted, ignored) */
#define IP_HDRINCL 3     /**< the program writes the IP header */
///@}

/** @name Flags of send and recv. */
///@{
#define MSG_OOB 0x1       /**< urgent data */
#define MSG_PEEK 0x2      /**< leave what is read queued */
#define MSG_DONTROUTE 0x4 /**< bypass routing */
#define MSG_CTRUNC 0x8    /**< ancillary data was cut */
#define MSG_TRUNC 0x20 /**< the datagram was longer (in: return its length) */
#define MSG_DONTWAIT 0x40           /**< this call does not block */
#define MSG_EOR 0x80                /**< end of record */
#define MSG_WAITALL 0x100           /**< wait for the whole buffer */
#define MSG_NOSIGNAL 0x4000         /**< no SIGPIPE with EPIPE */
#define MSG_MORE 0x8000             /**< more is coming: hold the segment */
#define MSG_CMSG_CLOEXEC 0x40000000 /**< passed descriptors get FD_CLOEXEC */
#define MSG_CMSG_COMPAT 0x80000000u /**< a 32-bit caller (refused: -EINVAL) */
///@}

/** @name shutdown's @p how. */
///@{
#define SHUT_RD 0   /**< no more reading */
#define SHUT_WR 1   /**< no more writing (a FIN) */
#define SHUT_RDWR 2 /**< neither */
///@}

/** Any address's first two bytes: its family. */
struct sockaddr {
    uint16_t sa_family; /**< AF_* */
    char sa_data[14];   /**< the address */
};

/** Room for any address (Linux's __kernel_sockaddr_storage). */
struct sockaddr_storage {
    uint16_t ss_family; /**< AF_* */
    char ss_data[126];  /**< the address */
} __attribute__((aligned(8)));

/** An IPv4 address and port, both in network byte order. */
struct sockaddr_in {
    uint16_t sin_family; /**< AF_INET */
    uint16_t sin_port;   /**< the port, big-endian */
    uint32_t sin_addr;   /**< the address, big-endian */
    uint8_t sin_zero[8]; /**< padding to 16 bytes */
};

/** One piece of a scattered buffer (readv, sendmsg). */
struct iovec {
    uint64_t iov_base; /**< user address */
    uint64_t iov_len;  /**< bytes */
};

/** sendmsg's and recvmsg's message, as user memory holds it. */
struct msghdr {
    uint64_t msg_name;       /**< address (user pointer), or 0 */
    uint32_t msg_namelen;    /**< its size */
    uint32_t pad0;           /**< padding */
    uint64_t msg_iov;        /**< struct iovec array (user pointer) */
    uint64_t msg_iovlen;     /**< its length */
    uint64_t msg_control;    /**< ancillary data (user pointer) */
    uint64_t msg_controllen; /**< its size */
    int32_t msg_flags;       /**< recvmsg: MSG_TRUNC, MSG_CTRUNC, ... */
    uint32_t pad1;           /**< padding */
};

/** SO_LINGER's value. */
struct linger {
    int32_t l_onoff;  /**< linger on close */
    int32_t l_linger; /**< for this many seconds */
};

/** An AF_UNIX address: a path, or an abstract name when sun_path[0]
 *  is 0 (its length then comes from the address length alone). */
struct sockaddr_un {
    uint16_t sun_family; /**< AF_UNIX */
    char sun_path[108];  /**< the path or abstract name */
};

/** One piece of ancillary data, as sendmsg's and recvmsg's control
 *  buffer holds it: the header, then cmsg_len - 16 bytes of data, then
 *  padding up to a multiple of 8 (CMSG_ALIGN). */
struct cmsghdr {
    uint64_t cmsg_len;  /**< header and data, without the padding */
    int32_t cmsg_level; /**< SOL_SOCKET */
    int32_t cmsg_type;  /**< SCM_RIGHTS, SCM_CREDENTIALS */
};

/** Round @p n up as CMSG_ALIGN does. */
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)

/** @name Types of SOL_SOCKET ancillary data. */
///@{
#define SCM_RIGHTS 1      /**< descriptors: an int array */
#define SCM_CREDENTIALS 2 /**< a struct ucred */
///@}

/** Most descriptors one SCM_RIGHTS message carries (SCM_MAX_FD). */
#define SCM_MAX_FD 253

/** A process's credentials (SO_PEERCRED, SCM_CREDENTIALS). */
struct ucred {
    int32_t pid;  /**< its process id */
    uint32_t uid; /**< user id */
    uint32_t gid; /**< group id */
};

/** Most iovecs one call takes (Linux's UIO_MAXIOV). */
#define UIO_MAXIOV 1024

#endif /* UAPI_SOCKET_H */
