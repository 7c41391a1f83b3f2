/**
 * @file
 * @ingroup mm
 * @brief The kernel's own page tables: built once, then the kernel moves in.
 *
 * entry.S booted on makeshift tables: 2 MiB pages, everything writable and
 * executable. vmm_init() replaces them with tables the kernel owns, laid
 * out with the least privilege each part needs:
 *
 * @verbatim
 *   virtual                            maps                 permissions
 *   DMAP_BASE .. + top of RAM          all physical memory   RW, NX (2 MiB)
 *     except the image's text, rodata  (their second alias)  R, NX (4 KiB)
 *   __text_start .. __rodata_start     kernel code, ksyms    R, X
 *   __rodata_start .. __data_start     constants, sets       R, NX
 *   __data_start .. __kernel_end       data, bss, stacks     RW, NX
 *     except boot_stack_guard          (nothing: the guard)  -
 * @endverbatim
 *
 * A write to kernel code, or running data as code, now faults, and so does
 * running off the bottom of the boot stack (the guard page), instead of
 * silently corrupting memory. The direct map is a second alias of every
 * frame, the image's too: its 2 MiB pages that hold kernel text and
 * rodata are split into 4 KiB ones, read-only over those frames, so no
 * alias leaves the code writable (W^X everywhere). If the tables cannot be built (no memory, or
 * the page walk of exercise 2.2 missing), the kernel says so and stays on
 * the boot tables, so the rest of the boot still works.
 *
 * Locking: the kernel tree changes at boot, in self-tests and for kernel
 * stacks, with interrupts off around each change (one CPU). User address
 * spaces have trees of their own (kernel/mm/uvm.c).
 */
#include "kernel/arch.h"
#include "kernel/boot.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "uapi/errno.h"

extern char __text_start[], __rodata_start[], __data_start[], __kernel_end[];
extern char boot_stack_guard[];

static paddr_t kernel_root;

/* Map [start, end) of the kernel image at its link address with @p flags,
 * leaving out the boot stack's guard page. */
static int
map_image_range(paddr_t root, const char *start, const char *end,
                unsigned flags)
{
    vaddr_t va = ALIGN_DOWN((vaddr_t)start, PAGE_SIZE);
    for (; va < (vaddr_t)end; va += PAGE_SIZE) {
        if (va == (vaddr_t)boot_stack_guard)
            continue;
        int err = arch_map_page(root, va, va - KERNEL_VMA, flags);
        if (err < 0)
            return err;
    }
    return 0;
}

/* The end of the direct map: all RAM the memory map reports (the boot
 * tables' 4 GiB at least, so low MMIO such as the VGA buffer is covered). */
static paddr_t
dmap_end(void)
{
    paddr_t top = DMAP_BOOT_SIZE;
    for (int i = 0; i < boot_info.nregions; i++) {
        const struct mem_region *r = &boot_info.regions[i];
        if (r->type == MEM_AVAILABLE && r->base + r->length > top)
            top = r->base + r->length;
    }
    return ALIGN_UP(top, 2UL << 20);
}

/* Map the direct map's 2 MiB chunk at physical @p pa in @p root: one
 * huge page, RW, or, for a chunk that holds kernel text or rodata, 512
 * small pages, read-only over those frames. */
static int
map_dmap_chunk(paddr_t root, paddr_t pa)
{
    const paddr_t chunk = 2UL << 20;
    paddr_t ro_lo = ALIGN_DOWN(virt_to_phys(__text_start), PAGE_SIZE);
    paddr_t ro_hi = ALIGN_UP(virt_to_phys(__data_start), PAGE_SIZE);
    if (pa + chunk <= ro_lo || pa >= ro_hi)
        return arch_map_huge(root, DMAP_BASE + pa, pa,
                             VM_READ | VM_WRITE | VM_GLOBAL);
    for (paddr_t p = pa; p < pa + chunk; p += PAGE_SIZE) {
        bool ro = p >= ro_lo && p < ro_hi;
        int err = arch_map_page(root, DMAP_BASE + p, p,
                                VM_READ | VM_GLOBAL | (ro ? 0 : VM_WRITE));
        if (err < 0)
            return err;
    }
    return 0;
}

/* Build the whole kernel tree in @p root (see the table above). */
static int
build_kernel_tables(paddr_t root)
{
    paddr_t end = dmap_end();
    for (paddr_t pa = 0; pa < end; pa += 2UL << 20) {
        int err = map_dmap_chunk(root, pa);
        if (err < 0)
            return err;
    }
    int err = map_image_range(root, __text_start, __rodata_start,
                              VM_READ | VM_EXEC | VM_GLOBAL);
    if (err == 0)
        err = map_image_range(root, __rodata_start, __data_start,
                              VM_READ | VM_GLOBAL);
    if (err == 0)
        err = map_image_range(root, __data_start, __kernel_end,
                              VM_READ | VM_WRITE | VM_GLOBAL);
    return err;
}

/**
 * @brief Build the kernel's page tables and switch to them.
 * @pre pmm_init() has run; interrupts off; called once from kmain
 */
// [vmm_init]
void
vmm_init(void)
{
    paddr_t root = arch_pgtable_create();
    int err = root != 0 ? build_kernel_tables(root) : -ENOMEM;
    if (err < 0) {
        pr_err("vmm: cannot build the kernel page tables (error %d); "
               "staying on the boot tables\n",
               err);
        return;
    }
    arch_pgtable_activate(root);
    kernel_root = root;
    pr_info("vmm: kernel page tables at 0x%lx, direct map of %lu MiB\n", root,
            dmap_end() >> 20);
}
// [vmm_init]

/**
 * @brief The kernel's page tables: the tree kernel threads run on and the
 *        one whose upper half every address space shares.
 * @return the PML4 vmm_init() built, or the boot tables if it could not
 */
paddr_t
vmm_kernel_root(void)
{
    return kernel_root != 0 ? kernel_root : arch_pgtable_active();
}

/**
 * @brief Map the kernel page @p va to frame @p pa.
 * @param va    page-aligned kernel virtual address
 * @param pa    page-aligned physical address
 * @param flags VM_* permissions
 * @return 0, -EINVAL (misaligned), -EEXIST (mapped already), -ENOMEM
 */
int
vmm_map(vaddr_t va, paddr_t pa, unsigned flags)
{
    irqflags_t irq = arch_irq_save();
    int err = arch_map_page(vmm_kernel_root(), va, pa, flags);
    arch_irq_restore(irq);
    return err;
}

/**
 * @brief Remove the mapping of kernel page @p va.
 * @param va page-aligned virtual address
 * @return 0, or -ENOENT when it was not mapped
 */
int
vmm_unmap(vaddr_t va)
{
    irqflags_t irq = arch_irq_save();
    int err = arch_unmap_page(vmm_kernel_root(), va);
    arch_irq_restore(irq);
    return err;
}

/**
 * @brief Look up @p va in the active tables.
 * @param va    any virtual address
 * @param pa    if not NULL, receives the physical address
 * @param flags if not NULL, receives the VM_* permissions
 * @return true when @p va is mapped
 */
bool
vmm_translate(vaddr_t va, paddr_t *pa, unsigned *flags)
{
    return arch_translate(arch_pgtable_active(), va, pa, flags);
}

/**
 * @brief Print the page walk of @p va in the active tables (fault reports).
 * @param va the address to explain
 */
void
vmm_dump_walk(vaddr_t va)
{
    arch_dump_walk(arch_pgtable_active(), va);
}
