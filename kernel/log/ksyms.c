/**
 * @file
 * @ingroup lib
 * @brief Look up kernel function names by address.
 *
 * tools/gen-ksyms.sh turns `nm` output of the first link into assembly that
 * defines, in section .ksyms:
 *
 *   ksyms_count            number of symbols
 *   ksyms_addrs[count]     start addresses, sorted ascending
 *   ksyms_sizes[count]     sizes in bytes
 *   ksyms_names[count]     offsets into ksyms_strings
 *   ksyms_strings          the names, NUL-terminated, back to back
 *
 * A lookup is a binary search for the last symbol that starts at or below
 * the address. Read-only data: no locking.
 */
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/string.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint64_t ksyms_sizes[];
extern const uint32_t ksyms_names[];
extern const char ksyms_strings[];

/**
 * @brief Find the function that contains @p addr.
 * @param addr any kernel text address
 * @param out  filled in on success
 * @return true if a symbol covers @p addr (or precedes it, size unknown)
 */
bool
ksym_lookup(uint64_t addr, struct ksym *out)
{
    uint64_t lo = 0, hi = ksyms_count;
    if (hi == 0 || addr < ksyms_addrs[0])
        return false;
    // invariant: ksyms_addrs[lo] <= addr, and addr < ksyms_addrs[hi]
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_sizes[lo] != 0 && addr >= ksyms_addrs[lo] + ksyms_sizes[lo])
        return false;
    out->name = &ksyms_strings[ksyms_names[lo]];
    out->addr = ksyms_addrs[lo];
    out->size = ksyms_sizes[lo];
    return true;
}

/**
 * @brief Write `name+0xoff/0xsize` for @p addr into @p buf (or `?`).
 * @param buf  destination
 * @param size its size
 * @param addr the address to describe
 * @return as snprintf()
 */
int
ksym_format(char *buf, size_t size, uint64_t addr)
{
    struct ksym s;
    if (!ksym_lookup(addr, &s))
        return snprintf(buf, size, "?");
    return snprintf(buf, size, "%s+0x%lx/0x%lx", s.name, addr - s.addr, s.size);
}

/**
 * @brief The address of the function called @p name, or 0.
 * @param name a function name
 * @return its start address, 0 when no function has that name
 */
uint64_t
ksym_address(const char *name)
{
    for (uint64_t i = 0; i < ksyms_count; i++) {
        if (strcmp(&ksyms_strings[ksyms_names[i]], name) == 0)
            return ksyms_addrs[i];
    }
    return 0;
}
