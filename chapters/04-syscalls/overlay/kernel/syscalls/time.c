/**
 * @file
 * @ingroup syscalls
 * @brief clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 *        clock_nanosleep and times.
 *
 * Thin wrappers around the clocks of kernel/time/clock.c: copy the
 * timespec in, check it, call the clock, copy the answer out. (A C
 * library normally reads the time through the vDSO without a system
 * call; Keel has no vDSO, so musl and glibc fall back to these.)
 */
#include "kernel/time.h"
#include "kernel/clock.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/time.h"

/**
 * @brief clock_gettime(id, ts).
 * @param a the six argument registers
 * @return 0; -EINVAL for an unknown clock; -EFAULT
 */
long
sys_clock_gettime(const long a[6])
{
    struct timespec ts;
    int err = clock_read((int)a[0], &ts);
    if (err < 0)
        return err;
    return copy_to_user(UPTR(a[1]), &ts, sizeof(ts));
}

/**
 * @brief clock_getres(id, res): res may be NULL.
 * @param a the six argument registers
 * @return 0; -EINVAL for an unknown clock; -EFAULT
 */
long
sys_clock_getres(const long a[6])
{
    struct timespec ts;
    int err = clock_resolution((int)a[0], &ts);
    if (err < 0 || a[1] == 0)
        return err;
    return copy_to_user(UPTR(a[1]), &ts, sizeof(ts));
}

/**
 * @brief gettimeofday(tv, tz): either pointer may be NULL; tz is UTC.
 * @param a the six argument registers
 * @return 0, or -EFAULT
 */
long
sys_gettimeofday(const long a[6])
{
    struct timespec ts;
    clock_read(CLOCK_REALTIME, &ts);
    struct timeval tv = {ts.tv_sec, ts.tv_nsec / 1000};
    struct timezone tz = {0, 0};
    if (a[0] != 0 && copy_to_user(UPTR(a[0]), &tv, sizeof(tv)) < 0)
        return -EFAULT;
    if (a[1] != 0 && copy_to_user(UPTR(a[1]), &tz, sizeof(tz)) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief time(t): seconds since the epoch, also stored at t unless NULL.
 * @param a the six argument registers
 * @return the time, or -EFAULT
 */
long
sys_time(const long a[6])
{
    struct timespec ts;
    clock_read(CLOCK_REALTIME, &ts);
    if (a[0] != 0 && copy_to_user(UPTR(a[0]), &ts.tv_sec, 8) < 0)
        return -EFAULT;
    return ts.tv_sec;
}

/* The sleep shared by nanosleep and clock_nanosleep. */
static long
do_sleep(int id, long flags, long ureq, long urem)
{
    struct timespec req, rem;
    // like Linux, flags other than TIMER_ABSTIME are ignored
    if (copy_from_user(&req, UPTR(ureq), sizeof(req)) < 0)
        return -EFAULT;
    if (!clock_timespec_valid(&req))
        return -EINVAL;
    bool absolute = (flags & TIMER_ABSTIME) != 0;
    int err = clock_sleep(id, absolute, &req, &rem);
    if (err == -EINTR && !absolute && urem != 0 &&
        copy_to_user(UPTR(urem), &rem, sizeof(rem)) < 0)
        return -EFAULT;
    return err;
}

/**
 * @brief nanosleep(req, rem): a relative sleep on CLOCK_MONOTONIC.
 * @param a the six argument registers
 * @return 0; -EINTR (rem holds what was left); -EINVAL for a negative or
 *         out-of-range time; -EFAULT
 */
long
sys_nanosleep(const long a[6])
{
    return do_sleep(CLOCK_MONOTONIC, 0, a[0], a[1]);
}

/**
 * @brief clock_nanosleep(id, flags, req, rem).
 *
 * The C library's clock_nanosleep returns the error number as a positive
 * value; the system call itself returns -errno like every other.
 * @param a the six argument registers
 * @return 0; -EINTR; -EINVAL (bad clock or time); -EFAULT
 */
long
sys_clock_nanosleep(const long a[6])
{
    return do_sleep((int)a[0], a[1], a[2], a[3]);
}

/**
 * @brief times(buf): CPU time of the process and its waited-for children.
 * @param a the six argument registers (buf may be NULL)
 * @return the clock ticks since boot, or -EFAULT
 */
long
sys_times(const long a[6])
{
    struct proc *p = proc_current();
    struct tms t = {(int64_t)p->ticks, 0, (int64_t)p->child_ticks, 0};
    if (a[0] != 0 && copy_to_user(UPTR(a[0]), &t, sizeof(t)) < 0)
        return -EFAULT;
    return (long)(time_jiffies() * USER_HZ / HZ);
}
