/**
 * @file
 * @ingroup net
 * @brief From a card to an IP interface: lwIP's netif on a struct netdev.
 *
 * lwIP knows an interface as a struct netif: its addresses, its flags,
 * and two functions, one to send a frame out (linkoutput) and one that
 * the port calls with each frame that came in (input). This file makes
 * one netif per card a driver registers and joins the two worlds:
 *
 *     driver ── netdev_rx() ──> pbuf ──> netif->input (ethernet_input)
 *     lwIP ── linkoutput(pbuf) ──> flat frame ──> nd->ops->xmit
 *
 * The address comes from the kernel command line: `ip=A.B.C.D/N` (with
 * `gw=A.B.C.D`) for a fixed one, `ip=off` for none; otherwise lwIP's
 * DHCP client asks for one (QEMU's user network answers 10.0.2.15/24,
 * gateway 10.0.2.2, name server 10.0.2.3). `dns=A.B.C.D[,A.B.C.D]` names
 * the name servers; /proc/net/pnp shows them. The interface is logged
 * when it has its address.
 */
#include "kernel/cmdline.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "net/net.h"
#include "net/netdev.h"
#include "sock.h"
#include "uapi/errno.h"
#include "uapi/if.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "netif/ethernet.h"

/* A whole frame, gathered from a pbuf chain for the driver (net_lock
 * makes one buffer enough). */
static uint8_t tx_frame[ETH_FRAME_MAX];

/* lwIP's linkoutput: send @p p, a whole Ethernet frame, through the card. */
static err_t
netif_linkoutput(struct netif *n, struct pbuf *p)
{
    struct netdev *nd = n->state;
    if (p->tot_len > sizeof tx_frame) {
        nd->tx_dropped++;
        return ERR_BUF;
    }
    pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
    if (nd->ops->xmit(nd, tx_frame, p->tot_len) < 0) {
        nd->tx_dropped++;
        return ERR_OK; // dropped as a full queue drops: TCP resends
    }
    nd->tx_packets++;
    nd->tx_bytes += p->tot_len;
    return ERR_OK;
}

/**
 * @brief A card received @p frame: copy it into lwIP and let it in.
 * @param nd    the card
 * @param frame the Ethernet frame, without the card's own header
 * @param len   its length in bytes
 * Called by the driver's poll(), with net_lock held.
 */
// [netdev_rx]
void
netdev_rx(struct netdev *nd, const void *frame, size_t len)
{
    struct netif *n = nd->stack;
    struct pbuf *p = NULL;
    if (n != NULL && len >= 14 && len <= ETH_FRAME_MAX)
        p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (p == NULL) {
        nd->rx_dropped++;
        return;
    }
    pbuf_take(p, frame, (u16_t)len);
    nd->rx_packets++;
    nd->rx_bytes += len;
    if (n->input(p, n) != ERR_OK)
        pbuf_free(p);
}
// [netdev_rx]

/* Log the interface's address when it gets one (or loses it). */
static void
netif_status(struct netif *n)
{
    struct netdev *nd = n->state;
    char ip[16], mask[16], gw[16];
    ip4addr_ntoa_r(netif_ip4_addr(n), ip, sizeof ip);
    ip4addr_ntoa_r(netif_ip4_netmask(n), mask, sizeof mask);
    ip4addr_ntoa_r(netif_ip4_gw(n), gw, sizeof gw);
    if (!ip4_addr_isany_val(*netif_ip4_addr(n)))
        printk("net: %s is %s netmask %s gateway %s\n", nd->name, ip, mask, gw);
}

/* netif_add's init: what lwIP needs to know of an Ethernet card. */
static err_t
netif_eth_init(struct netif *n)
{
    struct netdev *nd = n->state;
    n->name[0] = 'e';
    n->name[1] = 't';
    n->hwaddr_len = ETH_ALEN;
    memcpy(n->hwaddr, nd->mac, ETH_ALEN);
    n->mtu = (u16_t)nd->mtu;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
               NETIF_FLAG_IGMP;
    n->output = etharp_output;
    n->linkoutput = netif_linkoutput;
    netif_set_hostname(n, "keel");
    return ERR_OK;
}

/* Parse "A.B.C.D/N" into @p ip and @p mask: 0, or -EINVAL. */
static int
parse_cidr(const char *s, ip4_addr_t *ip, ip4_addr_t *mask)
{
    char buf[32];
    strlcpy(buf, s, sizeof buf);
    char *slash = strchr(buf, '/');
    unsigned long bits = 24;
    if (slash != NULL) {
        *slash = '\0';
        const char *end;
        bits = strtoul(slash + 1, &end, 10);
        if (*end != '\0' || bits > 32)
            return -EINVAL;
    }
    if (!ip4addr_aton(buf, ip))
        return -EINVAL;
    ip4_addr_set_u32(mask, bits == 0 ? 0 : lwip_htonl(~0u << (32 - bits)));
    return 0;
}

/** How the address was had, for /proc/net/pnp: DHCP or by hand. */
static bool pnp_dhcp;

/* dns=A.B.C.D[,A.B.C.D] from the command line (DHCP's servers, when it
 * gives some, replace them). */
