/**
 * @file
 * @ingroup init
 * @brief In-kernel self-tests, selected by `test=<name>` on the command line.
 *
 * A self-test is a function that checks one mechanism from inside the
 * running kernel (the timer ticks, printk formats, a fault is caught). Each
 * registers with SELFTEST() into a linker set; `test=NAME` runs one,
 * `test=all` runs every test not marked as crashing, `test=list` prints the
 * names. The kernel then powers off with status 0 (all passed) or 1, so a
 * grader needs only the exit status and the `selftest:` lines.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include "kernel/compiler.h"

/** The test ends the boot itself (a deliberate fault): not in test=all. */
#define SELFTEST_CRASHES 0x1

/** One registered self-test. */
struct selftest {
    const char *name; /**< what `test=` names */
    int (*fn)(void);  /**< returns 0 to pass, negative after selftest_fail() */
    unsigned flags;   /**< SELFTEST_* */
};

/** Register @p fn as self-test @p name with flags @p flg. */
#define SELFTEST(name, fn, flg)                                                \
    static const struct selftest __selftest_##fn __used __aligned(8)           \
        __section(".selftests") = {name, fn, flg}

int selftest_fail(const char *fmt, ...) __printf(1, 2);
void selftest_main(const char *which);

#endif /* KERNEL_SELFTEST_H */
