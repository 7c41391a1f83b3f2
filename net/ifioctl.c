/**
 * @file
 * @ingroup net
 * @brief The interface and route ioctls: what ifconfig and route ask.
 *
 * Before netlink, Linux's tools configured the network with ioctls on
 * any socket: SIOCGIFCONF lists the interfaces, SIOCGIF* reads one
 * value of one interface named in a struct ifreq, SIOCSIF* sets it, and
 * SIOCADDRT / SIOCDELRT add and remove routes. BusyBox's ifconfig and
 * route still speak them. Here each maps onto lwIP's struct netif:
 * "lo" is lwIP's loopback interface, "eth0" and on are the cards'.
 *
 * lwIP routes by interface: each has an address, a netmask and one
 * gateway, and the default interface takes what matches none. So the
 * route table has exactly one route per interface (its subnet) plus the
 * default route; SIOCADDRT can set the default gateway (and with it the
 * default interface) and nothing else (-EOPNOTSUPP for other routes).
 *
 * Setting anything needs root (CAP_NET_ADMIN on Linux): -EPERM.
 */
#include "kernel/cred.h"
#include "kernel/string.h"
#include "net/net.h"
#include "net/netdev.h"
#include "uapi/errno.h"
#include "uapi/if.h"

#include "lwip/netif.h"

/* The name Linux would give @p n: "lo", or its card's "ethN". */
static const char *
if_name(const struct netif *n)
{
    if (n->state == NULL)
        return "lo";
    return ((const struct netdev *)n->state)->name;
}

/* The interface called @p name, or NULL. */
static struct netif *
if_find(const char *name)
{
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (strcmp(if_name(n), name) == 0)
            return n;
    }
    return NULL;
}

/* An AF_INET sockaddr holding @p addr (network order). */
static void
if_put_addr(struct sockaddr *sa, uint32_t addr)
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr = addr};
    memcpy(sa, &in, sizeof in);
}

/* IFF_* of @p n, as Linux reports them. */
static int16_t
if_flags(const struct netif *n)
{
    int16_t f = 0;
    if (netif_is_up(n))
        f |= IFF_UP | IFF_RUNNING;
    if (n->state == NULL)
        f |= IFF_LOOPBACK;
    else
        f |= IFF_BROADCAST | IFF_MULTICAST;
    return f;
}

/* SIOCGIFCONF: an ifreq with the address of each interface that has
 * one (or, with no buffer, the bytes that would take). */
static long
if_conf(uptr_t arg)
{
    struct ifconf c;
    if (copy_from_user(&c, arg, sizeof c) < 0)
        return -EFAULT;
    int used = 0;
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (ip4_addr_isany_val(*netif_ip4_addr(n)))
            continue;
        if (c.ifc_buf != 0) {
            if (used + (int)sizeof(struct ifreq) > c.ifc_len)
                break;
            struct ifreq r = {0};
            strlcpy(r.ifr_name, if_name(n), IFNAMSIZ);
            if_put_addr(&r.u.addr, ip4_addr_get_u32(netif_ip4_addr(n)));
            if (copy_to_user(UPTR(c.ifc_buf + (uint64_t)used), &r, sizeof r) <
                0)
                return -EFAULT;
        }
        used += (int)sizeof(struct ifreq);
    }
    c.ifc_len = used;
    return copy_to_user(arg, &c, sizeof c);
}

/* The SIOCGIF* reads: fill @p r from @p n. */
static long
if_get(unsigned long cmd, struct netif *n, struct ifreq *r)
{
    const struct netdev *nd = n->state;
    switch (cmd) {
    case SIOCGIFFLAGS:
        r->u.flags = if_flags(n);
        return 0;
    case SIOCGIFADDR:
        if_put_addr(&r->u.addr, ip4_addr_get_u32(netif_ip4_addr(n)));
        return 0;
    case SIOCGIFNETMASK:
        if_put_addr(&r->u.addr, ip4_addr_get_u32(netif_ip4_netmask(n)));
        return 0;
    case SIOCGIFBRDADDR:
        if_put_addr(&r->u.addr,
                    nd == NULL ? 0
                               : (ip4_addr_get_u32(netif_ip4_addr(n)) |
                                  ~ip4_addr_get_u32(netif_ip4_netmask(n))));
        return 0;
    case SIOCGIFDSTADDR:
        if_put_addr(&r->u.addr, 0);
        return 0;
    case SIOCGIFHWADDR:
        memset(&r->u.addr, 0, sizeof r->u.addr);
        r->u.addr.sa_family = nd ? ARPHRD_ETHER : ARPHRD_LOOPBACK;
        if (nd != NULL)
            memcpy(r->u.addr.sa_data, nd->mac, ETH_ALEN);
        return 0;
    case SIOCGIFMTU:
        r->u.ivalue = nd ? n->mtu : 65536;
        return 0;
    case SIOCGIFINDEX:
        r->u.ivalue = netif_get_index(n);
        return 0;
    case SIOCGIFMETRIC:
        r->u.ivalue = 0;
        return 0;
    case SIOCGIFTXQLEN:
        r->u.ivalue = nd ? 1000 : 1000;
        return 0;
    default:
        return -ENOTTY;
    }
}

