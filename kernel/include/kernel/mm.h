/**
 * @file
 * @ingroup mm
 * @brief Memory management: physical frames, page tables, the kernel heap.
 *
 * Three layers, each built on the one before (chapter 2):
 *
 * - frames: the buddy allocator hands out runs of 2^order physical pages
 *   (kernel/mm/buddy.c is the pure algorithm, kernel/mm/pmm.c feeds it the
 *   multiboot2 memory map);
 * - page tables: map, unmap and translate virtual pages in the kernel's
 *   4-level tables (kernel/mm/vmm.c over the x86_64 walker in
 *   kernel/arch/x86_64/mm/pgtable.c);
 * - the heap: slab caches of fixed-size objects (kernel/mm/slab.c) and
 *   kmalloc/kfree on top of them (kernel/mm/kmalloc.c).
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include "kernel/compiler.h"
#include "kernel/list.h"
#include "kernel/types.h"

#define PAGE_SHIFT 12
/** Largest buddy order: blocks of 2^BUDDY_MAX_ORDER pages (4 MiB). */
#define BUDDY_MAX_ORDER 10

/* ------------------------------------------------------------------ buddy */

/** Per-page state kept by the buddy allocator (one per physical page). */
struct buddy_page {
    struct list_node link; /**< on a free list when it heads a free block */
    uint8_t order;         /**< order of the block it heads, if free */
    uint8_t flags;         /**< BUDDY_PAGE_* */
};

/** The page heads a free block of order `order`. */
#define BUDDY_PAGE_FREE 0x1
/** The page is usable RAM (not a hole, not reserved forever). */
#define BUDDY_PAGE_USABLE 0x2

/**
 * @brief A buddy allocator over pages [base_pfn, base_pfn + npages).
 *
 * Pure data structure: it never touches the memory it manages, only the
 * `pages` array, so it runs unchanged in host unit tests.
 */
struct buddy {
    uint64_t base_pfn;        /**< first page frame number managed */
    uint64_t npages;          /**< number of pages managed */
    struct buddy_page *pages; /**< npages descriptors */
    struct list_node free[BUDDY_MAX_ORDER + 1]; /**< free blocks per order */
    uint64_t nfree[BUDDY_MAX_ORDER + 1];        /**< blocks on each list */
    uint64_t free_pages;                        /**< pages in all free blocks */
};

void buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t npages,
                struct buddy_page *pages);
void buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count);
int64_t buddy_alloc(struct buddy *b, unsigned order);
void buddy_free(struct buddy *b, uint64_t pfn, unsigned order);

/* ------------------------------------------------------------ frames (pmm) */

void pmm_init(void);
paddr_t pmm_alloc_pages(unsigned order);
void pmm_free_pages(paddr_t pa, unsigned order);
paddr_t pmm_alloc_frame(void);
void pmm_free_frame(paddr_t pa);
uint64_t pmm_free_frames(void);
uint64_t pmm_total_frames(void);

/* ------------------------------------------------------------ page tables */

/** @name Mapping permissions for vmm_map() (portable names). */
///@{
#define VM_READ 0x1    /**< readable (every mapping is) */
#define VM_WRITE 0x2   /**< writable */
#define VM_EXEC 0x4    /**< executable (else NX is set) */
#define VM_USER 0x8    /**< accessible from user mode */
#define VM_GLOBAL 0x10 /**< global: kept in the TLB across CR3 writes */
///@}

void vmm_init(void);
int vmm_map(vaddr_t va, paddr_t pa, unsigned flags);
int vmm_unmap(vaddr_t va);
bool vmm_translate(vaddr_t va, paddr_t *pa, unsigned *flags);
paddr_t vmm_kernel_root(void);
void vmm_dump_walk(vaddr_t va);

/* ------------------------------------------------------------------- heap */

/**
 * @brief A slab cache: fixed-size objects carved out of whole pages.
 *
 * Each slab is one page: a header followed by objects; free objects of a
 * slab are chained through their first word. Slabs sit on three lists by
 * how full they are.
 */
struct slab_cache {
    const char *name;         /**< for statistics and error messages */
    size_t obj_size;          /**< bytes handed to the caller */
    size_t stride;            /**< bytes per object in the slab */
    unsigned per_slab;        /**< objects in one slab page */
    struct list_node partial; /**< slabs with free and used objects */
    struct list_node full;    /**< slabs with no free object */
    struct list_node empty;   /**< slabs with no used object */
    uint64_t allocated;       /**< objects handed out now */
    uint64_t slabs;           /**< slab pages owned now */
    struct list_node link;    /**< on the list of all caches */
};

void slab_cache_init(struct slab_cache *c, const char *name, size_t size);
void *slab_alloc(struct slab_cache *c);
void slab_free(struct slab_cache *c, void *obj);
void slab_check_free(struct slab_cache *c, const void *obj);
void slab_shrink(struct slab_cache *c);
struct slab_cache *slab_cache_of(const void *obj);

