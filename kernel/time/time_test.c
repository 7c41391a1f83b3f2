/**
 * @file
 * @ingroup time
 * @brief Self-test `timer`: the tick really runs at HZ.
 *
 * Guards against a timer that never fires (the kernel would then sleep
 * forever in its idle loop) or fires at the wrong rate. The reference is
 * the independent wall clock (the CMOS RTC): we wait for its seconds to
 * change, then count ticks until they change again. Every wait is bounded
 * by a spin count, so a dead timer fails the test instead of hanging it.
 */
#include "kernel/selftest.h"
#include "kernel/time.h"

#define SPIN_LIMIT 400000000UL

/* Spin until the wall clock leaves second @p from; false on timeout. */
static bool
wait_second_change(uint64_t from, uint64_t *now)
{
    for (unsigned long i = 0; i < SPIN_LIMIT; i++) {
        *now = time_wallclock();
        if (*now != from)
            return true;
        __asm__ __volatile__("pause");
    }
    return false;
}

static int
selftest_timer(void)
{
    uint64_t s0 = time_wallclock(), s1, s2;
    if (s0 == 0)
        return selftest_fail("no wall clock registered");
    if (!wait_second_change(s0, &s1))
        return selftest_fail("wall clock does not advance");
    uint64_t j1 = time_jiffies();
    if (!wait_second_change(s1, &s2))
        return selftest_fail("wall clock does not advance");
    uint64_t ticks = time_jiffies() - j1;
    if (ticks == 0)
        return selftest_fail("no timer interrupts in one second");
    // a slow emulator may lose a few ticks; a wrong divisor is far off
    if (ticks < HZ / 2 || ticks > HZ * 3 / 2)
        return selftest_fail("%lu ticks in one second, expected about %d",
                             ticks, HZ);
    return 0;
}
SELFTEST("timer", selftest_timer, 0);
