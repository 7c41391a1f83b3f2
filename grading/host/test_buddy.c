/*
 * Host unit test for kernel/mm/buddy.c, the buddy allocator, against a
 * simple model.
 *
 * Guards against: lost or doubled pages in the frame allocator (two owners
 * of one frame corrupt each other silently, much later), a free that does
 * not merge (memory crumbles until large blocks run out; exercise 2.1), a
 * merge across the edge of the managed range or into a hole, wrong counts,
 * and frees that should panic but do not (double free, misaligned, outside,
 * not RAM, order too large).
 *
 * The model is a byte per page (usable? allocated?). From it the test
 * derives the one state a correct buddy allocator can be in: every free
 * stretch cut into the largest aligned blocks, as no two free buddies of
 * the same order may coexist. After each scenario, and every few hundred
 * random operations, the allocator's free blocks must be exactly those.
 * Random sequences come from a seeded generator, so a failure repeats.
 *
 * panic() is provided here: it longjmps back to the test that expected it.
 * Built by `make host-test` with the kernel file compiled for the host.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"

#include "kernel/mm.h"
#include "kernel/panic.h"

/* ---------------------------------------------------------------- panic */

static jmp_buf panic_jmp;
static int panic_armed;
static char panic_msg[256];

/* The kernel's panic(), for the code under test: back to EXPECT_PANIC. */
void
panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (!panic_armed) {
        fprintf(stderr, "test_buddy: unexpected panic: %s\n", panic_msg);
        exit(1);
    }
    panic_armed = 0;
    longjmp(panic_jmp, 1);
}

/* @p call must panic with a message containing @p words. */
#define EXPECT_PANIC(call, words)                                              \
    do {                                                                       \
        panic_msg[0] = 0;                                                      \
        if (setjmp(panic_jmp) == 0) {                                          \
            panic_armed = 1;                                                   \
            call;                                                              \
            panic_armed = 0;                                                   \
            CHECK(0, "%s did not panic", #call);                               \
        } else {                                                               \
            CHECK(strstr(panic_msg, words) != NULL,                            \
                  "%s: panic \"%s\" does not say \"%s\"", #call, panic_msg,    \
                  words);                                                      \
        }                                                                      \
    } while (0)

/* ---------------------------------------------------------------- model */

/** An allocator under test together with the model of its pages. */
struct world {
    struct buddy b;
    struct buddy_page *pages;
    uint8_t *usable;    /* per page: added with buddy_add_range */
    uint8_t *allocated; /* per page: handed out and not freed */
};

static void
world_init(struct world *w, uint64_t base, uint64_t npages)
{
    w->pages = calloc(npages ? npages : 1, sizeof(*w->pages));
    w->usable = calloc(npages ? npages : 1, 1);
    w->allocated = calloc(npages ? npages : 1, 1);
    // poison the descriptors: buddy_init must set every one
    memset(w->pages, 0xa5, npages * sizeof(*w->pages));
    buddy_init(&w->b, base, npages, w->pages);
}

static void
world_free(struct world *w)
{
    free(w->pages);
    free(w->usable);
    free(w->allocated);
}

static void
world_add(struct world *w, uint64_t pfn, uint64_t count)
{
    buddy_add_range(&w->b, pfn, count);
    for (uint64_t i = 0; i < count; i++)
        w->usable[pfn - w->b.base_pfn + i] = 1;
}

static int64_t
world_alloc(struct world *w, unsigned order)
{
    int64_t pfn = buddy_alloc(&w->b, order);
    if (pfn < 0)
        return pfn;
    uint64_t i = (uint64_t)pfn - w->b.base_pfn;
    CHECK((uint64_t)pfn >= w->b.base_pfn && i + (1UL << order) <= w->b.npages,
          "alloc order %u: pfn 0x%lx outside the range", order, (uint64_t)pfn);
    CHECK(((uint64_t)pfn & ((1UL << order) - 1)) == 0,
          "alloc order %u: pfn 0x%lx not aligned", order, (uint64_t)pfn);
    for (uint64_t k = 0; k < (1UL << order); k++) {
        CHECK(w->usable[i + k], "alloc: page 0x%lx is not usable",
              (uint64_t)(pfn + k));
        CHECK(!w->allocated[i + k], "alloc: page 0x%lx handed out twice",
              (uint64_t)(pfn + k));
        w->allocated[i + k] = 1;
    }
    return pfn;
}

static void
world_release(struct world *w, uint64_t pfn, unsigned order)
{
    buddy_free(&w->b, pfn, order);
    for (uint64_t k = 0; k < (1UL << order); k++)
        w->allocated[pfn - w->b.base_pfn + k] = 0;
}

static uint64_t
node_pfn(const struct buddy *b, const struct list_node *n)
{
    const struct buddy_page *p = list_entry(n, struct buddy_page, link);
    return b->base_pfn + (uint64_t)(p - b->pages);
}

/* Lists, flags and counters agree with each other. */
static void
check_lists(const struct world *w)
{
    const struct buddy *b = &w->b;
    uint64_t pages = 0, heads = 0;
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        uint64_t n = 0;
        const struct list_node *node;
        list_for_each(node, &b->free[o])
        {
            uint64_t pfn = node_pfn(b, node);
            const struct buddy_page *p = &b->pages[pfn - b->base_pfn];
            CHECK((p->flags & BUDDY_PAGE_FREE) && p->order == o,
                  "page 0x%lx on free[%u] has flags %x order %u", pfn, o,
                  p->flags, p->order);
            n++;
            if (n > b->npages)
                break; // a cycle that misses the head
        }
        CHECK(n == b->nfree[o], "free[%u] holds %lu blocks, nfree says %lu", o,
              n, b->nfree[o]);
        pages += n << o;
        heads += n;
    }
    CHECK(pages == b->free_pages, "free lists hold %lu pages, counter %lu",
          pages, b->free_pages);
    uint64_t flagged = 0, free_model = 0;
    for (uint64_t i = 0; i < b->npages; i++) {
        flagged += (b->pages[i].flags & BUDDY_PAGE_FREE) != 0;
        CHECK(!(b->pages[i].flags & BUDDY_PAGE_USABLE) == !w->usable[i],
              "page 0x%lx: usable flag differs from the model",
              (b->base_pfn + i));
        free_model += w->usable[i] && !w->allocated[i];
    }
    CHECK(flagged == heads, "%lu pages flagged free, %lu on lists", flagged,
          heads);
    CHECK(free_model == b->free_pages, "model has %lu free pages, buddy %lu",
          free_model, b->free_pages);
}

