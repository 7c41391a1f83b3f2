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
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46
///@}

/** @name Socket types, and the flags or'ed into them. */
///@{
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000   /* O_NONBLOCK */
#define SOCK_CLOEXEC 02000000 /* O_CLOEXEC */
///@}

/** @name Protocols. */
///@{
#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_RAW 255
///@}

/** @name Option levels and options (setsockopt, getsockopt). */
///@{
#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define IP_TOS 1
#define IP_TTL 2
#define IP_HDRINCL 3
///@}

/** @name Flags of send and recv. */
///@{
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000
///@}

/** @name shutdown's @p how. */
///@{
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
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

/** Most iovecs one call takes (Linux's UIO_MAXIOV). */
#define UIO_MAXIOV 1024

#endif /* UAPI_SOCKET_H */
