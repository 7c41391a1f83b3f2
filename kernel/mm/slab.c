/**
 * @file
 * @ingroup mm
 * @brief Slab caches: many small objects of one size, carved out of pages.
 *
 * The frame allocator deals in whole 4 KiB pages, but the kernel mostly
 * wants small things: a 40-byte list node, a 200-byte process structure. A
 * slab cache serves objects of one fixed size. It takes a page (a *slab*),
 * writes a small header at its start and cuts the rest into equal slots:
 *
 * @verbatim
 *   one 4 KiB slab page (debug build, a cache of 40-byte objects)
 *
 *   +--------------+--------+-----+--------+-----+----   ---+--------+-----+
 *   | struct slab  | obj 0  | red | obj 1  | red |   ...    | obj 62 | red |
 *   | magic, used, | 40 B   | 24 B| 40 B   | 24 B|          | 40 B   | 24 B|
 *   | link, cache, |        |     |        |     |          |        |     |
 *   | free         |        |     |        |     |          |        |     |
 *   +--------------+--------+-----+--------+-----+----   ---+--------+-----+
 *   0              48       88    112            ...    4016     4056  4080
 *                  |<-- stride -->|
 *
 *   free objects are chained through their first word:
 *
 *   slab->free --> [obj 5] --> [obj 2] --> [obj 9] --> NULL
 * @endverbatim
 *
 * The object slots start at a 16-byte boundary and are `stride` bytes apart
 * (the object size rounded up to 16, plus the red zone in a debug build),
 * so every object is 16-byte aligned. A free object's first word points to
 * the next free object of the same slab: the free list costs no memory.
 *
 * A cache keeps its slabs on three lists by how full they are: *partial*
 * (some objects used), *full* (none free) and *empty* (none used).
 * slab_alloc() prefers a partial slab, so used objects crowd into few pages;
 * empty slabs stay around as a reserve until slab_shrink() gives them back.
 * Because a slab is exactly one page and starts on a page boundary, the
 * slab of any object is found by rounding its address down: freeing needs
 * no search.
 *
 * One page per slab keeps this file short, at a price for big objects: a
 * 2048-byte cache fits a single object per page, because the header leaves
 * too little room for a second one. (Linux's SLUB gives big objects slabs
 * of several pages.)
 *
 * **Debugging.** Heap bugs corrupt memory far from the line that caused
 * them. With KEEL_MM_DEBUG (on unless the build defines it to 0) the
 * cache turns the commonest ones into an immediate panic():
 *
 * - every free object is *poisoned*: filled with 0x6b bytes (except the
 *   link word). The next allocation checks the poison, so a write through
 *   a pointer after kfree() is caught ("use after free");
 * - after every object sits a *red zone* of at least 16 bytes of 0xbb,
 *   checked when the object is freed, so writing past the end of an object
 *   is caught ("red zone ... overwritten");
 * - freeing an object that is poisoned *and* already on its slab's free
 *   list is a double free.
 *
 * Pages come from the two hooks slab_page_alloc() and slab_page_free(),
 * so this file needs nothing else from the kernel and compiles unchanged
 * into the host unit test (grading/host/test_slab.c). In the kernel,
 * kmalloc.c implements them with the frame allocator.
 *
 * Locking: none here. The owner of a cache serializes all calls on it
 * (kmalloc turns interrupts off around each call).
 */
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/string.h"

#ifndef KEEL_MM_DEBUG
#define KEEL_MM_DEBUG 1
#endif

/** Size of a slab: one page. */
#define SLAB_SIZE 4096UL
/** Marks a page as a slab ("SLAB" read as little-endian bytes). */
#define SLAB_MAGIC 0x42414c53U
/** Every object starts on a multiple of this. */
#define SLAB_ALIGN 16
/** Byte written over free objects (debug). */
#define POISON_FREE 0x6b
/** Byte written into the red zone after each object (debug). */
#define POISON_REDZONE 0xbb
/** Smallest red zone after an object (debug). */
#define REDZONE_MIN 16

/**
 * @brief The header at the start of every slab page.
 *
 * The magic comes first, at offset 0 of the page, so a page that is not a
 * slab (say, a kmalloc page run with its own magic there) is told apart by
 * its first word.
 */
