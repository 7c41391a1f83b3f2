/**
 * @file
 * @ingroup fs
 * @brief timerfd: a timer read as a file (fs/timerfd.c).
 */
#ifndef FS_TIMERFD_H
#define FS_TIMERFD_H

#include "kernel/types.h"
#include "uapi/timer.h"

struct file;

int timerfd_create(int clock, int flags, struct file **out);
int timerfd_settime(struct file *f, int flags, const struct itimerspec *value,
                    struct itimerspec *old);
int timerfd_gettime(struct file *f, struct itimerspec *value);

#endif /* FS_TIMERFD_H */
