/**
 * @file
 * @ingroup proc
 * @brief Signals: what other subsystems need to know about them.
 *
 * A blocking call (wait4, a pipe read, nanosleep, the console) must give
 * up with -EINTR when a signal arrives for the sleeping thread; a write to
 * a pipe nobody reads raises SIGPIPE; the terminal sends SIGINT to its
 * foreground process group.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include "kernel/types.h"
#include "uapi/signal.h"

bool signal_pending(void);
void signal_raise(int sig);
int signal_send_pgrp(int pgid, int sig);

#endif /* KERNEL_SIGNAL_H */
