/**
 * @file
 * @ingroup mm
 * @brief Regions of a file's pages: references, the file's list of its
 *        mappings, and the truncate that unmaps past the new end.
 *
 * A mapping of a file (mmap of a tmpfs file, a memfd) maps the file's own
 * pages, its page cache (kernel/mm/uvm.c, map_cached_page()). Its region
 * holds a reference to the file for as long as it exists, and sits on the
 * file's list of regions (struct vm_file_maps), because a truncate must
 * unmap the pages past the new end from every process that maps them
 * (vm_file_shrink()). The region hooks here keep both as regions are
 * copied (fork, a split, a new mapping), placed and freed.
 *
 * Locking: the file lists, and the bounds of the regions on them, change
 * with interrupts off, so the truncate's walk sees no region half-changed
 * (one CPU; an address-space lock comes with threads).
 */
#include "kernel/arch.h"
#include "kernel/mm.h"

/* A copy of a region: its own reference to the file; on no list yet. */
static void
filemap_clone(struct vma *c)
{
    list_init(&c->file_link); // on the file's list once vma_attach()ed
    if (c->file != NULL)
        c->file_ops->get(c->file);
}

/* A region placed in @p mm: note it with its file, whose truncate must
 * find it (vm_file_shrink()). */
static void
filemap_attach(struct mm *mm, struct vma *v)
{
    irqflags_t flags = arch_irq_save();
    v->mm = mm;
    if (v->file != NULL)
        list_push_back(&v->file_ops->maps(v->file)->vmas, &v->file_link);
    arch_irq_restore(flags);
}

/* A region goes away: off its file's list, and the file's reference. */
static void
filemap_free(struct vma *v)
{
    if (v->file == NULL)
        return;
    irqflags_t flags = arch_irq_save();
    list_remove(&v->file_link);
    arch_irq_restore(flags);
    v->file_ops->put(v->file);
}

vma_hooks(filemap, .clone = filemap_clone, .attach = filemap_attach,
          .free = filemap_free);

/**
 * @brief The file of @p maps shrank to @p from pages: unmap its pages
 *        from @p from on from every region that maps them.
 *
 * Shared and private pages alike (a private copy of a page past the end
 * goes too, as on Linux): a touch there is then SIGBUS. The walk runs
 * with interrupts off, so no region changes under it; a fault that got a
 * page before the truncate sees @p maps->shrinks move and retries.
 * @param maps the file's regions
 * @param from the first page index past the new end
 * @pre the file's lock held (vfs_lock: no page is handed out meanwhile)
 */
void
vm_file_shrink(struct vm_file_maps *maps, uint64_t from)
{
    irqflags_t flags = arch_irq_save();
    maps->shrinks++;
    struct list_node *n;
    list_for_each(n, &maps->vmas)
    {
        struct vma *v = list_entry(n, struct vma, file_link);
        uint64_t first = v->file_off / PAGE_SIZE; // the page at v->start
        uint64_t count = (v->end - v->start) / PAGE_SIZE;
        if (from >= first + count)
            continue;
        vaddr_t start = v->start;
        if (from > first)
            start += (from - first) * PAGE_SIZE;
        mm_drop_pages(v->mm, start, v->end);
    }
    arch_irq_restore(flags);
}
