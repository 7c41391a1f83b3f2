/**
 * @file
 * @ingroup proc
 * @brief Signals (first form; placeholder until delivery is written).
 */
#include "kernel/signal.h"
#include "uapi/errno.h"

/**
 * @brief Is a signal waiting for the current thread (and not blocked)?
 * @return true when a blocking call should return -EINTR
 */
bool
signal_pending(void)
{
    return false;
}

/**
 * @brief Send @p sig to the current process (SIGPIPE after EPIPE).
 * @param sig the signal number
 */
void
signal_raise(int sig)
{
    (void)sig;
}

/**
 * @brief Send @p sig to every process of group @p pgid (the terminal's ^C).
 * @param pgid the process group
 * @param sig  the signal number
 * @return 0, or -ESRCH when the group is empty
 */
int
signal_send_pgrp(int pgid, int sig)
{
    (void)pgid;
    (void)sig;
    return -ESRCH;
}
