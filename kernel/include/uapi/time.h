/**
 * @file
 * @ingroup time
 * @brief The time structures and clock numbers of the Linux ABI.
 *
 * struct timespec (clock_gettime, nanosleep), struct timeval and struct
 * timezone (gettimeofday), struct tms (times) and the clock ids.
 */
#ifndef UAPI_TIME_H
#define UAPI_TIME_H

#include "kernel/types.h"

/** Seconds and nanoseconds. */
struct timespec {
    int64_t tv_sec;  /**< seconds */
    int64_t tv_nsec; /**< nanoseconds, 0 to 999999999 */
};

/** Seconds and microseconds (gettimeofday). */
struct timeval {
    int64_t tv_sec;  /**< seconds */
    int64_t tv_usec; /**< microseconds */
};

/** The obsolete time zone of gettimeofday: always UTC here. */
struct timezone {
    int32_t tz_minuteswest; /**< minutes west of Greenwich */
    int32_t tz_dsttime;     /**< type of daylight-saving correction */
};

/** What times(2) reports, in clock ticks. */
struct tms {
    int64_t tms_utime;  /**< user time of the process */
    int64_t tms_stime;  /**< system time of the process */
    int64_t tms_cutime; /**< user time of waited-for children */
    int64_t tms_cstime; /**< system time of waited-for children */
};

_Static_assert(sizeof(struct timespec) == 16, "struct timespec size");
_Static_assert(sizeof(struct timeval) == 16, "struct timeval size");
_Static_assert(sizeof(struct timezone) == 8, "struct timezone size");
_Static_assert(sizeof(struct tms) == 32, "struct tms size");

/** @name Clock ids (clock_gettime and friends). */
///@{
#define CLOCK_REALTIME 0           /**< wall-clock time since 1970 */
#define CLOCK_MONOTONIC 1          /**< time since boot, never set */
#define CLOCK_PROCESS_CPUTIME_ID 2 /**< CPU time of the process */
#define CLOCK_THREAD_CPUTIME_ID 3  /**< CPU time of the thread */
#define CLOCK_MONOTONIC_RAW 4      /**< monotonic, not adjusted by NTP */
#define CLOCK_REALTIME_COARSE 5    /**< realtime, fast and coarse */
#define CLOCK_MONOTONIC_COARSE 6   /**< monotonic, fast and coarse */
#define CLOCK_BOOTTIME 7           /**< monotonic plus time suspended */
///@}

/** clock_nanosleep's flag: the time is a deadline, not a duration. */
#define TIMER_ABSTIME 1

/** The clock ticks times() counts in (sysconf(_SC_CLK_TCK)). */
#define USER_HZ 100

#endif /* UAPI_TIME_H */