/* The SIOCSIF* writes: set @p n from @p r. */
static long
if_set(unsigned long cmd, struct netif *n, const struct ifreq *r)
{
    struct sockaddr_in in;
    memcpy(&in, &r->u.addr, sizeof in);
    ip4_addr_t a;
    ip4_addr_set_u32(&a, in.sin_addr);
    switch (cmd) {
    case SIOCSIFFLAGS:
        if ((r->u.flags & IFF_UP) && !netif_is_up(n))
            netif_set_up(n);
        else if (!(r->u.flags & IFF_UP) && netif_is_up(n))
            netif_set_down(n);
        return 0;
    case SIOCSIFADDR:
        if (in.sin_family != AF_INET)
            return -EINVAL;
        netif_set_ipaddr(n, &a);
        return 0;
    case SIOCSIFNETMASK:
        netif_set_netmask(n, &a);
        return 0;
    case SIOCSIFBRDADDR:
        return 0; // lwIP derives it from the address and the mask
    case SIOCSIFMTU:
        if (r->u.ivalue < 68 || (n->state != NULL && r->u.ivalue > 1500))
            return -EINVAL;
        n->mtu = (u16_t)r->u.ivalue;
        return 0;
    default:
        return -ENOTTY;
    }
}

/* SIOCADDRT and SIOCDELRT: the default route only. */
static long
if_route(unsigned long cmd, uptr_t arg)
{
    struct rtentry rt;
    if (copy_from_user(&rt, arg, sizeof rt) < 0)
        return -EFAULT;
    struct sockaddr_in dst, gw, mask;
    memcpy(&dst, &rt.rt_dst, sizeof dst);
    memcpy(&gw, &rt.rt_gateway, sizeof gw);
    memcpy(&mask, &rt.rt_genmask, sizeof mask);
    if (dst.sin_addr != 0 || mask.sin_addr != 0 || !(rt.rt_flags & RTF_GATEWAY))
        return -EOPNOTSUPP; // lwIP has one gateway per interface
    ip4_addr_t g;
    ip4_addr_set_u32(&g, gw.sin_addr);
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (n->state == NULL ||
            !ip4_addr_netcmp(&g, netif_ip4_addr(n), netif_ip4_netmask(n)))
            continue;
        if (cmd == SIOCDELRT) {
            if (!ip4_addr_cmp(netif_ip4_gw(n), &g))
                return -ESRCH;
            netif_set_gw(n, IP4_ADDR_ANY4);
        } else {
            netif_set_gw(n, &g);
            netif_set_default(n);
        }
        return 0;
    }
    return -ENETUNREACH;
}

/**
 * @brief An interface or route ioctl on a socket.
 * @param cmd a SIOC* request
 * @param arg its struct ifreq, ifconf or rtentry in user memory
 * @return 0; -ENOTTY (not one of these), -EFAULT, -ENODEV (no such
 *         interface), -EPERM (setting, not root), -EINVAL, -EOPNOTSUPP
 * Takes net_lock.
 */
long
net_if_ioctl(unsigned long cmd, uptr_t arg)
{
    if ((cmd & ~0xffUL) != 0x8900 || cmd == 0x8911 || cmd == 0x8918 ||
        cmd == 0x891f || cmd == 0x8920 ||
        (cmd > SIOCSIFMTU && cmd != SIOCGIFHWADDR && cmd != SIOCGIFINDEX &&
         cmd != SIOCGIFTXQLEN))
        return -ENOTTY; // not an interface or route request we know
    bool set = cmd == SIOCSIFFLAGS || cmd == SIOCSIFADDR ||
               cmd == SIOCSIFNETMASK || cmd == SIOCSIFBRDADDR ||
               cmd == SIOCSIFMTU || cmd == SIOCADDRT || cmd == SIOCDELRT;
    if (set && !capable(CAP_NET_ADMIN))
        return -EPERM;
    long err;
    net_lock();
    if (cmd == SIOCGIFCONF) {
        err = if_conf(arg);
    } else if (cmd == SIOCADDRT || cmd == SIOCDELRT) {
        err = if_route(cmd, arg);
    } else {
        struct ifreq r;
        err = copy_from_user(&r, arg, sizeof r);
        struct netif *n = NULL;
        if (err == 0 && cmd == SIOCGIFNAME) {
            n = netif_get_by_index((u8_t)r.u.ivalue);
            if (n == NULL)
                err = -ENODEV;
            else
                strlcpy(r.ifr_name, if_name(n), IFNAMSIZ);
        } else if (err == 0) {
            r.ifr_name[IFNAMSIZ - 1] = '\0';
            n = if_find(r.ifr_name);
            if (n == NULL)
                err = -ENODEV;
            else if (set)
                err = if_set(cmd, n, &r);
            else
                err = if_get(cmd, n, &r);
        }
        if (err == 0 && !set)
            err = copy_to_user(arg, &r, sizeof r);
    }
    net_unlock();
    return err;
}
