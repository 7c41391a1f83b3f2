/**
 * @file
 * @ingroup net
 * @brief /proc/net: the stack's state as text, in Linux's formats, for
 *        netstat, route, ifconfig and ss-like tools.
 *
 * | file     | what                          | read by                  |
 * |----------|-------------------------------|--------------------------|
 * | dev      | each interface's counters     | ifconfig, ip -s          |
 * | pnp      | DHCP or manual; name servers  | /etc/resolv.conf links   |
 * | tcp      | every TCP pcb and its state   | netstat -t               |
 * | udp      | every UDP pcb                 | netstat -u               |
 * | tcp6 udp6| none: no IPv6 here            | netstat                  |
 * | route    | the routes                    | route -n, netstat -r     |
 * | sockstat | how many sockets are alive    | a leak check             |
 *
 * The formats are Linux's to the column (BusyBox parses them with
 * sscanf): addresses as the hex of their 32 bits in memory order, so
 * 127.0.0.1 is 0100007F on a little-endian machine, ports in hex.
 *
 * The directory is registered with procfs (proc_dir()). This file
 * includes no lwIP header: procfs's struct pbuf and lwIP's share a name,
 * so the lists come from tcp.c, udp.c and netif.c as plain structs.
 */
#include "fs/procfs.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "net/net.h"
#include "sock.h"
#include "uapi/stat.h"
#include "unix.h"

/** Most lines one file lists. */
#define PROCNET_MAX 256

/* /proc/net/dev */
static void
show_dev(struct pbuf *b, int pid)
{
    (void)pid;
    struct net_ifstat st[8];
    net_lock();
    int n = netif_stats(st, 8);
    net_unlock();
    pbuf_printf(b, "Inter-|   Receive                            "
                   "                    |  Transmit\n"
                   " face |bytes    packets errs drop fifo frame "
                   "compressed multicast|bytes    packets errs drop fifo "
                   "colls carrier compressed\n");
    for (int i = 0; i < n; i++)
        pbuf_printf(b,
                    "%6s: %7lu %7lu %4u %4lu %4u %5u %10u %9u "
                    "%8lu %7lu %4u %4lu %4u %5u %7u %10u\n",
                    st[i].name, st[i].rx_bytes, st[i].rx_packets, 0,
                    st[i].rx_dropped, 0, 0, 0, 0, st[i].tx_bytes,
                    st[i].tx_packets, 0, st[i].tx_dropped, 0, 0, 0, 0);
}

/* /proc/net/tcp and /proc/net/udp: one line per pcb. */
static void
show_conns(struct pbuf *b, int (*list)(struct net_conn *, int))
{
    struct net_conn *c = kmalloc(PROCNET_MAX * sizeof *c);
    if (c == NULL)
        return;
    net_lock();
    int n = list(c, PROCNET_MAX);
    net_unlock();
    pbuf_printf(b, "  sl  local_address rem_address   st tx_queue "
                   "rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    for (int i = 0; i < n; i++)
        pbuf_printf(b,
                    "%4d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 "
                    "00000000 %5u %8d %lu 1 0000000000000000 100 0 0 10 0\n",
                    i, c[i].local, c[i].lport, c[i].remote, c[i].rport,
                    c[i].state, c[i].txq, c[i].rxq, 0, 0, c[i].ino);
    kfree(c);
}

static void
show_tcp(struct pbuf *b, int pid)
{
    (void)pid;
    show_conns(b, tcp_conns);
}

static void
show_udp(struct pbuf *b, int pid)
{
    (void)pid;
    show_conns(b, udp_conns);
}

/* /proc/net/tcp6 and udp6: no IPv6 here (LWIP_IPV6 = 0), so none are
 * listed; netstat reads them beside tcp and udp. */
static void
show_conns6(struct pbuf *b, int pid)
{
    (void)pid;
    pbuf_printf(b, "  sl  local_address                         "
                   "remote_address                        st tx_queue "
                   "rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
}

/* /proc/net/route: lines padded to 127 columns, as Linux's are. */
static void
show_route(struct pbuf *b, int pid)
{
    (void)pid;
    struct net_route r[8];
    net_lock();
    int n = netif_routes(r, 8);
    net_unlock();
    pbuf_printf(b, "%-127s\n",
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
                "Mask\t\tMTU\tWindow\tIRTT");
    for (int i = 0; i < n; i++) {
        char line[128];
        snprintf(line, sizeof line,
                 "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", r[i].iface,
                 r[i].dest, r[i].gw, r[i].flags, r[i].mask);
        pbuf_printf(b, "%-127s\n", line);
    }
}

/* /proc/net/sockstat: the live sockets and TCP's pcbs. */
static void
show_sockstat(struct pbuf *b, int pid)
{
    (void)pid;
    struct net_conn *c = kmalloc(PROCNET_MAX * sizeof *c);
    if (c == NULL)
        return;
    net_lock();
    int n = tcp_conns(c, PROCNET_MAX);
    int u = udp_conns(c + n, PROCNET_MAX - n);
    net_unlock();
    int tw = 0, orphan = 0;
    for (int i = 0; i < n; i++) {
        tw += c[i].state == 6;
        orphan += c[i].ino == 0 && c[i].state != 6;
    }
    pbuf_printf(b,
                "sockets: used %d\nTCP: inuse %d orphan %d tw %d alloc %d "
                "mem 0\nUDP: inuse %d mem 0\nUDPLITE: inuse 0\nRAW: inuse "
                "0\nFRAG: inuse 0 memory 0\n",
                __atomic_load_n(&sock_count, __ATOMIC_SEQ_CST), n - tw, orphan,
                tw, n, u);
    kfree(c);
}

/* /proc/net/pnp: how the network was configured and its name servers,
 * as Linux's in-kernel configuration writes it; /etc/resolv.conf is a
 * link to it, as in initramfs-based systems. */
static void
show_pnp(struct pbuf *b, int pid)
{
    (void)pid;
    uint32_t dns[4];
    bool dhcp;
    net_lock();
    int n = netif_dns_servers(dns, 4, &dhcp);
    net_unlock();
    pbuf_printf(b, dhcp ? "#PROTO: DHCP\n" : "#MANUAL\n");
    for (int i = 0; i < n; i++) {
        const uint8_t *a = (const uint8_t *)&dns[i];
        pbuf_printf(b, "nameserver %u.%u.%u.%u\n", a[0], a[1], a[2], a[3]);
    }
}

/** The files of /proc/net. */
static const struct proc_entry procnet_entries[] = {
    {"dev", S_IFREG | 0444, show_dev, NULL, 0, NULL},
    {"pnp", S_IFREG | 0444, show_pnp, NULL, 0, NULL},
    {"route", S_IFREG | 0444, show_route, NULL, 0, NULL},
    {"sockstat", S_IFREG | 0444, show_sockstat, NULL, 0, NULL},
    {"tcp", S_IFREG | 0444, show_tcp, NULL, 0, NULL},
    {"tcp6", S_IFREG | 0444, show_conns6, NULL, 0, NULL},
    {"udp", S_IFREG | 0444, show_udp, NULL, 0, NULL},
    {"udp6", S_IFREG | 0444, show_conns6, NULL, 0, NULL},
    {"unix", S_IFREG | 0444, unix_show_proc, NULL, 0, NULL},
};
proc_dir(net, "net", procnet_entries);
