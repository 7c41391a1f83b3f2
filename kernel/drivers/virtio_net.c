/**
 * @file
 * @ingroup drivers
 * @brief The virtio network card (QEMU's virtio-net-pci), legacy
 *        interface: frames in and out through two virtqueues.
 *
 * The card has a receive queue (0) and a transmit queue (1). Every
 * frame, either way, is preceded by a struct virtio_net_hdr that tells
 * about checksum and segmentation offloads; Keel negotiates none of them,
 * so on transmit the header is all zeros and on receive it is skipped.
 * Its length depends on the features: 10 bytes, or 12 when
 * VIRTIO_NET_F_MRG_RXBUF adds a buffer count (not negotiated here).
 *
 * Each buffer slot i is one 2 KiB piece of a contiguous block, described
 * by the fixed pair of descriptors 2i (the header) and 2i + 1 (the
 * frame). A legacy device that has not offered VIRTIO_F_ANY_LAYOUT
 * expects the header in a descriptor of its own (virtio 1.x, 5.1.6.6),
 * and fixed pairs need no descriptor allocator: a used entry's head
 * names its slot.
 *
 * - **Receive.** Every slot is posted at start-up. poll() takes the used
 *   entries, hands each frame to netdev_rx() (which copies it) and posts
 *   the slot again at once, then notifies the card once.
 * - **Transmit.** xmit() takes a free slot, writes a zero header and the
 *   frame into it, posts it and notifies the card. Finished slots are
 *   collected back onto the free list by xmit() and poll(); with none
 *   free xmit() answers -ENOBUFS.
 * - **Interrupts.** The handler reads the ISR register, which
 *   acknowledges the interrupt and lowers the shared, level-triggered
 *   line; queue work goes to the network thread via netdev_kick(), a
 *   configuration change re-reads the link status.
 *
 * Locking: the stack calls poll() and xmit() one at a time under its own
 * lock, and they alone touch the rings; the interrupt handler touches
 * only the ISR register and nd.link_up. No lock of our own is needed.
 */
#include "asm/io.h"
#include "kernel/arch.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/virtio.h"
#include "net/netdev.h"
#include "uapi/errno.h"

/* feature bits (virtio 1.x, 5.1.3) */
#define VIRTIO_NET_F_MAC (1u << 5)        /* the card has an address */
#define VIRTIO_NET_F_MRG_RXBUF (1u << 15) /* frames over several buffers */
#define VIRTIO_NET_F_STATUS (1u << 16)    /* the config has a link status */
/** What Keel takes: no checksum offload, no segmentation offload. */
#define VNET_FEATURES (VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS)

/* the device's configuration fields, after VIRTIO_PCI_CONFIG */
#define VNET_CONFIG_MAC 0    /* 6 bytes */
#define VNET_CONFIG_STATUS 6 /* 16 bits */
#define VIRTIO_NET_S_LINK_UP 1

#define VNET_RX_QUEUE 0
#define VNET_TX_QUEUE 1

/** One buffer: a header and the largest frame, rounded up. */
#define VNET_BUF_SIZE 2048
/** Slots per queue at most (each takes two descriptors). */
#define VNET_SLOTS_MAX 64u
/** The block of one queue's buffers: VNET_SLOTS_MAX * 2 KiB = 32 pages. */
#define VNET_BUFS_ORDER 5

/** The header before every frame (the 12-byte form; see hdr_len). */
struct virtio_net_hdr {
    uint8_t flags;        /**< 1: needs a checksum (offload) */
    uint8_t gso_type;     /**< 0: not a segmentation job */
    uint16_t hdr_len;     /**< offload fields, all 0 here */
    uint16_t gso_size;    /**< ... */
    uint16_t csum_start;  /**< ... */
    uint16_t csum_offset; /**< ... */
    uint16_t num_buffers; /**< only with VIRTIO_NET_F_MRG_RXBUF */
} __packed;
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio_net_hdr");

