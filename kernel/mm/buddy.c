/**
 * @file
 * @ingroup mm
 * @brief The buddy allocator: free runs of 2^order pages, split and merged.
 *
 * The kernel asks for physical memory in pages: one page for a page table,
 * a few contiguous pages for a stack, a large run for a buffer. The buddy
 * system answers each request without searching. Memory is cut into
 * blocks of 2^order pages (order 0 is one page, order BUDDY_MAX_ORDER is
 * 1024 pages, 4 MiB), every block starts at a page frame number (pfn) that
 * is a multiple of its own size, and each order keeps a list of its free
 * blocks.
 *
 * Two blocks of order k that together form an aligned block of order k+1
 * are *buddies*. The buddy of the block at pfn is at pfn ^ 2^k: flipping
 * bit k moves from one half of the pair to the other. Alignment is
 * absolute (relative to pfn 0, not to the first managed page), so that a
 * pfn has the same buddies whatever range the allocator manages.
 *
 * Allocating order 0 when only an order-2 block is free splits it twice,
 * keeping the lower half each time and putting the upper half on the list
 * one order down. Freeing runs the same steps backwards: while the buddy
 * is a free block of the same order, take it off its list and merge.
 *
 * @verbatim
 *   pfn          8     9     10    11      free lists after the step
 *             +-----------------------+
 *   start     |        order 2        |    free[2]: 8
 *             +-----------+-----------+
 *   split     |  order 1  |  order 1  |    free[1]: 10
 *             +-----+-----+-----------+
 *   split     |  0  |  0  |  order 1  |    free[0]: 9    free[1]: 10
 *             +-----+-----+-----------+
 *                ^ buddy_alloc(0) returns pfn 8
 *
 *   buddy_free(8, 0) merges back up:
 *     order 0: buddy  8 ^ 1 =  9 is free, order 0  ->  block [8, 9]
 *     order 1: buddy  8 ^ 2 = 10 is free, order 1  ->  block [8 .. 11]
 *     order 2: buddy  8 ^ 4 = 12 is not free       ->  stop: 8 on free[2]
 * @endverbatim
 *
 * The state lives in one struct buddy_page per managed page. Only the
 * first page of a free block says so (BUDDY_PAGE_FREE, with its order) and
 * links the block into its list; the other pages of the block and every
 * page of an allocated block carry nothing, so the caller must give the
 * order back to buddy_free(), as with Linux's free_pages(). Pages that are
 * not RAM (holes, reserved areas) lack BUDDY_PAGE_USABLE and are never
 * handed out.
 *
 * This file is the pure algorithm: no I/O, no global state, and it never
 * touches the memory it manages, only the `pages` array. The same code
 * runs in the kernel (kernel/mm/pmm.c feeds it the boot memory map) and in
 * the host unit test grading/host/test_buddy.c. A broken invariant (a free
 * of something that was never allocated) is a kernel bug: it panics,
 * naming the invariant. Locking: none here; the caller serialises all
 * calls on one struct buddy.
 */
#include "kernel/mm.h"
#include "kernel/panic.h"

/* The descriptor of page @p pfn; the pfn must be managed by @p b. */
static struct buddy_page *
page_of(struct buddy *b, uint64_t pfn)
{
    return &b->pages[pfn - b->base_pfn];
}

/* Is page @p pfn one of the pages @p b manages? */
static bool
pfn_managed(const struct buddy *b, uint64_t pfn)
{
    return pfn >= b->base_pfn && pfn - b->base_pfn < b->npages;
}

/* Does a free block of exactly @p order start at @p pfn? */
static bool
block_is_free(const struct buddy *b, uint64_t pfn, unsigned order)
{
    if (!pfn_managed(b, pfn))
        return false;
    const struct buddy_page *p = &b->pages[pfn - b->base_pfn];
    return (p->flags & BUDDY_PAGE_FREE) && p->order == order;
}

/* Put the block at @p pfn on the free list of @p order. */
static void
insert_block(struct buddy *b, uint64_t pfn, unsigned order)
{
    struct buddy_page *p = page_of(b, pfn);
    p->flags |= BUDDY_PAGE_FREE;
    p->order = order;
    list_push_front(&b->free[order], &p->link);
    b->nfree[order]++;
    b->free_pages += 1UL << order;
}