/** @name Fault injection: which allocation mm_fail_hook is asked about. */
///@{
#define MM_FAIL_SLAB 0 /**< a kmalloc */
#define MM_FAIL_PAGE 1 /**< a block of frames (pmm_alloc_pages) */
///@}
/**
 * Asked before every kmalloc and every frame allocation, when not NULL:
 * true makes the allocation fail as if memory had run out. Set by the
 * fault injection of the kernel words failslab= and failpage=
 * (kernel/proc/failinject.c), so that the paths that handle a failed
 * allocation run too. Called with any interrupt state; must not allocate.
 */
extern bool (*mm_fail_hook)(int kind);

void kmalloc_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);
void kmalloc_shrink(void);
uint64_t kmalloc_bytes_in_use(void);
void kmalloc_print_stats(void);

/* hooks the slab layer needs from below (pages), so it can run on a host */
void *slab_page_alloc(void);
void slab_page_free(void *page);

#if CHAPTER >= 3
/* ------------------------------------------------ user address spaces */

/** The first address that is not user space (the canonical hole). */
#define USER_TOP 0x0000800000000000UL
/** The end of the addresses a program may map: Linux's TASK_SIZE, one
 *  page below USER_TOP (the last page stays a guard below the hole). */
#define TASK_SIZE (USER_TOP - PAGE_SIZE)
/** Where the user stack ends (its top), and its size. */
#define USER_STACK_TOP 0x00007ffffffff000UL
#define USER_STACK_SIZE (8UL << 20)
/** Lowest address mmap hands out (as Linux's vm.mmap_min_addr). */
#define MMAP_MIN_ADDR 0x10000UL
/** mmap places regions top-down below this (a guard page under the stack). */
#define MMAP_TOP (USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE)

#if CHAPTER >= 5
/**
 * @brief A file whose pages can be mapped, as the mm sees it (chapter 5:
 *        a tmpfs file, fs/file.c and fs/tmpfs/file.c).
 *
 * Its pages are frames: the file's page cache. A MAP_SHARED region maps
 * those very frames, so a store through it is a write to the file, seen
 * by read() and by every other sharer; a MAP_PRIVATE region maps them
 * read-only until its first write copies the page (copy-on-write from
 * the file). The region holds a reference to the file while it exists.
 */
struct vm_file_maps;
struct vm_file_ops {
    /** The frame of page @p index, with one reference for the caller (a
     *  hole gets a zeroed page first): 0; -EIO when the page lies wholly
     *  past the end of the file, or no page can be had (SIGBUS, as
     *  Linux's shmem on ENOSPC); -ENOMEM. */
    int (*page)(void *file, uint64_t index, paddr_t *pa);
    void (*get)(void *file); /**< one more region holds the file */
    void (*put)(void *file); /**< a region lets it go */
    /** The file's list of the regions that map it. */
    struct vm_file_maps *(*maps)(void *file);
    /** Does the file hold page @p index in memory now (mincore)? */
    bool (*resident)(void *file, uint64_t index);
};

/**
 * @brief The regions that map one file, kept with the file, so that a
 *        truncate that shrinks it can unmap them (vm_file_shrink()).
 *
 * Changed only with interrupts off: on one CPU that keeps the list and
 * the regions' start, end and offset whole for the walk of a truncate
 * that runs in another process.
 */
struct vm_file_maps {
    struct list_node vmas; /**< struct vma::file_link of each region */
    uint64_t shrinks;      /**< truncates that shrank the file, so far */
};
#endif

/** A region of a user address space: [start, end), one set of rights. */
struct vma {
    vaddr_t start;         /**< first byte, page-aligned */
    vaddr_t end;           /**< one past the last byte, page-aligned */
    unsigned prot;         /**< VM_READ | VM_WRITE | VM_EXEC */
    struct list_node link; /**< in mm.vmas, sorted by address */
#if CHAPTER >= 4
    /* mmap: sharing and file backing */
    unsigned flags;        /**< VMA_SHARED, or 0 for private */
    const void *file_data; /**< a private file mapping's bytes, or NULL */
    size_t file_size;      /**< the file's size at mmap (VMA_FILE) */
    uint64_t file_off;     /**< file offset of the byte at start */
#endif
#if CHAPTER >= 5
    /* a mapping of a file's pages (its page cache), shared or private */
    void *file;                         /**< the file, referenced, or NULL */
    const struct vm_file_ops *file_ops; /**< how to reach its pages */
    struct mm *mm;                      /**< its address space (if a file's) */
    struct list_node file_link;         /**< in the file's vm_file_maps */
#endif
};

/** A user address space: page tables plus the regions that may be used. */
struct mm {
    paddr_t root;          /**< PML4; its upper half is the kernel's */
    struct list_node vmas; /**< struct vma, sorted */
    vaddr_t brk_start;     /**< start of the heap (end of the data) */
    vaddr_t brk;           /**< current end of the heap */
};

