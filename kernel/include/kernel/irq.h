/**
 * @file
 * @ingroup arch
 * @brief Hardware interrupt lines: drivers ask for one and get called.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include "kernel/types.h"

/** An interrupt handler; runs with interrupts off. */
typedef void (*irq_handler_fn)(unsigned irq, void *ctx);

int irq_register(unsigned irq, irq_handler_fn handler, void *ctx);

extern unsigned irq_depth;

/**
 * @brief Is an interrupt handler running (not a thread, nor an exception
 *        such as a page fault, which runs for the thread it interrupted)?
 *
 * Code that may sleep asks, through the lock checker: an interrupt
 * handler borrows whatever thread it interrupted and must never sleep.
 * @return true inside irq_handle()
 */
static inline bool
in_irq(void)
{
    return irq_depth != 0;
}
#if CHAPTER >= 6
bool irq_from_user(void);
#endif
#if CHAPTER >= 7
void irq_set_level_triggered(unsigned irq);
#endif

#endif /* KERNEL_IRQ_H */
