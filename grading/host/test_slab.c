/*
 * Host unit test for kernel/mm/slab.c, the slab caches under kmalloc.
 *
 * Guards against: objects handed out twice or overlapping, objects that
 * lose their contents, slabs left on the wrong list (a full slab on the
 * partial list hands out an object that does not exist), pages that are
 * never given back, and debug checks that stop catching heap bugs (use
 * after free, double free, overrun, a bad pointer). Every kernel data
 * structure allocated with kmalloc relies on this file.
 *
 * The kernel file is compiled unchanged: its page hooks are implemented
 * here with aligned_alloc() and an optional page limit, and its panic()
 * is implemented here as a longjmp back into the test, so a test can
 * expect a panic and check its message. The random test is seeded, so a
 * failure is reproducible.
 *
 * Built by `make host-test` with AddressSanitizer and UBSan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"

#include "kernel/mm.h"
#include "kernel/panic.h"

#define PAGE 4096UL

/* ------------------------------------------------- pages for the slabs */

#define MAX_PAGES 4096

static void *pages[MAX_PAGES]; /* live pages, unordered */
static int npages;             /* pages live now */
static int page_limit = -1;    /* slab_page_alloc fails beyond this */

void *
slab_page_alloc(void)
{
    if (npages == MAX_PAGES || (page_limit >= 0 && npages >= page_limit))
        return NULL;
    void *p = aligned_alloc(PAGE, PAGE);
    if (p == NULL)
        return NULL;
    memset(p, 0x5c, PAGE); /* the slab code must not rely on zeroed pages */
    pages[npages++] = p;
    return p;
}

void
slab_page_free(void *page)
{
    for (int i = 0; i < npages; i++) {
        if (pages[i] == page) {
            pages[i] = pages[--npages];
            free(page);
            return;
        }
    }
    CHECK(0, "slab_page_free(%p): not a page slab_page_alloc gave", page);
}

/* Free every live page, whatever a test left (after an expected panic). */
static void
release_all_pages(void)
{
    while (npages > 0)
        free(pages[--npages]);
    page_limit = -1;
}

/* ------------------------------------------------------ catching panics */

static jmp_buf panic_jump;
static int panic_armed;
static char panic_msg[512];

__noreturn void
panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (panic_armed) {
        panic_armed = 0;
        longjmp(panic_jump, 1);
    }
    fprintf(stderr, "FAIL unexpected panic: %s\n", panic_msg);
    printf("test_slab: %d checked, %d failed\n", checked, failed + 1);
    exit(1);
}

/*
 * Run STMT expecting a panic whose message contains WANT. Restores the
 * page pool afterwards: the cache the panic left is not used again.
 */
