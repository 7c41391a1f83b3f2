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
 *
 * How deep do stacks get? Each new stack is painted with a pattern; when
 * it is freed, the lowest word that no longer holds the pattern is the
 * deepest the thread went (its high-water mark). kstack_free() keeps the
 * deepest of all (kstack_deepest(), and a debug line in the kernel log at
 * each new record, as Linux's CONFIG_DEBUG_STACK_USAGE does at exit) and
 * warns when a thread came within KSTACK_WARN bytes of the guard page:
 * the next deeper path would have overflowed. An overflow itself faults
 * on the guard page; the double-fault handler, on a stack of its own,
 * names it with kstack_is_guard().
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"

#define KSTACK_BASE 0xffffff0000000000UL
#define KSTACK_SLOT (32 * 1024)
#define KSTACK_SLOTS KSTACK_MAX_THREADS

/** What an unused word of a kernel stack holds (it reads "keelstak"). */
#define KSTACK_PAINT 0x6b6174736c65656bUL
/** Closer than this to the guard page is worth a warning. */
#define KSTACK_WARN 2048

static uint8_t slot_used[KSTACK_SLOTS];
static size_t deepest; /**< the most bytes any freed stack used */
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
    // the double fault's own stack (IST 1) gets a guard page too: until
    // now it was an array of cpu/gdt.c, with other data right below it
    vaddr_t df = kstack_alloc();
    if (df != 0)
        arch_set_fault_stack(df);
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
            // not kstack_free(): its depth count would read the frames
            // mapped so far, which hold whatever was there before (the
            // paint of an earlier stack, say), up into the unmapped page
            unmap_stack(top);
            flags = spin_lock_irqsave(&kstack_lock);
            slot_used[slot] = 0;
            spin_unlock_irqrestore(&kstack_lock, flags);
            return 0;
        }
    }
    // paint it, to find out later how deep the thread went
    for (uint64_t *w = (uint64_t *)(top - KSTACK_SIZE); w < (uint64_t *)top;
         w++)
        *w = KSTACK_PAINT;
    return top;
}

/**
 * @brief How many bytes of the stack whose top is @p top were ever used.
 *
 * Counts up from the bottom the words that still hold the paint of
 * kstack_alloc(); the rest was written at some time. (A frame that
 * happens to store the pattern itself is counted as unused: close enough.)
 * @param top what kstack_alloc() returned; the stack still mapped
 * @return the bytes from the top down to the deepest word written
 */
size_t
kstack_used(vaddr_t top)
{
    const uint64_t *w = (const uint64_t *)(top - KSTACK_SIZE);
    while (w < (const uint64_t *)top && *w == KSTACK_PAINT)
        w++;
    return top - (vaddr_t)w;
}

/**
 * @brief The deepest any kernel stack has been, of those freed so far.
 * @return bytes (of KSTACK_SIZE)
 */
size_t
kstack_deepest(void)
{
    return deepest;
}

/**
 * @brief Whether @p addr lies in the guard page below some kernel stack.
 *
 * The double-fault handler asks it of the faulting stack pointer and of
 * CR2: a yes means a kernel stack overflowed.
 * @param addr any kernel address
 * @return true in the unmapped lower half of a stack slot
 */
bool
kstack_is_guard(vaddr_t addr)
{
    if (addr < KSTACK_BASE ||
        addr >= KSTACK_BASE + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT)
        return false;
    return (addr - KSTACK_BASE) % KSTACK_SLOT < KSTACK_SLOT - KSTACK_SIZE;
}

/* Note how deep the stack at @p top went: a record, or too close a call. */
static void
note_depth(vaddr_t top)
{
    size_t used = kstack_used(top);
    if (used > KSTACK_SIZE - KSTACK_WARN)
        pr_warn("kstack: a thread used %zu of its %d stack bytes\n", used,
                KSTACK_SIZE);
    if (used > deepest) {
        deepest = used;
        pr_debug("kstack: deepest stack so far: %zu bytes\n", used);
    }
}

/**
 * @brief Give back the stack whose top is @p top.
 *
 * Notes first how deep it went (kstack_deepest()).
 * @param top what kstack_alloc() returned
 */
void
kstack_free(vaddr_t top)
{
    uint64_t slot = (top - KSTACK_BASE) / KSTACK_SLOT - 1;
    if (top <= KSTACK_BASE || slot >= KSTACK_SLOTS)
        panic("kstack_free: 0x%lx is not a kernel stack", top);
    if (vmm_translate(top - KSTACK_SIZE, NULL, NULL)) // wholly mapped
        note_depth(top);
    unmap_stack(top);
    irqflags_t flags = spin_lock_irqsave(&kstack_lock);
    slot_used[slot] = 0;
    spin_unlock_irqrestore(&kstack_lock, flags);
}
