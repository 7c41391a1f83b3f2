/**
 * @file
 * @ingroup mm
 * @brief Self-tests `pmm` and `pmm-merge`: frames are distinct, aligned,
 * real memory, and all come back.
 *
 * `pmm` guards against a frame allocator that hands out overlapping or
 * misaligned blocks, blocks that are not RAM (a pattern written through the
 * direct map does not read back), or that leaks (the free count does not
 * return to where it started). It takes a few blocks of every order from 0
 * to BUDDY_MAX_ORDER.
 *
 * `pmm-merge` guards against a buddy_free() that never merges buddies
 * (exercise 2.1): memory then crumbles into single pages and large blocks
 * run out although every page is free. The test takes every free frame
 * (largest blocks first), gives one large block B back, takes it again as
 * single frames, frees those, and asks for a block of B's order: only
 * merging can rebuild it, since nothing else is free.
 *
 * Both tests run with interrupts off, so on one CPU no other code can
 * allocate while they count frames or hold all of memory. Every loop is
 * bounded by the number of frames, a few milliseconds even under TCG.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"

/** Blocks of each order the `pmm` test holds at once. */
#define PER_ORDER 3
#define NBLOCKS ((BUDDY_MAX_ORDER + 1) * PER_ORDER)

/** One block held by the `pmm` test. */
struct held_block {
    paddr_t pa;     /**< first byte */
    unsigned order; /**< log2 of its size in pages */
};

/* Bytes in a block of @p order. */
static uint64_t
block_bytes(unsigned order)
{
    return PAGE_SIZE << order;
}

/* The word written at @p pa for block number @p i: differs per block. */
static uint64_t
pattern(paddr_t pa, int i)
{
    return (pa * 0x9e3779b97f4a7c15UL) ^ ((uint64_t)i << 56) ^ 0x5a5a;
}

/*
 * Write block @p i's pattern: all of a single frame, the first and last
 * word of each page of a larger block. With @p check, read it back
 * instead; false on a mismatch.
 */
static bool
pattern_pass(const struct held_block *b, int i, bool check)
{
    uint64_t step = b->order == 0 ? 8 : PAGE_SIZE - 8;
    for (uint64_t page = 0; page < block_bytes(b->order); page += PAGE_SIZE) {
        for (uint64_t off = page; off < page + PAGE_SIZE; off += step) {
            volatile uint64_t *w = phys_to_virt(b->pa + off);
            if (!check)
                *w = pattern(b->pa + off, i);
            else if (*w != pattern(b->pa + off, i))
                return false;
        }
    }
    return true;
}

/*
 * Take one block of @p order into held[n] (pa 0 if none); check its
 * alignment and that it overlaps none of the @p n blocks held before.
 */
static int
take_block(struct held_block *held, int n, unsigned order)
{
    paddr_t pa = pmm_alloc_pages(order);
    held[n].pa = pa;
    held[n].order = order;
    if (pa == 0)
        return selftest_fail("order %u: out of memory after %d blocks", order,
                             n);
    if ((pa & (block_bytes(order) - 1)) != 0)
        return selftest_fail("order %u block at 0x%lx is not aligned to "
                             "its size",
                             order, pa);
    for (int j = 0; j < n; j++) {
        if (pa < held[j].pa + block_bytes(held[j].order) &&
            held[j].pa < pa + block_bytes(order))
            return selftest_fail("order %u block at 0x%lx overlaps order "
                                 "%u block at 0x%lx",
                                 order, pa, held[j].order, held[j].pa);
    }
    return 0;
}

/* Take PER_ORDER blocks of every order, fill, check, free: see @file. */
static int
run_pmm(struct held_block *held, int *n, uint64_t start)
{
    for (unsigned order = 0; order <= BUDDY_MAX_ORDER; order++) {
        for (int k = 0; k < PER_ORDER; k++) {
            uint64_t before = pmm_free_frames();
            int err = take_block(held, *n, order);
            if (held[*n].pa != 0)
                (*n)++;
            if (err < 0)
                return err;
            if (pmm_free_frames() != before - (1UL << order))
                return selftest_fail("order %u: free count went from %lu "
                                     "to %lu",
                                     order, before, pmm_free_frames());
        }
    }
    // write every block before reading any: an overlap would show here
    for (int i = 0; i < *n; i++)
        pattern_pass(&held[i], i, false);
    for (int i = 0; i < *n; i++) {
        if (!pattern_pass(&held[i], i, true))
            return selftest_fail("order %u block at 0x%lx does not read "
                                 "back what was written",
                                 held[i].order, held[i].pa);
    }
    pr_info("pmm: %d blocks of orders 0..%d written and read back; "
            "%lu of %lu frames free before\n",
            *n, BUDDY_MAX_ORDER, start, pmm_total_frames());
    return 0;
}

static int
selftest_pmm(void)
{
    static struct held_block held[NBLOCKS];
    int n = 0;
    irqflags_t flags = arch_irq_save();
    uint64_t start = pmm_free_frames();
    int err = run_pmm(held, &n, start);
    // free in an order unlike the allocation order: odd blocks, then even
    for (int i = 1; i < n; i += 2)
        pmm_free_pages(held[i].pa, held[i].order);
    for (int i = 0; i < n; i += 2)
        pmm_free_pages(held[i].pa, held[i].order);
    uint64_t end = pmm_free_frames();
    arch_irq_restore(flags);
    if (err < 0)
        return err;
    pr_info("pmm: all freed, %lu frames free after\n", end);
    if (end != start)
        return selftest_fail("leak: %lu frames free before, %lu after", start,
                             end);
    return 0;
}
SELFTEST("pmm", selftest_pmm, 0);

/* ------------------------------------------------------------ pmm-merge */