/** The state of one card. */
struct vnet {
    struct netdev nd;                 /**< what the stack sees */
    struct pci_dev *pci;              /**< the PCI function */
    uint16_t iobase;                  /**< its I/O BAR 0 */
    uint32_t features;                /**< the features agreed on */
    unsigned hdr_len;                 /**< 10, or 12 with MRG_RXBUF */
    struct virtq rx, tx;              /**< queues 0 and 1 */
    unsigned rx_slots, tx_slots;      /**< slots in use per queue */
    paddr_t rx_pa, tx_pa;             /**< the buffer blocks */
    uint16_t tx_free[VNET_SLOTS_MAX]; /**< free transmit slots */
    unsigned tx_nfree;                /**< entries in tx_free */
};

/* The buffer of slot @p slot in the block at @p pa. */
static uint8_t *
vnet_buf(paddr_t pa, unsigned slot)
{
    return (uint8_t *)phys_to_virt(pa) + (size_t)slot * VNET_BUF_SIZE;
}

/* Describe slot @p slot of @p q as its fixed pair of descriptors; @p flags
 * is VIRTQ_DESC_F_WRITE for receive buffers, 0 for transmit. */
static void
vnet_slot_init(struct vnet *vn, struct virtq *q, paddr_t pa, unsigned slot,
               uint16_t flags)
{
    paddr_t buf = pa + (paddr_t)slot * VNET_BUF_SIZE;
    struct virtq_desc *d = &q->desc[2 * slot];
    d[0] = (struct virtq_desc){buf, vn->hdr_len, flags | VIRTQ_DESC_F_NEXT,
                               (uint16_t)(2 * slot + 1)};
    d[1] = (struct virtq_desc){buf + vn->hdr_len, VNET_BUF_SIZE - vn->hdr_len,
                               flags, 0};
}

/* Read the link status into nd.link_up (up when the card cannot say). */
static void
vnet_read_link(struct vnet *vn)
{
    if (!(vn->features & VIRTIO_NET_F_STATUS)) {
        vn->nd.link_up = true;
        return;
    }
    uint16_t st = inw(vn->iobase + VIRTIO_PCI_CONFIG + VNET_CONFIG_STATUS);
    vn->nd.link_up = (st & VIRTIO_NET_S_LINK_UP) != 0;
}

/* Put every transmit slot the card has finished with back on the list. */
static void
vnet_tx_reclaim(struct vnet *vn)
{
    uint16_t head;
    uint32_t len;
    while (virtq_take(&vn->tx, &head, &len))
        if (head / 2 < vn->tx_slots && vn->tx_nfree < vn->tx_slots)
            vn->tx_free[vn->tx_nfree++] = head / 2;
}

// [vnet_xmit]
/**
 * @brief netdev_ops.xmit: copy @p frame into a free slot and post it.
 * @param nd    the card
 * @param frame a whole Ethernet frame, without CRC
 * @param len   14..ETH_FRAME_MAX bytes
 * @return 0; -EINVAL for a bad length; -ENOBUFS when every slot is in
 *         flight (the caller drops the frame and counts it)
 * @pre called by the stack, with its lock held
 */
static int
vnet_xmit(struct netdev *nd, const void *frame, size_t len)
{
    struct vnet *vn = nd->priv;
    if (len < 14 || len > ETH_FRAME_MAX)
        return -EINVAL;
    if (vn->tx_nfree == 0)
        vnet_tx_reclaim(vn);
    if (vn->tx_nfree == 0)
        return -ENOBUFS;
    unsigned slot = vn->tx_free[--vn->tx_nfree];
    uint8_t *buf = vnet_buf(vn->tx_pa, slot);
    memset(buf, 0, vn->hdr_len); /* no offloads asked for */
    memcpy(buf + vn->hdr_len, frame, len);
    vn->tx.desc[2 * slot + 1].len = (uint32_t)len;
    virtq_post(&vn->tx, (uint16_t)(2 * slot));
    virtq_notify(&vn->tx);
    return 0;
}
// [vnet_xmit]

/**
 * @brief netdev_ops.poll: hand up to @p budget received frames to the
 *        stack and give their buffers back to the card.
 * @param nd     the card
 * @param budget frames to take at most
 * @return frames taken (handed up or dropped as malformed)
 * @pre called by the stack, with its lock held
 */
