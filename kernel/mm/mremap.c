/**
 * @file
 * @ingroup mm
 * @brief mremap: grow or shrink a region, in place or by moving it.
 *
 * realloc() of a large block asks the kernel to resize the mapping under
 * it. Shrinking unmaps the tail. Growing extends the region in place when
 * the pages after it are free; otherwise, with MREMAP_MAYMOVE, a new range
 * is found and the pages move there: their page-table entries move, not
 * the bytes, so the frames (and any copy-on-write sharing) stay as they
 * were.
 *
 * @verbatim
 *   in place:  [old ......)[free ....]   ->  [old ..........new)
 *   moved:     [old ......)[other)  ...  [free ...........]
 *                  |  entries move  ->   [new ............)
 * @endverbatim
 *
 * Locking: a process's mm is only used by its one thread.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* Map frame @p pa at @p va with region @p v's rights (see mprotect). */
static void
map_moved_page(struct mm *mm, struct vma *v, vaddr_t va, paddr_t pa)
{
    unsigned rights = v->prot;
    if (!(v->flags & VMA_SHARED) && pmm_refcount(pa) > 1)
        rights &= ~VM_WRITE;
    if (arch_map_page(mm->root, va, pa, rights | VM_READ | VM_USER) < 0) {
        pmm_put(pa); // no table for it: the page reads back as zeros
        return;
    }
    if (!(rights & VM_READ))
        arch_uvm_protect(mm->root, va, rights | VM_USER);
}

/* Move region @p v (whole) to @p to, entries and all. */
static void
vma_move(struct mm *mm, struct vma *v, vaddr_t to)
{
    for (vaddr_t va = arch_uvm_skip(mm->root, v->start); va < v->end;
         va = arch_uvm_skip(mm->root, va + PAGE_SIZE)) {
        paddr_t pa;
        if (arch_uvm_take(mm->root, va, &pa))
            map_moved_page(mm, v, to + (va - v->start), pa);
    }
    // one step for a truncate's walk (vm_file_shrink()): interrupts off
    irqflags_t flags = arch_irq_save();
    list_remove(&v->link);
    v->end = to + (v->end - v->start);
    v->start = to;
    mm_insert_vma(mm, v);
    arch_irq_restore(flags);
}

/* Grow region @p v by @p more bytes at its end, in place or moved;
 * returns its (new) start or -errno. */
static long
vma_grow(struct mm *mm, struct vma *v, size_t more, int flags)
{
    size_t len = v->end - v->start;
    if (v->end <= TASK_SIZE - more &&
        mm_range_free(mm, v->end, v->end + more)) {
        v->end += more;
    } else {
        if (!(flags & MREMAP_MAYMOVE))
            return -ENOMEM;
        vaddr_t to = mm_find_gap(mm, len + more);
        if (to == 0)
            return -ENOMEM;
        vma_move(mm, v, to);
        v->end += more;
    }
    if (v->flags & VMA_SHARED)
        return mm_populate(mm, v->end - more, v->end) < 0 ? -ENOMEM
                                                          : (long)v->start;
    return (long)v->start;
}

/**
 * @brief mremap(old, old_len, new_len, flags): resize a mapping.
 *
 * Linux's order: @p old must be in a region (-EFAULT); then a shrink
 * (new_len <= old_len, once rounded up) is an munmap of the tail, which
 * may reach past that region; only growing needs the old range to be
 * one region, and a length of 0 (Linux's "duplicate a shared mapping")
 * is refused there. Growing a private writable region by more than all
 * of memory is -ENOMEM (mm_commit_ok(); Keel does not track
 * MAP_NORESERVE on a region, so such a region is checked too).
 * @param mm      the address space
 * @param old     page-aligned start of the mapping
 * @param old_len its length (rounded up to pages); it must lie in one
 *                region
 * @param new_len the length wanted
 * @param flags   MREMAP_MAYMOVE; MREMAP_FIXED and MREMAP_DONTUNMAP are not
 *                supported (-EINVAL)
 * @return the mapping's address; -EINVAL (alignment, flags, a new length
 *         of 0 once rounded up to pages, a shrink whose tail leaves user
 *         space, an old length of 0); -EFAULT (@p old in no region, or a
 *         growing old range not one region); -ENOMEM (no room: a new
 *         length beyond TASK_SIZE too, as on Linux; more than memory)
 */
long
mm_mremap(struct mm *mm, vaddr_t old, size_t old_len, size_t new_len, int flags)
{
    if ((old & (PAGE_SIZE - 1)) || (flags & ~MREMAP_MAYMOVE))
        return -EINVAL;
    old_len = ALIGN_UP(old_len, PAGE_SIZE); // within a page of 2^64: 0
    new_len = ALIGN_UP(new_len, PAGE_SIZE);
    if (new_len == 0)
        return -EINVAL;
    struct vma *v = mm_find_vma(mm, old);
    if (v == NULL)
        return -EFAULT;
    if (new_len <= old_len) {
        vaddr_t tail = old + new_len;
        if (new_len == old_len)
            return (long)old; // nothing to unmap (Linux ignores the EINVAL)
        if (tail < old || tail > TASK_SIZE ||
            old_len - new_len > TASK_SIZE - tail)
            return -EINVAL; // munmap's own check
        int err = mm_unmap_range(mm, tail, old + old_len);
        return err < 0 ? err : (long)old;
    }
    if (old_len == 0)
        return -EINVAL; // duplicating a shared mapping: not supported
    if (old_len > v->end - old)
        return -EFAULT; // the old range runs past its region
    if (new_len > TASK_SIZE)
        return -ENOMEM; // no room for it anywhere, as Linux finds
    if (!(v->flags & VMA_SHARED) && (v->prot & VM_WRITE) &&
        !mm_commit_ok(new_len - old_len))
        return -ENOMEM; // more than memory: Linux's overcommit check

    // Make the old range a region of its own, then grow it.
    if (v->start < old)
        v = mm_split_vma(mm, v, old);
    if (v != NULL && v->end > old + old_len &&
        mm_split_vma(mm, v, old + old_len) == NULL)
        v = NULL;
    if (v == NULL)
        return -ENOMEM;
    return vma_grow(mm, v, new_len - old_len, flags);
}
