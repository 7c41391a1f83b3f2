/**
 * @file
 * @ingroup uapi
 * @brief Network interfaces and routes as ifconfig and route see them:
 *        struct ifreq, struct ifconf, struct rtentry and the SIOC*
 *        ioctls (Linux's uapi/linux/if.h, sockios.h, route.h).
 */
#ifndef UAPI_IF_H
#define UAPI_IF_H

#include "uapi/socket.h"

/** Bytes in an interface name, its NUL included. */
#define IFNAMSIZ 16

/** @name Interface flags (SIOCGIFFLAGS). */
///@{
#define IFF_UP 0x1           /**< administratively up */
#define IFF_BROADCAST 0x2    /**< has a broadcast address */
#define IFF_LOOPBACK 0x8     /**< the loopback interface */
#define IFF_RUNNING 0x40     /**< the link is up */
#define IFF_MULTICAST 0x1000 /**< supports multicast */
///@}

/** @name Hardware types (SIOCGIFHWADDR's sa_family). */
///@{
#define ARPHRD_ETHER 1      /**< Ethernet */
#define ARPHRD_LOOPBACK 772 /**< the loopback device */
///@}

/** @name The socket ioctls on interfaces and routes. */
///@{
#define SIOCADDRT 0x890b      /**< add a route */
#define SIOCDELRT 0x890c      /**< delete a route */
#define SIOCGIFNAME 0x8910    /**< an interface's name from its index */
#define SIOCGIFCONF 0x8912    /**< the interfaces and their addresses */
#define SIOCGIFFLAGS 0x8913   /**< get IFF_* flags */
#define SIOCSIFFLAGS 0x8914   /**< set IFF_* flags */
#define SIOCGIFADDR 0x8915    /**< get the address */
#define SIOCSIFADDR 0x8916    /**< set the address */
#define SIOCGIFDSTADDR 0x8917 /**< get the point-to-point peer */
#define SIOCGIFBRDADDR 0x8919 /**< get the broadcast address */
#define SIOCSIFBRDADDR 0x891a /**< set the broadcast address */
#define SIOCGIFNETMASK 0x891b /**< get the netmask */
#define SIOCSIFNETMASK 0x891c /**< set the netmask */
#define SIOCGIFMETRIC 0x891d  /**< get the metric */
#define SIOCGIFMTU 0x8921     /**< get the MTU */
#define SIOCSIFMTU 0x8922     /**< set the MTU */
#define SIOCGIFHWADDR 0x8927  /**< get the hardware address */
#define SIOCGIFINDEX 0x8933   /**< get the index */
#define SIOCGIFTXQLEN 0x8942  /**< get the transmit queue length */
///@}

/** One interface's request: its name and one value. */
struct ifreq {
    char ifr_name[IFNAMSIZ]; /**< "eth0" */
    union {
        struct sockaddr addr; /**< an address (AF_INET, or the MAC) */
        int16_t flags;        /**< IFF_* */
        int32_t ivalue;       /**< mtu, index, metric, queue length */
        char name[IFNAMSIZ];  /**< SIOCGIFNAME's answer */
        uint8_t pad[24];      /**< the union's size */
    } u;                      /**< the value */
};

/** SIOCGIFCONF's buffer: the interfaces' names and addresses. */
struct ifconf {
    int32_t ifc_len;  /**< bytes at ifc_buf; written back: bytes used */
    int32_t pad;      /**< padding */
    uint64_t ifc_buf; /**< struct ifreq array (user pointer); 0: count */
};

/** A route, as SIOCADDRT and SIOCDELRT take it. */
struct rtentry {
    uint64_t rt_pad1;           /**< unused */
    struct sockaddr rt_dst;     /**< the destination */
    struct sockaddr rt_gateway; /**< the gateway (RTF_GATEWAY) */
    struct sockaddr rt_genmask; /**< the destination's netmask */
    uint16_t rt_flags;          /**< RTF_* */
    int16_t rt_pad2;            /**< unused */
    uint64_t rt_pad3;           /**< unused */
    uint64_t rt_pad4;           /**< unused */
    int16_t rt_metric;          /**< the metric, plus one */
    uint64_t rt_dev;            /**< the interface's name (user pointer) */
    uint64_t rt_mtu;            /**< unused here */
    uint64_t rt_window;         /**< unused here */
    uint16_t rt_irtt;           /**< unused here */
};

/** @name Route flags. */
///@{
#define RTF_UP 0x1      /**< the route is usable */
#define RTF_GATEWAY 0x2 /**< through a gateway */
#define RTF_HOST 0x4    /**< to one host */
///@}

#endif /* UAPI_IF_H */
