/**
 * @file
 * @ingroup mm
 * @brief User address spaces: regions, demand paging, copy-on-write.
 *
 * A process's memory is described twice. Its regions (struct vma: start,
 * end, rights) say what it *may* touch; its page tables say what is mapped
 * *now*. The two differ on purpose:
 *
 * - demand paging: a region starts with no pages at all; the first touch
 *   of a page faults, and mm_fault() maps a zeroed frame there;
 * - copy-on-write: fork shares every frame read-only between parent and
 *   child; the first write faults, and mm_fault() gives the writer its own
 *   copy (or, if it is the last user, simply makes the page writable).
 *
 * A fault outside every region, or against its rights, is the program's
 * bug: mm_fault() says -EFAULT and the caller delivers SIGSEGV.
 *
 * From chapter 4 (mmap) a region may also be backed by a file, whose bytes
 * fill a page on its first touch (the tail of the last page reads zeros,
 * a page wholly past the end is SIGBUS), or be shared (MAP_SHARED): its
 * frames are the same in every process that inherited it, so a write
 * never copies, and fork gives the write right back on both sides
 * (mm_fork_shared()). From chapter 5 a file region maps the file's own
 * pages, its page cache (map_cached_page()).
 *
 * Locking: a process has one thread, so its mm is only used by that
 * thread (and by the kernel while creating it); no lock yet. The one
 * visitor from outside is a truncate in chapter 5 (vm_file_shrink() in
 * kernel/mm/vma.c), which walks with interrupts off, so the steps that
 * change a file region's list or bounds run with interrupts off too.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/**
 * @brief A new, empty address space (the kernel mapped, nothing else).
 * @return the mm, or NULL when memory is out
 * @pre vmm_init() has run
 */
struct mm *
mm_create(void)
{
    struct mm *mm = kzalloc(sizeof(*mm));
    if (mm == NULL)
        return NULL;
    mm->root = arch_uvm_create(vmm_kernel_root());
    if (mm->root == 0) {
        kfree(mm);
        return NULL;
    }
    list_init(&mm->vmas);
    return mm;
}

/**
 * @brief Free an address space: its regions, frames and tables.
 * @param mm an mm that is not active on the CPU
 */
void
mm_destroy(struct mm *mm)
{
    while (!list_empty(&mm->vmas)) {
        struct list_node *n = mm->vmas.next;
        list_remove(n);
#if CHAPTER >= 4
        vma_free(list_entry(n, struct vma, link));
#else
        kfree(list_entry(n, struct vma, link));
#endif
    }
    arch_uvm_destroy(mm->root);
    kfree(mm);
}

/**
 * @brief May @p len more bytes of private memory be promised?
 *
 * Linux's default overcommit policy ("guess", vm.overcommit_memory = 0)
 * refuses only the obviously impossible: a single request larger than
 * all of memory (and swap, which Keel has none of). mmap of a private
 * writable or a shared anonymous mapping, brk, and mremap growing a
 * private writable one ask this first and fail with -ENOMEM (brk: the
 * end stays) when it says no;
 * anything smaller is promised and paid for at fault time, as on Linux.
 * @param len bytes asked for
 * @return true when it is not more than memory
 */
bool
mm_commit_ok(size_t len)
{
    return len / PAGE_SIZE <= pmm_total_frames();
}

/**
 * @brief The region containing @p va, or NULL.
 * @param mm the address space
 * @param va any address
 * @return the region, or NULL when @p va is in none
 */
struct vma *
mm_find_vma(struct mm *mm, vaddr_t va)
{
    struct list_node *n;
    list_for_each(n, &mm->vmas)
    {
        struct vma *v = list_entry(n, struct vma, link);
        if (va >= v->start && va < v->end)
            return v;
    }
    return NULL;
}

/**
 * @brief Does no region of @p mm overlap [start, end)?
 * @param mm    the address space
 * @param start first byte
 * @param end   one past the last byte
 * @return true when the range is free
 */
bool
mm_range_free(struct mm *mm, vaddr_t start, vaddr_t end)
{
    struct list_node *n;
    list_for_each(n, &mm->vmas)
    {
        struct vma *v = list_entry(n, struct vma, link);
        if (start < v->end && v->start < end)
            return false;
    }
    return true;
}

