/**
 * @file
 * @ingroup mm
 * @brief The x86_64 page-table walker: map, unmap, translate, explain.
 *
 * Everything that knows the x86_64 page-table format lives here; the
 * portable kernel (kernel/mm/vmm.c) speaks of VM_READ/VM_WRITE/VM_EXEC
 * and calls these arch_* functions. A walk starts at the root (CR3), takes
 * one 9-bit index per level and follows the entry down, creating missing
 * tables on the way when asked to. Tables are whole frames from the frame
 * allocator, reached through the direct map.
 *
 * Locking: the caller serialises changes to one tree (chapter 2 has one
 * tree, changed at boot and by self-tests with interrupts off). The TLB is
 * flushed per page with invlpg; with more CPUs that is where a shootdown
 * would go (marked SMP below).
 */
#include "asm/pgtable.h"
#include "asm/cpu.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* Turn portable VM_* flags into the bits of a leaf entry. */
static pte_t
pte_flags(unsigned vmflags)
{
    pte_t f = PTE_PRESENT;
    if (vmflags & VM_WRITE)
        f |= PTE_WRITE;
    if (vmflags & VM_USER)
        f |= PTE_USER;
    if (vmflags & VM_GLOBAL)
        f |= PTE_GLOBAL;
    if (!(vmflags & VM_EXEC))
        f |= PTE_NX;
    return f;
}

/* The table an entry points to, through the direct map. */
static pte_t *
pte_table(pte_t e)
{
    return phys_to_virt(e & PTE_ADDR_MASK);
}

