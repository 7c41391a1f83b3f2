/**
 * @file
 * @ingroup proc
 * @brief waitid(2)'s numbers and the siginfo it fills in.
 */
#ifndef UAPI_WAIT_H
#define UAPI_WAIT_H

#include "kernel/types.h"

/** @name waitid's idtype: which children. */
///@{
#define P_ALL 0  /**< any child */
#define P_PID 1  /**< the child with pid id */
#define P_PGID 2 /**< children in process group id */
///@}

/** @name wait options. */
///@{
#define WNOHANG 0x00000001    /**< do not sleep */
#define WSTOPPED 0x00000002   /**< report stopped children */
#define WEXITED 0x00000004    /**< report exited children */
#define WCONTINUED 0x00000008 /**< report continued children */
#define WNOWAIT 0x01000000    /**< leave the child waitable */
#define WNOTHREAD 0x20000000  /**< only this thread's children */
#define WALL 0x40000000       /**< any kind of child */
#define WCLONE 0x80000000     /**< only clone children */
///@}

/** @name si_code values of SIGCHLD. */
///@{
#define CLD_EXITED 1 /**< the child exited */
#define CLD_KILLED 2 /**< a signal killed it */
#define CLD_DUMPED 3 /**< a signal killed it, core dumped */
#if CHAPTER >= 6
#define CLD_STOPPED 5        /**< a signal stopped it */
#define CLD_CONTINUED 6      /**< SIGCONT continued it */
#define WUNTRACED 0x00000002 /**< wait4: report stopped children */
#endif
///@}

/** The siginfo_t of a SIGCHLD, as waitid writes it (128 bytes). */
struct siginfo_chld {
    int32_t si_signo;  /**< SIGCHLD */
    int32_t si_errno;  /**< 0 */
    int32_t si_code;   /**< CLD_EXITED, CLD_KILLED or CLD_DUMPED */
    int32_t pad0;      /**< alignment of the union */
    int32_t si_pid;    /**< the child */
    uint32_t si_uid;   /**< the child's real uid */
    int32_t si_status; /**< exit code, or the signal that killed it */
    int32_t pad1;      /**< alignment */
    int64_t si_utime;  /**< user time in ticks */
    int64_t si_stime;  /**< system time in ticks */
    uint8_t rest[80];  /**< the rest of the 128 bytes */
};

_Static_assert(sizeof(struct siginfo_chld) == 128, "siginfo_t size");
_Static_assert(__builtin_offsetof(struct siginfo_chld, si_pid) == 16,
               "si_pid offset");
_Static_assert(__builtin_offsetof(struct siginfo_chld, si_status) == 24,
               "si_status offset");

#endif /* UAPI_WAIT_H */
