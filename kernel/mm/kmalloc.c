/**
 * @file
 * @ingroup mm
 * @brief kmalloc and kfree: the kernel heap on slab caches and page runs.
 *
 * kmalloc(size) serves two kinds of request:
 *
 * - up to 2048 bytes, an object of the smallest of eight slab caches that
 *   fits: 16, 32, 64, ..., 2048 bytes (kernel/mm/slab.c). A 100-byte
 *   request gets a 128-byte object; the rounding wastes at most half;
 * - anything bigger, a run of 2^order whole pages straight from the buddy
 *   allocator (pmm_alloc_pages()), with a 16-byte header in front that
 *   records the order:
 *
 * @verbatim
 *   page run of order 1 (8 KiB), for kmalloc(5000)
 *
 *   +-------------------+--------------------------------------------+
 *   | magic "KRUN"      | the caller's 5000 bytes ...                |
 *   | order 1           |                                            |
 *   +-------------------+--------------------------------------------+
 *   0                   16 <- kmalloc returns this                   8192
 * @endverbatim
 *
 * kfree(ptr) gets no size, so it looks at the first word of the page @p ptr
 * lies in: a page run starts with KMALLOC_RUN_MAGIC, a slab page with the
 * slab magic (slab_cache_of() reads it). Anything else was never returned
 * by kmalloc, and freeing it is a kernel bug: panic.
 *
 * The slab layer gets its pages through the hooks slab_page_alloc() and
 * slab_page_free(), implemented here with the frame allocator and the
 * direct map; that keeps slab.c free of kernel dependencies.
 *
 * **SANITIZE=1.** The slab's red zones (kernel/mm/slab.c) guard the end
 * of the *class* object: a 40-byte request gets a 64-byte object, and a
 * write to its byte 50 goes unseen. A SANITIZE=1 build (KEEL_SANITIZE)
 * adds what Linux's KASAN would catch there, at kfree time:
 *
 * @verbatim
 *   kmalloc(40), SANITIZE=1: a 64-byte object (40 + the size word)
 *
 *   +------------------------------+----------------+----------+
 *   | the caller's 40 bytes        | 0xcc 0xcc ...  | size: 40 |
 *   +------------------------------+----------------+----------+
 *   0                              40               56         64
 * @endverbatim
 *
 * - every block remembers the size asked for, and the bytes between it
 *   and the end of the object (or run) hold 0xcc, checked by kfree: a
 *   write past the end of what was asked for is reported there;
 * - a freed block is filled with 0x6b and held back in a *quarantine*
 *   (the last QUARANTINE_BYTES of frees) before its cache may hand it
 *   out again; leaving the quarantine it must still hold 0x6b, so a
 *   write through a pointer kept after kfree() is caught even when the
 *   block would otherwise have been reused at once;
 * - kfree of a block that is already in the quarantine is a double free.
 *
 * Each finding panics with the block, the offset and the byte found.
 *
 * Locking: each heap operation runs with interrupts off, so an interrupt
 * handler cannot see a cache half-changed, and the timer cannot preempt
 * the operation. That is enough with a single CPU; a second CPU needs a
 * spinlock here.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/** Smallest size class: 16 bytes. */
#define KMALLOC_MIN_SHIFT 4
/** Number of size classes: 16 << 0 .. 16 << 7 = 2048 bytes. */
#define KMALLOC_NCACHES 8
/** Largest request served by a slab cache. */
#define KMALLOC_MAX_SLAB (1UL << (KMALLOC_MIN_SHIFT + KMALLOC_NCACHES - 1))
/** Marks the first page of a page run ("KRUN" as little-endian bytes). */
#define KMALLOC_RUN_MAGIC 0x4e55524bU

/** The header in front of a page run; 16 bytes keep the block aligned. */
struct kmalloc_run {
    uint32_t magic; /**< KMALLOC_RUN_MAGIC while the run is in use */
    uint32_t order; /**< the run is 2^order pages */
    uint64_t size;  /**< bytes asked for (SANITIZE=1: the tail is checked);
                         also keeps the caller's block 16-byte aligned */
};

