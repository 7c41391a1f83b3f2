/**
 * @file
 * @ingroup mm
 * @brief Physical frames: the buddy allocator, fed with the boot memory map.
 *
 * The buddy allocator (kernel/mm/buddy.c) knows nothing of the machine; this
 * file tells it which pages are RAM the kernel may hand out. GRUB's memory
 * map (boot_info.regions) lists the available regions; some of that memory
 * is in use already and must stay out:
 *
 * @verbatim
 *   physical memory at boot (not to scale)
 *
 *   0       1 MiB                                                    top
 *   +-------+-------------+------+--------+------+-----------+-------+
 *   | low   | kernel      | free | module | free | buddy map | free  |
 *   | memory| image       |      | (and   |      | (one      |       |
 *   |       | (text, data,|      | mb2    |      | buddy_page|       |
 *   |       | bss, stacks)|      | info)  |      | per page) |       |
 *   +-------+-------------+------+--------+------+-----------+-------+
 *    kept     reserved              reserved        reserved
 * @endverbatim
 *
 * - below 1 MiB: firmware data, and later the real-mode trampoline that
 *   starts other CPUs; never handed out, which also means that physical
 *   address 0 can stand for "no frame";
 * - the kernel image, [__kernel_phys_start, __kernel_phys_end);
 * - the multiboot2 information block and every module (the initramfs);
 * - the buddy_page array itself, which pmm_init() carves out of the first
 *   free stretch above the kernel big enough to hold it.
 *
 * Only memory the direct map reaches is used, so that phys_to_virt() works
 * for every frame: below PMM_PHYS_LIMIT. Everything else goes to the buddy
 * allocator, one range at a time, page-aligned inwards.
 *
 * **SANITIZE=1.** A frame written after it was freed (a stale pointer, a
 * mapping left behind, a missing TLB flush) corrupts whoever gets it
 * next. A SANITIZE=1 build fills every freed block with 0x6b and marks
 * its frames in a bitmap; the allocation that hands a marked frame out
 * again checks the fill first and panics, naming the frame, the offset
 * and the byte, when anything wrote to it in between.
 *
 * Locking: every call into the buddy allocator runs with interrupts off.
 * On one CPU that is enough, preemption included: the timer cannot
 * interrupt an allocation. A second CPU needs a spinlock here (as the
 * share counts of chapter 3 already have).
 */
#include "kernel/arch.h"
#include "kernel/boot.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#if CHAPTER >= 3
#include "kernel/sync.h"
#endif

/** Memory below this stays out of the allocator (real-mode trampolines). */
#define PMM_LOW_LIMIT (1UL << 20)
/** Memory at or above this is ignored: the direct map must cover a frame. */
#define PMM_PHYS_LIMIT DMAP_BOOT_SIZE
/** Reserved ranges: low memory, kernel, mb2 info, modules, the buddy map. */
#define PMM_MAX_RESERVED (4 + BOOT_MAX_MODULES)

/** Physical addresses [start, end). */
struct phys_range {
    paddr_t start; /**< first byte */
    paddr_t end;   /**< one past the last byte */
};

/* from the linker script: the physical extent of the kernel image */
extern char __kernel_phys_start[], __kernel_phys_end[];

/* See mm.h: NULL until failslab= or failpage= asks for failures. */
bool (*mm_fail_hook)(int kind);

static struct buddy pmm_buddy;
static bool pmm_ready;
static uint64_t pmm_usable;
static struct phys_range reserved[PMM_MAX_RESERVED];
static int nreserved;

/* Keep [start, end), widened to whole pages, out of the allocator. */
static void
reserve(paddr_t start, paddr_t end)
{
    if (end <= start)
        return;
    if (nreserved == PMM_MAX_RESERVED)
        panic("pmm: more than %d reserved ranges", PMM_MAX_RESERVED);
    reserved[nreserved].start = ALIGN_DOWN(start, PAGE_SIZE);
    reserved[nreserved].end = ALIGN_UP(end, PAGE_SIZE);
    nreserved++;
}

/*
 * The part of region @p r the allocator may use: available RAM between
 * PMM_LOW_LIMIT and PMM_PHYS_LIMIT, whole pages only. False if none.
 */