/*
 * The free blocks are exactly the model's free pages cut into the largest
 * aligned blocks (order <= BUDDY_MAX_ORDER), found from the top order down.
 */
static void
check_against_model(const struct world *w)
{
    const struct buddy *b = &w->b;
    uint8_t *expect = calloc(b->npages ? b->npages : 1, 1); // order + 1
    uint8_t *covered = calloc(b->npages ? b->npages : 1, 1);
    for (int o = BUDDY_MAX_ORDER; o >= 0; o--) {
        uint64_t size = 1UL << o;
        uint64_t first = (b->base_pfn + size - 1) & ~(size - 1);
        for (uint64_t pfn = first; pfn + size <= b->base_pfn + b->npages;
             pfn += size) {
            uint64_t i = pfn - b->base_pfn, k;
            for (k = 0; k < size; k++)
                if (covered[i + k] || !w->usable[i + k] || w->allocated[i + k])
                    break;
            if (k < size)
                continue;
            expect[i] = (uint8_t)(o + 1);
            memset(covered + i, 1, size);
        }
    }
    int shown = 0;
    for (uint64_t i = 0; i < b->npages; i++) {
        const struct buddy_page *p = &b->pages[i];
        int got = (p->flags & BUDDY_PAGE_FREE) ? p->order + 1 : 0;
        checked++;
        if (got != expect[i]) {
            if (shown++ == 0 && failed++ < 20)
                fprintf(stderr,
                        "FAIL %s: page 0x%lx heads a free block of order %d, "
                        "expected %d (-1: none)\n",
                        __func__, (b->base_pfn + i), got - 1, expect[i] - 1);
        }
    }
    free(expect);
    free(covered);
    check_lists(w);
}

