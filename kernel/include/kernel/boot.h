/**
 * @file
 * @ingroup init
 * @brief What the boot loader told us, in a form the rest of the kernel uses.
 *
 * GRUB leaves a multiboot2 information block in memory. multiboot2.c reads it
 * once, early, into struct boot_info, so later code never parses the raw
 * tags (and never depends on memory GRUB owned).
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include "kernel/types.h"

/** Kinds of physical memory region, multiboot2 (and e820) numbering. */
enum mem_type {
    MEM_AVAILABLE = 1,
    MEM_RESERVED = 2,
    MEM_ACPI_RECLAIMABLE = 3,
    MEM_ACPI_NVS = 4,
    MEM_BAD = 5,
};

/** One region of the physical memory map. */
struct mem_region {
    paddr_t base;       /**< first byte */
    uint64_t length;    /**< size in bytes */
    enum mem_type type; /**< what the firmware says it is */
};

/** A boot module (the first one is the initramfs). */
struct boot_module {
    paddr_t start;    /**< first byte */
    paddr_t end;      /**< one past the last byte */
    char cmdline[64]; /**< the string after the file name in grub.cfg */
};

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 8
#define BOOT_CMDLINE_MAX 1024

/** Everything Keel keeps from the multiboot2 information block. */
struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];              /**< kernel command line */
    char loader[64];                             /**< boot loader name */
    struct mem_region regions[BOOT_MAX_REGIONS]; /**< memory map */
    int nregions;                                /**< entries used in regions */
    struct boot_module modules[BOOT_MAX_MODULES]; /**< modules, in order */
    int nmodules;       /**< entries used in modules */
    paddr_t info_start; /**< the multiboot2 block itself */
    paddr_t info_end;   /**< one past its last byte */
};

extern struct boot_info boot_info;

int multiboot2_parse(uint32_t magic, paddr_t info);
void boot_info_print(void);
const char *mem_type_name(enum mem_type type);

#endif /* KERNEL_BOOT_H */