static bool
usable_span(const struct mem_region *r, paddr_t *start, paddr_t *end)
{
    if (r->type != MEM_AVAILABLE)
        return false;
    paddr_t s = MAX(r->base, PMM_LOW_LIMIT);
    paddr_t e = MIN(r->base + r->length, PMM_PHYS_LIMIT);
    s = ALIGN_UP(s, PAGE_SIZE);
    e = ALIGN_DOWN(e, PAGE_SIZE);
    if (s >= e)
        return false;
    *start = s;
    *end = e;
    return true;
}

/*
 * Find @p bytes (a multiple of PAGE_SIZE) for the buddy map: the lowest
 * address above the kernel image, inside one available region, that
 * overlaps no reserved range. Returns 0 if there is no such place.
 */
static paddr_t
place_map(uint64_t bytes)
{
    paddr_t best = 0;
    paddr_t above = ALIGN_UP((paddr_t)__kernel_phys_end, PAGE_SIZE);
    for (int i = 0; i < boot_info.nregions; i++) {
        paddr_t s, e;
        if (!usable_span(&boot_info.regions[i], &s, &e))
            continue;
        // slide past every reserved range in the way until none is
        paddr_t at = MAX(s, above);
        bool moved = true;
        while (moved && at < e) {
            moved = false;
            for (int j = 0; j < nreserved; j++) {
                if (at < reserved[j].end && reserved[j].start < at + bytes) {
                    at = reserved[j].end;
                    moved = true;
                }
            }
        }
        if (at + bytes <= e && (best == 0 || at < best))
            best = at;
    }
    return best;
}

/*
 * Give [start, end) to the buddy allocator minus the reserved ranges from
 * index @p from on: the first one that overlaps splits the range in two,
 * and each side is checked against the rest.
 */
static void
add_free(paddr_t start, paddr_t end, int from)
{
    if (start >= end)
        return;
    for (int j = from; j < nreserved; j++) {
        const struct phys_range *r = &reserved[j];
        if (r->start < end && start < r->end) {
            add_free(start, MIN(r->start, end), j + 1);
            add_free(MAX(r->end, start), end, j + 1);
            return;
        }
    }
    uint64_t count = (end - start) >> PAGE_SHIFT;
    buddy_add_range(&pmm_buddy, start >> PAGE_SHIFT, count);
    pmm_usable += count;
}

/**
 * @brief Build the frame allocator from the boot memory map.
 *
 * Find the span of usable RAM, reserve what is in use (low memory, the
 * kernel, the multiboot2 block, modules), place the buddy_page array in
 * the first free stretch above the kernel, then hand every available page
 * that is not reserved to the buddy allocator.
 *
 * Panics if there is no usable memory or no room for the buddy map: the
 * kernel cannot go on without frames.
 *
 * @pre boot_info is filled in (multiboot2_parse()); called once, from
 *      kmain, before anything allocates a frame
 */
void
pmm_init(void)
{
    BUG_ON(pmm_ready);
    // the pages the allocator manages: lowest to highest usable page
    paddr_t low = PMM_PHYS_LIMIT, top = 0;
    for (int i = 0; i < boot_info.nregions; i++) {
        paddr_t s, e;
        if (usable_span(&boot_info.regions[i], &s, &e)) {
            low = MIN(low, s);
            top = MAX(top, e);
        }
    }
    if (top == 0)
        panic("pmm: no available memory between 1 MiB and %lu MiB",
              PMM_PHYS_LIMIT >> 20);
    uint64_t base_pfn = low >> PAGE_SHIFT;
    uint64_t npages = (top >> PAGE_SHIFT) - base_pfn;

    reserve(0, PMM_LOW_LIMIT);
    reserve((paddr_t)__kernel_phys_start, (paddr_t)__kernel_phys_end);
    reserve(boot_info.info_start, boot_info.info_end);
    for (int i = 0; i < boot_info.nmodules; i++)
        reserve(boot_info.modules[i].start, boot_info.modules[i].end);

    uint64_t map_bytes =
        ALIGN_UP(npages * sizeof(struct buddy_page), PAGE_SIZE);
    paddr_t map = place_map(map_bytes);
    if (map == 0)
        panic("pmm: no room for the buddy map (%lu KiB) above the kernel",
              map_bytes >> 10);
    reserve(map, map + map_bytes);

    buddy_init(&pmm_buddy, base_pfn, npages, phys_to_virt(map));
    for (int i = 0; i < boot_info.nregions; i++) {
        paddr_t s, e;
        if (usable_span(&boot_info.regions[i], &s, &e))
            add_free(s, e, 0);
    }
    pmm_ready = true;
    pr_info("pmm: %lu KiB free in %lu frames, buddy map %lu KiB at 0x%lx\n",
            pmm_buddy.free_pages * (PAGE_SIZE >> 10), pmm_buddy.free_pages,
            map_bytes >> 10, map);
}

