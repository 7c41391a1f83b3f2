/**
 * @file
 * @ingroup init
 * @brief The sanitizer's self-test (`test=ubsan`): undefined behaviour on
 *        purpose, each caught and reported with its place.
 *
 * This file is compiled with the undefined-behaviour checks in every
 * build (the Makefile adds UBSAN_FLAGS for it alone unless SANITIZE=1
 * adds them everywhere), so the runtime in kernel/init/ubsan.c is proved
 * in every chapter: each case below does one undefined operation on
 * values the compiler cannot see, and the test checks that a report of
 * the right kind, naming this file's line, was made. The reports are
 * printed as a SANITIZE=1 kernel prints a real finding; the test turns
 * off their panic while it runs.
 *
 * Locking: none; runs alone at boot.
 */
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"
#include "kernel/ubsan.h"

/* The values, hidden from the compiler's constant folding. */
static volatile int shift_by = 64;
static volatile int big = 0x7fffffff;
static volatile int index = 4;
static volatile unsigned char two = 2;

/* Did the last operation make one more report, of @p kind, at @p line? */
static int
caught(unsigned long before, const char *kind, uint32_t line)
{
    if (ubsan_reports != before + 1)
        return selftest_fail("%s at line %u made %lu reports, not 1", kind,
                             line, ubsan_reports - before);
    if (strcmp(ubsan_last_kind, kind) != 0 || ubsan_last_line != line)
        return selftest_fail("expected %s at line %u, the report says %s "
                             "at line %u",
                             kind, line, ubsan_last_kind, ubsan_last_line);
    return 0;
}

/*
 * Four undefined operations, each on values the compiler cannot fold:
 * each must make exactly one report of its kind naming its own line
 * (the line just above each caught()). Reports do not panic meanwhile.
 */
static int
selftest_ubsan(void)
{
    int err = 0;
    ubsan_no_panic = true;

    unsigned long n = ubsan_reports;
    // cppcheck-suppress shiftTooManyBits
    volatile unsigned long wide = 1UL << shift_by;
    err = err ?: caught(n, "shift-out-of-bounds", __LINE__ - 1);

    n = ubsan_reports;
    // cppcheck-suppress integerOverflow
    volatile int sum = big + 1;
    err = err ?: caught(n, "signed-integer-overflow", __LINE__ - 1);

    int table[4] = {1, 2, 3, 4};
    n = ubsan_reports;
    // cppcheck-suppress arrayIndexOutOfBounds
    volatile int past = table[index];
    err = err ?: caught(n, "array-index-out-of-bounds", __LINE__ - 1);

    bool flag;
    memcpy(&flag, (const void *)&two, 1); // a bool that holds 2
    n = ubsan_reports;
    volatile bool loaded = flag;
    err = err ?: caught(n, "invalid-load", __LINE__ - 1);

    (void)wide;
    (void)sum;
    (void)past;
    (void)loaded;
    ubsan_no_panic = false;
    return err;
}
SELFTEST("ubsan", selftest_ubsan, 0);
