/**
 * @file
 * @ingroup arch
 * @brief Hardware interrupt lines: for each PIC line, a chain of handlers.
 *
 * Drivers call irq_register() from their init call; irq_handle() runs the
 * handlers when the line fires and acknowledges the PIC. The legacy
 * devices of chapter 1 each have a line of their own, but PCI cards share
 * a few (QEMU's PIIX routes four INTx wires to lines 10 and 11), so a
 * line holds a chain: every handler on it runs, and each asks its own
 * device whether it was the one that interrupted (a shared, level-
 * triggered line stays asserted until every device on it is served).
 */
#include "kernel/irq.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "uapi/errno.h"

/** What runs for one line: one link of the line's chain. */
struct irq_action {
    irq_handler_fn handler;
    void *ctx;
    struct irq_action *next; /**< the next handler on the same line */
};

/** Handlers in all: the PC's own devices and a few PCI cards. */
#define IRQ_ACTIONS_MAX 32

static struct irq_action irq_pool[IRQ_ACTIONS_MAX];
static unsigned irq_pool_used;
static struct irq_action *irq_chains[IRQ_COUNT];

/**
 * @brief Add @p handler to line @p irq and unmask the line.
 *
 * The handler joins the end of the line's chain: a line may be shared
 * (PCI cards), so a handler must check its own device and return quietly
 * when the device has nothing to say.
 * @param irq     0-15
 * @param handler called with interrupts off on every interrupt of the line
 * @param ctx     passed back to the handler
 * @return 0, -EINVAL for a bad line, -ENOSPC when the table of handlers is
 *         full
 * @pre called during boot (init calls or drivers' probes); interrupts may
 *      be on (they are turned off around the change)
 */
int
irq_register(unsigned irq, irq_handler_fn handler, void *ctx)
{
    if (irq >= IRQ_COUNT || handler == NULL)
        return -EINVAL;
    irqflags_t flags = arch_irq_save();
    if (irq_pool_used == IRQ_ACTIONS_MAX) {
        arch_irq_restore(flags);
        return -ENOSPC;
    }
    struct irq_action *a = &irq_pool[irq_pool_used++];
    a->handler = handler;
    a->ctx = ctx;
    a->next = NULL;
    struct irq_action **link = &irq_chains[irq];
    while (*link != NULL)
        link = &(*link)->next;
    *link = a;
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
 * @brief Run every handler of the line that fired, then send the EOI.
 *
 * The EOI comes last: on a level-triggered line the handlers have by then
 * quieted their devices, so the line is low when the PIC listens again
 * (an EOI before that would deliver the same interrupt at once, forever).
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
    for (struct irq_action *a = irq_chains[irq]; a != NULL; a = a->next)
        a->handler(irq, a->ctx);
    pic_eoi(irq);
}