struct slab {
    uint32_t magic;           /**< SLAB_MAGIC while the page is a slab */
    uint32_t used;            /**< objects handed out from this slab */
    struct list_node link;    /**< on the cache's partial, full or empty list */
    struct slab_cache *cache; /**< the cache that owns this slab */
    void *free;               /**< first free object, NULL when full */
};

/** Offset of object 0 in its slab: the header, rounded up to SLAB_ALIGN. */
#define SLAB_FIRST_OBJECT ALIGN_UP(sizeof(struct slab), SLAB_ALIGN)

/* The address of object @p i of slab @p s. */
static inline char *
slab_object(const struct slab_cache *c, struct slab *s, unsigned i)
{
    return (char *)s + SLAB_FIRST_OBJECT + (size_t)i * c->stride;
}

/* The slab holding @p obj: objects live in the slab page they start in. */
static inline struct slab *
slab_of(const void *obj)
{
    return (struct slab *)ALIGN_DOWN((uintptr_t)obj, SLAB_SIZE);
}

/* The list a slab belongs on, by how many of its objects are in use. */
static struct list_node *
slab_list_for(struct slab_cache *c, const struct slab *s)
{
    if (s->used == 0)
        return &c->empty;
    if (s->used == c->per_slab)
        return &c->full;
    return &c->partial;
}

/* Put @p s on the list that matches its fill, at the front (most recent). */
static void
slab_relist(struct slab_cache *c, struct slab *s)
{
    list_remove(&s->link);
    list_push_front(slab_list_for(c, s), &s->link);
}

/* --------------------------------------------------------- debug checks */

#if KEEL_MM_DEBUG
/* Is every byte of [p, p + n) equal to @p byte? */
static bool
all_bytes_are(const unsigned char *p, size_t n, unsigned char byte)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != byte)
            return false;
    }
    return true;
}

/* Poison a free object (all but its link word) and refresh its red zone. */
static void
debug_poison(const struct slab_cache *c, char *obj)
{
    size_t link = sizeof(void *); // the link word keeps no poison
    memset(obj + link, POISON_FREE, c->obj_size - link);
    memset(obj + c->obj_size, POISON_REDZONE, c->stride - c->obj_size);
}

/* Is @p obj on the free list of its slab @p s? */
static bool
debug_on_free_list(const struct slab *s, const void *obj)
{
    for (const void *f = s->free; f != NULL; f = *(void *const *)f) {
        if (f == obj)
            return true;
    }
    return false;
}

/*
 * About to hand out @p obj: its poison must be intact, or someone wrote to
 * it while it was free.
 */
static void
debug_check_alloc(const struct slab_cache *c, const void *obj)
{
    const unsigned char *p = (const unsigned char *)obj;
    for (size_t i = sizeof(void *); i < c->obj_size; i++) {
        if (p[i] != POISON_FREE)
            panic("slab: use after free in cache %s: object %p was written "
                  "at offset %zu while free (0x%02x, not 0x%02x)",
                  c->name, obj, i, p[i], POISON_FREE);
    }
    // the link word has no poison, but it must lead to a slot of this slab
    const char *next = *(void *const *)obj;
    const char *first = (const char *)slab_of(obj) + SLAB_FIRST_OBJECT;
    if (next != NULL && (slab_of(next) != slab_of(obj) || next < first ||
                         (size_t)(next - first) % c->stride != 0))
        panic("slab: use after free in cache %s: the free-list link of "
              "object %p was overwritten (%p)",
              c->name, obj, (const void *)next);
}

/*
 * @p obj comes back: it must not be free already, and the red zone after
 * it must be intact. Then poison it for the next allocation to check.
 */
static void
debug_check_free(const struct slab_cache *c, const struct slab *s, char *obj)
{
    const unsigned char *p = (const unsigned char *)obj;
    if (all_bytes_are(p + sizeof(void *), c->obj_size - sizeof(void *),
                      POISON_FREE) &&
        debug_on_free_list(s, obj))
        panic("slab: double free in cache %s: object %p is already free",
              c->name, (void *)obj);
    size_t rz = c->stride - c->obj_size;
    for (size_t i = 0; i < rz; i++) {
        if (p[c->obj_size + i] != POISON_REDZONE)
            panic("slab: red zone of cache %s object %p overwritten at "
                  "byte %zu past its end (a write beyond %zu bytes)",
                  c->name, (void *)obj, i, c->obj_size);
    }
    debug_poison(c, obj);
}
#endif /* KEEL_MM_DEBUG */

/* ------------------------------------------------------------ the cache */

