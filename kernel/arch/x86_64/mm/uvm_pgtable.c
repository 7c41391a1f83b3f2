/**
 * @file
 * @ingroup mm
 * @brief Whole-tree operations on user page tables: create, fork, destroy.
 *
 * A user address space is a PML4 whose lower half (slots 0-255) maps the
 * program and whose upper half (slots 256-511) is a copy of the kernel's
 * top-level entries, so the kernel is mapped the same in every process.
 * Only the lower half belongs to the process: fork copies it, destroy frees
 * it. Frames that fork shares are counted with pmm_ref()/pmm_put(), and both
 * sides lose write access, so the first write makes a private copy
 * (copy-on-write, kernel/mm/uvm.c).
 *
 * Locking: the caller owns the trees (the process is single-threaded in
 * chapter 3 and the scheduler does not touch its tables).
 */
#include "asm/cpu.h"
#include "asm/pgtable.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#define USER_SLOTS 256

/**
 * @brief A new tree sharing the kernel half of @p kernel_root.
 * @param kernel_root the kernel's PML4
 * @return the new PML4's physical address, or 0 when memory is out
 */
paddr_t
arch_uvm_create(paddr_t kernel_root)
{
    paddr_t root = arch_pgtable_create();
    if (root == 0)
        return 0;
    pte_t *dst = phys_to_virt(root), *src = phys_to_virt(kernel_root);
    memcpy(dst + USER_SLOTS, src + USER_SLOTS, USER_SLOTS * sizeof(pte_t));
    return root;
}

/* Copy one page-table level of the user half for fork; returns 0 or
 * -ENOMEM. Leaves are shared read-only with their frames' counts raised. */
static int
fork_level(pte_t *parent, pte_t *child, int level, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        pte_t e = parent[i];
        if (!(e & (level == 1 ? PTE_USED : PTE_PRESENT)))
            continue;
        if (level == 1) {
            e &= ~PTE_WRITE; // both sides read-only: copy on write
            parent[i] = e;
            child[i] = e;
            pmm_ref(e & PTE_ADDR_MASK);
            continue;
        }
        paddr_t table = arch_pgtable_create();
        if (table == 0)
            return -ENOMEM;
        child[i] = table | (e & ~PTE_ADDR_MASK);
        int err = fork_level(phys_to_virt(e & PTE_ADDR_MASK),
                             phys_to_virt(table), level - 1, PT_ENTRIES);
        if (err < 0)
            return err;
    }
    return 0;
}

/**
 * @brief Give @p child a copy-on-write copy of @p parent's user half.
 *
 * Every present user page becomes read-only in both trees and its frame's
 * share count goes up by one. The parent's TLB is flushed, since its
 * writable entries just changed.
 * @param parent the forking process's PML4
 * @param child  a tree from arch_uvm_create() with an empty user half
 * @return 0, or -ENOMEM (the child is then half built: destroy it)
 */
int
arch_uvm_fork(paddr_t parent, paddr_t child)
{
    int err =
        fork_level(phys_to_virt(parent), phys_to_virt(child), 4, USER_SLOTS);
    if (read_cr3() == parent)
        write_cr3(parent);
    return err;
}

/* Free one level of the user half: drop frames' counts, free tables. */
static void
destroy_level(pte_t *table, int level, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        pte_t e = table[i];
        if (!(e & (level == 1 ? PTE_USED : PTE_PRESENT)))
            continue;
        if (level == 1) {
            pmm_put(e & PTE_ADDR_MASK);
            continue;
        }
        destroy_level(phys_to_virt(e & PTE_ADDR_MASK), level - 1, PT_ENTRIES);
        pmm_free_frame(e & PTE_ADDR_MASK);
    }
}

/**
 * @brief Free a user tree: its frames (shared ones only lose a count),
 *        its tables and the PML4. The kernel half is left alone.
 * @param root a tree from arch_uvm_create(), not the active one
 */
