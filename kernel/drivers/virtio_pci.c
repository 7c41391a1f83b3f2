/**
 * @file
 * @ingroup drivers
 * @brief Virtio's legacy PCI transport: device status, features, and the
 *        split virtqueue shared with the device.
 *
 * A virtqueue is three arrays in one physically contiguous, page-aligned
 * block of RAM, which the device reads and writes by DMA:
 *
 * - the descriptor table: each entry names one buffer (physical address,
 *   length, whether the device writes it) and may chain to the next;
 * - the available ring, written by the driver: the head descriptors of
 *   chains the device may now use, and an index where the next goes;
 * - the used ring, written by the device (on the next 4096-byte
 *   boundary): the heads of chains it has finished with, each with the
 *   number of bytes it wrote, and its own index.
 *
 * Both indices only grow (mod 2^16); an entry's slot is index mod size.
 * The driver posts a chain with virtq_post(), wakes the device with
 * virtq_notify(), and collects finished chains with virtq_take().
 *
 * Ordering (virtio 1.x, 2.7.13): the device must see a ring entry before
 * the index that publishes it, and the driver must read an entry only
 * after the index that announced it. x86 keeps stores in order with
 * stores and loads with loads, so a compiler barrier is all those need.
 * The one reordering x86 does, a load passing an earlier store, matters
 * before notify: the driver stores the new avail index, then loads the
 * used ring's NO_NOTIFY flag; read early, a stale flag could skip the
 * notify that a device just going to sleep needs. That spot takes a full
 * fence (mfence).
 *
 * Locking: none here; a queue belongs to one driver, which serialises
 * its own calls.
 */
#include "asm/io.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "kernel/virtio.h"
#include "uapi/errno.h"

/** The compiler may not move memory accesses across it (see above). */
#define virtio_wmb() barrier()
/** Ditto for loads. */
#define virtio_rmb() barrier()
/** A full fence: later loads wait for earlier stores. */
#define virtio_mb() __sync_synchronize()

/**
 * @brief The device status register.
 * @param iobase the device's I/O BAR 0
 * @return VIRTIO_STATUS_* bits set so far
 */
uint8_t
virtio_status(uint16_t iobase)
{
    return inb(iobase + VIRTIO_PCI_STATUS);
}

/**
 * @brief Add @p bits to the device status; 0 resets the device.
 *
 * A reset (writing 0) stops the device and forgets its queues and
 * features: where every driver starts (virtio 1.x, 3.1.1).
 * @param iobase the device's I/O BAR 0
 * @param bits   VIRTIO_STATUS_* to add, or 0
 */
void
virtio_set_status(uint16_t iobase, uint8_t bits)
{
    uint8_t status = bits == 0 ? 0 : virtio_status(iobase) | bits;
    outb(iobase + VIRTIO_PCI_STATUS, status);
}

/**
 * @brief Take the features in @p wanted that the device offers.
 * @param iobase the device's I/O BAR 0
 * @param wanted feature bits the driver understands
 * @return the features agreed on (written to the device)
 * @pre status ACKNOWLEDGE | DRIVER, not yet DRIVER_OK
 */
uint32_t
virtio_negotiate(uint16_t iobase, uint32_t wanted)
{
    uint32_t agreed = inl(iobase + VIRTIO_PCI_HOST_FEATURES) & wanted;
    outl(iobase + VIRTIO_PCI_GUEST_FEATURES, agreed);
    return agreed;
}

/* Bytes of a legacy queue of @p size entries: the descriptors and the
 * available ring, then (page-aligned) the used ring. */
static size_t
virtq_used_offset(uint16_t size)
{
    return ALIGN_UP(16UL * size + 6 + 2UL * size, VIRTIO_PCI_QUEUE_ALIGN);
}

static size_t
virtq_bytes(uint16_t size)
{
    return virtq_used_offset(size) +
           ALIGN_UP(6 + 8UL * size, VIRTIO_PCI_QUEUE_ALIGN);
}

