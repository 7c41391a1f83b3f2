/**
 * @file
 * @ingroup proc
 * @brief Signals: what other subsystems need to know about them.
 *
 * A blocking call (wait4, a pipe read, nanosleep, the console) must give
 * up with -EINTR when a signal arrives for the sleeping thread.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include "kernel/types.h"

bool signal_pending(void);

#endif /* KERNEL_SIGNAL_H */