void
arch_uvm_destroy(paddr_t root)
{
    destroy_level(phys_to_virt(root), 4, USER_SLOTS);
    pmm_free_frame(root);
}

/* The leaf entry for user page @p va, or NULL when no table holds one. */
static pte_t *
uvm_leaf(paddr_t root, vaddr_t va)
{
    pte_t *table = phys_to_virt(root);
    for (int level = 4; level > 1; level--) {
        pte_t e = table[PT_INDEX(va, level)];
        if (!(e & PTE_PRESENT) || (e & PTE_HUGE))
            return NULL;
        table = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return &table[PT_INDEX(va, 1)];
}

/**
 * @brief Change the rights of the present 4 KiB page at @p va.
 * @param root    the tree
 * @param va      the page
 * @param vmflags the new VM_* rights (VM_USER kept as it was); from
 *                chapter 4, without VM_READ the page becomes PROT_NONE:
 *                not present, its frame kept in the entry
 * @return 0, or -ENOENT when nothing is mapped there
 */
int
arch_uvm_protect(paddr_t root, vaddr_t va, unsigned vmflags)
{
    pte_t *leaf = uvm_leaf(root, va);
    if (leaf == NULL || !(*leaf & PTE_USED))
        return -ENOENT;
    pte_t e = *leaf & ~(PTE_WRITE | PTE_NX);
    if (vmflags & VM_WRITE)
        e |= PTE_WRITE;
    if (!(vmflags & VM_EXEC))
        e |= PTE_NX;
#if CHAPTER >= 4
    // PROT_NONE: not present for the CPU, but the frame stays the page's.
    e = (e & ~PTE_PROTNONE) | PTE_PRESENT;
    if (!(vmflags & VM_READ))
        e = (e & ~PTE_PRESENT) | PTE_PROTNONE;
#endif
    *leaf = e;
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
    return 0;
}

#if CHAPTER >= 4
/**
 * @brief The frame user page @p va holds, present or PROT_NONE.
 * @param root the tree
 * @param va   the page
 * @param pa   receives the frame's physical address
 * @return true when the page holds a frame
 */
bool
arch_uvm_lookup(paddr_t root, vaddr_t va, paddr_t *pa)
{
    pte_t *leaf = uvm_leaf(root, va);
    if (leaf == NULL || !(*leaf & PTE_USED))
        return false;
    *pa = *leaf & PTE_ADDR_MASK;
    return true;
}

/**
 * @brief Remove user page @p va's entry and hand its frame to the caller.
 *
 * The caller owns the frame's reference afterwards (pmm_put() it, or map
 * it elsewhere). The TLB entry is flushed.
 * @param root the tree
 * @param va   the page
 * @param pa   receives the frame's physical address
 * @return true when the page held a frame; false when there was none
 */
bool
arch_uvm_take(paddr_t root, vaddr_t va, paddr_t *pa)
{
    pte_t *leaf = uvm_leaf(root, va);
    if (leaf == NULL || !(*leaf & PTE_USED))
        return false;
    *pa = *leaf & PTE_ADDR_MASK;
    *leaf = 0;
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
    return true;
}
/**
 * @brief The first page at or after @p va that may hold a frame.
 *
 * Loops over the pages of a large region (munmap of a 1 TiB PROT_NONE
 * reservation) would take hours page by page; most of such a range has no
 * page tables at all. Where a table is missing, this skips to the start of
 * the range the next entry of that level covers.
 * @param root the tree
 * @param va   a page address
 * @return @p va when its last-level table exists, else the next candidate
 */
vaddr_t
arch_uvm_skip(paddr_t root, vaddr_t va)
{
    pte_t *table = phys_to_virt(root);
    for (int level = 4; level > 1; level--) {
        pte_t e = table[PT_INDEX(va, level)];
        if (!(e & PTE_PRESENT) || (e & PTE_HUGE)) {
            uint64_t span = 1UL << (PAGE_SHIFT + 9 * (level - 1));
            return ALIGN_DOWN(va, span) + span;
        }
        table = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return va;
}
#endif