/* Take the free block at @p pfn off the free list of @p order. */
static void
remove_block(struct buddy *b, uint64_t pfn, unsigned order)
{
    struct buddy_page *p = page_of(b, pfn);
    p->flags &= ~BUDDY_PAGE_FREE;
    list_remove(&p->link);
    b->nfree[order]--;
    b->free_pages -= 1UL << order;
}

/**
 * @brief Set up @p b to manage pages [base_pfn, base_pfn + npages), none free.
 *
 * Every page starts as not usable and not free: the caller then declares
 * the RAM it has with buddy_add_range().
 *
 * @param b        the allocator to initialise
 * @param base_pfn first page frame number managed (any value)
 * @param npages   number of pages managed
 * @param pages    @p npages descriptors, one per page; owned by @p b now
 */
void
buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t npages,
           struct buddy_page *pages)
{
    b->base_pfn = base_pfn;
    b->npages = npages;
    b->pages = pages;
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        list_init(&b->free[o]);
        b->nfree[o] = 0;
    }
    b->free_pages = 0;
    for (uint64_t i = 0; i < npages; i++) {
        list_init(&pages[i].link);
        pages[i].order = 0;
        pages[i].flags = 0;
    }
}

/* The largest order of an aligned block at @p pfn within @p count pages. */
static unsigned
largest_order(uint64_t pfn, uint64_t count)
{
    unsigned order = 0;
    while (order < BUDDY_MAX_ORDER) {
        uint64_t next = 1UL << (order + 1);
        if ((pfn & (next - 1)) != 0 || next > count)
            break;
        order++;
    }
    return order;
}

/**
 * @brief Declare pages [pfn, pfn + count) usable RAM and make them free.
 *
 * The range is cut into the largest aligned blocks that fit, and each is
 * freed with buddy_free(), so it merges with free neighbours that earlier
 * calls added. Ranges need not be aligned or a power of two long.
 *
 * @param b     the allocator
 * @param pfn   first page of the range
 * @param count number of pages (0 does nothing)
 * @pre the range lies inside the managed pages and no page of it was added
 *      before; otherwise this panics (overlapping memory map entries)
 */
void
buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
    if (count == 0)
        return;
    if (!pfn_managed(b, pfn) || count > b->npages - (pfn - b->base_pfn))
        panic("buddy: added range [0x%lx, 0x%lx) is outside the managed "
              "pages [0x%lx, 0x%lx)",
              pfn, pfn + count, b->base_pfn, b->base_pfn + b->npages);
    for (uint64_t p = pfn; p < pfn + count; p++) {
        if (page_of(b, p)->flags & BUDDY_PAGE_USABLE)
            panic("buddy: page 0x%lx added twice (overlapping ranges)", p);
        page_of(b, p)->flags |= BUDDY_PAGE_USABLE;
    }
    uint64_t end = pfn + count;
    while (pfn < end) {
        unsigned order = largest_order(pfn, end - pfn);
        buddy_free(b, pfn, order);
        pfn += 1UL << order;
    }
}

/**
 * @brief Take a free block of 2^@p order pages.
 *
 * Use the smallest free block that is big enough; while it is bigger than
 * asked, split it in two halves, keep the lower one and put the upper one
 * on the free list one order down.
 *
 * @param b     the allocator
 * @param order log2 of the number of pages, at most BUDDY_MAX_ORDER
 *              (callers that compute an order from a size must check it:
 *              a larger one panics)
 * @return the first pfn of the block (aligned to 2^@p order pages), or -1
 *         when no free block of that order or larger is left
 */
