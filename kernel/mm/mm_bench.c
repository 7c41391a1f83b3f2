/**
 * @file
 * @ingroup mm
 * @brief `test=mm-bench` (what the memory primitives cost) and `mm-stats`.
 *
 * Not a test that can fail on speed (timings never gate anything): it
 * prints the cost of a frame allocation and free, of kmalloc and kfree of
 * a small object, and of mapping and unmapping one page, so a later change
 * can be compared with this one. Cycles come from the time-stamp counter;
 * under QEMU's emulation they are the emulated CPU's, good for comparing
 * two kernels on the same machine, not for absolute claims. `test=mm-stats`
 * prints the frame count and every kmalloc cache's use.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"

#define ROUNDS 2000
#define BENCH_VA 0xffffc00000200000UL

static paddr_t frames[ROUNDS];
static void *objs[ROUNDS];

static void
report(const char *what, uint64_t cycles)
{
    pr_notice("mm-bench: %-24s %6lu cycles/op\n", what, cycles / ROUNDS);
}

static int
selftest_mm_bench(void)
{
    uint64_t t = arch_cycles();
    for (int i = 0; i < ROUNDS; i++)
        frames[i] = pmm_alloc_frame();
    for (int i = 0; i < ROUNDS; i++)
        pmm_free_frame(frames[i]);
    report("frame alloc+free", arch_cycles() - t);

    t = arch_cycles();
    for (int i = 0; i < ROUNDS; i++)
        objs[i] = kmalloc(64);
    for (int i = 0; i < ROUNDS; i++)
        kfree(objs[i]);
    report("kmalloc(64)+kfree", arch_cycles() - t);

    paddr_t pa = pmm_alloc_frame();
    if (pa == 0)
        return selftest_fail("no frame");
    t = arch_cycles();
    for (int i = 0; i < ROUNDS; i++) {
        vmm_map(BENCH_VA, pa, VM_READ | VM_WRITE);
        vmm_unmap(BENCH_VA);
    }
    report("map+unmap one page", arch_cycles() - t);
    pmm_free_frame(pa);
    return 0;
}
SELFTEST("mm-bench", selftest_mm_bench, 0);

/* `test=mm-stats`: allocate a little, print the statistics, free it. */
static int
selftest_mm_stats(void)
{
    void *a = kmalloc(100), *b = kmalloc(3000);
    kmalloc_print_stats();
    kfree(a);
    kfree(b);
    if (a == NULL || b == NULL)
        return selftest_fail("kmalloc failed");
    return 0;
}
SELFTEST("mm-stats", selftest_mm_stats, 0);
