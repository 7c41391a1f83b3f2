/*
 * hostcheck.h: the little harness every host unit test shares.
 *
 * Each test program (grading/host/test_*.c) is one file: it counts its
 * checks with CHECK(), draws reproducible random numbers from
 * xorshift64() with a fixed seed (a failure reruns identically), and ends
 * with check_report(), which prints the closing line `test_NAME: N
 * checked, M failed` and gives main() its exit status.
 */
#ifndef GRADING_HOST_HOSTCHECK_H
#define GRADING_HOST_HOSTCHECK_H

#include <stdint.h>
#include <stdio.h>

static int checked;
static int failed;

/* Count one check; print the first 20 failures with file position. */
#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        checked++;                                                             \
        if (!(cond) && failed++ < 20) {                                        \
            fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);               \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

/* The next number of Marsaglia's xorshift64 generator in *state. */
static inline uint64_t
xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* Print the closing line for test @p name; the exit status for main. */
static inline int
check_report(const char *name)
{
    printf("%s: %d checked, %d failed\n", name, checked, failed);
    return failed != 0;
}

#endif /* GRADING_HOST_HOSTCHECK_H */
