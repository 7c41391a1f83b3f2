/**
 * @file
 * @ingroup arch
 * @brief Walk the kernel stack through the chain of saved frame pointers.
 *
 * Keel is compiled with -fno-omit-frame-pointer, so every function begins
 * with `push %rbp; mov %rsp, %rbp`. Each frame therefore starts with the
 * caller's frame pointer, and right above it the return address:
 *
 * @verbatim
 *          +------------------+
 *          | return address   |  fp + 8   -> a pc in the caller
 *   fp --> | caller's rbp     |  fp + 0   -> the next frame
 *          | locals ...       |
 * @endverbatim
 *
 * The walk stops at rbp = 0 (entry.S clears it before kmain), at a pointer
 * outside the kernel image or not 8-aligned, when frames stop going up the
 * stack, or after MAX_FRAMES.
 */
#include "asm/cpu.h"
#include "kernel/arch.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"

#define MAX_FRAMES 32

/* Is @p fp plausibly a frame on a kernel stack? */
static bool
frame_pointer_ok(uint64_t fp)
{
    return fp >= KERNEL_VMA && (fp & 7) == 0 && fp + 16 > fp;
}

/**
 * @brief Call @p visit for @p pc and then for each return address above @p fp.
 *
 * @param fp    frame pointer (rbp) of the innermost frame
 * @param pc    the instruction address of the innermost frame
 * @param visit called once per frame, innermost first
 * @param ctx   passed to @p visit
 * @return the number of frames visited
 */
// [walk_stack]
int
arch_walk_stack(uint64_t fp, uint64_t pc, stack_visit_fn visit, void *ctx)
{
    // >>> exercise 1.2 backtrace
    int n = 0;
    visit(pc, ctx);
    n++;
    while (n < MAX_FRAMES && frame_pointer_ok(fp)) {
        const uint64_t *frame = (const uint64_t *)fp;
        uint64_t next_fp = frame[0];
        uint64_t ret = frame[1];
        if (ret == 0)
            break;
        // a return address points after the call; name the call itself
        visit(ret - 1, ctx);
        n++;
        if (next_fp <= fp)
            break;
        fp = next_fp;
    }
    return n;
    // === stub: report only the innermost frame
    // (void)fp;
    // (void)frame_pointer_ok;
    // visit(pc, ctx);
    // return 1;
    // <<< exercise 1.2 backtrace
}
// [walk_stack]

static void
print_pc(uint64_t pc, void *ctx)
{
    char sym[128];
    (void)ctx;
    ksym_format(sym, sizeof(sym), pc);
    pr_emerg("  [<%016lx>] %s\n", pc, sym);
}

/**
 * @brief Print a backtrace of the caller (for panic and warnings).
 */
__noinline void
arch_dump_stack(void)
{
    uint64_t fp = read_rbp();
    const uint64_t *frame = (const uint64_t *)fp;
    pr_emerg("backtrace:\n");
    // skip our own frame: start at the caller's
    arch_walk_stack(frame[0], frame[1] - 1, print_pc, NULL);
}