#define EXPECT_PANIC(want, stmt)                                               \
    do {                                                                       \
        panic_msg[0] = 0;                                                      \
        if (setjmp(panic_jump) == 0) {                                         \
            panic_armed = 1;                                                   \
            stmt;                                                              \
            panic_armed = 0;                                                   \
            CHECK(0, "no panic from `%s` (expected \"%s\")", #stmt, want);     \
        } else {                                                               \
            CHECK(strstr(panic_msg, want) != NULL,                             \
                  "panic \"%s\" does not say \"%s\"", panic_msg, want);        \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------------- helpers */

static unsigned
count_list(const struct list_node *head)
{
    unsigned n = 0;
    const struct list_node *pos;
    list_for_each(pos, head)
    {
        n++;
    }
    return n;
}

/* Check the list lengths of @p c: full, partial, empty. */
static void
check_lists(const struct slab_cache *c, unsigned full, unsigned partial,
            unsigned empty, const char *when)
{
    unsigned f = count_list(&c->full), p = count_list(&c->partial);
    unsigned e = count_list(&c->empty);
    CHECK(f == full && p == partial && e == empty,
          "%s: %s: %u full, %u partial, %u empty; expected %u, %u, %u", c->name,
          when, f, p, e, full, partial, empty);
    CHECK(c->slabs == f + p + e, "%s: %s: slabs %lu but %u on the lists",
          c->name, when, (unsigned long)c->slabs, f + p + e);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next_random(void)
{
    return xorshift64(&rng);
}

/* ------------------------------------------------------------- tests */

/* Objects are 16-byte aligned, inside one page each, and never overlap. */
static void
test_alignment_and_distinct(void)
{
    static const size_t sizes[] = {1,   7,   8,    16,   17,   40,  64,
                                   100, 500, 1000, 2000, 2048, 4032};
    static void *objs[400];
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        struct slab_cache c;
        slab_cache_init(&c, "align", sizes[k]);
        CHECK(c.obj_size >= sizes[k] && c.stride >= c.obj_size &&
                  c.stride % 16 == 0 && c.per_slab >= 1,
              "size %zu: obj_size %zu stride %zu per_slab %u", sizes[k],
              c.obj_size, c.stride, c.per_slab);
        unsigned n = 3 * c.per_slab;
        if (n > 400)
            n = 400;
        for (unsigned i = 0; i < n; i++) {
            objs[i] = slab_alloc(&c);
            uintptr_t a = (uintptr_t)objs[i];
            CHECK(objs[i] != NULL, "size %zu: object %u is NULL", sizes[k], i);
            CHECK(a % 16 == 0, "size %zu: object %p not aligned", sizes[k],
                  objs[i]);
            CHECK(a / PAGE == (a + c.obj_size - 1) / PAGE,
                  "size %zu: object %p crosses a page", sizes[k], objs[i]);
            memset(objs[i], (int)i, sizes[k]);
        }
        for (unsigned i = 0; i < n; i++) {
            for (unsigned j = i + 1; j < n; j++) {
                uintptr_t a = (uintptr_t)objs[i], b = (uintptr_t)objs[j];
                if (a < b + c.obj_size && b < a + c.obj_size) {
                    CHECK(0, "size %zu: objects %p and %p overlap", sizes[k],
                          objs[i], objs[j]);
                    break;
                }
            }
        }
        CHECK(c.allocated == n, "size %zu: allocated %lu, expected %u",
              sizes[k], (unsigned long)c.allocated, n);
        for (unsigned i = 0; i < n; i++)
            slab_free(&c, objs[i]);
        slab_shrink(&c);
        CHECK(npages == 0 && c.slabs == 0, "size %zu: %d pages left", sizes[k],
              npages);
    }
}

/* Slabs move between the full, partial and empty lists as they fill. */
static void
test_lists(void)
{
    static void *objs[200];
    struct slab_cache c;
    slab_cache_init(&c, "lists", 40);
    unsigned per = c.per_slab;
    CHECK(per >= 2 && 2 * per + 1 <= 200, "per_slab %u", per);
    check_lists(&c, 0, 0, 0, "new cache");

    objs[0] = slab_alloc(&c);
    check_lists(&c, 0, 1, 0, "one object");
    for (unsigned i = 1; i < per; i++)
        objs[i] = slab_alloc(&c);
    check_lists(&c, 1, 0, 0, "one slab full");
    objs[per] = slab_alloc(&c);
    check_lists(&c, 1, 1, 0, "a second slab");
    for (unsigned i = per + 1; i < 2 * per + 1; i++)
        objs[i] = slab_alloc(&c);
    check_lists(&c, 2, 1, 0, "two full, one partial");

    slab_free(&c, objs[3]);
    check_lists(&c, 1, 2, 0, "a full slab lost one");
    // the next object fills the partial slab first, not the fresh one
    void *again = slab_alloc(&c);
    CHECK(again == objs[3], "freed object %p not reused first (got %p)",
          objs[3], again);
    check_lists(&c, 2, 1, 0, "refilled");

    slab_free(&c, objs[2 * per]);
    check_lists(&c, 2, 0, 1, "third slab empty again");
    for (unsigned i = 0; i < per; i++)
        slab_free(&c, objs[i]);
    check_lists(&c, 1, 0, 2, "first slab empty");
    for (unsigned i = per; i < 2 * per; i++)
        slab_free(&c, objs[i]);
    check_lists(&c, 0, 0, 3, "all empty");
    CHECK(c.allocated == 0, "allocated %lu", (unsigned long)c.allocated);

    // an empty slab is reused before a new page is taken
    int before = npages;
    void *o = slab_alloc(&c);
    CHECK(npages == before, "a new page taken with empty slabs around");
    check_lists(&c, 0, 1, 2, "one object again");
    slab_free(&c, o);
    slab_shrink(&c);
    check_lists(&c, 0, 0, 0, "shrunk");
    CHECK(npages == 0, "%d pages left after shrink", npages);
}

/* Out of pages: NULL, and the cache still works afterwards. */
static void
test_exhaustion(void)
{
    static void *objs[1000];
    struct slab_cache c;
    slab_cache_init(&c, "exhaust", 100);
    page_limit = 3;
    unsigned n = 0;
    while (n < 1000 && (objs[n] = slab_alloc(&c)) != NULL)
        n++;
    CHECK(n == 3 * c.per_slab, "%u objects from 3 pages, expected %u", n,
          3 * c.per_slab);
    CHECK(slab_alloc(&c) == NULL, "still NULL when asked again");
    check_lists(&c, 3, 0, 0, "exhausted");
    slab_free(&c, objs[5]);
    void *o = slab_alloc(&c);
    CHECK(o == objs[5], "after a free the object comes back (%p)", o);
    for (unsigned i = 0; i < n; i++)
        slab_free(&c, objs[i]);
    page_limit = -1;
    slab_shrink(&c);
    CHECK(npages == 0, "%d pages left", npages);
}

/* Shrink gives back exactly the empty slabs. */
static void
test_shrink(void)
{
    static void *objs[300];
    struct slab_cache c;
    slab_cache_init(&c, "shrink", 200);
    unsigned per = c.per_slab, n = 4 * per;
    for (unsigned i = 0; i < n; i++)
        objs[i] = slab_alloc(&c);
    CHECK(npages == 4, "%d pages for 4 slabs", npages);
    // empty slabs 0 and 2, leave one object in slab 1, all of slab 3
    for (unsigned i = 0; i < 3 * per; i++) {
        if (i != per)
            slab_free(&c, objs[i]);
    }
    check_lists(&c, 1, 1, 2, "before shrink");
    slab_shrink(&c);
    check_lists(&c, 1, 1, 0, "after shrink");
    CHECK(npages == 2 && c.slabs == 2, "%d pages, %lu slabs after shrink",
          npages, (unsigned long)c.slabs);
    slab_free(&c, objs[per]);
    for (unsigned i = 3 * per; i < n; i++)
        slab_free(&c, objs[i]);
    slab_shrink(&c);
    CHECK(npages == 0 && c.slabs == 0, "%d pages left", npages);
}

/* ---------------------------------------------- random, against a model */

#define NCACHES 5
#define MAX_LIVE 600

struct live {
    void *p;
    int cache;
    uint32_t id;
};

static struct live live[MAX_LIVE];
static int nlive;

/* The byte at offset @p k of object @p id: never the 0x6b poison. */
static unsigned char
pattern(uint32_t id, size_t k)
{
    unsigned char b = (unsigned char)(id * 131 + k * 7 + 1);
    return b == 0x6b ? 0x6a : b;
}

/* Each slab is on the list that matches its number of live objects. */
static void
check_placement(struct slab_cache *caches, int nc)
{
    for (int ci = 0; ci < nc; ci++) {
        struct slab_cache *c = &caches[ci];
        const struct list_node *heads[3] = {&c->empty, &c->partial, &c->full};
        for (int h = 0; h < 3; h++) {
            const struct list_node *pos;
            list_for_each(pos, heads[h])
            {
                uintptr_t page = (uintptr_t)pos & ~(PAGE - 1);
                unsigned used = 0;
                for (int i = 0; i < nlive; i++)
                    if (live[i].cache == ci &&
                        ((uintptr_t)live[i].p & ~(PAGE - 1)) == page)
                        used++;
                int want = used == 0 ? 0 : used == c->per_slab ? 2 : 1;
                CHECK(h == want, "%s: slab %#lx with %u used on list %d",
                      c->name, (unsigned long)page, used, h);
            }
        }
    }
}

static void
random_alloc(struct slab_cache *caches, uint32_t id)
{
    int ci = (int)(next_random() % NCACHES);
    struct slab_cache *c = &caches[ci];
    unsigned char *p = slab_alloc(c);
    CHECK(p != NULL, "%s: slab_alloc NULL with no page limit", c->name);
    if (p == NULL)
        return;
    for (int i = 0; i < nlive; i++) {
        if (live[i].p == p) {
            CHECK(0, "%s: %p handed out twice", c->name, (void *)p);
            return;
        }
    }
    for (size_t k = 0; k < c->obj_size; k++)
        p[k] = pattern(id, k);
    live[nlive++] = (struct live){p, ci, id};
}

static void
random_free(struct slab_cache *caches)
{
    int i = (int)(next_random() % (uint64_t)nlive);
    struct slab_cache *c = &caches[live[i].cache];
    const unsigned char *p = live[i].p;
    size_t bad = c->obj_size;
    for (size_t k = 0; k < c->obj_size && bad == c->obj_size; k++) {
        if (p[k] != pattern(live[i].id, k))
            bad = k;
    }
    CHECK(bad == c->obj_size, "%s: object %p changed at byte %zu", c->name,
          (const void *)p, bad);
    slab_free(c, live[i].p);
    live[i] = live[--nlive];
}

static void
test_random(int ops)
{
    static const size_t sizes[NCACHES] = {8, 24, 40, 200, 1000};
    static const char *const names[NCACHES] = {"r8", "r24", "r40", "r200",
                                               "r1000"};
    struct slab_cache caches[NCACHES];
    uint64_t count[NCACHES] = {0};
    for (int i = 0; i < NCACHES; i++)
        slab_cache_init(&caches[i], names[i], sizes[i]);
    for (int op = 0; op < ops; op++) {
        // drift between filling up and draining, so slabs empty and refill
        int phase = (op / 5000) % 2;
        bool alloc =
            nlive == 0 || (nlive < MAX_LIVE &&
                           next_random() % 100 < (uint64_t)(phase ? 35 : 65));
        if (alloc)
            random_alloc(caches, (uint32_t)op);
        else
            random_free(caches);
        if (op % 997 == 0)
            check_placement(caches, NCACHES);
        if (op % 20011 == 0) {
            for (int i = 0; i < NCACHES; i++)
                slab_shrink(&caches[i]);
        }
    }
    for (int i = 0; i < nlive; i++)
        count[live[i].cache]++;
    for (int i = 0; i < NCACHES; i++)
        CHECK(caches[i].allocated == count[i], "%s: allocated %lu, model %lu",
              names[i], (unsigned long)caches[i].allocated,
              (unsigned long)count[i]);
    check_placement(caches, NCACHES);
    while (nlive > 0)
        random_free(caches);
    for (int i = 0; i < NCACHES; i++) {
        check_lists(&caches[i], 0, 0, (unsigned)caches[i].slabs, "drained");
        slab_shrink(&caches[i]);
    }
    CHECK(npages == 0, "%d pages left after the random test", npages);
}

/* ------------------------------------------------------------ panics */

static void
test_panics(void)
{
    // each cache is left alone once a panic interrupted an operation on it
    struct slab_cache c, d, tiny;
    slab_cache_init(&c, "p32", 32);
    slab_cache_init(&d, "p64", 64);
    slab_cache_init(&tiny, "p8", 8);

    unsigned char *a = slab_alloc(&c);
    slab_free(&c, a);
    EXPECT_PANIC("double free", slab_free(&c, a));

    void *t = slab_alloc(&tiny);
    slab_free(&tiny, t);
    EXPECT_PANIC("double free", slab_free(&tiny, t));

    a = slab_alloc(&c);
    a[32] = 0; // one byte past the end
    EXPECT_PANIC("red zone", slab_free(&c, a));
    a = slab_alloc(&c);
    a[c.stride - 1] = 0; // the last red-zone byte
    EXPECT_PANIC("red zone", slab_free(&c, a));

    a = slab_alloc(&c);
    slab_free(&c, a);
    a[20] = 1; // written after free
    EXPECT_PANIC("use after free", slab_alloc(&c));
    a = slab_alloc(&d);
    slab_free(&d, a);
    memset(a, 0x11, 8); // only the link word
    EXPECT_PANIC("use after free", slab_alloc(&d));

    // bad pointers, on a cache no panic has left in a broken state
    struct slab_cache e;
    slab_cache_init(&e, "p48", 48);
    unsigned char *b = slab_alloc(&e);
    EXPECT_PANIC("not the start", slab_free(&e, b + 8));
    EXPECT_PANIC("belongs to cache p48", slab_free(&d, b));
    unsigned char *plain = aligned_alloc(PAGE, PAGE);
    memset(plain, 0, PAGE);
    EXPECT_PANIC("not in a slab page", slab_free(&e, plain + 64));
    slab_free(&e, b);
    CHECK(e.allocated == 0, "p48: allocated %lu after the bad frees",
          (unsigned long)e.allocated);
    free(plain);

    struct slab_cache big;
    EXPECT_PANIC("does not fit", slab_cache_init(&big, "big", 4096));
    EXPECT_PANIC("does not fit", slab_cache_init(&big, "zero", 0));
    release_all_pages();
}

/*
 * The first object of a fresh cache. Without it nothing else can run:
 * stop with one clear line instead of a crash in a later test.
 */
static int
test_smoke(void)
{
    struct slab_cache c;
    slab_cache_init(&c, "smoke", 64);
    void *o = slab_alloc(&c);
    CHECK(o != NULL, "slab_alloc on a fresh cache with pages to spare "
                     "returned NULL (is slab_alloc written?)");
    if (o == NULL) {
        slab_shrink(&c);
        return -1;
    }
    slab_free(&c, o);
    slab_shrink(&c);
    CHECK(npages == 0, "%d pages left after one object", npages);
    return 0;
}

int
main(void)
{
    if (test_smoke() < 0) {
        release_all_pages();
        printf("test_slab: %d checked, %d failed\n", checked, failed);
        return 1;
    }
    test_alignment_and_distinct();
    test_lists();
    test_exhaustion();
    test_shrink();
    test_random(100000);
    test_panics();
    release_all_pages();
    return check_report("test_slab");
}