#ifndef KEEL_SANITIZE
#define KEEL_SANITIZE 0
#endif
#if KEEL_SANITIZE
/** SANITIZE=1: what fills a free frame. */
#define FRAME_FREED 0x6b6b6b6b6b6b6b6bUL
/** SANITIZE=1: a bit per frame, set while it holds FRAME_FREED. */
static uint64_t poisoned[PMM_PHYS_LIMIT / PAGE_SIZE / 64];

/* SANITIZE=1: fill the 2^@p order frames at @p pa and mark them. */
static void
poison_frames(paddr_t pa, unsigned order)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    for (uint64_t i = 0; i < (1UL << order); i++) {
        uint64_t *w = phys_to_virt(pa + i * PAGE_SIZE);
        for (size_t j = 0; j < PAGE_SIZE / 8; j++)
            w[j] = FRAME_FREED;
        poisoned[(pfn + i) / 64] |= 1UL << ((pfn + i) % 64);
    }
}

/* SANITIZE=1: the marked frames of the block at @p pa must still hold
 * their fill; unmark them. */
static void
check_frames(paddr_t pa, unsigned order)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    for (uint64_t i = 0; i < (1UL << order); i++) {
        uint64_t bit = 1UL << ((pfn + i) % 64);
        if (!(poisoned[(pfn + i) / 64] & bit))
            continue;
        poisoned[(pfn + i) / 64] &= ~bit;
        const uint64_t *w = phys_to_virt(pa + i * PAGE_SIZE);
        for (size_t j = 0; j < PAGE_SIZE / 8; j++)
            if (w[j] != FRAME_FREED)
                panic("pmm: use after free: frame 0x%lx was written at "
                      "+0x%lx after it was freed (0x%016lx found)",
                      pa + i * PAGE_SIZE, j * 8, w[j]);
    }
}
#endif

/* A frame allocation before pmm_init() is a bug in the boot order. */
static void
check_ready(const char *what)
{
    if (!pmm_ready)
        panic("pmm: %s called before pmm_init()", what);
}

/**
 * @brief Allocate 2^@p order physically contiguous frames.
 * @param order log2 of the number of frames, at most BUDDY_MAX_ORDER
 *              (larger panics: callers that derive it from a size check)
 * @return the physical address of the first frame, aligned to the block's
 *         size, or 0 when no block that large is free. The contents are
 *         whatever was there before.
 * @pre pmm_init() has run; any interrupt state (restored on return)
 */
paddr_t
pmm_alloc_pages(unsigned order)
{
    check_ready("pmm_alloc_pages");
    if (mm_fail_hook != NULL && mm_fail_hook(MM_FAIL_PAGE))
        return 0; // an injected failure (failpage=)
    irqflags_t flags = arch_irq_save();
    int64_t pfn = buddy_alloc(&pmm_buddy, order);
#if KEEL_SANITIZE
    if (pfn >= 0)
        check_frames((paddr_t)pfn << PAGE_SHIFT, order);
#endif
    arch_irq_restore(flags);
    return pfn < 0 ? 0 : (paddr_t)pfn << PAGE_SHIFT;
}

/**
 * @brief Give back a block that pmm_alloc_pages() returned.
 * @param pa    the address pmm_alloc_pages(@p order) returned
 * @param order the order it was allocated with
 * @pre pmm_init() has run; the block is allocated. A misaligned address,
 *      a block that is not allocated RAM, or a double free panics.
 */
