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
    uint64_t pad;   /**< keeps the caller's block 16-byte aligned */
};

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
    if (size > KMALLOC_MAX_SLAB)
        return kmalloc_run(size);

    struct slab_cache *c = cache_for(size);
    irqflags_t flags = arch_irq_save();
    void *obj = slab_alloc(c);
    if (obj != NULL)
        bytes_in_use += c->obj_size;
    arch_irq_restore(flags);
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

/* Free the page run whose header is @p run; @p ptr is what the caller has. */
static void
kfree_run(struct kmalloc_run *run, void *ptr)
{
    if (ptr != (void *)(run + 1))
        panic("kfree(%p): inside a kmalloc page run, not its start", ptr);
    unsigned order = run->order;
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
    slab_free(c, ptr);
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
