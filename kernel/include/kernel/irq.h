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
#if CHAPTER >= 6
bool irq_from_user(void);
#endif
#if CHAPTER >= 7
void irq_set_level_triggered(unsigned irq);
#endif

#endif /* KERNEL_IRQ_H */
