/*
 * Host unit test for kernel/time/ktimer.c, the timer engine.
 *
 * Guards against: a timer that fires early, late (a tick that stops at
 * the first timer not due while later ones are), twice, or after it was
 * cancelled; timers with one deadline firing out of the order they were
 * armed; an interval timer that drifts (re-armed from "now" instead of
 * from its last deadline) or miscounts the periods it skipped, which
 * are timer_getoverrun's and timerfd's counts; and a timer re-armed from
 * its own function being lost. Every sleep, alarm, POSIX timer and
 * timerfd rests on this file.
 *
 * The kernel file is compiled unchanged. Its clock, locks and scheduler
 * are stubs here: the clock is a variable the test moves, the locks do
 * nothing (one thread), and the sleeping part (ktimer_sleep_until) is
 * not exercised. The random test is seeded, so a failure is
 * reproducible.
 *
 * Built by `make host-test` with AddressSanitizer and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hostcheck.h"

#include "kernel/clock.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/sync.h"
#include "kernel/timer.h"

/* ------------------------------------------------- the kernel, stubbed */

static uint64_t clock_now;

uint64_t
clock_monotonic_ns(void)
{
    return clock_now;
}

void
spin_init(struct spinlock *l, const char *name)
{
    l->locked = 0;
    l->name = name;
}

irqflags_t
spin_lock_irqsave(struct spinlock *l)
{
    CHECK(!l->locked, "lock %s taken twice", l->name);
    l->locked = 1;
    return 0;
}

void
spin_unlock_irqrestore(struct spinlock *l, irqflags_t flags)
{
    (void)flags;
    CHECK(l->locked, "lock %s released but not held", l->name);
    l->locked = 0;
}

struct thread *
thread_current(void)
{
    return NULL;
}

void
sched_wake(struct thread *t)
{
    (void)t;
}

void
sched_hang_defer(void)
{
}

void
sched_sleep_until(uint64_t wake_at, struct spinlock *held, irqflags_t flags)
{
    (void)wake_at;
    spin_unlock_irqrestore(held, flags);
}

bool
signal_pending(void)
{
    return true;
}

/* ------------------------------------------------------------- helpers */

#define N 200

struct probe {
    struct ktimer timer;
    int index;       /* its place in probes[] */
    int fired;       /* times its function ran */
    uint64_t due;    /* the deadline it was armed for */
    uint64_t period; /* re-arm from its function with ktimer_forward */
    uint64_t missed; /* what ktimer_forward returned, summed */
};

static struct probe probes[N];
static int order[N * 4]; /* indexes in the order they fired */
static int nfired;

static void
probe_fire(struct ktimer *t)
{
    struct probe *p = list_entry(t, struct probe, timer);
    CHECK(!t->armed, "probe %d armed while its function runs", p->index);
    CHECK(t->expires <= clock_now, "probe %d fired %llu ns early", p->index,
          (unsigned long long)(t->expires - clock_now));
    p->fired++;
    if (nfired < N * 4)
        order[nfired++] = p->index;
    if (p->period != 0)
        p->missed += ktimer_forward(t, clock_now, p->period);
}

static void
reset(void)
{
    for (int i = 0; i < N; i++) {
        ktimer_cancel(&probes[i].timer);
        memset(&probes[i], 0, sizeof(probes[i]));
        probes[i].index = i;
        ktimer_init(&probes[i].timer, probe_fire);
    }
    nfired = 0;
    clock_now = 1000;
}

/* --------------------------------------------------------------- tests */

/* Random deadlines, the clock moving in random steps: each timer fires
 * once, not before its deadline, and in deadline order; with equal
 * deadlines, in the order they were armed. */
static void
test_order(void)
{
    uint64_t seed = 0x7173d1ce;
    reset();
    for (int i = 0; i < N; i++) {
        probes[i].due = 1000 + xorshift64(&seed) % 50 * 10; // many equal
        ktimer_arm(&probes[i].timer, probes[i].due);
    }
    while (clock_now < 2000) {
        clock_now += 1 + xorshift64(&seed) % 37;
        ktimer_fire_due(clock_now);
        for (int i = 0; i < N; i++)
            CHECK(probes[i].fired == (probes[i].due <= clock_now),
                  "probe %d (due %llu) fired %d times at %llu", i,
                  (unsigned long long)probes[i].due, probes[i].fired,
                  (unsigned long long)clock_now);
    }
    CHECK(nfired == N, "%d timers fired, %d armed", nfired, N);
    for (int k = 1; k < nfired; k++) {
        struct probe *a = &probes[order[k - 1]], *b = &probes[order[k]];
        CHECK(a->due < b->due || (a->due == b->due && a->index < b->index),
              "probe %d (due %llu) fired before probe %d (due %llu)", a->index,
              (unsigned long long)a->due, b->index, (unsigned long long)b->due);
    }
}

