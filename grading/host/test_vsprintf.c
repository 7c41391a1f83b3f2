/*
 * Host unit test for kernel/lib/vsprintf.c, with the host C library as the
 * oracle.
 *
 * Guards against: formatting bugs in the kernel's only formatter (every
 * boot message, exception report and grader line goes through it). Each
 * case formats the same conversion with the kernel's vsnprintf and the
 * host's, and the two strings and return values must be equal. The cases
 * are fixed edge values crossed with every flag, width and precision, plus
 * random formats from a seeded generator, so a failure is reproducible.
 *
 * Built by `make host-test` with the kernel file compiled for the host.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"

int vsnprintf_kernel(char *buf, size_t size, const char *fmt, va_list ap);

static int
kfmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf_kernel(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define CHECK_FMT(fmt, ...)                                                    \
    do {                                                                       \
        char k[256], h[256];                                                   \
        int kn = kfmt(k, sizeof(k), fmt, __VA_ARGS__);                         \
        int hn = snprintf(h, sizeof(h), fmt, __VA_ARGS__);                     \
        checked++;                                                             \
        if (kn != hn || strcmp(k, h) != 0) {                                   \
            if (failed++ < 20)                                                 \
                fprintf(stderr,                                                \
                        "FAIL \"%s\": kernel \"%s\" (%d), host \"%s\" (%d)\n", \
                        fmt, k, kn, h, hn);                                    \
        }                                                                      \
    } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_random(void)
{
    return xorshift64(&rng);
}

/* Every flag set, width and precision, for one conversion and one value. */
static void
cross_flags(char conv, const char *len, long long value)
{
    static const char *const flags[] = {"",   "-",  "0",  "+",  " ", "#",
                                        "-+", "0+", "- ", "#0", "-#"};
    static const char *const widths[] = {"", "1", "5", "12", "25"};
    static const char *const precs[] = {"", ".0", ".1", ".5", ".20"};
    for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
                char fmt[32];
                snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags[f],
                         widths[w], precs[p], len, conv);
                if (len[0] == 'l')
                    CHECK_FMT(fmt, value);
                else if (len[0] == 'h' && len[1] == 'h')
                    CHECK_FMT(fmt, (int)value);
                else
                    CHECK_FMT(fmt, (int)value);
            }
        }
    }
}

static void
test_integers(void)
{
    static const long long values[] = {0,
                                       1,
                                       -1,
                                       7,
                                       -7,
                                       42,
                                       255,
                                       256,
                                       65535,
                                       -65536,
                                       2147483647LL,
                                       -2147483647LL - 1,
                                       4294967295LL,
                                       9223372036854775807LL,
                                       -9223372036854775807LL - 1};
    static const char convs[] = "diuxXo";
    static const char *const lens[] = {"", "l", "ll", "h", "hh", "z"};
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
        for (size_t c = 0; c < sizeof(convs) - 1; c++)
            for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
                cross_flags(convs[c], lens[l], values[v]);
}

static void
test_strings_and_chars(void)
{
    CHECK_FMT("%s", "hello");
    CHECK_FMT("[%10s]", "hi");
    CHECK_FMT("[%-10s]", "hi");
    CHECK_FMT("[%.3s]", "abcdef");
    CHECK_FMT("[%8.3s]", "abcdef");
    CHECK_FMT("[%-8.3s]", "abcdef");
    CHECK_FMT("[%*s]", 6, "ab");
    CHECK_FMT("[%-*s]", 6, "ab");
    CHECK_FMT("[%*s]", -6, "ab");
    CHECK_FMT("[%.*s]", 2, "abcdef");
    CHECK_FMT("[%.*s]", -1, "abcdef");
    CHECK_FMT("[%c]", 'x');
    CHECK_FMT("[%5c]", 'x');
    CHECK_FMT("[%-5c]", 'x');
    CHECK_FMT("%%%s", "");
    CHECK_FMT("[%%]%s", "");
    CHECK_FMT("a%cb%sc%dd", 'Q', "mid", -3);
    CHECK_FMT("[%p]", (void *)0x1234);
    CHECK_FMT("[%p]", (void *)0xffffffff80100000UL);
    CHECK_FMT("[%20p]", (void *)0xdeadbeef);
    CHECK_FMT("[%-20p]", (void *)0xdeadbeef);
    CHECK_FMT("[%p]", (void *)0);
    CHECK_FMT("[%*d]", 8, 42);
    CHECK_FMT("[%-*d]", 8, 42);
    CHECK_FMT("[%.*d]", 6, 42);
    CHECK_FMT("%zu %zd", (size_t)12345, (ssize_t)-5);
}

/* Random formats: flags, width, precision, length and conversion. */
static void
test_random(int rounds)
{
    static const char *const lens[] = {"", "l", "ll", "h", "hh", "z", "j"};
    static const char convs[] = "diuxXo";
    for (int i = 0; i < rounds; i++) {
        char fmt[48];
        int pos = 0;
        fmt[pos++] = '<';
        fmt[pos++] = '%';
        const char *fl = "-0+ #";
        for (int f = 0; f < 5; f++)
            if (next_random() & 1)
                fmt[pos++] = fl[f];
        if (next_random() & 1)
            pos += sprintf(fmt + pos, "%d", (int)(next_random() % 30));
        if (next_random() & 1)
            pos += sprintf(fmt + pos, ".%d", (int)(next_random() % 25));
        const char *len = lens[next_random() % 7];
        pos += sprintf(fmt + pos, "%s%c>", len,
                       convs[next_random() % (sizeof(convs) - 1)]);
        uint64_t v = next_random() >> (next_random() % 64);
        if (len[0] == 'l' || len[0] == 'z' || len[0] == 'j')
            CHECK_FMT(fmt, (long long)v);
        else
            CHECK_FMT(fmt, (int)v);
    }
}

static void
test_truncation(void)
{
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    int n = kfmt(buf, 4, "%d", 123456);
    checked++;
    if (n != 6 || strcmp(buf, "123") != 0 || buf[4] != 'X') {
        failed++;
        fprintf(stderr, "FAIL truncation: %d \"%s\"\n", n, buf);
    }
    n = kfmt(buf, 0, "%s", "abc");
    checked++;
    if (n != 3 || buf[0] != '1') {
        failed++;
        fprintf(stderr, "FAIL size 0 wrote to the buffer\n");
    }
}

int
main(void)
{
    test_integers();
    test_strings_and_chars();
    test_random(20000);
    test_truncation();
    return check_report("test_vsprintf");
}
