/**
 * @file
 * @ingroup lib
 * @brief Self-test `printk`: vsnprintf formats numbers as C99 printf does.
 *
 * Two parts. A fixed table of formats and their expected text, checked in
 * the kernel. Then, with `seed=N` on the command line, twenty lines whose
 * values come from a xorshift32 generator seeded with N, printed as
 * `printk: <text>`; the grader computes the same lines with Python's %
 * operator and compares, so a formatter tuned to the fixed table still
 * fails. The exact recipe is in grading/tests/ch01_boot.py.
 */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"

/** One fixed case: the format, one 64-bit argument, the expected text. */
struct fmt_case {
    const char *fmt;
    long long arg;
    const char *expect;
};

static const struct fmt_case cases[] = {
    {"%d", 0, "0"},
    {"%d", -42, "-42"},
    {"%5d", 42, "   42"},
    {"%-5d|", 42, "42   |"},
    {"%05d", -42, "-0042"},
    {"%+d", 7, "+7"},
    {"% d", 7, " 7"},
    {"%.3d", 5, "005"},
    {"%8.3d", -5, "    -005"},
    {"%.0d", 0, ""},
    {"%u", 4294967295LL, "4294967295"},
    {"%x", 48879, "beef"},
    {"%X", 48879, "BEEF"},
    {"%#x", 255, "0xff"},
    {"%#o", 8, "010"},
    {"%o", 8, "10"},
    {"%08x", 0xabc, "00000abc"},
    {"%lx", -1LL, "ffffffffffffffff"},
    {"%ld", -9223372036854775807LL - 1, "-9223372036854775808"},
    {"%lu", -1LL, "18446744073709551615"},
    {"%hhd", 255, "-1"},
    {"%hu", 65537, "1"},
};

static uint32_t
xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* The seeded lines for the grader (recipe: grading/tests/ch01_boot.py). */
static void
print_seeded_lines(uint32_t seed)
{
    uint32_t st = seed ? seed : 1;
    char s[8];
    for (int i = 0; i < 20; i++) {
        uint32_t a = xorshift32(&st), b = xorshift32(&st), c = xorshift32(&st);
        snprintf(s, sizeof(s), "s%d", i);
        pr_notice("printk: %d|%u|%x|%08x|%-6d|%5u|%lx|%c|%s|%%\n", (int32_t)a,
                  b, c, a, (int32_t)b % 100000, c % 100000,
                  (uint64_t)a << 32 | b, (char)(33 + c % 94), s);
    }
}

static int
selftest_printk(void)
{
    char buf[64];
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct fmt_case *c = &cases[i];
        bool wide = strchr(c->fmt, 'l') != NULL;
        if (wide)
            snprintf(buf, sizeof(buf), c->fmt, c->arg);
        else
            snprintf(buf, sizeof(buf), c->fmt, (int)c->arg);
        if (strcmp(buf, c->expect) != 0)
            return selftest_fail("format \"%s\" gave \"%s\", expected \"%s\"",
                                 c->fmt, buf, c->expect);
    }
    // truncation: C99 return value and a terminated buffer
    int n = snprintf(buf, 4, "%d", 123456);
    if (n != 6 || strcmp(buf, "123") != 0)
        return selftest_fail("truncation: returned %d, buffer \"%s\"", n, buf);
    if (cmdline_has("seed"))
        print_seeded_lines((uint32_t)cmdline_ulong("seed", 1));
    return 0;
}
SELFTEST("printk", selftest_printk, 0);