/**
 * @brief Make @p c an empty cache of objects of @p size bytes.
 *
 * Works out the slot layout (see the picture in the file comment): objects
 * of at least one pointer (the free-list link), slots rounded up to 16
 * bytes, plus a red zone of at least 16 bytes in a debug build. No page is
 * taken until the first slab_alloc().
 *
 * @param c    the cache, owned by the caller (static or embedded)
 * @param name a name for messages, kept by pointer (must outlive @p c)
 * @param size object size in bytes, 1 up to what fits in one slab with
 *             its header; a bigger size panics (a kernel bug)
 */
void
slab_cache_init(struct slab_cache *c, const char *name, size_t size)
{
    c->name = name;
    c->obj_size = MAX(size, sizeof(void *));
#if KEEL_MM_DEBUG
    c->stride = ALIGN_UP(c->obj_size + REDZONE_MIN, (size_t)SLAB_ALIGN);
#else
    c->stride = ALIGN_UP(c->obj_size, (size_t)SLAB_ALIGN);
#endif
    if (size == 0 || c->stride > SLAB_SIZE - SLAB_FIRST_OBJECT)
        panic("slab: cache %s: object size %zu does not fit in a slab", name,
              size);
    c->per_slab = (SLAB_SIZE - SLAB_FIRST_OBJECT) / c->stride;
    list_init(&c->partial);
    list_init(&c->full);
    list_init(&c->empty);
    list_init(&c->link);
    c->allocated = 0;
    c->slabs = 0;
}

/*
 * Turn a fresh page into an empty slab of @p c: write the header and chain
 * every object onto the free list in address order (poisoned, in a debug
 * build). Returns NULL when slab_page_alloc() has no page.
 */
static struct slab *
slab_grow(struct slab_cache *c)
{
    struct slab *s = slab_page_alloc();
    if (s == NULL)
        return NULL;
    s->magic = SLAB_MAGIC;
    s->used = 0;
    s->cache = c;
    s->free = NULL;
    // build the chain from the last object back, so it runs in address order
    for (unsigned i = c->per_slab; i-- > 0;) {
        char *obj = slab_object(c, s, i);
#if KEEL_MM_DEBUG
        debug_poison(c, obj);
#endif
        *(void **)obj = s->free;
        s->free = obj;
    }
    list_init(&s->link);
    list_push_front(&c->empty, &s->link);
    c->slabs++;
    return s;
}

/*
 * The slab the next object comes from: a partial one (fills pages before
 * starting new ones), else an empty one, else a new page. NULL when out of
 * pages. A slab off the full list must have a free object, or the lists
 * are broken: panic rather than follow a NULL link.
 */
static struct slab *
slab_pick(struct slab_cache *c)
{
    struct slab *s;
    if (!list_empty(&c->partial))
        s = list_entry(c->partial.next, struct slab, link);
    else if (!list_empty(&c->empty))
        s = list_entry(c->empty.next, struct slab, link);
    else
        return slab_grow(c);
    if (s->free == NULL)
        panic("slab: cache %s: slab %p has no free object but is not on "
              "the full list",
              c->name, (void *)s);
    return s;
}

/**
 * @brief Take one object from @p c.
 *
 * Picks a slab (partial, else empty, else a new page), pops the first
 * object off its free list and moves the slab to the list that matches its
 * new fill: an empty slab becomes partial, a slab whose last free object
 * went becomes full. O(1), except for the page taken when every slab is
 * full. In a debug build the object's poison is checked first (a write
 * after free panics). The object's contents are undefined: poison in a
 * debug build, old data otherwise.
 *
 * @param c an initialized cache
 * @return a 16-byte aligned object of c->obj_size bytes, or NULL when no
 *         page is left for a new slab
 * @pre the caller serializes calls on @p c
 */
// [slab_alloc]
void *
slab_alloc(struct slab_cache *c)
{
    struct slab *s = slab_pick(c);
    if (s == NULL)
        return NULL; // every slab full and no page for a new one

#if KEEL_MM_DEBUG
    // the object about to go out must still carry the poison of its free
    debug_check_alloc(c, s->free);
#endif

    // >>> exercise 2.3 slab-alloc
    // pop the first free object: its first word links to the next one
    void *obj = s->free;
    s->free = *(void **)obj;
    s->used++;
    c->allocated++;
    // the slab is now partial, or full when that was its last free object
    slab_relist(c, s);
    return obj;
    // === stub: no object can be handed out
    // return NULL;
    // <<< exercise 2.3 slab-alloc
}
// [slab_alloc]