/* A fresh, zeroed page-table frame, or 0 when memory is out. */
static paddr_t
table_alloc(void)
{
    paddr_t pa = pmm_alloc_frame();
    if (pa != 0)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/**
 * @brief Find the entry for @p va at level @p stop, creating tables if asked.
 *
 * Walks from the PML4 (level 4) down to level @p stop (1 for a 4 KiB page,
 * 2 for a 2 MiB page). Intermediate entries are created writable and
 * user-accessible where the leaf asks for it: the leaf entry alone decides
 * what is allowed.
 *
 * @param root   physical address of the PML4
 * @param va     the virtual address
 * @param stop   level of the wanted entry (1 or 2)
 * @param create allocate missing tables (else return NULL)
 * @param user   the mapping is for user mode (sets U/S on the way)
 * @return the entry's address, or NULL (missing, out of memory, or a huge
 *         page in the way)
 */
// [walk]
static pte_t *
pgtable_walk(paddr_t root, vaddr_t va, int stop, bool create, bool user)
{
    // >>> exercise 2.2 page-walk
    pte_t *table = phys_to_virt(root);
    for (int level = 4; level > stop; level--) {
        pte_t *e = &table[PT_INDEX(va, level)];
        if (!(*e & PTE_PRESENT)) {
            if (!create)
                return NULL;
            paddr_t next = table_alloc();
            if (next == 0)
                return NULL;
            *e = next | PTE_PRESENT | PTE_WRITE;
        }
        if (*e & PTE_HUGE)
            return NULL;
        if (user)
            *e |= PTE_USER;
        table = pte_table(*e);
    }
    return &table[PT_INDEX(va, stop)];
    // === stub: no walk; every mapping fails
    // (void)root;
    // (void)va;
    // (void)stop;
    // (void)create;
    // (void)user;
    // (void)table_alloc;
    // (void)pte_table;
    // return NULL;
    // <<< exercise 2.2 page-walk
}
// [walk]

/**
 * @brief Drop the TLB entry of one page (SMP: shoot down other CPUs).
 * @param va any address in the page
 */
static void
flush_page(vaddr_t va)
{
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/**
 * @brief Map the 4 KiB page at @p va to frame @p pa in the tree @p root.
 * @param root    physical address of the PML4
 * @param va      page-aligned virtual address
 * @param pa      page-aligned physical address
 * @param vmflags VM_READ | VM_WRITE | VM_EXEC | VM_USER | VM_GLOBAL
 * @return 0, -EINVAL (misaligned), -EEXIST (already mapped), -ENOMEM
 */
int
arch_map_page(paddr_t root, vaddr_t va, paddr_t pa, unsigned vmflags)
{
    if ((va | pa) & (PAGE_SIZE - 1))
        return -EINVAL;
    pte_t *e = pgtable_walk(root, va, 1, true, vmflags & VM_USER);
    if (e == NULL)
        return -ENOMEM;
    if (*e & PTE_PRESENT)
        return -EEXIST;
    *e = pa | pte_flags(vmflags);
    flush_page(va);
    return 0;
}

/**
 * @brief Map a 2 MiB page at @p va (used for the direct map).
 * @param root    physical address of the PML4
 * @param va      2 MiB aligned virtual address
 * @param pa      2 MiB aligned physical address
 * @param vmflags as for arch_map_page()
 * @return 0, -EINVAL, -EEXIST, -ENOMEM
 */
int
arch_map_huge(paddr_t root, vaddr_t va, paddr_t pa, unsigned vmflags)
{
    if ((va | pa) & (HUGE_PAGE_SIZE - 1))
        return -EINVAL;
    pte_t *e = pgtable_walk(root, va, 2, true, vmflags & VM_USER);
    if (e == NULL)
        return -ENOMEM;
    if (*e & PTE_PRESENT)
        return -EEXIST;
    *e = pa | pte_flags(vmflags) | PTE_HUGE;
    flush_page(va);
    return 0;
}

/**
 * @brief Remove the 4 KiB mapping at @p va (tables stay allocated).
 * @param root physical address of the PML4
 * @param va   page-aligned virtual address
 * @return 0, or -ENOENT when nothing is mapped there
 */
int
arch_unmap_page(paddr_t root, vaddr_t va)
{
    pte_t *e = pgtable_walk(root, va & ~(PAGE_SIZE - 1), 1, false, false);
    if (e == NULL || !(*e & PTE_PRESENT))
        return -ENOENT;
    *e = 0;
    flush_page(va);
    return 0;
}

/**
 * @brief What does @p va map to? Follows 2 MiB pages too.
 * @param root    physical address of the PML4
 * @param va      any virtual address
 * @param pa      if not NULL, receives the physical address of @p va
 * @param vmflags if not NULL, receives the VM_* permissions
 * @return true when @p va is mapped
 */
bool
arch_translate(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *vmflags)
{
    pte_t *table = phys_to_virt(root);
    for (int level = 4; level >= 1; level--) {
        pte_t e = table[PT_INDEX(va, level)];
        if (!(e & PTE_PRESENT))
            return false;
        if (level == 1 || (level == 2 && (e & PTE_HUGE))) {
            uint64_t size = level == 1 ? PAGE_SIZE : HUGE_PAGE_SIZE;
            if (pa)
                *pa = (e & PTE_ADDR_MASK & ~(size - 1)) + (va & (size - 1));
            if (vmflags)
                *vmflags = VM_READ | (e & PTE_WRITE ? VM_WRITE : 0) |
                           (e & PTE_NX ? 0 : VM_EXEC) |
                           (e & PTE_USER ? VM_USER : 0) |
                           (e & PTE_GLOBAL ? VM_GLOBAL : 0);
            return true;
        }
        table = pte_table(e);
    }
    return false;
}

/* Describe one entry's flags in words, for the walk dump. */
static void
pte_describe(pte_t e, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s%s%s", e & PTE_PRESENT ? "P" : "-",
             e & PTE_WRITE ? " W" : " ro", e & PTE_USER ? " U" : " K",
             e & PTE_HUGE ? " PS" : "", e & PTE_GLOBAL ? " G" : "",
             e & PTE_DIRTY ? " D" : "", e & PTE_NX ? " NX" : " X");
}

/**
 * @brief Print the walk for @p va level by level: the page-fault diagnostic.
 *
 * Shows, for each level, the index used, the raw entry and its flags, and
 * stops where the walk stops (a missing entry or a leaf).
 * @param root physical address of the PML4
 * @param va   the address to explain
 */
void
arch_dump_walk(paddr_t root, vaddr_t va)
{
    static const char *const names[5] = {"", "PT", "PD", "PDPT", "PML4"};
    pte_t *table = phys_to_virt(root);
    pr_emerg("  page walk for 0x%016lx (cr3=0x%lx):\n", va, root);
    for (int level = 4; level >= 1; level--) {
        unsigned idx = PT_INDEX(va, level);
        pte_t e = table[idx];
        char what[40];
        pte_describe(e, what, sizeof(what));
        pr_emerg("    %-4s[%3u] = 0x%016lx  %s\n", names[level], idx, e,
                 e & PTE_PRESENT ? what : "not present");
        if (!(e & PTE_PRESENT) || level == 1 || (e & PTE_HUGE))
            return;
        table = pte_table(e);
    }
}

/**
 * @brief A new, empty top-level table.
 * @return its physical address, or 0 when memory is out
 */
paddr_t
arch_pgtable_create(void)
{
    return table_alloc();
}

/**
 * @brief Make @p root the active page-table tree (load CR3).
 * @param root physical address of the PML4
 */
void
arch_pgtable_activate(paddr_t root)
{
    write_cr3(root);
}

/**
 * @brief The active page-table tree (CR3).
 * @return physical address of the active PML4
 */
paddr_t
arch_pgtable_active(void)
{
    return read_cr3() & PTE_ADDR_MASK;
}

/**
 * @brief The time-stamp counter: CPU cycles, for benchmarks only.
 * @return the cycle count since the CPU was reset
 */
uint64_t
arch_cycles(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
