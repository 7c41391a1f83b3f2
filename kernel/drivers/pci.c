/**
 * @file
 * @ingroup drivers
 * @brief PCI: find every function on the bus, size its BARs, hand it to
 *        the driver that wants it.
 *
 * Every PCI function has a 256-byte configuration space: who it is
 * (vendor, device, class), what address ranges it decodes (its BARs)
 * and which interrupt pin it uses. On a PC, configuration space is
 * reached through two I/O ports ("mechanism #1"): write the address of a
 * 32-bit register to 0xcf8, then read or write it at 0xcfc:
 *
 * @verbatim
 *    31  30    24 23    16 15   11 10    8 7        2 1 0
 *   +--+--------+--------+-------+-------+----------+---+
 *   |E | (zero) |  bus   | slot  | func  | register |0 0|   -> port 0xcf8
 *   +--+--------+--------+-------+-------+----------+---+
 * @endverbatim
 *
 * pci_init() walks bus 0 slot by slot (functions 1-7 too when function
 * 0 says it is multi-function), then the bus behind each PCI-to-PCI
 * bridge it found, and so on down. For each function it sizes the BARs, records all in a
 * table, prints one line, and offers the function to the registered
 * drivers (PCI_DRIVER() in kernel/pci.h): the first whose match accepts
 * it and whose probe() returns 0 owns it.
 *
 * Locking: a configuration access is two port accesses that must not be
 * split, so each runs with interrupts off (one CPU). The table is filled
 * at boot and only read afterwards.
 */
#include "kernel/pci.h"
#include "asm/io.h"
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

/* configuration-space registers (the common header) */
#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_REVISION 0x08 /* revision, prog-if, subclass, class */
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19 /* bridges (header type 1) */
#define PCI_ROM_DEVICE 0x30    /* the ROM BAR: devices ... */
#define PCI_ROM_BRIDGE 0x38    /* ... and bridges */
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_HEADER_MULTI 0x80
#define PCI_CLASS_BRIDGE_PCI 0x0604
#define PCI_ROM_ADDRESS_MASK 0xfffff800u

/** Functions the table holds; QEMU's pc machine has about six. */
#define PCI_MAX_DEVICES 32

static struct pci_dev pci_devs[PCI_MAX_DEVICES];
static int pci_ndevs;

extern const struct pci_driver *const __pci_drivers_start[];
extern const struct pci_driver *const __pci_drivers_end[];

/* The 0xcf8 word that selects register @p reg of a function. */
static uint32_t
pci_address(unsigned bus, unsigned slot, unsigned func, unsigned reg)
{
    return 0x80000000u | bus << 16 | slot << 11 | func << 8 | (reg & 0xfc);
}

/* Read 32 bits of any function's configuration space (during the scan
 * there is no struct pci_dev yet). */
static uint32_t
pci_conf_read(unsigned bus, unsigned slot, unsigned func, unsigned reg)
{
    irqflags_t flags = arch_irq_save();
    outl(PCI_CONFIG_ADDRESS, pci_address(bus, slot, func, reg));
    uint32_t val = inl(PCI_CONFIG_DATA);
    arch_irq_restore(flags);
    return val;
}

/**
 * @brief Read the 32-bit configuration register at @p reg of @p dev.
 * @param dev the function
 * @param reg byte offset, 4-aligned (the low two bits are ignored)
 * @return the register; all ones when nothing answers
 */
uint32_t
pci_read32(const struct pci_dev *dev, unsigned reg)
{
    return pci_conf_read(dev->bus, dev->slot, dev->func, reg);
}

/**
 * @brief Read the 16-bit configuration register at @p reg of @p dev.
 * @param dev the function
 * @param reg byte offset, 2-aligned
 * @return the register
 */
uint16_t
pci_read16(const struct pci_dev *dev, unsigned reg)
{
    return (uint16_t)(pci_read32(dev, reg) >> ((reg & 2) * 8));
}

/**
 * @brief Read the 8-bit configuration register at @p reg of @p dev.
 * @param dev the function
 * @param reg byte offset
 * @return the register
 */
uint8_t
pci_read8(const struct pci_dev *dev, unsigned reg)
{
    return (uint8_t)(pci_read32(dev, reg) >> ((reg & 3) * 8));
}

