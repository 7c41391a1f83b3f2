/**
 * @file
 * @ingroup mm
 * @brief Self-tests of the kernel page tables: mapping, layout, protection.
 *
 * `vmm` maps a fresh frame at an unused kernel address, writes through
 * the new mapping and reads the same bytes through the direct map, then
 * unmaps it and checks the error cases. `vmm-layout` checks the
 * permissions vmm_init() gave each part of the image. Two tests crash on
 * purpose, and the grader reads their reports: `nx-text` writes to kernel
 * code (a protection fault), `stack-guard` recurses until it runs into the
 * boot stack's guard page (a double fault on its own IST stack).
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "uapi/errno.h"

/** A kernel address nothing else uses (below the direct map's end). */
#define TEST_VA 0xffffc00000000000UL
#define PATTERN 0x5a17c0de5a17c0deUL

extern char __text_start[], __rodata_start[], __data_start[];
extern char boot_stack_guard[];

/* Map, use, unmap one page; check every error the calls promise. */
static int
selftest_vmm(void)
{
    paddr_t pa = pmm_alloc_frame(), got;
    unsigned flags;
    if (pa == 0)
        return selftest_fail("no frame");
    int err = vmm_map(TEST_VA, pa, VM_READ | VM_WRITE);
    if (err < 0)
        return selftest_fail("vmm_map failed: %d", err);
    *(volatile uint64_t *)TEST_VA = PATTERN;
    if (*(volatile uint64_t *)phys_to_virt(pa) != PATTERN)
        return selftest_fail("write through the new mapping not seen in "
                             "the frame");
    if (!vmm_translate(TEST_VA + 0x123, &got, &flags) || got != pa + 0x123)
        return selftest_fail("translate gave 0x%lx, expected 0x%lx", got,
                             pa + 0x123);
    if ((flags & (VM_WRITE | VM_EXEC)) != VM_WRITE)
        return selftest_fail("flags 0x%x: want writable, not executable",
                             flags);
    if (vmm_map(TEST_VA, pa, VM_READ) != -EEXIST)
        return selftest_fail("mapping a mapped page did not give -EEXIST");
    if (vmm_map(TEST_VA + 1, pa, VM_READ) != -EINVAL)
        return selftest_fail("a misaligned address did not give -EINVAL");
    if (vmm_unmap(TEST_VA) != 0 || vmm_translate(TEST_VA, NULL, NULL))
        return selftest_fail("the page is still mapped after vmm_unmap");
    if (vmm_unmap(TEST_VA) != -ENOENT)
        return selftest_fail("unmapping twice did not give -ENOENT");
    pmm_free_frame(pa);
    return 0;
}
SELFTEST("vmm", selftest_vmm, 0);

/* Is @p va mapped with exactly the W and X bits of @p want? */
static int
check_perm(const char *what, const void *va, unsigned want)
{
    unsigned flags;
    if (!vmm_translate((vaddr_t)va, NULL, &flags))
        return selftest_fail("%s (0x%lx) is not mapped", what, (vaddr_t)va);
    if ((flags & (VM_WRITE | VM_EXEC)) != want)
        return selftest_fail("%s: %s%s, want %s%s", what,
                             flags & VM_WRITE ? "writable" : "read-only",
                             flags & VM_EXEC ? " executable" : " no-exec",
                             want & VM_WRITE ? "writable" : "read-only",
                             want & VM_EXEC ? " executable" : " no-exec");
    return 0;
}

static int
selftest_vmm_layout(void)
{
    static int data_word = 1;
    if (check_perm("kernel text", __text_start, VM_EXEC) ||
        check_perm("rodata", __rodata_start, 0) ||
        check_perm("data", &data_word, VM_WRITE) ||
        check_perm("the direct map's alias of kernel text",
                   phys_to_virt(virt_to_phys(__text_start)), 0) ||
        check_perm("the direct map's alias of rodata",
                   phys_to_virt(virt_to_phys(__rodata_start)), 0) ||
        check_perm("the direct map's alias of data",
                   phys_to_virt(virt_to_phys(&data_word)), VM_WRITE) ||
        check_perm("the direct map past the image", phys_to_virt(64UL << 20),
                   VM_WRITE))
        return -1;
    if (vmm_translate((vaddr_t)boot_stack_guard, NULL, NULL))
        return selftest_fail("the boot stack's guard page is mapped");
    return 0;
}
SELFTEST("vmm-layout", selftest_vmm_layout, 0);

// [nx_text]
static int
selftest_nx_text(void)
{
    volatile uint8_t *code = (volatile uint8_t *)__text_start;
    pr_notice("selftest: nx-text: writing to kernel text at 0x%lx\n",
              (vaddr_t)code);
    *code = 0xcc;
    return selftest_fail("the write to kernel text did not fault");
}
// [nx_text]
SELFTEST("nx-text", selftest_nx_text, SELFTEST_CRASHES);

/* Recurse with a big frame until the stack runs into its guard page. */
__noinline unsigned long stack_eater(unsigned long depth);

__noinline unsigned long
stack_eater(unsigned long depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth > 100000)
        return frame[0];
    return stack_eater(depth + 1) + frame[0];
}

static int
selftest_stack_guard(void)
{
    // without a guard the recursion would trample the page tables
    if (vmm_translate((vaddr_t)boot_stack_guard, NULL, NULL))
        return selftest_fail("no guard page under the boot stack");
    pr_notice("selftest: stack-guard: recursing until the guard page\n");
    stack_eater(0);
    return selftest_fail("100000 frames of 512 bytes did not overflow");
}
SELFTEST("stack-guard", selftest_stack_guard, SELFTEST_CRASHES);
