/**
 * @file
 * @ingroup init
 * @brief panic(): report a broken kernel invariant and stop.
 */
#include "kernel/panic.h"
#include "kernel/arch.h"
#include "kernel/printk.h"

static bool in_panic;

/**
 * @brief Print `KERNEL PANIC: <message>`, a backtrace, and power off.
 *
 * Powers off with KEEL_EXIT_PANIC, so QEMU ends at once with exit code 5.
 * A panic inside a panic (say, the backtrace faults) skips straight to the
 * power-off instead of recursing.
 * @param fmt printf-style message naming the broken invariant
 */
__noreturn void
panic(const char *fmt, ...)
{
    arch_irq_disable();
    if (in_panic)
        arch_power_off(KEEL_EXIT_PANIC);
    in_panic = true;

    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pr_emerg("KERNEL PANIC: %s\n", msg);
    arch_dump_stack();
    pr_emerg("keel: power off (status %d)\n", KEEL_EXIT_PANIC);
    arch_power_off(KEEL_EXIT_PANIC);
}