/**
 * @brief Write the 32-bit configuration register at @p reg of @p dev.
 * @param dev the function
 * @param reg byte offset, 4-aligned
 * @param val the new value
 */
void
pci_write32(const struct pci_dev *dev, unsigned reg, uint32_t val)
{
    irqflags_t flags = arch_irq_save();
    outl(PCI_CONFIG_ADDRESS, pci_address(dev->bus, dev->slot, dev->func, reg));
    outl(PCI_CONFIG_DATA, val);
    arch_irq_restore(flags);
}

/**
 * @brief Write the 16-bit configuration register at @p reg of @p dev.
 *
 * A narrow write goes to the matching byte lanes of the data port
 * (0xcfc + the offset's low bits), so the neighbouring register (the
 * status register beside the command register) is left alone.
 * @param dev the function
 * @param reg byte offset, 2-aligned
 * @param val the new value
 */
void
pci_write16(const struct pci_dev *dev, unsigned reg, uint16_t val)
{
    irqflags_t flags = arch_irq_save();
    outl(PCI_CONFIG_ADDRESS, pci_address(dev->bus, dev->slot, dev->func, reg));
    outw(PCI_CONFIG_DATA + (reg & 2), val);
    arch_irq_restore(flags);
}

/**
 * @brief Write the 8-bit configuration register at @p reg of @p dev.
 * @param dev the function
 * @param reg byte offset
 * @param val the new value
 */
void
pci_write8(const struct pci_dev *dev, unsigned reg, uint8_t val)
{
    irqflags_t flags = arch_irq_save();
    outl(PCI_CONFIG_ADDRESS, pci_address(dev->bus, dev->slot, dev->func, reg));
    outb(PCI_CONFIG_DATA + (reg & 3), val);
    arch_irq_restore(flags);
}

/* Write all ones to the 32-bit register @p reg and read back which bits
 * stuck (the address bits the device decodes), then restore it. */
static uint32_t
pci_probe_mask(struct pci_dev *dev, unsigned reg, uint32_t ones)
{
    uint32_t orig = pci_read32(dev, reg);
    pci_write32(dev, reg, ones);
    uint32_t mask = pci_read32(dev, reg);
    pci_write32(dev, reg, orig);
    return mask;
}

// [bar_size]
/*
 * Size BAR @p i of @p dev: a BAR's low address bits are hard-wired to
 * zero, as many as its size needs, so after writing all ones the BAR
 * reads back ~(size - 1) in its address bits. A 64-bit memory BAR uses
 * the next slot for its high half. Returns the slots used (1 or 2).
 */
static int
pci_size_bar(struct pci_dev *dev, int i)
{
    unsigned reg = PCI_BAR0 + 4 * i;
    struct pci_bar *b = &dev->bar[i];
    uint32_t lo = pci_read32(dev, reg);
    uint32_t mask = pci_probe_mask(dev, reg, 0xffffffff);
    if (mask == 0)
        return 1; /* not implemented */
    if (lo & PCI_BAR_IO) {
        b->flags = lo & 0x3;
        b->base = lo & ~0x3u;
        b->size = (uint16_t)(~(mask & ~0x3u) + 1);
        return 1;
    }
    b->flags = lo & 0xf;
    b->base = lo & ~0xfu;
    uint64_t mask64 = 0xffffffff00000000ull | (mask & ~0xfu);
    if ((lo & 0x6) == PCI_BAR_MEM_64 && i < 5) {
        uint32_t hi = pci_read32(dev, reg + 4);
        b->base |= (uint64_t)hi << 32;
        mask64 = (uint64_t)pci_probe_mask(dev, reg + 4, 0xffffffff) << 32 |
                 (mask & ~0xfu);
        b->size = ~mask64 + 1;
        return 2;
    }
    b->size = ~mask64 + 1;
    return 1;
}
// [bar_size]

/* Size the expansion ROM's BAR (bit 0 is its enable bit, not an address
 * bit; Linux shows it among the flags). */