/* ------------------------------------------------------------ scenarios */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next_random(void)
{
    return xorshift64(&rng);
}

/* An aligned order-k block: one order-0 alloc leaves one block per order. */
static void
test_split_merge(void)
{
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
        struct world w;
        uint64_t base = 5UL << k;
        world_init(&w, base, 1UL << k);
        world_add(&w, base, 1UL << k);
        CHECK(w.b.nfree[k] == 1 && w.b.free_pages == (1UL << k),
              "order %u: adding an aligned block gives %lu blocks", k,
              w.b.nfree[k]);
        int64_t pfn = world_alloc(&w, 0);
        CHECK(pfn == (int64_t)base, "order %u: got pfn %ld, expected %lu", k,
              (long)pfn, base);
        for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
            CHECK(w.b.nfree[o] == (o < k), "order %u split: nfree[%u] = %lu", k,
                  o, w.b.nfree[o]);
            if (o < k && !list_empty(&w.b.free[o]))
                CHECK(node_pfn(&w.b, w.b.free[o].next) == base + (1UL << o),
                      "order %u split: free[%u] holds the wrong half", k, o);
        }
        check_against_model(&w);
        world_release(&w, (uint64_t)pfn, 0);
        for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
            CHECK(w.b.nfree[o] == (o == k), "order %u merge: nfree[%u] = %lu",
                  k, o, w.b.nfree[o]);
        check_against_model(&w);
        world_free(&w);
    }
}

/* A fresh allocator hands out nothing; a full one answers -1. */
static void
test_exhaustion(void)
{
    struct world w;
    world_init(&w, 7, 100);
    for (uint64_t i = 0; i < w.b.npages; i++)
        CHECK(w.pages[i].flags == 0, "buddy_init left page %lu flagged", i);
    CHECK(buddy_alloc(&w.b, 0) == -1, "alloc from an empty allocator");
    world_add(&w, 7, 100);
    check_against_model(&w);

    // order 2: the aligned blocks inside [7, 107) are 8 .. 104
    int n = 0;
    while (world_alloc(&w, 2) >= 0)
        n++;
    CHECK(n == 24, "%d order-2 blocks from 100 pages at 7, expected 24", n);
    CHECK(w.b.free_pages == 4, "%lu pages left, expected 4", w.b.free_pages);
    for (unsigned o = 2; o <= BUDDY_MAX_ORDER; o++)
        CHECK(buddy_alloc(&w.b, o) == -1, "order %u after exhaustion", o);
    check_against_model(&w);
    while (world_alloc(&w, 0) >= 0)
        n++;
    CHECK(n == 28 && w.b.free_pages == 0, "%d blocks, %lu pages left", n,
          w.b.free_pages);
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
        CHECK(w.b.nfree[o] == 0 && buddy_alloc(&w.b, o) == -1,
              "order %u: something is free in a full allocator", o);
    check_against_model(&w);
    for (uint64_t i = 0; i < 100; i++)
        world_release(&w, 7 + i, 0);
    check_against_model(&w);
    CHECK(w.b.free_pages == 100, "%lu pages free after freeing all",
          w.b.free_pages);
    world_free(&w);
}

