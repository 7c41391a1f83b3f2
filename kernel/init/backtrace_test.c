/**
 * @file
 * @ingroup init
 * @brief Self-tests `backtrace` and `fault`: the tools for reading crashes.
 *
 * `backtrace` calls three nested functions and walks the stack from the
 * innermost; the symbolized frames must name them in order, which checks
 * both the frame-pointer walk and the embedded symbol table. `fault`
 * writes to an unmapped address on purpose: the page-fault report, with a
 * backtrace through selftest_fault, is what the grader reads, and the
 * exception stops QEMU with status 2.
 */
#include "kernel/arch.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"

#define MAX_SEEN 8

/** Names of the frames seen by the walk, innermost first. */
struct walk_log {
    const char *names[MAX_SEEN];
    int n;
};

static void
record_frame(uint64_t pc, void *ctx)
{
    struct walk_log *log = ctx;
    struct ksym s;
    if (log->n < MAX_SEEN)
        log->names[log->n++] = ksym_lookup(pc, &s) ? s.name : "?";
}

/* The three nested frames; noinline keeps each a real call. */
__noinline int bt_level3(struct walk_log *log);
__noinline int bt_level2(struct walk_log *log);
__noinline int bt_level1(struct walk_log *log);

__noinline int
bt_level3(struct walk_log *log)
{
    uint64_t fp = (uint64_t)__builtin_frame_address(0);
    arch_walk_stack(fp, (uint64_t)&bt_level3, record_frame, log);
    barrier();
    return log->n;
}

__noinline int
bt_level2(struct walk_log *log)
{
    int n = bt_level3(log);
    barrier();
    return n;
}

__noinline int
bt_level1(struct walk_log *log)
{
    int n = bt_level2(log);
    barrier();
    return n;
}

static int
selftest_backtrace(void)
{
    static const char *const want[] = {"bt_level3", "bt_level2", "bt_level1",
                                       "selftest_backtrace"};
    struct walk_log log = {.n = 0};
    bt_level1(&log);
    for (int i = 0; i < log.n; i++)
        pr_info("backtrace-test: frame %d: %s\n", i, log.names[i]);
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        if ((int)i >= log.n)
            return selftest_fail("walk stopped after %d frames", log.n);
        if (strcmp(log.names[i], want[i]) != 0)
            return selftest_fail("frame %zu is %s, expected %s", i,
                                 log.names[i], want[i]);
    }
    return 0;
}
SELFTEST("backtrace", selftest_backtrace, 0);

/** An address the boot page tables do not map (the identity map is gone). */
#define UNMAPPED_ADDRESS 0xdead0000UL

// [fault]
__noinline int selftest_fault(void);

__noinline int
selftest_fault(void)
{
    pr_notice("selftest: fault: writing to 0x%lx\n", UNMAPPED_ADDRESS);
    *(volatile uint64_t *)UNMAPPED_ADDRESS = 0x4b45454c; // "KEEL"
    return selftest_fail("the write to an unmapped page did not fault");
}
// [fault]
SELFTEST("fault", selftest_fault, SELFTEST_CRASHES);
