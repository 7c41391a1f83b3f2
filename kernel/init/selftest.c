/**
 * @file
 * @ingroup init
 * @brief The self-test runner behind `test=NAME`, `test=all`, `test=list`.
 *
 * Tests register with SELFTEST() (kernel/selftest.h) into the .selftests
 * linker set. Each prints one result line the grader reads:
 *
 * @verbatim
 *   selftest: <name>: PASS
 *   selftest: <name>: FAIL: <reason>
 * @endverbatim
 *
 * and the runner powers off with status 0 when all passed, 1 otherwise.
 * Results are printed at KERN_NOTICE so they show even with `quiet`.
 * Runs in kmain's context with interrupts on; no locking.
 */
#include "kernel/selftest.h"
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"

extern const struct selftest __selftests_start[], __selftests_end[];

static char fail_reason[160];

/**
 * @brief Record why the running test failed.
 * @param fmt printf-style reason
 * @return -1, so a test can write `return selftest_fail("...")`
 */
int
selftest_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
    va_end(ap);
    return -1;
}

/* Run one test and print its result line; true if it passed. */
static bool
selftest_run(const struct selftest *t)
{
    fail_reason[0] = 0;
    pr_notice("selftest: %s: running\n", t->name);
    int r = t->fn();
    if (r == 0) {
        pr_notice("selftest: %s: PASS\n", t->name);
        return true;
    }
    pr_notice("selftest: %s: FAIL: %s\n", t->name,
              fail_reason[0] ? fail_reason : "returned an error");
    return false;
}

/**
 * @brief Run the self-tests @p which names, then power off.
 * @param which a test name, `all` (every test that does not crash by
 *              design), or `list`
 */
void
selftest_main(const char *which)
{
    int run = 0, failed = 0;
    // the linker set is one array between two linker-script symbols
    // cppcheck-suppress comparePointers
    for (const struct selftest *t = __selftests_start; t < __selftests_end;
         t++) {
        if (strcmp(which, "list") == 0) {
            pr_notice("selftest: %s%s\n", t->name,
                      t->flags & SELFTEST_CRASHES ? " (crashes)" : "");
            continue;
        }
        bool all = strcmp(which, "all") == 0;
        if (all ? (t->flags & SELFTEST_CRASHES) != 0
                : strcmp(which, t->name) != 0)
            continue;
        run++;
        if (!selftest_run(t))
            failed++;
    }
    if (strcmp(which, "list") != 0 && run == 0) {
        pr_notice("selftest: %s: FAIL: no such test (try test=list)\n", which);
        failed = 1;
    }
    int status = failed ? KEEL_EXIT_TEST_FAILED : KEEL_EXIT_OK;
    pr_notice("selftest: %d run, %d failed\n", run, failed);
    pr_notice("keel: power off (status %d)\n", status);
    arch_power_off(status);
}