/**
 * @brief The highest free range of @p len bytes below MMAP_TOP.
 *
 * Used by mmap (chapter 4) and by exec to place a program's dynamic
 * loader. Walks the sorted regions once; every gap between two regions (and the
 * one above the last) that is large enough replaces the previous answer,
 * so the last one found is the highest.
 * @param mm  the address space
 * @param len page-aligned length
 * @return the start of the range, or 0 when none is left
 */
vaddr_t
mm_find_gap(struct mm *mm, size_t len)
{
    vaddr_t best = 0, lo = MMAP_MIN_ADDR;
    struct list_node *n;
    list_for_each(n, &mm->vmas)
    {
        struct vma *v = list_entry(n, struct vma, link);
        vaddr_t hi = MIN(v->start, MMAP_TOP);
        if (hi > lo && hi - lo >= len)
            best = hi - len;
        lo = MAX(lo, v->end);
    }
    if (MMAP_TOP > lo && MMAP_TOP - lo >= len)
        best = MMAP_TOP - len;
    return best;
}

/**
 * @brief Add a region of demand-zero pages [start, start + len).
 * @param mm    the address space
 * @param start page-aligned user address
 * @param len   length in bytes (rounded up to pages)
 * @param prot  VM_READ | VM_WRITE | VM_EXEC
 * @return 0; -EINVAL for a misaligned, empty, non-user or overlapping
 *         range; -ENOMEM
 */