// >>> exercise 7.1 virtio-rx
static int
vnet_poll(struct netdev *nd, int budget)
{
    struct vnet *vn = nd->priv;
    uint16_t head;
    uint32_t len;
    int n = 0;
    vnet_tx_reclaim(vn);
    while (n < budget && virtq_take(&vn->rx, &head, &len)) {
        unsigned slot = head / 2;
        if (slot >= vn->rx_slots)
            continue; /* not a head we posted: the card is confused */
        if (len > vn->hdr_len + 14 && len <= VNET_BUF_SIZE)
            netdev_rx(nd, vnet_buf(vn->rx_pa, slot) + vn->hdr_len,
                      len - vn->hdr_len);
        else
            nd->rx_dropped++;
        virtq_post(&vn->rx, head);
        n++;
    }
    if (n > 0)
        virtq_notify(&vn->rx);
    return n;
}
// === stub: frames stay on the card, and the card runs out of buffers
// static int
// vnet_poll(struct netdev *nd, int budget)
// {
//     (void)nd, (void)budget;
//     return 0; // TODO(7.1): take the used entries, hand frames up, repost
// }
// <<< exercise 7.1 virtio-rx

static const struct netdev_ops vnet_ops = {
    .xmit = vnet_xmit,
    .poll = vnet_poll,
};

// [vnet_interrupt]
/* The card's interrupt: reading ISR acknowledges it and lowers the line
 * (before irq_handle() sends the EOI). 0 means another card on the same
 * line interrupted. */
static void
vnet_interrupt(unsigned irq, void *ctx)
{
    struct vnet *vn = ctx;
    (void)irq;
    uint8_t isr = inb(vn->iobase + VIRTIO_PCI_ISR);
    if (isr & VIRTIO_ISR_CONFIG)
        vnet_read_link(vn);
    if (isr & VIRTIO_ISR_QUEUE)
        netdev_kick(&vn->nd);
}
// [vnet_interrupt]

/* Set up both queues and their buffer slots; every receive slot posted. */
static int
vnet_setup_queues(struct vnet *vn)
{
    int err = virtq_setup(&vn->rx, vn->iobase, VNET_RX_QUEUE);
    if (err == 0)
        err = virtq_setup(&vn->tx, vn->iobase, VNET_TX_QUEUE);
    if (err < 0)
        return err;
    vn->rx_slots = MIN(vn->rx.size / 2u, VNET_SLOTS_MAX);
    vn->tx_slots = MIN(vn->tx.size / 2u, VNET_SLOTS_MAX);
    for (unsigned i = 0; i < vn->rx_slots; i++) {
        vnet_slot_init(vn, &vn->rx, vn->rx_pa, i, VIRTQ_DESC_F_WRITE);
        virtq_post(&vn->rx, (uint16_t)(2 * i));
    }
    for (unsigned i = 0; i < vn->tx_slots; i++) {
        vnet_slot_init(vn, &vn->tx, vn->tx_pa, i, 0);
        vn->tx_free[vn->tx_nfree++] = (uint16_t)i;
    }
    return 0;
}

/* The card's address: its own, or a fixed locally administered one. */
static void
vnet_read_mac(struct vnet *vn)
{
    static const uint8_t fallback[ETH_ALEN] = {0x02, 'K', 'e', 'e', 'l', 0};
    for (int i = 0; i < ETH_ALEN; i++)
        vn->nd.mac[i] =
            vn->features & VIRTIO_NET_F_MAC
                ? inb(vn->iobase + VIRTIO_PCI_CONFIG + VNET_CONFIG_MAC + i)
                : fallback[i];
}

// [vnet_start]
/*
 * The start-up sequence of virtio 1.x, 3.1.1 (legacy form: no
 * FEATURES_OK step): reset; ACKNOWLEDGE and DRIVER; agree on features;
 * set up the queues; DRIVER_OK. Returns 0 or a negative errno, with the
 * device reset again on failure.
 */
