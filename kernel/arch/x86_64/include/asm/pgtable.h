/**
 * @file
 * @ingroup mm
 * @brief x86_64 page-table entries: the bits, and how an address is split.
 *
 * A 48-bit virtual address is cut into four 9-bit table indices and a
 * 12-bit offset; each index selects one of the 512 8-byte entries of a
 * table, and each entry points at the next table (or, with PS, maps a
 * 2 MiB page directly):
 *
 * @verbatim
 *   63      48 47    39 38    30 29    21 20    12 11          0
 *  +----------+--------+--------+--------+--------+-------------+
 *  | sign ext | PML4   | PDPT   | PD     | PT     | offset      |
 *  +----------+--------+--------+--------+--------+-------------+
 *
 *  a page-table entry (PTE):
 *   63  62..52  51             12 11..9 8 7  6 5 4   3   2   1   0
 *  +--+--------+-----------------+-----+-+--+-+-+---+---+---+---+--+
 *  |NX| avail  | physical frame  |avail|G|PS|D|A|PCD|PWT|U/S|R/W| P|
 *  +--+--------+-----------------+-----+-+--+-+-+---+---+---+---+--+
 * @endverbatim
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include "kernel/types.h"

/** A page-table entry. */
typedef uint64_t pte_t;

#define PTE_PRESENT (1UL << 0)
#define PTE_WRITE (1UL << 1)
#define PTE_USER (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_ACCESSED (1UL << 5)
#define PTE_DIRTY (1UL << 6)
#define PTE_HUGE (1UL << 7) /* PS: 2 MiB page in a PD entry */
#define PTE_GLOBAL (1UL << 8)
#define PTE_NX (1UL << 63)
#if CHAPTER >= 4
/* Software bit in a not-present user leaf: the frame is still the page's,
 * but the region is PROT_NONE (the CPU ignores every bit when P is 0). */
#define PTE_PROTNONE (1UL << 9)
/* A user leaf that holds a frame: present, or kept for a PROT_NONE page. */
#define PTE_USED (PTE_PRESENT | PTE_PROTNONE)
#else
#define PTE_USED PTE_PRESENT
#endif
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PT_ENTRIES 512
#define HUGE_PAGE_SIZE (2UL << 20)

/** Index into the table of @p level (4 = PML4 .. 1 = PT) for @p va. */
#define PT_INDEX(va, level) (((va) >> (12 + 9 * ((level)-1))) & 0x1ff)

#endif /* ASM_PGTABLE_H */
