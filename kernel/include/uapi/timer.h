/**
 * @file
 * @ingroup time
 * @brief The timer structures and flags of the Linux ABI.
 *
 * struct itimerval (setitimer, getitimer), struct itimerspec
 * (timer_settime, timerfd_settime), struct sigevent (timer_create) and
 * their numbers.
 */
#ifndef UAPI_TIMER_H
#define UAPI_TIMER_H

#include "kernel/types.h"
#include "uapi/time.h"

/** An interval timer in microseconds (setitimer). */
struct itimerval {
    struct timeval it_interval; /**< the reload, 0: fire once */
    struct timeval it_value;    /**< time to the next expiry, 0: disarmed */
};

/** An interval timer in nanoseconds (timer_settime, timerfd_settime). */
struct itimerspec {
    struct timespec it_interval; /**< the reload, 0: fire once */
    struct timespec it_value;    /**< the next expiry, 0: disarmed */
};

/** How a POSIX timer tells of its expiry (timer_create). */
struct sigevent {
    uint64_t sigev_value; /**< the sigval passed in si_value */
    int32_t sigev_signo;  /**< the signal */
    int32_t sigev_notify; /**< SIGEV_SIGNAL, SIGEV_NONE, ... */
    int32_t sigev_tid;    /**< SIGEV_THREAD_ID: the thread */
    int32_t pad[11];      /**< the rest of Linux's 64-byte union */
};

_Static_assert(sizeof(struct itimerval) == 32, "struct itimerval size");
_Static_assert(sizeof(struct itimerspec) == 32, "struct itimerspec size");
_Static_assert(sizeof(struct sigevent) == 64, "struct sigevent size");

/** @name The interval timers of setitimer. */
///@{
#define ITIMER_REAL 0    /**< wall time; SIGALRM */
#define ITIMER_VIRTUAL 1 /**< user CPU time; SIGVTALRM */
#define ITIMER_PROF 2    /**< user and system CPU time; SIGPROF */
///@}

/** @name sigevent's notify. */
///@{
#define SIGEV_SIGNAL 0    /**< send sigev_signo to the process */
#define SIGEV_NONE 1      /**< tell nobody (timer_gettime only) */
#define SIGEV_THREAD 2    /**< the C library's: a new thread */
#define SIGEV_THREAD_ID 4 /**< send sigev_signo to thread sigev_tid */
///@}

/** @name timerfd's flags (its O_CLOEXEC and O_NONBLOCK values). */
///@{
#define TFD_CLOEXEC 02000000             /**< close on exec */
#define TFD_NONBLOCK 04000               /**< reads do not wait */
#define TFD_TIMER_ABSTIME 1              /**< settime: a deadline */
#define TFD_TIMER_CANCEL_ON_SET (1 << 1) /**< settime: not supported */
///@}

#endif /* UAPI_TIMER_H */