#ifndef KEEL_SANITIZE
#define KEEL_SANITIZE 0
#endif
/** SANITIZE=1: what fills a block past the size asked for. */
#define TAIL_BYTE 0xcc
/** SANITIZE=1: what fills a freed block while it waits in quarantine. */
#define FREED_BYTE 0x6b
/** SANITIZE=1: the bytes of freed blocks held back before reuse. */
#define QUARANTINE_BYTES (64 * 1024)
/** SANITIZE=1: at most this many blocks in quarantine. */
#define QUARANTINE_SLOTS 256
/** SANITIZE=1: the size word at the end of a slab object. */
#define SIZE_WORD sizeof(uint64_t)

static struct slab_cache caches[KMALLOC_NCACHES];
static const char *const cache_names[KMALLOC_NCACHES] = {
    "kmalloc-16",  "kmalloc-32",  "kmalloc-64",   "kmalloc-128",
    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048"};
static bool ready;
/** Bytes in blocks handed out: class size for objects, whole runs. */
static uint64_t bytes_in_use;

/* ------------------------------------------------- pages for the slabs */

/**
 * @brief Hook for slab.c: one page for a new slab.
 * @return the page's direct-map address, or NULL when no frame is free
 */
void *
slab_page_alloc(void)
{
    paddr_t pa = pmm_alloc_frame();
    return pa == 0 ? NULL : phys_to_virt(pa);
}

/**
 * @brief Hook for slab.c: give back a page slab_page_alloc() returned.
 * @param page the page's direct-map address
 */
void
slab_page_free(void *page)
{
    pmm_free_frame(virt_to_phys(page));
}

/* ---------------------------------------------------------------- heap */

/**
 * @brief Create the kmalloc caches; kmalloc() works from here on.
 *
 * Takes no memory yet: each cache takes its first page on first use.
 * @pre pmm_init() has run; called once, at boot
 */
void
kmalloc_init(void)
{
    for (int i = 0; i < KMALLOC_NCACHES; i++)
        slab_cache_init(&caches[i], cache_names[i],
                        1UL << (KMALLOC_MIN_SHIFT + i));
    ready = true;
    pr_info("kmalloc: %d caches of %lu to %lu bytes, page runs above\n",
            KMALLOC_NCACHES, 1UL << KMALLOC_MIN_SHIFT, KMALLOC_MAX_SLAB);
}

/* The smallest cache whose objects hold @p size bytes (1..2048). */
static struct slab_cache *
cache_for(size_t size)
{
    int i = 0;
    while ((1UL << (KMALLOC_MIN_SHIFT + i)) < size)
        i++;
    return &caches[i];
}

/* A run of pages for a request too big for the caches; NULL if none. */
static void *
kmalloc_run(size_t size)
{
    size_t max = (PAGE_SIZE << BUDDY_MAX_ORDER) - sizeof(struct kmalloc_run);
    if (size > max)
        return NULL;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size + sizeof(struct kmalloc_run))
        order++;
    paddr_t pa = pmm_alloc_pages(order);
    if (pa == 0)
        return NULL;
    struct kmalloc_run *run = phys_to_virt(pa);
    run->magic = KMALLOC_RUN_MAGIC;
    run->order = order;
    run->size = size;
    if (KEEL_SANITIZE)
        memset((char *)(run + 1) + size, TAIL_BYTE,
               (PAGE_SIZE << order) - sizeof(*run) - size);
    irqflags_t flags = arch_irq_save();
    bytes_in_use += PAGE_SIZE << order;
    arch_irq_restore(flags);
    return run + 1;
}

/**
 * @brief Allocate @p size bytes of kernel memory.
 *
 * Up to 2048 bytes from the smallest slab cache that fits, above that a
 * run of whole pages (see the file comment). The block is 16-byte aligned
 * and its contents are undefined (in a debug build: 0x6b poison).
 *
 * @param size bytes wanted
 * @return the block, or NULL when @p size is 0 or no memory is left
 * @pre kmalloc_init() has run; any context (takes no lock, turns
 *      interrupts off briefly)
 */