/* Ranges of every odd size and start, whole or in random pieces. */
static void
test_odd_ranges(void)
{
    static const uint64_t bases[] = {0, 1, 3, 255, 1000, 1023, 1025, 0x12345};
    static const uint64_t sizes[] = {1, 2, 3, 5, 7, 1000, 1023, 1025, 4097};
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
            uint64_t base = bases[i], n = sizes[j];
            struct world w;
            world_init(&w, base, n);
            world_add(&w, base, n);
            check_against_model(&w);
            world_free(&w);

            // the same pages in random pieces, added in a random order
            world_init(&w, base, n);
            uint64_t *start = calloc(n, sizeof(*start));
            uint64_t *len = calloc(n, sizeof(*len));
            uint64_t pieces = 0;
            for (uint64_t p = 0; p < n; p += len[pieces++]) {
                uint64_t l = 1 + next_random() % 37;
                start[pieces] = p;
                len[pieces] = l < n - p ? l : n - p;
            }
            for (uint64_t k = pieces; k > 1; k--) {
                uint64_t r = next_random() % k, s = start[k - 1];
                uint64_t l = len[k - 1];
                start[k - 1] = start[r];
                len[k - 1] = len[r];
                start[r] = s;
                len[r] = l;
            }
            for (uint64_t k = 0; k < pieces; k++)
                world_add(&w, base + start[k], len[k]);
            check_against_model(&w);
            free(start);
            free(len);
            world_free(&w);
        }
    }

    // pfn 1's buddy is pfn 0, outside the range: no merge across the edge
    struct world w;
    world_init(&w, 1, 3);
    world_add(&w, 1, 3);
    CHECK(w.b.nfree[0] == 1 && w.b.nfree[1] == 1 && w.b.nfree[2] == 0,
          "[1, 4): nfree %lu %lu %lu, expected 1 1 0", w.b.nfree[0],
          w.b.nfree[1], w.b.nfree[2]);
    world_free(&w);

    // a hole in the middle: blocks never cover it, never merge over it
    world_init(&w, 0, 2048);
    world_add(&w, 0, 1000);
    world_add(&w, 1001, 1047);
    check_against_model(&w);
    CHECK(w.b.nfree[BUDDY_MAX_ORDER] == 1, "hole at 1000: %lu order-%d blocks",
          w.b.nfree[BUDDY_MAX_ORDER], BUDDY_MAX_ORDER);
    world_free(&w);
}

/* Free every other page: nothing merges; free the rest: all merges. */
static void
test_fragmentation(void)
{
    for (unsigned order = 0; order < 3; order++) {
        struct world w;
        uint64_t n = 1UL << BUDDY_MAX_ORDER, blocks = n >> order;
        world_init(&w, 3UL << BUDDY_MAX_ORDER, n);
        world_add(&w, w.b.base_pfn, n);
        int64_t *pfn = calloc(blocks, sizeof(*pfn));
        for (uint64_t i = 0; i < blocks; i++)
            pfn[i] = world_alloc(&w, order);
        CHECK(buddy_alloc(&w.b, 0) == -1, "order %u: not full", order);
        for (uint64_t i = 0; i < blocks; i += 2)
            world_release(&w, (uint64_t)pfn[i], order);
        CHECK(w.b.nfree[order] == blocks / 2 && w.b.free_pages == n / 2,
              "order %u, every other block free: %lu blocks, %lu pages", order,
              w.b.nfree[order], w.b.free_pages);
        check_against_model(&w);
        for (uint64_t i = 1; i < blocks; i += 2)
            world_release(&w, (uint64_t)pfn[i], order);
        CHECK(w.b.nfree[BUDDY_MAX_ORDER] == 1 && w.b.free_pages == n,
              "order %u, all free: %lu max-order blocks", order,
              w.b.nfree[BUDDY_MAX_ORDER]);
        check_against_model(&w);
        free(pfn);
        world_free(&w);
    }
}

/** A block held by the random test. */
struct live {
    uint64_t pfn;
    unsigned order;
};

/* Is any aligned block of @p order entirely free in the model? */
static int
model_has_free_block(const struct world *w, unsigned order)
{
    uint64_t size = 1UL << order;
    uint64_t first = (w->b.base_pfn + size - 1) & ~(size - 1);
    for (uint64_t pfn = first; pfn + size <= w->b.base_pfn + w->b.npages;
         pfn += size) {
        uint64_t i = pfn - w->b.base_pfn, k;
        for (k = 0; k < size; k++)
            if (!w->usable[i + k] || w->allocated[i + k])
                break;
        if (k == size)
            return 1;
    }
    return 0;
}