/*
 * The blocks the test holds, one ledger entry each: the address with the
 * order in its low bits (a block address is page-aligned). The ledger is
 * itself a block from the allocator; the held blocks are never written,
 * so holding gigabytes costs the emulator nothing.
 */
#define LEDGER_ORDER 3
#define LEDGER_SLOTS ((PAGE_SIZE << LEDGER_ORDER) / sizeof(paddr_t))
#define ENTRY_ORDER(e) ((unsigned)((e) & (PAGE_SIZE - 1)))
#define ENTRY_PA(e) ((e) & ~(PAGE_SIZE - 1))

static paddr_t *ledger;
static uint64_t nheld;

/* Take every free block, largest first; false if the ledger is too small. */
static bool
drain(void)
{
    for (int order = BUDDY_MAX_ORDER; order >= 0; order--) {
        paddr_t pa;
        while ((pa = pmm_alloc_pages(order)) != 0) {
            if (nheld == LEDGER_SLOTS) {
                pmm_free_pages(pa, order);
                return false;
            }
            ledger[nheld++] = pa | (paddr_t)order;
        }
    }
    return true;
}

/* Give back every block the ledger holds. */
static void
undrain(void)
{
    while (nheld > 0) {
        paddr_t e = ledger[--nheld];
        pmm_free_pages(ENTRY_PA(e), ENTRY_ORDER(e));
    }
}

/*
 * Take the 2^k frames of the only free block, at @p big; check that each
 * is inside it and new, and that nothing is left after.
 */
static int
split_to_frames(paddr_t big, unsigned k)
{
    static uint64_t seen[(1UL << BUDDY_MAX_ORDER) / 64];
    for (unsigned i = 0; i < ARRAY_SIZE(seen); i++)
        seen[i] = 0;
    for (uint64_t i = 0; i < (1UL << k); i++) {
        paddr_t pa = pmm_alloc_frame();
        if (pa < big || pa >= big + block_bytes(k))
            return selftest_fail("frame %lu of the order %u block at 0x%lx "
                                 "is 0x%lx, outside it",
                                 i, k, big, pa);
        uint64_t idx = (pa - big) >> PAGE_SHIFT;
        if (seen[idx / 64] & (1UL << (idx % 64)))
            return selftest_fail("frame 0x%lx handed out twice", pa);
        seen[idx / 64] |= 1UL << (idx % 64);
    }
    if (pmm_alloc_frame() != 0)
        return selftest_fail("a frame is still free after taking all %lu "
                             "frames of the only free block",
                             1UL << k);
    return 0;
}

/*
 * Free the 2^k frames of the block at @p big: even ones, then odd ones,
 * so that merges happen only in the second pass.
 */
static void
free_frames_of(paddr_t big, unsigned k)
{
    for (uint64_t i = 0; i < (1UL << k); i += 2)
        pmm_free_frame(big + i * PAGE_SIZE);
    for (uint64_t i = 1; i < (1UL << k); i += 2)
        pmm_free_frame(big + i * PAGE_SIZE);
}

/* With all memory held (the ledger): see the @file comment. */
static int
run_merge(void)
{
    if (pmm_free_frames() != 0)
        return selftest_fail("%lu frames still free after taking every block",
                             pmm_free_frames());
    // drain() took the largest blocks first: entry 0 has the largest order
    unsigned k = nheld > 0 ? ENTRY_ORDER(ledger[0]) : 0;
    if (k == 0)
        return selftest_fail("no free block larger than one frame");
    paddr_t big = ENTRY_PA(ledger[0]);
    ledger[0] = ledger[--nheld]; // B leaves the ledger while we work on it
    pmm_free_pages(big, k);
    pr_info("pmm-merge: holding all memory (%lu blocks); splitting the order "
            "%u block at 0x%lx into %lu frames\n",
            nheld, k, big, 1UL << k);
    int err = split_to_frames(big, k);
    if (err < 0)
        return err;
    free_frames_of(big, k);
    if (pmm_free_frames() != (1UL << k))
        return selftest_fail("%lu frames free after freeing %lu",
                             pmm_free_frames(), 1UL << k);
    paddr_t again = pmm_alloc_pages(k);
    if (again != 0)
        ledger[nheld++] = again | k; // undrain() gives it back
    if (again == 0)
        return selftest_fail("all %lu frames of the order %u block at 0x%lx "
                             "are free, but no order %u block is: freed "
                             "buddies were not merged",
                             1UL << k, k, big, k);
    if (again != big)
        return selftest_fail("order %u block at 0x%lx, expected 0x%lx", k,
                             again, big);
    return 0;
}

static int
selftest_pmm_merge(void)
{
    irqflags_t flags = arch_irq_save();
    uint64_t start = pmm_free_frames();
    paddr_t ledger_pa = pmm_alloc_pages(LEDGER_ORDER);
    if (ledger_pa == 0) {
        arch_irq_restore(flags);
        return selftest_fail("no memory for the ledger");
    }
    ledger = phys_to_virt(ledger_pa);
    nheld = 0;
    int err = drain()
                  ? run_merge()
                  : selftest_fail("more than %lu free blocks", LEDGER_SLOTS);
    // frames still held after a failure are lost to this boot: the test
    // fails anyway, and a half-split block must not be freed twice
    undrain();
    pmm_free_pages(ledger_pa, LEDGER_ORDER);
    uint64_t end = pmm_free_frames();
    arch_irq_restore(flags);
    if (err < 0)
        return err;
    pr_info("pmm-merge: merged back; %lu frames free before, %lu after\n",
            start, end);
    if (end != start)
        return selftest_fail("leak: %lu frames free before, %lu after", start,
                             end);
    return 0;
}
SELFTEST("pmm-merge", selftest_pmm_merge, 0);
