/**
 * @file
 * @ingroup mm
 * @brief Kernel stacks with a guard page below each.
 *
 * A kernel stack overflow must fault at once rather than overwrite the
 * memory below. Stacks therefore do not come from the direct map (whose
 * 2 MiB pages cannot leave a hole) but from their own region of kernel
 * address space, in slots of 32 KiB: the lower half of a slot stays
 * unmapped, the upper half holds the KSTACK_SIZE bytes of stack.
 *
 * @verbatim
 *   slot i:  KSTACK_BASE + i * 32 KiB
 *   +------------------+------------------+
 *   | guard (unmapped) | stack (4 frames) |  <- top: the stack grows down
 *   +------------------+------------------+
 * @endverbatim
 *
 * The region's top-level entry is created at boot (kstack_init), before any
 * other page-table tree copies the kernel half, so stacks mapped later are
 * visible in every address space. Locking: a spinlock guards the slot map.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/string.h"

#define KSTACK_BASE 0xffffff0000000000UL
#define KSTACK_SLOT (32 * 1024)
#define KSTACK_SLOTS 1024

static uint8_t slot_used[KSTACK_SLOTS];
static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");

/**
 * @brief Create the page-table levels of the stack region.
 * @pre vmm_init() has run; called once before any thread is created
 */
void
kstack_init(void)
{
    paddr_t pa = pmm_alloc_frame();
    if (pa == 0 || vmm_map(KSTACK_BASE, pa, VM_READ) < 0)
        panic("kstack: cannot create the stack region");
    vmm_unmap(KSTACK_BASE);
    pmm_free_frame(pa);
}

/* Undo a partly mapped stack: unmap and free its frames. */
static void
unmap_stack(vaddr_t top)
{
    for (vaddr_t va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
        paddr_t pa;
        if (vmm_translate(va, &pa, NULL)) {
            vmm_unmap(va);
            pmm_free_frame(pa);
        }
    }
}

/**
 * @brief A new kernel stack.
 * @return its top (16-byte aligned), or 0 when slots or frames are out
 */
vaddr_t
kstack_alloc(void)
{
    irqflags_t flags = spin_lock_irqsave(&kstack_lock);
    int slot = -1;
    for (int i = 0; i < KSTACK_SLOTS && slot < 0; i++) {
        if (!slot_used[i])
            slot = i;
    }
    if (slot >= 0)
        slot_used[slot] = 1;
    spin_unlock_irqrestore(&kstack_lock, flags);
    if (slot < 0)
        return 0;

    vaddr_t top = KSTACK_BASE + (uint64_t)(slot + 1) * KSTACK_SLOT;
    for (vaddr_t va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
        paddr_t pa = pmm_alloc_frame();
        if (pa == 0 || vmm_map(va, pa, VM_READ | VM_WRITE) < 0) {
            if (pa != 0)
                pmm_free_frame(pa);
            kstack_free(top); // unmaps what was mapped, frees the slot
            return 0;
        }
    }
    return top;
}

/**
 * @brief Give back the stack whose top is @p top.
 * @param top what kstack_alloc() returned
 */
void
kstack_free(vaddr_t top)
{
    uint64_t slot = (top - KSTACK_BASE) / KSTACK_SLOT - 1;
    if (top <= KSTACK_BASE || slot >= KSTACK_SLOTS)
        panic("kstack_free: 0x%lx is not a kernel stack", top);
    unmap_stack(top);
    irqflags_t flags = spin_lock_irqsave(&kstack_lock);
    slot_used[slot] = 0;
    spin_unlock_irqrestore(&kstack_lock, flags);
}