/* 100000 seeded random allocs and frees, checked against the model. */
static void
test_random(void)
{
    struct world w;
    uint64_t base = 12345, n = 6000;
    world_init(&w, base, n);
    // usable RAM in a few ranges with holes between them
    world_add(&w, base, 1500);
    world_add(&w, base + 1503, 2000);
    world_add(&w, base + 3600, n - 3600 - 7);
    check_against_model(&w);
    uint64_t initial = w.b.free_pages;

    struct live *live = calloc(n, sizeof(*live));
    uint64_t nlive = 0, fails = 0;
    for (int step = 0; step < 100000; step++) {
        uint64_t r = next_random();
        // small orders are common, as in a kernel; frees balance allocs
        unsigned order = (r >> 8) % 4 == 0 ? (r >> 16) % (BUDDY_MAX_ORDER + 1)
                                           : (r >> 16) % 3;
        if (nlive > 0 && r % 100 < 45) {
            uint64_t k = (r >> 32) % nlive;
            world_release(&w, live[k].pfn, live[k].order);
            live[k] = live[--nlive];
        } else {
            int64_t pfn = world_alloc(&w, order);
            if (pfn >= 0) {
                live[nlive].pfn = (uint64_t)pfn;
                live[nlive++].order = order;
            } else {
                fails++;
                CHECK(!model_has_free_block(&w, order),
                      "step %d: order %u failed but the model has a free "
                      "aligned block",
                      step, order);
            }
        }
        if (step % 499 == 0)
            check_against_model(&w);
    }
    check_against_model(&w);
    while (nlive > 0) {
        nlive--;
        world_release(&w, live[nlive].pfn, live[nlive].order);
    }
    check_against_model(&w);
    CHECK(w.b.free_pages == initial,
          "random: %lu pages free at the end, %lu "
          "at the start",
          w.b.free_pages, initial);
    CHECK(fails > 0, "random: no allocation ever failed: the test is too "
                     "easy");
    free(live);
    world_free(&w);
}

/* Broken invariants panic, name the invariant, and change nothing. */
static void
test_panics(void)
{
    struct world w;
    world_init(&w, 16, 64); // pages [16, 80), a hole at [48, 56)
    world_add(&w, 16, 32);
    world_add(&w, 56, 24);
    uint64_t before = w.b.free_pages;

    EXPECT_PANIC(buddy_free(&w.b, 8, 0), "outside");
    EXPECT_PANIC(buddy_free(&w.b, 80, 0), "outside");
    EXPECT_PANIC(buddy_free(&w.b, 64, 5), "outside");
    EXPECT_PANIC(buddy_free(&w.b, UINT64_MAX, 0), "outside");
    EXPECT_PANIC(buddy_free(&w.b, 50, 0), "not usable");
    EXPECT_PANIC(buddy_free(&w.b, 16, BUDDY_MAX_ORDER + 1), "BUDDY_MAX_ORDER");
    EXPECT_PANIC(buddy_alloc(&w.b, BUDDY_MAX_ORDER + 1), "BUDDY_MAX_ORDER");
    EXPECT_PANIC(buddy_add_range(&w.b, 20, 1), "added twice");
    EXPECT_PANIC(buddy_add_range(&w.b, 70, 20), "outside");
    CHECK(w.b.free_pages == before, "a panicking call changed the counts");
    check_against_model(&w);

    int64_t a = world_alloc(&w, 1);
    EXPECT_PANIC(buddy_free(&w.b, (uint64_t)a + 1, 1), "aligned");
    world_release(&w, (uint64_t)a, 1);
    // the freed pair merged into a larger block: a second free is inside it
    EXPECT_PANIC(buddy_free(&w.b, (uint64_t)a, 1), "double free");
    EXPECT_PANIC(buddy_free(&w.b, (uint64_t)a + 1, 0), "double free");

    // a block of which one page is free already
    int64_t q = world_alloc(&w, 2);
    world_release(&w, (uint64_t)q + 2, 0);
    EXPECT_PANIC(buddy_free(&w.b, (uint64_t)q, 2), "double free");
    world_release(&w, (uint64_t)q, 0);
    world_release(&w, (uint64_t)q + 1, 0);
    world_release(&w, (uint64_t)q + 3, 0);
    EXPECT_PANIC(buddy_free(&w.b, (uint64_t)q + 3, 0), "double free");
    CHECK(w.b.free_pages == before, "%lu pages free, %lu before",
          w.b.free_pages, before);
    check_against_model(&w);
    world_free(&w);
}

int
main(void)
{
    test_split_merge();
    test_exhaustion();
    test_odd_ranges();
    test_fragmentation();
    test_random();
    test_panics();
    return check_report("test_buddy");
}
