/**
 * @file
 * @ingroup uapi
 * @brief signalfd4(2)'s flags and the record a read of a signalfd gives.
 *
 * A read of a signalfd returns whole records of 128 bytes, one per signal
 * taken: struct signalfd_siginfo, a flat cousin of siginfo_t in which
 * every field has a place of its own (no union), so a program need not
 * know which fields si_code makes meaningful.
 */
#ifndef UAPI_SIGNALFD_H
#define UAPI_SIGNALFD_H

#include "kernel/types.h"

/** @name signalfd4's flags (O_CLOEXEC and O_NONBLOCK's values). */
///@{
#define SFD_CLOEXEC 02000000 /**< close the descriptor on execve */
#define SFD_NONBLOCK 04000   /**< read gives EAGAIN instead of sleeping */
///@}

/** One signal, as a read of a signalfd returns it (Linux's layout). */
struct k_signalfd_siginfo {
    uint32_t ssi_signo;     /**< the signal */
    int32_t ssi_errno;      /**< si_errno (0) */
    int32_t ssi_code;       /**< si_code */
    uint32_t ssi_pid;       /**< sender, or the child of a SIGCHLD */
    uint32_t ssi_uid;       /**< the sender's real user id */
    int32_t ssi_fd;         /**< SIGIO: the descriptor */
    uint32_t ssi_tid;       /**< POSIX timers: the timer's id */
    uint32_t ssi_band;      /**< SIGIO: the band event */
    uint32_t ssi_overrun;   /**< POSIX timers: the overrun count */
    uint32_t ssi_trapno;    /**< the trap number (not on x86) */
    int32_t ssi_status;     /**< SIGCHLD: exit code or signal */
    int32_t ssi_int;        /**< sigqueue: the sigval as an int */
    uint64_t ssi_ptr;       /**< sigqueue: the sigval as a pointer */
    uint64_t ssi_utime;     /**< SIGCHLD: user time, clock ticks */
    uint64_t ssi_stime;     /**< SIGCHLD: system time, clock ticks */
    uint64_t ssi_addr;      /**< faults: the address */
    uint16_t ssi_addr_lsb;  /**< SIGBUS of memory errors: the lsb */
    uint16_t pad2;          /**< (padding) */
    int32_t ssi_syscall;    /**< SIGSYS: the system call */
    uint64_t ssi_call_addr; /**< SIGSYS: where it was made */
    uint32_t ssi_arch;      /**< SIGSYS: its AUDIT_ARCH */
    uint8_t pad[28];        /**< up to 128 bytes */
};
_Static_assert(sizeof(struct k_signalfd_siginfo) == 128,
               "signalfd_siginfo is 128 bytes");
_Static_assert(__builtin_offsetof(struct k_signalfd_siginfo, ssi_ptr) == 48,
               "signalfd_siginfo: ssi_ptr at 48");
_Static_assert(__builtin_offsetof(struct k_signalfd_siginfo, ssi_addr) == 72,
               "signalfd_siginfo: ssi_addr at 72");
_Static_assert(__builtin_offsetof(struct k_signalfd_siginfo, ssi_arch) == 96,
               "signalfd_siginfo: ssi_arch at 96");

#endif /* UAPI_SIGNALFD_H */
