/**
 * @file
 * @ingroup arch
 * @brief Hardware interrupt lines: a table of handlers, one per PIC line.
 *
 * Drivers call irq_register() from their init call; irq_handle() runs the
 * handler when the line fires and acknowledges the PIC. One handler per line
 * is enough for the legacy devices of chapter 1.
 */
#include "kernel/irq.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "uapi/errno.h"

/** What runs for one line. */
struct irq_action {
    irq_handler_fn handler;
    void *ctx;
};

static struct irq_action irq_actions[IRQ_COUNT];

/**
 * @brief Route interrupt line @p irq to @p handler and unmask it.
 * @param irq     0-15
 * @param handler called with interrupts off on every interrupt
 * @param ctx     passed back to the handler
 * @return 0, -EINVAL for a bad line, -EBUSY if the line is taken
 * @pre called during boot (init calls); takes no lock
 */
int
irq_register(unsigned irq, irq_handler_fn handler, void *ctx)
{
    if (irq >= IRQ_COUNT || handler == NULL)
        return -EINVAL;
    irqflags_t flags = arch_irq_save();
    if (irq_actions[irq].handler != NULL) {
        arch_irq_restore(flags);
        return -EBUSY;
    }
    irq_actions[irq].handler = handler;
    irq_actions[irq].ctx = ctx;
    pic_unmask(irq);
    arch_irq_restore(flags);
    return 0;
}

/** Whether the interrupt being handled came while a program ran in user
 *  mode; kept for the handler (interrupts do not nest). */
static bool irq_user;

/**
 * @brief Did the interrupt being handled stop a program in user mode?
 *
 * How the timer tick tells a program's own time from the time the kernel
 * spent for it (times()'s tms_utime and tms_stime, ITIMER_VIRTUAL).
 * @return true for user mode, false for the kernel or idle
 * @pre called from an interrupt handler
 */
bool
irq_from_user(void)
{
    return irq_user;
}

/**
 * @brief Run the handler of the line that fired, then send the EOI.
 * @param tf the interrupted state (vector IRQ_BASE + line)
 * @pre interrupts off
 */
void
irq_handle(struct trap_frame *tf)
{
    irq_user = (tf->cs & 3) == 3;
    unsigned irq = tf->vector - IRQ_BASE;
    if (pic_is_spurious(irq))
        return;
    struct irq_action *a = &irq_actions[irq];
    if (a->handler != NULL)
        a->handler(irq, a->ctx);
    pic_eoi(irq);
}
