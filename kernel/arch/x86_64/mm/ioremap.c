/**
 * @file
 * @ingroup mm
 * @brief Device memory: a card's registers mapped uncached.
 *
 * A PCI card's memory BAR is not RAM: a read of a status register must
 * reach the card every time, and writes must arrive in program order,
 * one by one. The direct map is made of write-back pages, where the CPU
 * may serve a read from its cache or combine writes. (On a PC the
 * firmware's MTRRs already make the PCI hole uncached, and the stricter
 * of the two wins, so the direct map would happen to work; Keel does not
 * lean on that.) arch_ioremap() maps the range again, at its own
 * addresses, with PCD and PWT set in each page-table entry: with the
 * power-on PAT that selects the "uncacheable" memory type.
 *
 * The window starts at the bottom of the kernel image's PML4 slot
 * (511), whose entry exists from boot on, so every address space, which
 * copies the kernel's PML4 entries when it is created, sees mappings
 * made later. Mappings are never taken back: a driver keeps its card.
 *
 * Locking: a bump pointer, moved with interrupts off (one CPU).
 */
#include "asm/pgtable.h"
#include "kernel/arch.h"
#include "kernel/mm.h"

/** Where device mappings start: PML4 slot 511, below the kernel image. */
#define IOREMAP_BASE 0xffffff8000000000UL
/** Room for device mappings: 1 GiB (one PDPT entry). */
#define IOREMAP_SIZE (1UL << 30)

static vaddr_t ioremap_next = IOREMAP_BASE;

/* The leaf entry of @p va in @p root; the walk exists, since the page was
 * just mapped with 4 KiB pages. */
static pte_t *
ioremap_leaf(paddr_t root, vaddr_t va)
{
    pte_t *table = phys_to_virt(root);
    for (int level = 4; level > 1; level--)
        table = phys_to_virt(table[PT_INDEX(va, level)] & PTE_ADDR_MASK);
    return &table[PT_INDEX(va, 1)];
}

/* Map one page of device memory uncached: map it as the portable layer
 * maps kernel pages (VM_* knows no caching), then set PCD and PWT. */
static int
ioremap_page(vaddr_t va, paddr_t pa)
{
    int err = vmm_map(va, pa, VM_READ | VM_WRITE | VM_GLOBAL);
    if (err < 0)
        return err;
    *ioremap_leaf(vmm_kernel_root(), va) |= PTE_PCD | PTE_PWT;
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
    return 0;
}

/**
 * @brief Map @p size bytes of device memory at physical @p pa, uncached.
 * @param pa   physical address (a memory BAR's base), any alignment
 * @param size bytes (a BAR's size)
 * @return the kernel address of @p pa, or NULL when the window is full or
 *         a page table cannot be allocated (the window's pages already
 *         taken stay taken)
 * @pre thread context at boot (drivers' probes); takes no lock
 */
void *
arch_ioremap(paddr_t pa, size_t size)
{
    paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
    size_t len = ALIGN_UP(pa + size, PAGE_SIZE) - first;
    irqflags_t flags = arch_irq_save();
    vaddr_t va = ioremap_next;
    if (size == 0 || len > IOREMAP_BASE + IOREMAP_SIZE - va) {
        arch_irq_restore(flags);
        return NULL;
    }
    ioremap_next += len;
    arch_irq_restore(flags);
    for (size_t off = 0; off < len; off += PAGE_SIZE)
        if (ioremap_page(va + off, first + off) < 0)
            return NULL;
    return (void *)(va + (pa - first));
}
