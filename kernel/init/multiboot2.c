/**
 * @file
 * @ingroup init
 * @brief Read GRUB's multiboot2 information block into struct boot_info.
 *
 * The block GRUB passes (its physical address arrives in EBX) is a list of
 * tags, each 8-byte aligned:
 *
 * @verbatim
 *   +0  u32 total_size   +4 u32 reserved
 *   +8  tag: u32 type, u32 size, payload ...   (padded to 8 bytes)
 *       tag ...
 *       tag: type 0, size 8                     (the end)
 * @endverbatim
 *
 * We keep the command line (type 1), the boot loader's name (2), modules
 * (3) and the memory map (6), copying them out so nothing later depends on
 * memory GRUB owned. Runs once at boot; no locking.
 */
#include "kernel/arch.h"
#include "kernel/boot.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER 2
#define TAG_MODULE 3
#define TAG_MMAP 6

struct boot_info boot_info;

/** The common head of every tag. */
struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

/** Tag 3: one module loaded by GRUB's module2 command. */
struct mb2_tag_module {
    struct mb2_tag tag;
    uint32_t start;
    uint32_t end;
    char cmdline[];
};

/** Tag 6: the BIOS e820 memory map, entry_size bytes per entry. */
struct mb2_tag_mmap {
    struct mb2_tag tag;
    uint32_t entry_size;
    uint32_t entry_version;
};

/** One memory map entry. */
struct mb2_mmap_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};

static void
parse_mmap(const struct mb2_tag_mmap *t)
{
    const uint8_t *p = (const uint8_t *)(t + 1);
    const uint8_t *end = (const uint8_t *)t + t->tag.size;
    for (; p + t->entry_size <= end; p += t->entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        if (boot_info.nregions == BOOT_MAX_REGIONS)
            break;
        struct mem_region *r = &boot_info.regions[boot_info.nregions++];
        r->base = e->base;
        r->length = e->length;
        r->type = e->type >= 1 && e->type <= 5 ? e->type : MEM_RESERVED;
    }
}

static void
parse_module(const struct mb2_tag_module *t)
{
    if (boot_info.nmodules == BOOT_MAX_MODULES)
        return;
    struct boot_module *m = &boot_info.modules[boot_info.nmodules++];
    m->start = t->start;
    m->end = t->end;
    strlcpy(m->cmdline, t->cmdline, sizeof(m->cmdline));
}

/**
 * @brief Copy what Keel needs out of the multiboot2 block at @p info.
 * @param magic the value GRUB left in EAX
 * @param info  physical address of the block (from EBX)
 * @return 0, or -EINVAL when not started by a multiboot2 loader
 * @pre the boot page tables direct-map the block (it lies below 4 GiB)
 */
// [parse]
int
multiboot2_parse(uint32_t magic, paddr_t info)
{
    if (magic != MB2_BOOT_MAGIC || info == 0 || info >= DMAP_BOOT_SIZE)
        return -EINVAL;
    const uint8_t *base = phys_to_virt(info);
    uint32_t total = *(const uint32_t *)base;
    boot_info.info_start = info;
    boot_info.info_end = info + total;

    const uint8_t *p = base + 8;
    while (p + sizeof(struct mb2_tag) <= base + total) {
        const struct mb2_tag *tag = (const void *)p;
        if (tag->type == TAG_END || tag->size < sizeof(*tag))
            break;
        if (tag->type == TAG_CMDLINE)
            strlcpy(boot_info.cmdline, (const char *)(tag + 1),
                    sizeof(boot_info.cmdline));
        else if (tag->type == TAG_LOADER)
            strlcpy(boot_info.loader, (const char *)(tag + 1),
                    sizeof(boot_info.loader));
        else if (tag->type == TAG_MODULE)
            parse_module((const void *)tag);
        else if (tag->type == TAG_MMAP)
            parse_mmap((const void *)tag);
        p += ALIGN_UP(tag->size, 8);
    }
    return 0;
}
// [parse]

/**
 * @brief Name of a memory region type, as printed in the boot log.
 * @param type the region type
 * @return a constant string; "reserved" for unknown types
 */
const char *
mem_type_name(enum mem_type type)
{
    switch (type) {
    case MEM_AVAILABLE:
        return "available";
    case MEM_ACPI_RECLAIMABLE:
        return "ACPI reclaimable";
    case MEM_ACPI_NVS:
        return "ACPI NVS";
    case MEM_BAD:
        return "bad";
    default:
        return "reserved";
    }
}

/**
 * @brief Print the boot loader, memory map and modules to the log.
 */
void
boot_info_print(void)
{
    uint64_t avail = 0;
    pr_info("bootloader: %s\n",
            boot_info.loader[0] ? boot_info.loader : "(unknown)");
    for (int i = 0; i < boot_info.nregions; i++) {
        const struct mem_region *r = &boot_info.regions[i];
        pr_info("mmap: [0x%016lx-0x%016lx] %s\n", r->base,
                r->base + r->length - 1, mem_type_name(r->type));
        if (r->type == MEM_AVAILABLE)
            avail += r->length;
    }
    pr_info("memory: %lu KiB available\n", avail / 1024);
    for (int i = 0; i < boot_info.nmodules; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        pr_info("module: [0x%016lx-0x%016lx] %s\n", m->start, m->end - 1,
                m->cmdline);
    }
}
