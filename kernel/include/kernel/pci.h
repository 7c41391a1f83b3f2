/**
 * @file
 * @ingroup drivers
 * @brief PCI: the devices found on the bus, and the drivers that take them.
 *
 * pci.c walks the bus at boot and keeps a table of every function it
 * found (struct pci_dev). A driver describes the devices it handles in a
 * struct pci_driver and registers it with PCI_DRIVER(); for each device
 * its match accepts, PCI calls the driver's probe(). PCI itself never
 * names a driver (DESIGN.md: drivers register with their subsystem).
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include "kernel/compiler.h"
#include "kernel/types.h"

/** A vendor or device field of a match that accepts any value. */
#define PCI_ANY_ID 0xffff

/** Resources of a function, as Linux counts them: six BARs and the ROM. */
#define PCI_NUM_RESOURCES 7
/** The expansion ROM's slot in struct pci_dev's bar[]. */
#define PCI_ROM_RESOURCE 6

/* bits of a BAR's low nibble, kept in struct pci_bar's flags as Linux
 * keeps them in a resource's flags (/proc/bus/pci/devices shows them) */
#define PCI_BAR_IO 0x1       /**< an I/O-port range (else memory) */
#define PCI_BAR_MEM_64 0x4   /**< a 64-bit memory BAR (takes two slots) */
#define PCI_BAR_PREFETCH 0x8 /**< memory without read side effects */

/* the command register's bits that pci_enable_device() sets */
#define PCI_COMMAND_IO 0x1     /**< answer to I/O-port accesses */
#define PCI_COMMAND_MEMORY 0x2 /**< answer to memory accesses */
#define PCI_COMMAND_MASTER 0x4 /**< may start DMA (bus mastering) */

/** One address range a function decodes. */
struct pci_bar {
    uint64_t base;  /**< port number or physical address; 0: unused */
    uint64_t size;  /**< bytes (ports); 0 when the BAR is not implemented */
    uint32_t flags; /**< PCI_BAR_* (the BAR's low bits, as Linux shows) */
};

struct pci_driver;

/** One PCI function, as enumeration found it. */
struct pci_dev {
    uint8_t bus;         /**< bus number */
    uint8_t slot;        /**< device number on the bus, 0-31 */
    uint8_t func;        /**< function number, 0-7 */
    uint8_t header_type; /**< 0 device, 1 PCI-to-PCI bridge (bit 7 off) */
    uint16_t vendor;     /**< vendor ID (0x1af4: Red Hat, virtio) */
    uint16_t device;     /**< device ID */
    uint8_t class_code;  /**< base class (0x02: network) */
    uint8_t subclass;    /**< subclass (0x00: Ethernet) */
    uint8_t prog_if;     /**< programming interface */
    uint8_t revision;    /**< revision ID */
    uint8_t irq_line;    /**< PIC line the firmware routed INTx to; 0xff:
                              none */
    uint8_t irq_pin;     /**< 0 none, 1-4 INTA#-INTD# */
    struct pci_bar bar[PCI_NUM_RESOURCES]; /**< BARs 0-5 and the ROM */
    const struct pci_driver *driver;       /**< who took it, or NULL */
    void *driver_data;                     /**< the driver's own state */
};

/** A driver of PCI devices: what it matches and how it takes one. */
struct pci_driver {
    const char *name;    /**< shown in the boot log and in /proc/bus/pci */
    uint16_t vendor;     /**< vendor to match, or PCI_ANY_ID */
    uint16_t device;     /**< device to match, or PCI_ANY_ID */
    uint32_t class_id;   /**< class << 16 | subclass << 8 | prog-if ... */
    uint32_t class_mask; /**< ... compared under this mask (0: any) */
    /** Take @p dev: 0, or a negative errno (the device stays free). */
    int (*probe)(struct pci_dev *dev);
};

// [pci_driver]
/** Register @p drv (a struct pci_driver) in the PCI drivers' linker set. */
#define PCI_DRIVER(drv)                                                        \
    static const struct pci_driver *const __pci_driver_##drv __used __aligned( \
        8) __section(".pci_drivers") = &drv
// [pci_driver]

uint32_t pci_read32(const struct pci_dev *dev, unsigned reg);
uint16_t pci_read16(const struct pci_dev *dev, unsigned reg);
uint8_t pci_read8(const struct pci_dev *dev, unsigned reg);
void pci_write32(const struct pci_dev *dev, unsigned reg, uint32_t val);
void pci_write16(const struct pci_dev *dev, unsigned reg, uint16_t val);
void pci_write8(const struct pci_dev *dev, unsigned reg, uint8_t val);

void pci_enable_device(struct pci_dev *dev);
void *pci_map_bar(struct pci_dev *dev, int bar);
int pci_device_count(void);
struct pci_dev *pci_device(int i);
long pci_format_devices(char *buf, size_t size);

#endif /* KERNEL_PCI_H */