struct mm *mm_create(void);
void mm_destroy(struct mm *mm);
struct mm *mm_fork(struct mm *parent);
int mm_map_anon(struct mm *mm, vaddr_t start, size_t len, unsigned prot);
struct vma *mm_find_vma(struct mm *mm, vaddr_t va);
bool mm_range_free(struct mm *mm, vaddr_t start, vaddr_t end);
vaddr_t mm_find_gap(struct mm *mm, size_t len);
bool mm_commit_ok(size_t len);
int mm_copy_to(struct mm *mm, vaddr_t va, const void *src, size_t len);
int mm_fault(struct mm *mm, vaddr_t va, bool write, bool exec);
void mm_set_oom_policy(bool (*policy)(void));
bool mm_oom_retry(void);
#if CHAPTER >= 4
bool vma_past_eof(const struct vma *v, vaddr_t va);
#endif
void mm_activate(struct mm *mm);

#if CHAPTER >= 4
/** vma.flags: the frames are shared with other processes (no COW). */
#define VMA_SHARED 0x1
/** vma.flags: the file was opened for writing, so a shared file mapping
 *  may be (or be made) writable; without it PROT_WRITE is EACCES. */
#define VMA_MAYWRITE 0x4
/** vma.flags: a file mapping: a page wholly past the end of the file
 *  (file_size, rounded up to a page) is SIGBUS, not zeros. */
#define VMA_FILE 0x2

/* regions (kernel/mm/vma.c) */
struct vma *vma_clone(const struct vma *v);
void vma_attach(struct mm *mm, struct vma *v);
void vma_free(struct vma *v);

/**
 * @brief What a subsystem with state in regions does as they are copied,
 *        placed and freed (a file mapping keeps its file referenced, and
 *        listed for the file's truncate). Register with vma_hooks().
 */
struct vma_hooks {
    /** @p c is a fresh copy of a region: take its own references */
    void (*clone)(struct vma *c);
    /** @p v was put on @p mm's list of regions */
    void (*attach)(struct mm *mm, struct vma *v);
    /** @p v is off its list and goes away: let go of what it holds */
    void (*free)(struct vma *v);
};

/** Register the region hooks @p id (members may be NULL). */
#define vma_hooks(id, ...)                                                     \
    static const struct vma_hooks __vma_hooks_##id __used __aligned(8)         \
        __section(".vma_hooks") = {__VA_ARGS__}

/**
 * @brief Is region @p v plain memory, with no file behind it?
 * @param v a region
 * @return true for anonymous memory (private or shared)
 */
static inline bool
vma_anonymous(const struct vma *v)
{
#if CHAPTER >= 5
    if (v->file != NULL)
        return false;
#endif
    return v->file_data == NULL;
}
#if CHAPTER >= 5
/* mappings of files' pages (kernel/mm/filemap.c) */
void vm_file_shrink(struct vm_file_maps *maps, uint64_t from);
#endif
struct vma *mm_split_vma(struct mm *mm, struct vma *v, vaddr_t at);
void mm_insert_vma(struct mm *mm, struct vma *v);
void mm_drop_pages(struct mm *mm, vaddr_t start, vaddr_t end);
int mm_unmap_range(struct mm *mm, vaddr_t start, vaddr_t end);
int mm_populate(struct mm *mm, vaddr_t start, vaddr_t end);

/* the mmap family (kernel/mm/mmap.c, kernel/mm/mremap.c) */
long mm_mmap(struct mm *mm, vaddr_t addr, size_t len, int prot, int flags,
             int fd, uint64_t off);
int mm_munmap(struct mm *mm, vaddr_t addr, size_t len);
int mm_mprotect(struct mm *mm, vaddr_t addr, size_t len, int prot);
long mm_mremap(struct mm *mm, vaddr_t old, size_t old_len, size_t new_len,
               int flags);
int mm_madvise(struct mm *mm, vaddr_t addr, size_t len, int advice);
int mm_msync(struct mm *mm, vaddr_t addr, size_t len, int flags);
long mm_mincore(struct mm *mm, vaddr_t addr, size_t pages, uint8_t *vec);
vaddr_t mm_brk(struct mm *mm, vaddr_t want);

#if CHAPTER >= 5
/** What mmap learns from a file descriptor (fd_mmap_open()). */
struct mmap_target {
    void *file;                    /**< the file, with a reference */
    const struct vm_file_ops *ops; /**< its pages */
    bool may_write;                /**< opened for writing too */
};
int fd_mmap_open(int fd, struct mmap_target *out);
#else
/** The bytes behind a file, for a private file mapping (mmap with an fd). */
struct mmap_file {
    const void *data; /**< the file's bytes in kernel memory */
    size_t size;      /**< how many */
};
int fd_mmap_source(int fd, struct mmap_file *out);
#endif
#endif

void pmm_ref(paddr_t pa);
void pmm_put(paddr_t pa);
unsigned pmm_refcount(paddr_t pa);
#endif

#endif /* KERNEL_MM_H */
