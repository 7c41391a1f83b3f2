/**
 * @file
 * @ingroup proc
 * @brief Resource limits: struct rlimit and the RLIMIT_* numbers.
 */
#ifndef UAPI_RESOURCE_H
#define UAPI_RESOURCE_H

#include "kernel/types.h"

/** A soft limit (enforced) and a hard limit (the soft one's ceiling). */
struct rlimit {
    uint64_t rlim_cur; /**< the soft limit */
    uint64_t rlim_max; /**< the hard limit */
};

_Static_assert(sizeof(struct rlimit) == 16, "struct rlimit size");

/** No limit. */
#define RLIM_INFINITY (~0UL)

/** @name The resources, in Linux's numbering. */
///@{
#define RLIMIT_CPU 0         /**< CPU time, seconds */
#define RLIMIT_FSIZE 1       /**< largest file, bytes */
#define RLIMIT_DATA 2        /**< data segment size */
#define RLIMIT_STACK 3       /**< stack size */
#define RLIMIT_CORE 4        /**< core file size */
#define RLIMIT_RSS 5         /**< resident pages (unused) */
#define RLIMIT_NPROC 6       /**< processes of the user */
#define RLIMIT_NOFILE 7      /**< open files (highest fd + 1) */
#define RLIMIT_MEMLOCK 8     /**< locked memory */
#define RLIMIT_AS 9          /**< address-space size */
#define RLIMIT_LOCKS 10      /**< file locks */
#define RLIMIT_SIGPENDING 11 /**< queued signals */
#define RLIMIT_MSGQUEUE 12   /**< POSIX message-queue bytes */
#define RLIMIT_NICE 13       /**< ceiling of the nice value */
#define RLIMIT_RTPRIO 14     /**< real-time priority */
#define RLIMIT_RTTIME 15     /**< real-time CPU time, microseconds */
#define RLIM_NLIMITS 16      /**< the number of resources */
///@}

/** What the kernel reports in sysinfo(2). */
struct sysinfo {
    int64_t uptime;     /**< seconds since boot */
    uint64_t loads[3];  /**< load averages, 1, 5, 15 minutes (<< 16) */
    uint64_t totalram;  /**< usable memory, in mem_unit */
    uint64_t freeram;   /**< free memory */
    uint64_t sharedram; /**< shared memory */
    uint64_t bufferram; /**< buffers */
    uint64_t totalswap; /**< swap space (none) */
    uint64_t freeswap;  /**< free swap */
    uint16_t procs;     /**< processes */
    uint16_t pad;       /**< padding */
    uint64_t totalhigh; /**< high memory (none on x86_64) */
    uint64_t freehigh;  /**< free high memory */
    uint32_t mem_unit;  /**< the unit of the memory sizes, in bytes */
    char f[4];          /**< padding to 112 bytes */
};

_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo size");

#endif /* UAPI_RESOURCE_H */