void *
kmalloc(size_t size)
{
    if (!ready)
        panic("kmalloc(%zu) before kmalloc_init()", size);
    if (size == 0)
        return NULL;
    if (mm_fail_hook != NULL && mm_fail_hook(MM_FAIL_SLAB))
        return NULL; // an injected failure (failslab=)
    // SANITIZE=1: room for the size word after the caller's bytes
    size_t room =
        KEEL_SANITIZE ? KMALLOC_MAX_SLAB - SIZE_WORD : KMALLOC_MAX_SLAB;
    if (size > room)
        return kmalloc_run(size);

    struct slab_cache *c = cache_for(KEEL_SANITIZE ? size + SIZE_WORD : size);
    irqflags_t flags = arch_irq_save();
    void *obj = slab_alloc(c);
    if (obj != NULL)
        bytes_in_use += c->obj_size;
    arch_irq_restore(flags);
    if (KEEL_SANITIZE && obj != NULL) {
        char *end = (char *)obj + c->obj_size - SIZE_WORD;
        memset((char *)obj + size, TAIL_BYTE, end - ((char *)obj + size));
        memcpy(end, &(uint64_t){size}, SIZE_WORD);
    }
    return obj;
}

/**
 * @brief Allocate @p size bytes of kernel memory, filled with zeros.
 * @param size bytes wanted
 * @return the zeroed block, or NULL as for kmalloc()
 * @pre as for kmalloc()
 */
void *
kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

#if KEEL_SANITIZE
/*
 * SANITIZE=1: the first of @p n bytes at @p p that is not @p byte, or
 * NULL when all are.
 */
static const unsigned char *
first_not(const void *p, size_t n, unsigned char byte)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != byte)
            return b + i;
    return NULL;
}

/*
 * SANITIZE=1: the bytes past the @p size asked for, up to @p end, must
 * still be TAIL_BYTE; otherwise the block's owner wrote past its end.
 */
static void
check_tail(const void *ptr, size_t size, const void *end)
{
    const unsigned char *bad =
        first_not((const char *)ptr + size,
                  (const char *)end - ((const char *)ptr + size), TAIL_BYTE);
    if (bad != NULL)
        panic("kmalloc: red zone of the kmalloc(%zu) block %p overwritten "
              "at +%zu (0x%02x found, 0x%02x expected)",
              size, ptr, (size_t)(bad - (const unsigned char *)ptr), *bad,
              TAIL_BYTE);
}

/* The blocks freed last, oldest first (a ring); interrupts off. */
static struct {
    void *obj;
    struct slab_cache *cache;
} quarantine[QUARANTINE_SLOTS];
static unsigned q_first, q_count;
static size_t q_bytes;

/* Let the oldest block out of quarantine, to its cache; it must still
 * be all FREED_BYTE. Interrupts off. */
static void
quarantine_release(void)
{
    struct slab_cache *c = quarantine[q_first].cache;
    char *obj = quarantine[q_first].obj;
    q_first = (q_first + 1) % QUARANTINE_SLOTS;
    q_count--;
    q_bytes -= c->obj_size;
    const unsigned char *bad = first_not(obj, c->obj_size, FREED_BYTE);
    if (bad != NULL)
        panic("kmalloc: use after free: the %zu-byte block %p was written "
              "at +%zu after kfree (0x%02x found, 0x%02x expected)",
              c->obj_size, obj, (size_t)(bad - (unsigned char *)obj), *bad,
              FREED_BYTE);
    slab_free(c, obj);
}

/*
 * Free slab object @p obj of cache @p c (SANITIZE=1): check the tail
 * past its size, fill it with FREED_BYTE and hold it back; the oldest
 * blocks leave the quarantine for their caches. Interrupts off.
 */
static void
sanitize_free(struct slab_cache *c, void *obj)
{
    slab_check_free(c, obj); // a bad pointer, or freed and reused before
    char *end = (char *)obj + c->obj_size - SIZE_WORD;
    uint64_t size;
    memcpy(&size, end, SIZE_WORD);
    if (first_not(obj, c->obj_size, FREED_BYTE) == NULL)
        panic("kmalloc: double free of the %zu-byte block %p (it is in "
              "quarantine since its first kfree)",
              c->obj_size, obj);
    if (size > c->obj_size - SIZE_WORD)
        panic("kmalloc: red zone of the %zu-byte block %p overwritten up "
              "to its size word (0x%lx)",
              c->obj_size, obj, size);
    check_tail(obj, size, end);
    memset(obj, FREED_BYTE, c->obj_size);
    while (q_count == QUARANTINE_SLOTS ||
           (q_count > 0 && q_bytes + c->obj_size > QUARANTINE_BYTES))
        quarantine_release();
    unsigned slot = (q_first + q_count) % QUARANTINE_SLOTS;
    quarantine[slot].obj = obj;
    quarantine[slot].cache = c;
    q_count++;
    q_bytes += c->obj_size;
}
#endif