int
mm_map_anon(struct mm *mm, vaddr_t start, size_t len, unsigned prot)
{
    vaddr_t end = ALIGN_UP(start + len, PAGE_SIZE);
    if ((start & (PAGE_SIZE - 1)) || len == 0 || end <= start || end > USER_TOP)
        return -EINVAL;
    struct list_node *n, *pos = &mm->vmas;
    list_for_each(n, &mm->vmas)
    {
        struct vma *v = list_entry(n, struct vma, link);
        if (start < v->end && v->start < end)
            return -EINVAL;
        if (v->start < start)
            pos = n;
    }
    struct vma *v = kzalloc(sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    v->start = start;
    v->end = end;
    v->prot = prot & (VM_READ | VM_WRITE | VM_EXEC);
    list_insert_after(pos, &v->link);
    return 0;
}

/* Map a fresh zeroed frame at page @p va with @p prot; 0 or -ENOMEM. */
static int
map_zero_page(struct mm *mm, vaddr_t va, unsigned prot)
{
    paddr_t pa = pmm_alloc_frame();
    if (pa == 0)
        return -ENOMEM;
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    int err = arch_map_page(mm->root, va, pa, prot | VM_USER);
    if (err < 0)
        pmm_free_frame(pa);
    return err;
}

#if CHAPTER >= 4
/**
 * @brief Does page @p va of region @p v lie wholly past the end of its
 *        file?
 *
 * Such a page has no bytes behind it: Linux answers a touch with SIGBUS
 * (BUS_ADRERR), not zeros. The last, partial page of a file is still
 * mapped, zero after the end. The size is the file's at mmap time.
 * @param v  a region
 * @param va an address in @p v
 * @return true for a file mapping's page at or past the end of the file
 *         rounded up to a page
 */
bool
vma_past_eof(const struct vma *v, vaddr_t va)
{
    if (!(v->flags & VMA_FILE))
        return false;
    uint64_t off = v->file_off + (ALIGN_DOWN(va, PAGE_SIZE) - v->start);
    return off >= ALIGN_UP((uint64_t)v->file_size, PAGE_SIZE);
}

/*
 * A page of a file mapping: a fresh frame holding the file's bytes for
 * this page (zero past the end of the file); 0 or -ENOMEM.
 */
static int
map_file_page(struct mm *mm, struct vma *v, vaddr_t va)
{
    paddr_t pa = pmm_alloc_frame();
    if (pa == 0)
        return -ENOMEM;
    uint8_t *page = phys_to_virt(pa);
    memset(page, 0, PAGE_SIZE);
    uint64_t off = v->file_off + (va - v->start);
    if (off < v->file_size)
        memcpy(page, (const uint8_t *)v->file_data + off,
               MIN(PAGE_SIZE, v->file_size - off));
    int err = arch_map_page(mm->root, va, pa, v->prot | VM_USER);
    if (err < 0)
        pmm_free_frame(pa);
    return err;
}
#endif

#if CHAPTER >= 5
/*
 * A page of a mapping of a file's pages (chapter 5). A shared region maps
 * the file's own frame: stores are writes to the file, and read() and
 * every other sharer see them. A private region maps it read-only, so it
 * sees the file until its first write copies the page (at once, if this
 * fault is that write). 0; -EIO past the end of the file or when the file
 * system has no page to give (SIGBUS); -ENOMEM.
 */
// [map_cached_page]
static int
map_cached_page(struct mm *mm, struct vma *v, vaddr_t va, bool write)
{
    uint64_t index = (v->file_off + (va - v->start)) / PAGE_SIZE;
    struct vm_file_maps *maps = v->file_ops->maps(v->file);
    uint64_t shrinks = maps->shrinks;
    paddr_t pa;
    int err = v->file_ops->page(v->file, index, &pa);
    if (err < 0)
        return err;
    unsigned prot = v->prot;
    if (!(v->flags & VMA_SHARED) && write) {
        paddr_t copy = pmm_alloc_frame();
        if (copy == 0) {
            pmm_put(pa);
            return -ENOMEM;
        }
        memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
        pmm_put(pa);
        pa = copy;
    } else if (!(v->flags & VMA_SHARED)) {
        prot &= ~VM_WRITE; // the file's frame: copy-on-write
    }
    // A truncate may have shrunk the file while page() slept: then this
    // page may lie past the new end, so fault again and ask anew.
    irqflags_t flags = arch_irq_save();
    err = maps->shrinks != shrinks
              ? 1
              : arch_map_page(mm->root, va, pa, prot | VM_USER);
    arch_irq_restore(flags);
    if (err != 0)
        pmm_put(pa);
    return err < 0 ? err : 0;
}
// [map_cached_page]
#endif

/*
 * Copy-on-write: page @p va is present but read-only and the region may be
 * written. The last user keeps the frame; others get a private copy.
 */
// [cow]
static int
break_cow(struct mm *mm, vaddr_t va, paddr_t pa, unsigned prot)
{
    if (pmm_refcount(pa) == 1)
        return arch_uvm_protect(mm->root, va, prot | VM_USER);
    paddr_t copy = pmm_alloc_frame();
    if (copy == 0)
        return -ENOMEM;
    memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
    arch_unmap_page(mm->root, va);
    pmm_put(pa);
    return arch_map_page(mm->root, va, copy, prot | VM_USER);
}
// [cow]

/** The out-of-memory policy; NULL until one registers (chapter 4's
 *  kernel/proc/oom.c). */
static bool (*oom_policy)(void);

/**
 * @brief Register what to do when a user page fault finds no free frame.
 * @param policy returns true when the faulting access should run again
 *               (memory is being freed, or the faulting process itself
 *               was chosen to die), false when nothing can be done
 * @pre at boot, before any process runs
 */
void
mm_set_oom_policy(bool (*policy)(void))
{
    oom_policy = policy;
}

/**
 * @brief A page fault in user mode got -ENOMEM: may the program's access
 *        run again? Without a policy (chapter 3), no: the fault kills the
 *        process.
 * @return true when the policy freed, or is freeing, memory
 * @pre a user-mode page fault of the current process, no locks held
 */
bool
mm_oom_retry(void)
{
    return oom_policy != NULL && oom_policy();
}

/**
 * @brief Resolve a fault at @p va: demand-zero or copy-on-write.
 * @param mm    the faulting address space
 * @param va    the faulting address
 * @param write the access was a write
 * @param exec  the access was an instruction fetch
 * @return 0 when the access may now be retried; -EFAULT when the program
 *         had no right to it (SIGSEGV); -EIO for a file mapping's page
 *         wholly past the end of the file (SIGBUS; a system call that
 *         meets it gives -EFAULT); -ENOMEM
 */
int
mm_fault(struct mm *mm, vaddr_t va, bool write, bool exec)
{
    struct vma *v = mm_find_vma(mm, va);
    if (v == NULL || (write && !(v->prot & VM_WRITE)) ||
        (exec && !(v->prot & VM_EXEC)) || !(v->prot & VM_READ))
        return -EFAULT;
    vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
    paddr_t pa;
    unsigned flags = 0;
    bool present = arch_translate(mm->root, page, &pa, &flags);
#if CHAPTER >= 4
    if (!present && vma_past_eof(v, page))
        return -EIO; // no byte of the file here: SIGBUS
#if CHAPTER >= 5
    if (!present && v->file != NULL)
        return map_cached_page(mm, v, page, write);
#endif
    if (!present && v->file_data)
        return map_file_page(mm, v, page);
    // A shared region's frame is the same for every sharer: never copy.
    if (present && write && !(flags & VM_WRITE) && (v->flags & VMA_SHARED))
        return arch_uvm_protect(mm->root, page, v->prot | VM_USER);
#endif
    if (!present)
        return map_zero_page(mm, page, v->prot);
    if (write && !(flags & VM_WRITE))
        return break_cow(mm, page, pa, v->prot);
    return 0; // already fine: another path mapped it
}

/**
 * @brief Copy kernel bytes into user memory of @p mm (not necessarily the
 *        active one), mapping and un-sharing pages as a write would.
 *
 * Used to load programs and build stacks: it writes through the direct
 * map, and ignores the region's rights (the kernel fills read-only code).
 * @param mm  the address space
 * @param va  user destination
 * @param src kernel source
 * @param len bytes
 * @return 0, -EFAULT (outside every region), -ENOMEM
 */
int
mm_copy_to(struct mm *mm, vaddr_t va, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len > 0) {
        struct vma *v = mm_find_vma(mm, va);
        if (v == NULL)
            return -EFAULT;
        vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
        paddr_t pa;
        unsigned flags;
        int err = 0;
        if (!arch_translate(mm->root, page, &pa, &flags))
            err = map_zero_page(mm, page, v->prot);
        else if (pmm_refcount(pa) > 1)
            err = break_cow(mm, page, pa, v->prot);
        if (err < 0 || !arch_translate(mm->root, va, &pa, NULL))
            return err < 0 ? err : -EFAULT;
        size_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        memcpy(phys_to_virt(pa), s, n);
        s += n;
        va += n;
        len -= n;
    }
    return 0;
}