// [virtq_setup]
/**
 * @brief Allocate queue @p index of the device at @p iobase and give its
 *        address to the device.
 *
 * A legacy device fixes the queue's size itself (QEMU's network queues
 * have 256 entries); the driver allocates the block, zeroes it, and
 * writes its page number to QUEUE_PFN.
 * @param q      filled in
 * @param iobase the device's I/O BAR 0
 * @param index  the queue's number
 * @return 0; -ENOENT when the device has no such queue; -EBUSY when it is
 *         set up already; -ENOMEM
 * @pre status DRIVER, features negotiated, not yet DRIVER_OK
 */
int
virtq_setup(struct virtq *q, uint16_t iobase, uint16_t index)
{
    outw(iobase + VIRTIO_PCI_QUEUE_SEL, index);
    uint16_t size = inw(iobase + VIRTIO_PCI_QUEUE_SIZE);
    if (size == 0 || (size & (size - 1)) != 0)
        return -ENOENT;
    if (inl(iobase + VIRTIO_PCI_QUEUE_PFN) != 0)
        return -EBUSY;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < virtq_bytes(size))
        order++;
    paddr_t pa = pmm_alloc_pages(order);
    if (pa == 0)
        return -ENOMEM;
    uint8_t *ring = phys_to_virt(pa);
    memset(ring, 0, PAGE_SIZE << order);
    *q = (struct virtq){
        .iobase = iobase,
        .index = index,
        .size = size,
        .desc = (struct virtq_desc *)ring,
        .avail = (struct virtq_avail *)(ring + 16UL * size),
        .used = (struct virtq_used *)(ring + virtq_used_offset(size)),
        .ring_pa = pa,
        .ring_order = order,
    };
    outl(iobase + VIRTIO_PCI_QUEUE_PFN, pa / VIRTIO_PCI_QUEUE_ALIGN);
    return 0;
}
// [virtq_setup]

/**
 * @brief Free the rings of @p q.
 * @param q a queue virtq_setup() made
 * @pre the device is reset (status 0): it no longer reads the rings
 */
void
virtq_release(struct virtq *q)
{
    if (q->ring_pa != 0)
        pmm_free_pages(q->ring_pa, q->ring_order);
    q->ring_pa = 0;
}

// [virtq_post]
/**
 * @brief Make the chain starting at descriptor @p head available.
 *
 * The descriptors must be filled in already. The entry goes into the
 * ring first; only then does the index move past it, so the device never
 * sees an index that announces an entry not yet written.
 * @param q    the queue
 * @param head the chain's first descriptor
 */
void
virtq_post(struct virtq *q, uint16_t head)
{
    q->avail->ring[q->avail_idx & (q->size - 1)] = head;
    virtio_wmb();
    q->avail_idx++;
    *(volatile uint16_t *)&q->avail->idx = q->avail_idx;
}
// [virtq_post]

/**
 * @brief Take the next chain the device has finished with, if any.
 * @param q    the queue
 * @param head receives the chain's first descriptor
 * @param len  receives the bytes the device wrote into the chain
 * @return true when a chain was taken, false when the used ring is empty
 */
bool
virtq_take(struct virtq *q, uint16_t *head, uint32_t *len)
{
    uint16_t idx = *(volatile uint16_t *)&q->used->idx;
    if (idx == q->used_seen)
        return false;
    virtio_rmb(); /* the entry is read after the index that announced it */
    const struct virtq_used_elem *e =
        &q->used->ring[q->used_seen & (q->size - 1)];
    *head = (uint16_t)e->id;
    *len = e->len;
    q->used_seen++;
    return true;
}

/**
 * @brief Tell the device that the queue has new available chains,
 *        unless the device said it does not need to hear it.
 * @param q the queue
 */
void
virtq_notify(struct virtq *q)
{
    virtio_mb(); /* the new avail idx is visible before the flag is read */
    if (*(volatile uint16_t *)&q->used->flags & VIRTQ_USED_F_NO_NOTIFY)
        return;
    outw(q->iobase + VIRTIO_PCI_QUEUE_NOTIFY, q->index);
}