/* Free the page run whose header is @p run; @p ptr is what the caller has. */
static void
kfree_run(struct kmalloc_run *run, void *ptr)
{
    if (ptr != (void *)(run + 1))
        panic("kfree(%p): inside a kmalloc page run, not its start", ptr);
    unsigned order = run->order;
#if KEEL_SANITIZE
    check_tail(ptr, run->size, (char *)run + (PAGE_SIZE << order));
#endif
    run->magic = 0; // a second kfree of ptr now panics
    irqflags_t flags = arch_irq_save();
    bytes_in_use -= PAGE_SIZE << order;
    arch_irq_restore(flags);
    pmm_free_pages(virt_to_phys(run), order);
}

/**
 * @brief Give back a block kmalloc() or kzalloc() returned.
 *
 * Tells a slab object from a page run by the magic at the start of its
 * page. Freeing anything else (a pointer kmalloc never returned, one
 * freed before, the middle of a block) is a kernel bug and panics, with
 * a message naming the pointer; a debug build also catches writes past
 * the end of a small block (its red zone).
 *
 * @param ptr the block, or NULL (then nothing happens)
 * @pre as for kmalloc()
 */
void
kfree(void *ptr)
{
    if (ptr == NULL)
        return;
    struct kmalloc_run *run = (void *)ALIGN_DOWN((vaddr_t)ptr, PAGE_SIZE);
    if (run->magic == KMALLOC_RUN_MAGIC) {
        kfree_run(run, ptr);
        return;
    }
    struct slab_cache *c = slab_cache_of(ptr);
    if (c < &caches[0] || c >= &caches[KMALLOC_NCACHES])
        panic("kfree(%p): not a block kmalloc returned (%s)", ptr,
              c == NULL ? "no heap page" : c->name);
    irqflags_t flags = arch_irq_save();
#if KEEL_SANITIZE
    sanitize_free(c, ptr);
#else
    slab_free(c, ptr);
#endif
    bytes_in_use -= c->obj_size;
    arch_irq_restore(flags);
}

/**
 * @brief Give the empty slabs of every kmalloc cache back to the frames.
 *
 * For memory pressure, and for leak checks that compare free frames
 * before and after.
 * @pre as for kmalloc()
 */
void
kmalloc_shrink(void)
{
    irqflags_t flags = arch_irq_save();
#if KEEL_SANITIZE
    while (q_count > 0) // the quarantine's blocks may free whole slabs
        quarantine_release();
#endif
    for (int i = 0; i < KMALLOC_NCACHES; i++)
        slab_shrink(&caches[i]);
    arch_irq_restore(flags);
}

/**
 * @brief Bytes held by live kmalloc blocks, for leak checks.
 *
 * Counts what each block really takes: its size class for a small block,
 * the whole run for a big one (not the bytes asked for).
 * @return the byte count
 */
uint64_t
kmalloc_bytes_in_use(void)
{
    irqflags_t flags = arch_irq_save();
    uint64_t n = bytes_in_use;
    arch_irq_restore(flags);
    return n;
}

/**
 * @brief Print memory statistics: frames, and each kmalloc cache's use.
 *
 * One line for the frame allocator, then per cache its object size, the
 * objects handed out and the slab pages it holds: what `test=mm-stats`
 * shows, and a first look when memory seems to leak.
 */
void
kmalloc_print_stats(void)
{
    pr_notice("mm-stats: frames: %lu free of %lu (%lu KiB free)\n",
              pmm_free_frames(), pmm_total_frames(),
              pmm_free_frames() * (PAGE_SIZE / 1024));
    pr_notice("mm-stats: kmalloc: %lu bytes in use\n", kmalloc_bytes_in_use());
    for (int i = 0; i < KMALLOC_NCACHES; i++) {
        const struct slab_cache *c = &caches[i];
        pr_notice("mm-stats: cache %-12s size %5zu objects %6lu slabs %4lu\n",
                  c->name, c->obj_size, c->allocated, c->slabs);
    }
}
