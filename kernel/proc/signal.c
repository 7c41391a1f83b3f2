/**
 * @file
 * @ingroup proc
 * @brief Signals (first form; placeholder until delivery is written).
 */
#include "kernel/signal.h"

/**
 * @brief Is a signal waiting for the current thread (and not blocked)?
 * @return true when a blocking call should return -EINTR
 */
bool
signal_pending(void)
{
    return false;
}
