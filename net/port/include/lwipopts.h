/**
 * @file
 * @ingroup net
 * @brief How Keel configures lwIP (lwIP reads this as lwipopts.h).
 *
 * lwIP has hundreds of options (src/include/lwip/opt.h gives each a
 * default); these are the ones Keel sets, each with its reason. The big
 * choice is the first one:
 *
 * **NO_SYS = 1: lwIP without an operating-system layer.** lwIP can run
 * either on top of threads, semaphores and mailboxes that the port
 * provides (NO_SYS = 0: its own "tcpip" thread owns the stack and every
 * other thread sends it messages), or bare (NO_SYS = 1: the raw API,
 * called by whoever may call it, with timers run by the port). Keel
 * takes the second: every call into lwIP is made with one sleeping lock
 * held, net_lock (net/core.c), so only one thread is ever inside the
 * stack; a network thread takes the same lock to run lwIP's timers and
 * to take frames off the cards. A socket call then runs lwIP in the
 * caller's own thread, without a message and two context switches per
 * call, and lwIP's callbacks (data arrived, connection accepted, bytes
 * acknowledged) only queue things on the socket and wake its wait
 * queue. lwIP's own sockets and netconn API need NO_SYS = 0 and are off:
 * Keel's sockets (net/socket.c) are written on the raw API.
 *
 * Memory comes from the kernel's kmalloc, pools included
 * (MEMP_MEM_MALLOC): there is no fixed pool of connections to run out
 * of, and every byte the stack holds shows in the kernel's allocator
 * counts, so a test can check that closing every socket gives it all
 * back.
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);
void *net_calloc(size_t count, size_t size);

/* ---- the system layer: none (see above) */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* net_lock serialises every caller */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_NETIF_API 0

/* ---- memory: the kernel's allocator for everything */
#define MEM_LIBC_MALLOC 1
#define mem_clib_malloc kmalloc
#define mem_clib_free kfree
#define mem_clib_calloc net_calloc
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define PBUF_POOL_SIZE 256 /* only counts in MEMP_MEM_MALLOC mode */

/* ---- protocols */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1 /* ping's ICMP sockets */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
/* resolving is the C library's job, as on Linux; lwIP's DNS module is
 * built only so that DHCP records the servers it is given, which
 * /proc/net/pnp shows (/etc/resolv.conf links there) */
#define LWIP_DNS 1
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define SO_REUSE 1 /* SO_REUSEADDR */
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_SO_RCVBUF 0 /* the socket layer keeps its own count */
#define LWIP_BROADCAST_PBUF_FLAGS 1

/* ---- the loopback interface 127.0.0.1, and looping back to our own
 * addresses on other interfaces (a connect to 10.0.2.15 from 10.0.2.15) */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1

/* ---- TCP sizes: a 64 KiB window with window scaling, as a LAN wants */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (64 * 1024)
#define TCP_SND_BUF (64 * 1024)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT (TCP_SND_BUF / 4)
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_SACK_OUT 0
#define MEMP_NUM_TCP_SEG (4 * TCP_SND_QUEUELEN)
#define TCP_OVERSIZE TCP_MSS
#define LWIP_TCP_TIMESTAMPS 0

/* ---- a hook on every segment for a connection (net/tcp.c)
 * lwIP 2.1 answers any segment outside the receive window with an ACK,
 * even an empty one while the window is zero. Two connections over
 * loopback whose windows are both closed then answer each other's ACKs
 * forever, and netif_poll(), which runs until the loop queue is empty,
 * never returns. tcp_drop_noop_ack() drops the empty ACK that would
 * start it; see there. */
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
int tcp_drop_noop_ack(const struct tcp_pcb *pcb, const struct tcp_hdr *hdr,
                      const struct pbuf *p);
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p)         \
    tcp_drop_noop_ack(pcb, hdr, p)

/* ---- checksums: computed in software both ways (virtio's offload is
 * off, and a teaching kernel should show them) */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1

/* ---- statistics: off; the socket layer and netdev count what /proc
 * shows */
#define LWIP_STATS 0
#define LWIP_DEBUG 0

#endif /* NET_LWIPOPTS_H */