void
pmm_free_pages(paddr_t pa, unsigned order)
{
    check_ready("pmm_free_pages");
    if ((pa & (PAGE_SIZE - 1)) != 0)
        panic("pmm: free of 0x%lx: not a page address", pa);
    irqflags_t flags = arch_irq_save();
    buddy_free(&pmm_buddy, pa >> PAGE_SHIFT, order);
#if KEEL_SANITIZE
    poison_frames(pa, order); // after buddy_free's checks of the address
#endif
    arch_irq_restore(flags);
}

/**
 * @brief Allocate one frame (4 KiB).
 * @return its physical address, or 0 when memory is exhausted
 * @pre pmm_init() has run
 */
paddr_t
pmm_alloc_frame(void)
{
    return pmm_alloc_pages(0);
}

/**
 * @brief Give back one frame that pmm_alloc_frame() returned.
 * @param pa its physical address
 * @pre pmm_init() has run; the frame is allocated
 */
void
pmm_free_frame(paddr_t pa)
{
    pmm_free_pages(pa, 0);
}

/**
 * @brief How many frames are free now.
 * @return the number of free frames (0 before pmm_init())
 */
uint64_t
pmm_free_frames(void)
{
    return pmm_buddy.free_pages;
}

/**
 * @brief How many frames the allocator manages, free or allocated.
 * @return the usable RAM handed to the allocator at boot, in frames
 */
uint64_t
pmm_total_frames(void)
{
    return pmm_usable;
}

#if CHAPTER >= 3
/*
 * Share counts of frames mapped into user space (copy-on-write). One
 * 16-bit count per managed page, allocated from the buddy on first use.
 * A frame's count is 0 until pmm_ref(); pmm_put() frees it when the count
 * drops to 0 (a count of 0 or 1 means "only one user").
 */
static uint16_t *refcounts;
static struct spinlock ref_lock = SPINLOCK_INIT("pmm-ref");

/* The count slot of @p pa, allocating the array on first use. */
static uint16_t *
ref_slot(paddr_t pa)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    if (pfn < pmm_buddy.base_pfn ||
        pfn >= pmm_buddy.base_pfn + pmm_buddy.npages)
        panic("pmm: share count of 0x%lx, not a managed frame", pa);
    if (refcounts == NULL) {
        uint64_t bytes = pmm_buddy.npages * sizeof(uint16_t);
        unsigned order = 0;
        while ((PAGE_SIZE << order) < bytes)
            order++;
        paddr_t map = pmm_alloc_pages(order);
        if (map == 0)
            panic("pmm: no memory for %lu share counts", pmm_buddy.npages);
        refcounts = phys_to_virt(map);
        __builtin_memset(refcounts, 0, PAGE_SIZE << order);
    }
    return &refcounts[pfn - pmm_buddy.base_pfn];
}

/**
 * @brief Count one more user of frame @p pa (a mapping of it).
 * @param pa the frame
 */
void
pmm_ref(paddr_t pa)
{
    irqflags_t flags = spin_lock_irqsave(&ref_lock);
    uint16_t *c = ref_slot(pa);
    if (*c == 0xffff)
        panic("pmm: share count of 0x%lx overflows", pa);
    *c = *c == 0 ? 2 : *c + 1; // 0 meant one user already
    spin_unlock_irqrestore(&ref_lock, flags);
}

/**
 * @brief Drop one user of frame @p pa; free it when none is left.
 * @param pa the frame
 */
void
pmm_put(paddr_t pa)
{
    irqflags_t flags = spin_lock_irqsave(&ref_lock);
    uint16_t *c = ref_slot(pa);
    bool last = *c <= 1;
    if (!last)
        (*c)--;
    if (*c == 1)
        *c = 0;
    spin_unlock_irqrestore(&ref_lock, flags);
    if (last)
        pmm_free_frame(pa);
}

/**
 * @brief How many users frame @p pa has (at least 1 for a used frame).
 * @param pa the frame
 * @return the count
 */
unsigned
pmm_refcount(paddr_t pa)
{
    irqflags_t flags = spin_lock_irqsave(&ref_lock);
    unsigned c = *ref_slot(pa);
    spin_unlock_irqrestore(&ref_lock, flags);
    return c == 0 ? 1 : c;
}
#endif
