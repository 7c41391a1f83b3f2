/**
 * @file
 * @ingroup init
 * @brief panic(): stop the kernel when one of its own invariants is broken.
 *
 * Never for anything a user program can cause (those get an errno). A panic
 * prints the message and a backtrace, then powers off with status
 * KEEL_EXIT_PANIC so tests see it at once instead of waiting for a timeout.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/compiler.h"

/** @name Exit statuses seen by QEMU's isa-debug-exit (QEMU rc = 2*s+1). */
///@{
#define KEEL_EXIT_OK 0          /**< success: QEMU exits 1 */
#define KEEL_EXIT_TEST_FAILED 1 /**< a self-test failed: QEMU exits 3 */
#define KEEL_EXIT_PANIC 2       /**< panic or CPU exception: QEMU exits 5 */
#define KEEL_EXIT_INIT 3        /**< init failed or did not start: exits 7 */
///@}

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/** Panic naming the broken invariant when @p cond is false. */
#define BUG_ON(cond)                                                           \
    do {                                                                       \
        if (cond)                                                              \
            panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);           \
    } while (0)

#endif /* KERNEL_PANIC_H */