#if CHAPTER >= 4
/*
 * Fork made every page read-only in both trees; give the writable pages
 * of MAP_SHARED regions their write right back, in both: they are meant
 * to be shared, not copied.
 */
static void
mm_fork_shared(struct mm *parent, struct mm *child)
{
    struct list_node *n;
    list_for_each(n, &parent->vmas)
    {
        struct vma *v = list_entry(n, struct vma, link);
        if (!(v->flags & VMA_SHARED) || !(v->prot & VM_WRITE))
            continue;
        for (vaddr_t va = arch_uvm_skip(parent->root, v->start); va < v->end;
             va = arch_uvm_skip(parent->root, va + PAGE_SIZE)) {
            arch_uvm_protect(parent->root, va, v->prot | VM_USER);
            arch_uvm_protect(child->root, va, v->prot | VM_USER);
        }
    }
}
#endif

/**
 * @brief A copy-on-write copy of @p parent for fork.
 * @param parent the forking process's address space
 * @return the child's mm, or NULL when memory is out
 */
struct mm *
mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    if (child == NULL)
        return NULL;
    struct list_node *n;
    list_for_each(n, &parent->vmas)
    {
        struct vma *v = list_entry(n, struct vma, link);
#if CHAPTER >= 4
        struct vma *c = vma_clone(v);
        if (c == NULL)
            goto err_destroy;
        list_push_back(&child->vmas, &c->link);
        vma_attach(child, c);
#else
        if (mm_map_anon(child, v->start, v->end - v->start, v->prot) < 0)
            goto err_destroy;
#endif
    }
    if (arch_uvm_fork(parent->root, child->root) < 0)
        goto err_destroy;
#if CHAPTER >= 4
    mm_fork_shared(parent, child);
#endif
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    return child;

err_destroy:
    mm_destroy(child);
    return NULL;
}

/**
 * @brief Switch the CPU to @p mm's page tables.
 * @param mm the address space, or NULL for the kernel's own tables
 */
void
mm_activate(struct mm *mm)
{
    arch_pgtable_activate(mm != NULL ? mm->root : vmm_kernel_root());
}
