/**
 * @file
 * @ingroup net
 * @brief A network card as the stack sees it: the contract between a NIC
 *        driver (kernel/drivers/) and the network stack (net/).
 *
 * A driver fills a struct netdev with the card's name, address and three
 * operations and calls netdev_register(). From then on:
 *
 * - **Receiving.** The card's interrupt handler does no network work: it
 *   acknowledges the card and calls netdev_kick(), which wakes the
 *   network thread. That thread, holding the stack's lock, calls the
 *   driver's poll(): the driver takes each received frame off its ring,
 *   hands it to netdev_rx() (which copies it into the stack) and gives
 *   the buffer back to the card.
 * - **Sending.** The stack calls xmit() with a whole Ethernet frame (no
 *   CRC), in thread context, with the stack's lock held. The driver
 *   copies it into a buffer of its own before returning, so the frame's
 *   memory may be reused at once; it reclaims the buffers the card has
 *   finished with whenever it likes (in xmit() or poll()).
 *
 * Locking: poll() and xmit() are only ever called by the stack with its
 * lock held (one at a time); a driver's own lock is needed only for what
 * its interrupt handler shares with them.
 */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H

#include "kernel/types.h"

/** Bytes in an Ethernet (MAC) address. */
#define ETH_ALEN 6
/** Largest Ethernet frame without its CRC: 1500 payload + 14 header. */
#define ETH_FRAME_MAX 1514

struct netdev;

/** What a driver does for the stack. */
struct netdev_ops {
    /** Send one frame of @p len bytes (14..ETH_FRAME_MAX): 0, or
     *  -ENOBUFS when the card's ring is full (the frame is dropped, as a
     *  full queue on Linux drops it; TCP sends it again). */
    int (*xmit)(struct netdev *nd, const void *frame, size_t len);
    /** Hand up to @p budget received frames to netdev_rx(), refill the
     *  ring, and return how many were handed up. */
    int (*poll)(struct netdev *nd, int budget);
};

/** A network card. The driver owns it; it is never freed. */
struct netdev {
    char name[16];                   /**< "eth0", set by netdev_register() */
    uint8_t mac[ETH_ALEN];           /**< the card's address */
    unsigned mtu;                    /**< payload bytes per frame (1500) */
    const struct netdev_ops *ops;    /**< the driver's operations */
    void *priv;                      /**< the driver's own state */
    void *stack;                     /**< net/'s own state (its netif) */
    bool link_up;                    /**< the cable is in (virtio's status) */
    uint64_t rx_packets, rx_bytes;   /**< counted by netdev_rx() */
    uint64_t tx_packets, tx_bytes;   /**< counted by the stack on xmit() */
    uint64_t rx_dropped, tx_dropped; /**< frames lost on the way */
};

int netdev_register(struct netdev *nd);
void netdev_kick(struct netdev *nd);
void netdev_rx(struct netdev *nd, const void *frame, size_t len);

#endif /* NET_NETDEV_H */