static int
vnet_start(struct vnet *vn)
{
    virtio_set_status(vn->iobase, 0);
    virtio_set_status(vn->iobase, VIRTIO_STATUS_ACKNOWLEDGE);
    virtio_set_status(vn->iobase, VIRTIO_STATUS_DRIVER);
    vn->features = virtio_negotiate(vn->iobase, VNET_FEATURES);
    vn->hdr_len = vn->features & VIRTIO_NET_F_MRG_RXBUF ? 12 : 10;
    int err = vnet_setup_queues(vn);
    if (err < 0) {
        virtio_set_status(vn->iobase, VIRTIO_STATUS_FAILED);
        virtio_set_status(vn->iobase, 0);
        virtq_release(&vn->rx);
        virtq_release(&vn->tx);
        return err;
    }
    vnet_read_mac(vn);
    vnet_read_link(vn);
    virtio_set_status(vn->iobase, VIRTIO_STATUS_DRIVER_OK);
    virtq_notify(&vn->rx); /* the receive buffers are there */
    return 0;
}
// [vnet_start]

/* A zeroed struct vnet with its two buffer blocks, or NULL. */
static struct vnet *
vnet_alloc(void)
{
    struct vnet *vn = kzalloc(sizeof(*vn));
    if (vn == NULL)
        return NULL;
    vn->rx_pa = pmm_alloc_pages(VNET_BUFS_ORDER);
    vn->tx_pa = pmm_alloc_pages(VNET_BUFS_ORDER);
    if (vn->rx_pa == 0 || vn->tx_pa == 0) {
        if (vn->rx_pa != 0)
            pmm_free_pages(vn->rx_pa, VNET_BUFS_ORDER);
        if (vn->tx_pa != 0)
            pmm_free_pages(vn->tx_pa, VNET_BUFS_ORDER);
        kfree(vn);
        return NULL;
    }
    return vn;
}

/**
 * @brief pci_driver.probe: take a virtio-net card, start it, and give it
 *        to the network stack.
 * @param pci the PCI function (1af4:1000)
 * @return 0; -ENODEV without an I/O BAR 0 (a modern-only device) or an
 *         interrupt line; -ENOMEM; virtq_setup()'s and irq_register()'s
 *         errors; netdev_register()'s
 * @pre boot (a driver-level init call), interrupts off, so no interrupt
 *      reaches the stack before netdev_register() has run
 */
static int
vnet_probe(struct pci_dev *pci)
{
    const struct pci_bar *bar0 = &pci->bar[0];
    if (!(bar0->flags & PCI_BAR_IO) || bar0->size < VIRTIO_PCI_CONFIG + 8 ||
        pci->irq_pin == 0 || pci->irq_line >= 16)
        return -ENODEV;
    struct vnet *vn = vnet_alloc();
    if (vn == NULL)
        return -ENOMEM;
    vn->pci = pci;
    vn->iobase = (uint16_t)bar0->base;
    pci_enable_device(pci);
    int err = vnet_start(vn);
    if (err < 0)
        goto err_free;
    irq_set_level_triggered(pci->irq_line);
    err = irq_register(pci->irq_line, vnet_interrupt, vn);
    if (err < 0)
        goto err_reset;
    vn->nd.mtu = 1500;
    vn->nd.ops = &vnet_ops;
    vn->nd.priv = vn;
    pci->driver_data = vn;
    pr_info("virtio-net %02x:%02x.%x: %02x:%02x:%02x:%02x:%02x:%02x, link "
            "%s, %u+%u buffers\n",
            pci->bus, pci->slot, pci->func, vn->nd.mac[0], vn->nd.mac[1],
            vn->nd.mac[2], vn->nd.mac[3], vn->nd.mac[4], vn->nd.mac[5],
            vn->nd.link_up ? "up" : "down", vn->rx_slots, vn->tx_slots);
    err = netdev_register(&vn->nd);
    if (err < 0) /* the handler keeps vn: quiet the card, keep the memory */
        virtio_set_status(vn->iobase, 0);
    return err;
err_reset:
    virtio_set_status(vn->iobase, 0);
    virtq_release(&vn->rx);
    virtq_release(&vn->tx);
err_free:
    pmm_free_pages(vn->rx_pa, VNET_BUFS_ORDER);
    pmm_free_pages(vn->tx_pa, VNET_BUFS_ORDER);
    kfree(vn);
    return err;
}

static const struct pci_driver virtio_net_driver = {
    .name = "virtio-net",
    .vendor = 0x1af4, /* Red Hat, Inc.: virtio */
    .device = 0x1000, /* transitional network card */
    .probe = vnet_probe,
};
PCI_DRIVER(virtio_net_driver);