static void
pci_size_rom(struct pci_dev *dev)
{
    unsigned reg = dev->header_type == 1 ? PCI_ROM_BRIDGE : PCI_ROM_DEVICE;
    uint32_t orig = pci_read32(dev, reg);
    uint32_t mask = pci_probe_mask(dev, reg, PCI_ROM_ADDRESS_MASK);
    mask &= PCI_ROM_ADDRESS_MASK;
    if (mask == 0)
        return;
    struct pci_bar *b = &dev->bar[PCI_ROM_RESOURCE];
    b->base = orig & PCI_ROM_ADDRESS_MASK;
    b->flags = orig & 0x1;
    b->size = (uint32_t)(~mask + 1);
}

/*
 * Size every BAR of @p dev (six for a device, two for a bridge) with
 * the function's decoding turned off: while a BAR holds all ones it
 * claims a range it does not own, and an access there (an interrupt
 * handler's, another CPU's) would reach the wrong device.
 */
static void
pci_size_bars(struct pci_dev *dev)
{
    int nbars = dev->header_type == 0 ? 6 : dev->header_type == 1 ? 2 : 0;
    uint16_t cmd = pci_read16(dev, PCI_COMMAND);
    pci_write16(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (int i = 0; i < nbars;)
        i += pci_size_bar(dev, i);
    if (nbars > 0)
        pci_size_rom(dev);
    pci_write16(dev, PCI_COMMAND, cmd);
}

/* Fill @p dev from its configuration space header. */
static void
pci_read_header(struct pci_dev *dev, uint32_t id)
{
    dev->vendor = id & 0xffff;
    dev->device = id >> 16;
    uint32_t rev = pci_read32(dev, PCI_REVISION);
    dev->revision = rev & 0xff;
    dev->prog_if = (rev >> 8) & 0xff;
    dev->subclass = (rev >> 16) & 0xff;
    dev->class_code = rev >> 24;
    dev->header_type = pci_read8(dev, PCI_HEADER_TYPE) & ~PCI_HEADER_MULTI;
    dev->irq_pin = pci_read8(dev, PCI_INTERRUPT_PIN);
    dev->irq_line = pci_read8(dev, PCI_INTERRUPT_LINE);
    pci_size_bars(dev);
}

/* Record function @p func of @p slot on @p bus if it exists. Returns
 * false when nothing answers. */
static bool
pci_scan_function(unsigned bus, unsigned slot, unsigned func)
{
    uint32_t id = pci_conf_read(bus, slot, func, PCI_VENDOR_ID);
    if ((id & 0xffff) == 0xffff)
        return false;
    if (pci_ndevs == PCI_MAX_DEVICES) {
        pr_warn("pci: more than %d functions; %02x:%02x.%x ignored\n",
                PCI_MAX_DEVICES, bus, slot, func);
        return true;
    }
    struct pci_dev *dev = &pci_devs[pci_ndevs++];
    dev->bus = bus;
    dev->slot = slot;
    dev->func = func;
    pci_read_header(dev, id);
    return true;
}

/* The bus behind @p dev if it is a PCI-to-PCI bridge, else 0 (bus 0 is
 * never behind a bridge). */
static unsigned
pci_secondary_bus(const struct pci_dev *dev)
{
    unsigned cls = dev->class_code << 8 | dev->subclass;
    if (dev->header_type != 1 || cls != PCI_CLASS_BRIDGE_PCI)
        return 0;
    return pci_read8(dev, PCI_SECONDARY_BUS);
}

/*
 * Every slot of @p bus (functions 1-7 only behind a multi-function 0),
 * then the buses behind its bridges: a bus's functions come before its
 * children's in the table, as in Linux's list.
 */
static void
pci_scan_bus(unsigned bus)
{
    int first = pci_ndevs;
    for (unsigned slot = 0; slot < 32; slot++) {
        if (!pci_scan_function(bus, slot, 0))
            continue;
        uint32_t hdr = pci_conf_read(bus, slot, 0, PCI_HEADER_TYPE & ~3);
        if (!((hdr >> 16) & PCI_HEADER_MULTI))
            continue;
        for (unsigned func = 1; func < 8; func++)
            pci_scan_function(bus, slot, func);
    }
    int last = pci_ndevs;
    for (int i = first; i < last; i++) {
        unsigned secondary = pci_secondary_bus(&pci_devs[i]);
        if (secondary > bus) /* bus numbers grow away from the root */
            pci_scan_bus(secondary);
    }
}

/* Does @p drv want @p dev? */
static bool
pci_match(const struct pci_driver *drv, const struct pci_dev *dev)
{
    uint32_t cls =
        (uint32_t)dev->class_code << 16 | dev->subclass << 8 | dev->prog_if;
    return (drv->vendor == PCI_ANY_ID || drv->vendor == dev->vendor) &&
           (drv->device == PCI_ANY_ID || drv->device == dev->device) &&
           (cls & drv->class_mask) == (drv->class_id & drv->class_mask);
}

/* Offer @p dev to each registered driver until one takes it. */
static void
pci_attach(struct pci_dev *dev)
{
    for_each_in_set(d, __pci_drivers_start, __pci_drivers_end)
    {
        if (!pci_match(*d, dev))
            continue;
        dev->driver = *d;
        int err = (*d)->probe(dev);
        if (err == 0)
            return;
        pr_warn("pci %02x:%02x.%x: %s cannot take it (error %d)\n", dev->bus,
                dev->slot, dev->func, (*d)->name, err);
        dev->driver = NULL;
        dev->driver_data = NULL;
    }
}

/* The boot line of @p dev: where, who, what, which driver and line. */
static void
pci_print(const struct pci_dev *dev)
{
    char irq[12] = "";
    if (dev->irq_pin != 0)
        snprintf(irq, sizeof(irq), " irq %u", dev->irq_line);
    pr_info("pci %02x:%02x.%x %04x:%04x class %02x.%02x%s%s%s\n", dev->bus,
            dev->slot, dev->func, dev->vendor, dev->device, dev->class_code,
            dev->subclass, dev->driver ? " " : "",
            dev->driver ? dev->driver->name : "", irq);
}

/**
 * @brief Enumerate the PCI bus and let drivers take their devices.
 * @return 0 (a machine without PCI simply has no devices)
 * @pre boot, interrupts off; runs as a driver-level init call, so the
 *      drivers' probes may register interrupt handlers
 */
// [pci_init]
static int
pci_init(void)
{
    pci_scan_bus(0);
    for (int i = 0; i < pci_ndevs; i++) {
        pci_attach(&pci_devs[i]);
        pci_print(&pci_devs[i]);
    }
    return 0;
}
// [pci_init]
initcall(driver, pci_init);

/**
 * @brief Let @p dev decode the ranges its BARs claim and master the bus.
 *
 * What a driver calls first in its probe(): I/O decode if it has an I/O
 * BAR, memory decode if it has a memory BAR, bus mastering so that it
 * can read and write RAM itself (DMA: a network card fetches the frames
 * to send and stores the frames it receives), and INTx left enabled.
 * @param dev a device the calling driver is taking
 */
void
pci_enable_device(struct pci_dev *dev)
{
    uint16_t cmd = pci_read16(dev, PCI_COMMAND);
    for (int i = 0; i < PCI_ROM_RESOURCE; i++) {
        if (dev->bar[i].size == 0)
            continue;
        cmd |= dev->bar[i].flags & PCI_BAR_IO ? PCI_COMMAND_IO
                                              : PCI_COMMAND_MEMORY;
    }
    cmd |= PCI_COMMAND_MASTER;
    cmd &= ~PCI_COMMAND_INTX_DISABLE;
    pci_write16(dev, PCI_COMMAND, cmd);
}

/**
 * @brief Map memory BAR @p bar of @p dev for the kernel, uncached.
 * @param dev the device
 * @param bar 0-5
 * @return the BAR's kernel address; NULL for an I/O or unused BAR, or
 *         when the mapping fails
 */
void *
pci_map_bar(struct pci_dev *dev, int bar)
{
    if (bar < 0 || bar >= PCI_ROM_RESOURCE)
        return NULL;
    const struct pci_bar *b = &dev->bar[bar];
    if (b->size == 0 || (b->flags & PCI_BAR_IO))
        return NULL;
    return arch_ioremap(b->base, b->size);
}

/**
 * @brief How many PCI functions enumeration found.
 * @return the number; pci_device() takes 0 up to one less
 */
int
pci_device_count(void)
{
    return pci_ndevs;
}

/**
 * @brief The @p i-th function found, in bus order.
 * @param i 0 to pci_device_count() - 1
 * @return the device, or NULL when @p i is out of range
 */
struct pci_dev *
pci_device(int i)
{
    return i >= 0 && i < pci_ndevs ? &pci_devs[i] : NULL;
}
