/**
 * @file
 * @ingroup drivers
 * @brief Virtio over PCI, legacy interface: the card's registers and the
 *        split virtqueue a driver and the card share.
 *
 * A virtio device is a card that a hypervisor emulates, designed to be
 * cheap to emulate: the guest and the device exchange buffers through
 * rings in guest RAM (virtqueues) and touch registers only to start
 * (status, features, queue addresses), to say "look at the ring" (notify)
 * and to acknowledge an interrupt (ISR).
 *
 * Keel speaks the legacy interface (virtio 0.9.5, kept as "legacy" in
 * virtio 1.x, section 4.1.4.8): all registers sit in the I/O-port BAR 0 of
 * a transitional device such as QEMU's virtio-net-pci (1af4:1000). It
 * needs no memory mapping and no capability list. The modern interface
 * (virtio 1.0, device IDs 0x1040 + type) would instead walk the PCI
 * capability list for vendor capabilities that point into memory BARs
 * (common configuration, notify, ISR, device configuration), negotiate
 * 64 feature bits with FEATURES_OK and VIRTIO_F_VERSION_1, and give the
 * three parts of each queue separate 64-bit addresses instead of one page
 * number; the rings themselves are the same.
 */
#ifndef KERNEL_VIRTIO_H
#define KERNEL_VIRTIO_H

#include "kernel/types.h"

/* legacy registers, offsets into I/O BAR 0 (virtio 1.x, 4.1.4.8) */
#define VIRTIO_PCI_HOST_FEATURES 0x00  /**< 32, R: what the device offers */
#define VIRTIO_PCI_GUEST_FEATURES 0x04 /**< 32, RW: what the driver takes */
#define VIRTIO_PCI_QUEUE_PFN 0x08      /**< 32, RW: ring address / 4096 */
#define VIRTIO_PCI_QUEUE_SIZE 0x0c     /**< 16, R: entries in the queue */
#define VIRTIO_PCI_QUEUE_SEL 0x0e      /**< 16, RW: which queue above */
#define VIRTIO_PCI_QUEUE_NOTIFY 0x10   /**< 16, W: "queue N has buffers" */
#define VIRTIO_PCI_STATUS 0x12         /**< 8, RW: VIRTIO_STATUS_* */
#define VIRTIO_PCI_ISR 0x13            /**< 8, R: reading acknowledges */
#define VIRTIO_PCI_CONFIG 0x14 /**< the device's own fields (no MSI-X) */

/* the status register: how far the driver got */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01 /**< a driver noticed the device */
#define VIRTIO_STATUS_DRIVER 0x02      /**< ... and knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK 0x04   /**< ... and is ready */
#define VIRTIO_STATUS_FAILED 0x80      /**< ... and gave up */

/* the ISR register's bits */
#define VIRTIO_ISR_QUEUE 0x1  /**< a queue has used buffers */
#define VIRTIO_ISR_CONFIG 0x2 /**< the device configuration changed */

/** Legacy rings are aligned to this, and QUEUE_PFN counts in it. */
#define VIRTIO_PCI_QUEUE_ALIGN 4096

/* descriptor flags */
#define VIRTQ_DESC_F_NEXT 0x1  /**< the chain goes on at next */
#define VIRTQ_DESC_F_WRITE 0x2 /**< the device writes this buffer */
/** In the used ring's flags: the device needs no notify now. */
#define VIRTQ_USED_F_NO_NOTIFY 0x1

/** One buffer: where it is, how long, what follows. */
struct virtq_desc {
    uint64_t addr;  /**< physical address */
    uint32_t len;   /**< bytes */
    uint16_t flags; /**< VIRTQ_DESC_F_* */
    uint16_t next;  /**< the next descriptor when F_NEXT */
};

/** The driver's ring: heads of chains the device may take. */
struct virtq_avail {
    uint16_t flags;  /**< 1: no interrupts please (unused here) */
    uint16_t idx;    /**< where the driver puts the next entry (mod size) */
    uint16_t ring[]; /**< descriptor heads; used_event follows */
};

/** One entry of the used ring: a chain the device is done with. */
struct virtq_used_elem {
    uint32_t id;  /**< the chain's head descriptor */
    uint32_t len; /**< bytes the device wrote into it */
};

/** The device's ring: chains it has finished with. */
struct virtq_used {
    uint16_t flags;                /**< VIRTQ_USED_F_NO_NOTIFY */
    uint16_t idx;                  /**< where the device puts the next entry */
    struct virtq_used_elem ring[]; /**< avail_event follows */
};

/** A split virtqueue of the legacy interface, as the driver keeps it. */
struct virtq {
    uint16_t iobase;           /**< the device's I/O BAR 0 */
    uint16_t index;            /**< the queue's number (0 receive, ...) */
    uint16_t size;             /**< entries, from the device */
    uint16_t avail_idx;        /**< our copy of avail->idx */
    uint16_t used_seen;        /**< used entries taken so far (mod 2^16) */
    struct virtq_desc *desc;   /**< the descriptor table */
    struct virtq_avail *avail; /**< the available ring */
    struct virtq_used *used;   /**< the used ring */
    paddr_t ring_pa;           /**< the block holding all three */
    unsigned ring_order;       /**< its size: 2^ring_order pages */
};

uint8_t virtio_status(uint16_t iobase);
void virtio_set_status(uint16_t iobase, uint8_t bits);
uint32_t virtio_negotiate(uint16_t iobase, uint32_t wanted);
int virtq_setup(struct virtq *q, uint16_t iobase, uint16_t index);
void virtq_release(struct virtq *q);
void virtq_post(struct virtq *q, uint16_t head);
bool virtq_take(struct virtq *q, uint16_t *head, uint32_t *len);
void virtq_notify(struct virtq *q);

#endif /* KERNEL_VIRTIO_H */
