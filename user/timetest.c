/*
 * timetest: the clocks, nanosleep and clock_nanosleep, gettimeofday,
 * time, clock_getres, times.
 *
 * Prints only checks (never a time), so the output is the same on every
 * machine and Linux is the oracle. The calls a C library may answer
 * without the kernel (through the vDSO on Linux) are made with syscall().
 *
 * Guards against: a clock that goes back or only moves in whole timer
 * ticks, a sleep shorter than asked, a
 * nanosecond field out of range accepted, realtime and gettimeofday
 * disagreeing (two clocks built separately).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static long long
ns(const struct timespec *t)
{
    return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long
now(clockid_t id)
{
    struct timespec t;
    if (syscall(SYS_clock_gettime, id, &t) != 0)
        return -1;
    return ns(&t);
}

static const char *
err(long r)
{
    static char buf[32];
    if (r == 0)
        return "ok";
    if (errno == EINVAL)
        return "EINVAL";
    if (errno == EFAULT)
        return "EFAULT";
    snprintf(buf, sizeof(buf), "errno %d", errno);
    return buf;
}

static void
clocks(void)
{
    static const char *const names[] = {"REALTIME",         "MONOTONIC",
                                        "PROCESS_CPUTIME",  "THREAD_CPUTIME",
                                        "MONOTONIC_RAW",    "REALTIME_COARSE",
                                        "MONOTONIC_COARSE", "BOOTTIME"};
    for (int id = 0; id < 8; id++) {
        struct timespec t = {-1, -1};
        long r = syscall(SYS_clock_gettime, id, &t);
        printf("clock_gettime(%s): %s, nsec in range: %s\n", names[id], err(r),
               t.tv_nsec >= 0 && t.tv_nsec < 1000000000 ? "yes" : "no");
    }
    struct timespec t;
    printf("clock_gettime(100): %s\n",
           err(syscall(SYS_clock_gettime, 100, &t)));
    printf("clock_gettime(bad pointer): %s\n",
           err(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8)));
    long long last = now(CLOCK_MONOTONIC), back = 0;
    for (int i = 0; i < 2000; i++) {
        long long t2 = now(CLOCK_MONOTONIC);
        back += t2 < last;
        last = t2;
    }
    printf("monotonic went back: %lld times\n", back);
    // finer than the timer tick: some step between readings below 1 ms
    long long step = 1000000000LL;
    last = now(CLOCK_MONOTONIC);
    for (int i = 0; i < 100; i++) {
        long long t2;
        while ((t2 = now(CLOCK_MONOTONIC)) == last)
            ;
        step = t2 - last < step ? t2 - last : step;
        last = t2;
    }
    printf("monotonic resolution below 1 ms: %s\n",
           step < 1000000 ? "yes" : "no");
    printf("realtime after 2020: %s\n",
           now(CLOCK_REALTIME) > 1577836800LL * 1000000000LL ? "yes" : "no");
}

static void
resolutions(void)
{
    struct timespec r = {0, 0};
    long e = syscall(SYS_clock_getres, CLOCK_MONOTONIC, &r);
    printf("clock_getres(MONOTONIC): %s, in (0, 1 ms]: %s\n", err(e),
           ns(&r) > 0 && ns(&r) <= 1000000 ? "yes" : "no");
    printf("clock_getres(REALTIME, NULL): %s\n",
           err(syscall(SYS_clock_getres, CLOCK_REALTIME, NULL)));
    printf("clock_getres(100): %s\n", err(syscall(SYS_clock_getres, 100, &r)));
}

static void
wallclocks(void)
{
    struct timeval tv;
    struct timezone tz;
    long long rt = now(CLOCK_REALTIME);
    long r = syscall(SYS_gettimeofday, &tv, &tz);
    long long diff = tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL - rt;
    printf("gettimeofday: %s, agrees with realtime: %s\n", err(r),
           diff > -1000000000LL && diff < 1000000000LL ? "yes" : "no");
    printf("gettimeofday(tv, NULL): %s\n",
           err(syscall(SYS_gettimeofday, &tv, NULL)));
    printf("gettimeofday(NULL, NULL): %s\n",
           err(syscall(SYS_gettimeofday, NULL, NULL)));
    time_t t1 = 0;
    long t0 = syscall(SYS_time, &t1);
    long long d = t0 - rt / 1000000000LL;
    printf("time: agrees with realtime: %s, stored: %s\n",
           d >= -1 && d <= 1 ? "yes" : "no", t1 == t0 ? "yes" : "no");
}

static void
try_sleep(const char *what, long sec, long nsec)
{
    struct timespec req = {sec, nsec};
    printf("nanosleep(%s): %s\n", what,
           err(syscall(SYS_nanosleep, &req, NULL)));
}

static void
sleeps(void)
{
    struct timespec req = {0, 30000000}, rem;
    long long t0 = now(CLOCK_MONOTONIC);
    long r = syscall(SYS_nanosleep, &req, &rem);
    long long slept = now(CLOCK_MONOTONIC) - t0;
    printf("nanosleep(30 ms): %s, slept at least 30 ms: %s\n", err(r),
           slept >= 30000000 ? "yes" : "no");
    try_sleep("0", 0, 0);
    try_sleep("nsec = 1e9", 0, 1000000000);
    try_sleep("nsec = -1", 0, -1);
    try_sleep("sec = -1", -1, 0);
    printf("nanosleep(bad pointer): %s\n",
           err(syscall(SYS_nanosleep, (void *)8, NULL)));

    // an absolute deadline 40 ms ahead on the monotonic clock
    struct timespec dl;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &dl);
    dl.tv_nsec += 40000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL);
    printf("clock_nanosleep(ABSTIME +40 ms): %s, deadline passed: %s\n", err(r),
           now(CLOCK_MONOTONIC) >= ns(&dl) ? "yes" : "no");
    struct timespec past = {0, 1};
    printf("clock_nanosleep(ABSTIME in the past): %s\n",
           err(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME,
                       &past, NULL)));
    t0 = now(CLOCK_REALTIME);
    struct timespec rel = {0, 20000000};
    r = syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &rel, NULL);
    printf("clock_nanosleep(REALTIME, 20 ms): %s, slept: %s\n", err(r),
           now(CLOCK_REALTIME) - t0 >= 20000000 ? "yes" : "no");
    struct timespec bad = {0, 2000000000};
    printf("clock_nanosleep(nsec = 2e9): %s\n",
           err(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL)));
    printf("clock_nanosleep(THREAD_CPUTIME): %s\n",
           err(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &rel,
                       NULL)));
    printf("clock_nanosleep(clock 100): %s\n",
           err(syscall(SYS_clock_nanosleep, 100, 0, &rel, NULL)));
}

static void
cputimes(void)
{
    struct tms a, b;
    long t0 = syscall(SYS_times, &a);
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 20000000; i++)
        spin += i;
    long t1 = syscall(SYS_times, &b);
    printf("times: ticks do not go back: %s, utime does not go back: %s\n",
           t1 >= t0 ? "yes" : "no", b.tms_utime >= a.tms_utime ? "yes" : "no");
    printf("times(NULL): %s\n", syscall(SYS_times, NULL) >= 0 ? "ok" : "fails");
    long long c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (unsigned long i = 0; i < 20000000; i++)
        spin += i;
    printf("process CPU time does not go back: %s\n",
           now(CLOCK_PROCESS_CPUTIME_ID) >= c0 ? "yes" : "no");
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    clocks();
    resolutions();
    wallclocks();
    sleeps();
    cputimes();
    printf("timetest: done\n");
    return 0;
}