/**
 * @brief The cache whose slab holds @p obj, or NULL if its page is no slab.
 *
 * Reads the header of the page @p obj lies in; kfree() uses it to tell a
 * slab object from a kmalloc page run. Only the magic is checked, not that
 * @p obj is a live object (slab_free() checks that).
 *
 * @param obj a pointer into a page the kernel may read
 * @return the owning cache, or NULL when the page has no slab magic
 */
struct slab_cache *
slab_cache_of(const void *obj)
{
    const struct slab *s = slab_of(obj);
    return s->magic == SLAB_MAGIC ? s->cache : NULL;
}

/*
 * Check that @p obj is an object of @p c: its page is a slab of @p c and
 * it sits on an object boundary inside that slab. Panics otherwise.
 */
static struct slab *
slab_check_object(struct slab_cache *c, const void *obj)
{
    struct slab *s = slab_of(obj);
    if (s->magic != SLAB_MAGIC)
        panic("slab: free of %p to cache %s: not in a slab page (bad pointer)",
              obj, c->name);
    if (s->cache != c)
        panic("slab: free of %p to cache %s: it belongs to cache %s", obj,
              c->name, s->cache->name);
    uintptr_t first = (uintptr_t)slab_object(c, s, 0);
    uintptr_t off = (uintptr_t)obj - first;
    if ((uintptr_t)obj < first || off % c->stride != 0 ||
        off / c->stride >= c->per_slab)
        panic("slab: free of %p to cache %s: not the start of an object", obj,
              c->name);
    return s;
}

/**
 * @brief Check, without freeing it, that @p obj may be given back to @p c.
 *
 * The checks slab_free() makes first: @p obj is the start of an object of
 * one of @p c's slabs and (in a debug build) not on its free list. For a
 * caller that holds freed objects back before freeing them (kmalloc's
 * quarantine in a SANITIZE=1 build), so that a bad pointer is reported at
 * its kfree, not later. Panics on a bad pointer or a double free.
 * @param c   the cache @p obj is said to come from
 * @param obj the object
 * @pre the caller serializes calls on @p c
 */
void
slab_check_free(struct slab_cache *c, const void *obj)
{
    struct slab *s = slab_check_object(c, obj);
#if KEEL_MM_DEBUG
    if (debug_on_free_list(s, obj))
        panic("slab: double free in cache %s: object %p is already free",
              c->name, obj);
#else
    (void)s;
#endif
}

/**
 * @brief Give @p obj back to @p c.
 *
 * Finds the slab by rounding @p obj down to its page, checks that the page
 * is a slab of @p c and @p obj the start of one of its objects, pushes the
 * object on the slab's free list and moves the slab to the list that
 * matches its new fill (full becomes partial, the last object makes it
 * empty). Empty slabs are kept until slab_shrink().
 *
 * Freeing a bad pointer is a kernel bug, so every failed check panics,
 * naming the cache and the pointer: not a slab, another cache's object,
 * not on an object boundary; in a debug build also a double free and an
 * overwritten red zone.
 *
 * @param c   the cache @p obj came from
 * @param obj an object slab_alloc(@p c) returned and not yet freed
 * @pre the caller serializes calls on @p c
 */
void
slab_free(struct slab_cache *c, void *obj)
{
    struct slab *s = slab_check_object(c, obj);
#if KEEL_MM_DEBUG
    debug_check_free(c, s, obj);
#endif
    if (s->used == 0)
        panic("slab: free of %p to cache %s: its slab has no object in use",
              obj, c->name);
    *(void **)obj = s->free;
    s->free = obj;
    s->used--;
    c->allocated--;
    slab_relist(c, s);
}

/**
 * @brief Give every empty slab of @p c back through slab_page_free().
 *
 * Partial and full slabs stay: their objects are in use. Called when
 * memory is short, or by tests that want every page back.
 *
 * @param c an initialized cache
 * @pre the caller serializes calls on @p c
 */
void
slab_shrink(struct slab_cache *c)
{
    while (!list_empty(&c->empty)) {
        struct slab *s = list_entry(c->empty.next, struct slab, link);
        list_remove(&s->link);
        s->magic = 0; // a stale pointer into this page is no slab object
        c->slabs--;
        slab_page_free(s);
    }
}
