/**
 * @file
 * @ingroup mm
 * @brief Regions of an address space: split, insert, find a gap, unmap.
 *
 * mmap, munmap, mprotect and mremap (kernel/mm/mmap.c, kernel/mm/mremap.c)
 * are built from a few operations on the sorted list of regions (struct
 * vma, mm->vmas) and on the pages behind them:
 *
 * @verbatim
 *   split at b:        [a ............ c)   ->   [a .... b)[b .... c)
 *   unmap [b, c):      [a .... b)[b .... c)[c .. d)  ->  [a .... b)   [c .. d)
 *                                 ^ frames put back, entries cleared
 *   find a gap (top-down, below MMAP_TOP):
 *      MMAP_MIN_ADDR  [code][data][heap]      gap      [mmap][mmap] MMAP_TOP
 *                                           ^ the highest gap that fits
 * @endverbatim
 *
 * A region always covers whole pages and never overlaps another; splitting
 * keeps both halves' rights, sharing and file offset consistent, so every
 * later operation can work on whole regions.
 *
 * Frames: a page's frame may be shared (copy-on-write after fork, or a
 * MAP_SHARED region); dropping a page calls pmm_put(), which frees the
 * frame only when its last user lets go.
 *
 * Subsystems with state in regions register region hooks (vma_hooks())
 * that vma_clone(), vma_attach() and vma_free() run: so a region's owner
 * can keep references and lists without this file naming it.
 *
 * Locking: as for kernel/mm/uvm.c, a process's mm is only used by its one
 * thread; a split changes the bounds with interrupts off, so a walk with
 * interrupts off (a file truncate's) never sees a half-split region.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* The region hooks, gathered by the linker (kernel.ld). */
extern const struct vma_hooks __vma_hooks_start[], __vma_hooks_end[];

/** Every registration @p h of region hooks. */
#define for_each_vma_hooks(h)                                                  \
    for_each_in_set(h, __vma_hooks_start, __vma_hooks_end)

/**
 * @brief A copy of region @p v (not on any list).
 *
 * The region hooks take the copy's own references (a file mapping's
 * file: fork, split and a new mapping each make one).
 * @param v the region to copy
 * @return the copy, or NULL when memory is out
 */
struct vma *
vma_clone(const struct vma *v)
{
    struct vma *c = kmalloc(sizeof(*c));
    if (c == NULL)
        return NULL;
    *c = *v;
    for_each_vma_hooks(h)
    {
        if (h->clone != NULL)
            h->clone(c);
    }
    return c;
}

/**
 * @brief Region @p v now belongs to @p mm: the region hooks note it (a
 *        file mapping goes on its file's list, for the truncate's walk).
 * @param mm the address space @p v was put in
 * @param v  a region from vma_clone(), on @p mm's list
 */
void
vma_attach(struct mm *mm, struct vma *v)
{
    for_each_vma_hooks(h)
    {
        if (h->attach != NULL)
            h->attach(mm, v);
    }
}

/**
 * @brief Free region @p v (already off its list; its pages dropped).
 * @param v a region from vma_clone() or mm_map_anon()
 */
void
vma_free(struct vma *v)
{
    for_each_vma_hooks(h)
    {
        if (h->free != NULL)
            h->free(v);
    }
    kfree(v);
}

/**
 * @brief Split region @p v at @p at into [start, at) and [at, end).
 * @param mm the address space @p v belongs to
 * @param v  a region on its mm's list
 * @param at a page-aligned address strictly inside @p v
 * @return the new upper half (already on the list after @p v), or NULL
 *         when memory is out (@p v is then unchanged)
 */
struct vma *
mm_split_vma(struct mm *mm, struct vma *v, vaddr_t at)
{
    struct vma *hi = vma_clone(v);
    if (hi == NULL)
        return NULL;
    // one step for a truncate's walk (vm_file_shrink()): interrupts off
    irqflags_t flags = arch_irq_save();
    hi->start = at;
    hi->file_off = v->file_off + (at - v->start);
    v->end = at;
    list_insert_after(&v->link, &hi->link);
    vma_attach(mm, hi);
    arch_irq_restore(flags);
    return hi;
}

/**
 * @brief Put region @p v on @p mm's list, keeping it sorted.
 * @param mm the address space
 * @param v  a region that overlaps none of @p mm's
 */
void
mm_insert_vma(struct mm *mm, struct vma *v)
{
    struct list_node *n, *pos = &mm->vmas;
    list_for_each(n, &mm->vmas)
    {
        if (list_entry(n, struct vma, link)->start < v->start)
            pos = n;
    }
    list_insert_after(pos, &v->link);
}

/**
 * @brief Forget the pages of [start, end): clear their entries and put
 *        their frames (freed when no one else uses them).
 * @param mm    the address space
 * @param start page-aligned first byte
 * @param end   page-aligned end
 */
void
mm_drop_pages(struct mm *mm, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = arch_uvm_skip(mm->root, start); va < end;
         va = arch_uvm_skip(mm->root, va + PAGE_SIZE)) {
        paddr_t pa;
        if (arch_uvm_take(mm->root, va, &pa))
            pmm_put(pa);
    }
}

/**
 * @brief Remove [start, end) from @p mm: regions are cut to fit, pages
 *        and frames dropped. Parts that were never mapped are skipped.
 * @param mm    the address space
 * @param start page-aligned first byte
 * @param end   page-aligned end
 * @return 0, or -ENOMEM when a region could not be split (nothing changed
 *         in that region)
 */
int
mm_unmap_range(struct mm *mm, vaddr_t start, vaddr_t end)
{
    struct list_node *n = mm->vmas.next;
    while (n != &mm->vmas) {
        struct vma *v = list_entry(n, struct vma, link);
        n = n->next;
        if (v->end <= start || v->start >= end)
            continue;
        // Cut off what lies outside the range; it stays.
        if (v->start < start && mm_split_vma(mm, v, start) == NULL)
            return -ENOMEM;
        if (v->start < start) {
            n = v->link.next; // the upper half is next: handle it then
            continue;
        }
        if (v->end > end && mm_split_vma(mm, v, end) == NULL)
            return -ENOMEM;
        mm_drop_pages(mm, v->start, v->end);
        n = v->link.next;
        list_remove(&v->link);
        vma_free(v);
    }
    return 0;
}

/**
 * @brief Give every page of [start, end) a frame now (MAP_POPULATE, and
 *        MAP_SHARED regions, whose frames must exist before a fork).
 *
 * A file mapping is filled up to the end of its file only: the pages
 * wholly past it stay empty, so that a touch is SIGBUS (vma_past_eof()).
 * @param mm    the address space
 * @param start page-aligned first byte, inside one region
 * @param end   page-aligned end
 * @return 0, or -ENOMEM
 */
int
mm_populate(struct mm *mm, vaddr_t start, vaddr_t end)
{
    struct vma *v = mm_find_vma(mm, start);
    if (v == NULL || !(v->prot & VM_READ))
        return 0; // PROT_NONE: nothing to touch
    if ((end - start) / PAGE_SIZE > pmm_free_frames())
        return -ENOMEM; // would only fail after taking every frame
    for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
        int err = mm_fault(mm, va, false, false);
        if (err == -EIO)
            break; // past the end of the file: no page, a touch is SIGBUS
        if (err < 0)
            return err;
    }
    return 0;
}