/* Cancelled timers never fire; re-arming moves a timer; KTIMER_NEVER
 * disarms. */
static void
test_cancel(void)
{
    reset();
    for (int i = 0; i < N; i++)
        ktimer_arm(&probes[i].timer, 1000 + (uint64_t)i);
    for (int i = 0; i < N; i += 2)
        CHECK(ktimer_cancel(&probes[i].timer), "probe %d was armed", i);
    CHECK(!ktimer_cancel(&probes[0].timer), "cancelled twice");
    ktimer_arm(&probes[1].timer, 5000);         // moved later
    ktimer_arm(&probes[3].timer, KTIMER_NEVER); // disarmed
    CHECK(!probes[3].timer.armed, "KTIMER_NEVER leaves it armed");
    clock_now = 4999;
    ktimer_fire_due(clock_now);
    for (int i = 0; i < N; i++) {
        int want = (i % 2 == 1 && i != 1 && i != 3) ? 1 : 0;
        CHECK(probes[i].fired == want, "probe %d fired %d times", i,
              probes[i].fired);
    }
    clock_now = 5000;
    ktimer_fire_due(clock_now);
    CHECK(probes[1].fired == 1, "the moved timer fired %d times",
          probes[1].fired);
}

/* An interval timer re-armed from its function keeps its rhythm: after
 * any number of late or early ticks, expirations plus skipped periods
 * equal the periods that have passed, and its next deadline stays on
 * the grid of its first one. */
static void
test_forward(void)
{
    uint64_t seed = 0xf0a3d;
    reset();
    uint64_t first = 1010, period = 10;
    probes[0].period = period;
    ktimer_arm(&probes[0].timer, first);
    probes[1].period = 3; // shorter than the steps: always skips
    ktimer_arm(&probes[1].timer, first);
    while (clock_now < 100000) {
        clock_now += xorshift64(&seed) % 45;
        ktimer_fire_due(clock_now);
        for (int i = 0; i < 2; i++) {
            struct probe *p = &probes[i];
            uint64_t passed =
                clock_now >= first ? (clock_now - first) / p->period + 1 : 0;
            CHECK(p->fired + p->missed == passed,
                  "probe %d: %d fired + %llu skipped, %llu periods passed", i,
                  p->fired, (unsigned long long)p->missed,
                  (unsigned long long)passed);
            CHECK((p->timer.expires - first) % p->period == 0,
                  "probe %d drifted off its grid: next at %llu", i,
                  (unsigned long long)p->timer.expires);
            CHECK(p->timer.expires > clock_now, "probe %d is due in the past",
                  i);
        }
    }
    // one exact case: due at 100, every 10, noticed at 155
    struct ktimer t;
    ktimer_init(&t, probe_fire);
    t.expires = 100;
    CHECK(ktimer_forward(&t, 155, 10) == 5, "110..150 are 5 skipped periods");
    CHECK(t.expires == 160 && t.armed, "next deadline %llu, want 160",
          (unsigned long long)t.expires);
    ktimer_cancel(&t);
}

/* What gettime reports: the time left, and for a periodic timer due but
 * not yet fired, the time to its next period. */
static void
test_remaining(void)
{
    reset();
    struct ktimer *t = &probes[0].timer;
    CHECK(ktimer_remaining(t) == 0, "a disarmed timer has time left");
    ktimer_arm(t, 1500);
    CHECK(ktimer_remaining(t) == 500, "left %llu, want 500",
          (unsigned long long)ktimer_remaining(t));
    clock_now = 1530; // due, the tick has not come
    CHECK(ktimer_remaining(t) == 0, "a due timer has time left");
    CHECK(ktimer_remaining_periodic(t, 100) == 70, "next period in %llu",
          (unsigned long long)ktimer_remaining_periodic(t, 100));
    clock_now = 1600;
    CHECK(ktimer_remaining_periodic(t, 100) == 100, "on a period: %llu",
          (unsigned long long)ktimer_remaining_periodic(t, 100));
    CHECK(ktimer_remaining_periodic(t, 0) == 0, "one-shot due: not 0");
    ktimer_cancel(t);
    CHECK(ktimer_remaining_periodic(t, 100) == 0, "cancelled: not 0");
}

int
main(void)
{
    test_order();
    test_cancel();
    test_forward();
    test_remaining();
    reset();
    return check_report("test_ktimer");
}