// [buddy_alloc]
int64_t
buddy_alloc(struct buddy *b, unsigned order)
{
    if (order > BUDDY_MAX_ORDER)
        panic("buddy: alloc of order %u > BUDDY_MAX_ORDER (%d)", order,
              BUDDY_MAX_ORDER);
    // the smallest order at or above the request that has a free block
    unsigned o = order;
    while (o <= BUDDY_MAX_ORDER && list_empty(&b->free[o]))
        o++;
    if (o > BUDDY_MAX_ORDER)
        return -1;

    struct buddy_page *p = list_entry(b->free[o].next, struct buddy_page, link);
    uint64_t pfn = b->base_pfn + (uint64_t)(p - b->pages);
    remove_block(b, pfn, o);
    // split down to the order asked: the upper half of each split stays free
    while (o > order) {
        o--;
        insert_block(b, pfn + (1UL << o), o);
    }
    return (int64_t)pfn;
}
// [buddy_alloc]

/*
 * Panic unless the block [pfn, pfn + 2^order) may be freed: it is managed,
 * aligned, all usable, and no part of it is free already (no page of it
 * heads a free block, and no larger free block contains it). O(2^order).
 */
static void
check_free(const struct buddy *b, uint64_t pfn, unsigned order)
{
    if (order > BUDDY_MAX_ORDER)
        panic("buddy: free of order %u > BUDDY_MAX_ORDER (%d)", order,
              BUDDY_MAX_ORDER);
    uint64_t size = 1UL << order;
    if (!pfn_managed(b, pfn) || size > b->npages - (pfn - b->base_pfn))
        panic("buddy: free of pfn 0x%lx order %u outside the managed pages "
              "[0x%lx, 0x%lx)",
              pfn, order, b->base_pfn, b->base_pfn + b->npages);
    if ((pfn & (size - 1)) != 0)
        panic("buddy: free of pfn 0x%lx order %u: not aligned to 2^%u pages",
              pfn, order, order);
    for (uint64_t p = pfn; p < pfn + size; p++) {
        const struct buddy_page *pg = &b->pages[p - b->base_pfn];
        if (!(pg->flags & BUDDY_PAGE_USABLE))
            panic("buddy: free of pfn 0x%lx order %u: page 0x%lx is not "
                  "usable RAM",
                  pfn, order, p);
        if (pg->flags & BUDDY_PAGE_FREE)
            panic("buddy: double free of pfn 0x%lx order %u: page 0x%lx "
                  "heads a free block of order %u",
                  pfn, order, p, pg->order);
    }
    // a free block that contains ours starts at pfn rounded down to its size
    for (unsigned o = order + 1; o <= BUDDY_MAX_ORDER; o++) {
        uint64_t head = pfn & ~((1UL << o) - 1);
        if (block_is_free(b, head, o))
            panic("buddy: double free of pfn 0x%lx order %u: inside the free "
                  "block at pfn 0x%lx order %u",
                  pfn, order, head, o);
    }
}

/**
 * @brief Give back the block of 2^@p order pages at @p pfn.
 *
 * While the block's buddy is a free block of the same order (and inside
 * the managed pages), take the buddy off its list and merge the two into
 * one block of the next order, which starts at the lower of the two pfns.
 * The final block goes on the free list of its order.
 *
 * @param b     the allocator
 * @param pfn   first page of the block, as buddy_alloc() returned it
 * @param order the order it was allocated with
 * @pre the block was allocated and is not free; panics, naming the broken
 *      invariant, for a pfn outside the managed pages, a pfn not aligned
 *      to 2^@p order, a page that is not usable RAM, a double free (the
 *      block or a part of it is free already), or @p order greater than
 *      BUDDY_MAX_ORDER
 */
// [buddy_free]
void
buddy_free(struct buddy *b, uint64_t pfn, unsigned order)
{
    check_free(b, pfn, order);

    // >>> exercise 2.1 buddy-merge
    while (order < BUDDY_MAX_ORDER) {
        uint64_t buddy = pfn ^ (1UL << order);
        if (!block_is_free(b, buddy, order))
            break;
        // the buddy is free: the pair becomes one block, one order up
        remove_block(b, buddy, order);
        pfn &= ~(1UL << order);
        order++;
    }
    insert_block(b, pfn, order);
    // === stub: free the block without merging
    // insert_block(b, pfn, order);
    // <<< exercise 2.1 buddy-merge
}
// [buddy_free]
