/**
 * @file
 * @ingroup arch
 * @brief The edge/level control registers (ELCR) of the PC's PICs.
 *
 * The 8259A was built for ISA, where a device raises an edge on a line of
 * its own. PCI's INTx wires are level-triggered and shared: a card holds
 * its wire low (asserted) until the driver has served it. The PIIX
 * chipset that routes INTx to PIC lines has one register per PIC, at
 * ports 0x4d0 (lines 0-7) and 0x4d1 (lines 8-15), with one bit per line:
 * 1 means level-triggered. The BIOS sets the bits for the lines it routed
 * PCI interrupts to; we set them again, since an edge-triggered PCI line
 * would lose every interrupt that arrives while another is in service.
 */
#include "asm/io.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/irq.h"

#define ELCR1 0x4d0
#define ELCR2 0x4d1

/**
 * @brief Mark PIC line @p irq level-triggered (a PCI INTx line).
 *
 * Lines 0, 1, 2, 8 and 13 (timer, keyboard, cascade, RTC, FPU) must stay
 * edge-triggered; the chipset ignores their bits, and so do we.
 * @param irq 0-15
 * @pre any context; the change is made with interrupts off
 */
void
irq_set_level_triggered(unsigned irq)
{
    if (irq >= IRQ_COUNT || irq <= 2 || irq == 8 || irq == 13)
        return;
    uint16_t port = irq < 8 ? ELCR1 : ELCR2;
    irqflags_t flags = arch_irq_save();
    outb(port, inb(port) | (uint8_t)(1u << (irq & 7)));
    arch_irq_restore(flags);
}