static void
netif_dns_config(bool dhcp)
{
    pnp_dhcp = dhcp;
    const char *dns = cmdline_get("dns");
    if (dns == NULL)
        return;
    char buf[40];
    strlcpy(buf, dns, sizeof buf);
    char *comma = strchr(buf, ',');
    if (comma != NULL)
        *comma = '\0';
    const char *words[2] = {buf, comma != NULL ? comma + 1 : NULL};
    for (u8_t i = 0; i < 2 && words[i] != NULL; i++) {
        ip_addr_t a;
        if (ipaddr_aton(words[i], &a))
            dns_setserver(i, &a);
        else
            printk("net: dns=%s is not an address\n", words[i]);
    }
}

/**
 * @brief The name servers known (from dns= or DHCP), for /proc/net/pnp.
 * @param out  receives their addresses, network order
 * @param max  room at @p out
 * @param dhcp receives whether DHCP configured the interface
 * @return how many were written
 * @pre net_lock held
 */
int
netif_dns_servers(uint32_t *out, int max, bool *dhcp)
{
    int n = 0;
    for (u8_t i = 0; i < DNS_MAX_SERVERS && n < max; i++) {
        const ip_addr_t *a = dns_getserver(i);
        if (!ip_addr_isany(a))
            out[n++] = ip4_addr_get_u32(ip_2_ip4(a));
    }
    *dhcp = pnp_dhcp;
    return n;
}

/**
 * @brief Make @p nd an interface: address it, bring it up, start DHCP.
 * @param nd the card
 * @return 0, or -ENOMEM
 * @pre net_lock held (netdev_register()).
 */
int
netif_attach(struct netdev *nd)
{
    struct netif *n = kzalloc(sizeof *n);
    if (n == NULL)
        return -ENOMEM;
    ip4_addr_t ip = {0}, mask = {0}, gw = {0};
    const char *how = cmdline_get("ip");
    bool dhcp = how == NULL || strcmp(how, "dhcp") == 0;
    if (!dhcp && strcmp(how, "off") != 0 && parse_cidr(how, &ip, &mask) < 0) {
        printk("net: ip=%s is not A.B.C.D/N, dhcp, or off: using DHCP\n", how);
        dhcp = true;
    }
    const char *gws = cmdline_get("gw");
    if (gws != NULL && !ip4addr_aton(gws, &gw))
        printk("net: gw=%s is not an address: none\n", gws);
    netif_dns_config(dhcp);
    netif_add(n, &ip, &mask, &gw, nd, netif_eth_init, ethernet_input);
    nd->stack = n;
    netif_set_status_callback(n, netif_status);
    if (netif_default == NULL) // the first card routes what lo does not
        netif_set_default(n);
    netif_set_up(n);
    netif_set_link_up(n);
    if (dhcp)
        dhcp_start(n);
    return 0;
}

/* Linux's name of @p n: "lo", or its card's. */
static const char *
netif_linux_name(const struct netif *n)
{
    return n->state == NULL ? "lo" : ((const struct netdev *)n->state)->name;
}

/**
 * @brief Each interface's counters, for /proc/net/dev (lo counts none:
 *        lwIP keeps no statistics, LWIP_STATS = 0).
 * @param out receives them
 * @param max room at @p out
 * @return how many were written
 * @pre net_lock held
 */
int
netif_stats(struct net_ifstat *out, int max)
{
    int k = 0;
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (k == max)
            break;
        struct net_ifstat *st = &out[k++];
        memset(st, 0, sizeof *st);
        strlcpy(st->name, netif_linux_name(n), sizeof st->name);
        const struct netdev *nd = n->state;
        if (nd != NULL) {
            st->rx_bytes = nd->rx_bytes;
            st->rx_packets = nd->rx_packets;
            st->rx_dropped = nd->rx_dropped;
            st->tx_bytes = nd->tx_bytes;
            st->tx_packets = nd->tx_packets;
            st->tx_dropped = nd->tx_dropped;
        }
    }
    return k;
}

/**
 * @brief The routes lwIP follows, for /proc/net/route: each card's
 *        subnet, and the default route through the default interface's
 *        gateway. (Linux lists lo's 127/8 in another table, "local".)
 * @param out receives them
 * @param max room at @p out
 * @return how many were written
 * @pre net_lock held
 */
int
netif_routes(struct net_route *out, int max)
{
    int k = 0;
    struct netif *n = netif_default;
    if (n != NULL && n->state != NULL && netif_is_up(n) &&
        !ip4_addr_isany_val(*netif_ip4_gw(n)) && k < max) {
        struct net_route *r = &out[k++];
        strlcpy(r->iface, netif_linux_name(n), sizeof r->iface);
        r->dest = r->mask = 0;
        r->gw = ip4_addr_get_u32(netif_ip4_gw(n));
        r->flags = RTF_UP | RTF_GATEWAY;
    }
    NETIF_FOREACH(n)
    {
        if (n->state == NULL || !netif_is_up(n) ||
            ip4_addr_isany_val(*netif_ip4_addr(n)) || k == max)
            continue;
        struct net_route *r = &out[k++];
        strlcpy(r->iface, netif_linux_name(n), sizeof r->iface);
        r->mask = ip4_addr_get_u32(netif_ip4_netmask(n));
        r->dest = ip4_addr_get_u32(netif_ip4_addr(n)) & r->mask;
        r->gw = 0;
        r->flags = RTF_UP;
    }
    return k;
}
