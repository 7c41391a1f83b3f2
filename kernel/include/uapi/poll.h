/**
 * @file
 * @ingroup uapi
 * @brief poll(): struct pollfd and the event bits, as Linux x86_64.
 */
#ifndef UAPI_POLL_H
#define UAPI_POLL_H

#include "kernel/types.h"

#define POLLIN 0x001   /**< there is data to read */
#define POLLPRI 0x002  /**< urgent data (never set here) */
#define POLLOUT 0x004  /**< writing will not block */
#define POLLERR 0x008  /**< an error (a pipe with no reader) */
#define POLLHUP 0x010  /**< hung up (a pipe with no writer) */
#define POLLNVAL 0x020 /**< not an open descriptor */
#if CHAPTER >= 5
#define POLLRDNORM 0x040 /**< normal data to read (as POLLIN) */
#define POLLRDBAND 0x080 /**< priority data to read (never set here) */
#define POLLWRNORM 0x100 /**< writing will not block (as POLLOUT) */
#define POLLWRBAND 0x200 /**< priority data may be written (never set) */
#endif

/** One entry of poll's array, as user space lays it out. */
struct pollfd {
    int32_t fd;      /**< the descriptor; negative: ignored */
    int16_t events;  /**< what the caller waits for */
    int16_t revents; /**< what happened (filled in by the kernel) */
};
_Static_assert(sizeof(struct pollfd) == 8, "struct pollfd is 8 bytes");

#endif /* UAPI_POLL_H */
