/**
 * @file
 * @ingroup arch
 * @brief The two cascaded 8259A interrupt controllers of the PC.
 *
 * At power-on the PICs deliver IRQ 0-7 on vectors 8-15, on top of the CPU's
 * exceptions. pic_init() reprograms them to vectors 32-47 (IRQ_BASE) and
 * masks every line; a driver's irq_register() unmasks its own. IRQ 2 is the
 * cascade from the second (slave) PIC and stays unmasked once any line of
 * 8-15 is in use. All functions run with interrupts off.
 */
#include "asm/io.h"
#include "asm/trap.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define OCW3_READ_ISR 0x0b
#define PIC_EOI 0x20
#define CASCADE_IRQ 2

/**
 * @brief Remap both PICs to IRQ_BASE..IRQ_BASE+15 and mask every line.
 * @pre interrupts off
 */
void
pic_init(void)
{
    outb(PIC1_CMD, ICW1_INIT);
    io_wait();
    outb(PIC2_CMD, ICW1_INIT);
    io_wait();
    outb(PIC1_DATA, IRQ_BASE); /* ICW2: vector offsets */
    io_wait();
    outb(PIC2_DATA, IRQ_BASE + 8);
    io_wait();
    outb(PIC1_DATA, 1 << CASCADE_IRQ); /* ICW3: slave on line 2 */
    io_wait();
    outb(PIC2_DATA, CASCADE_IRQ);
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}

/**
 * @brief Let interrupt line @p irq through.
 * @param irq 0-15
 */
void
pic_unmask(unsigned irq)
{
    if (irq >= 8) {
        outb(PIC2_DATA, inb(PIC2_DATA) & ~(1 << (irq - 8)));
        irq = CASCADE_IRQ;
    }
    outb(PIC1_DATA, inb(PIC1_DATA) & ~(1 << irq));
}

/**
 * @brief Tell the PIC(s) that interrupt @p irq has been handled.
 * @param irq 0-15; lines 8-15 need an EOI to both chips
 */
void
pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

/**
 * @brief Is this IRQ 7 or 15 a spurious one (in-service bit clear)?
 *
 * A line that drops before the CPU acknowledges it shows up as IRQ 7 (or
 * 15) with nothing in service. Such an interrupt gets no EOI, except that a
 * spurious 15 still needs one to the master for the cascade.
 * @param irq the line that fired
 * @return true when the interrupt must be ignored
 */
bool
pic_is_spurious(unsigned irq)
{
    if (irq != 7 && irq != 15)
        return false;
    uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;
    outb(cmd, OCW3_READ_ISR);
    if (inb(cmd) & 0x80)
        return false;
    if (irq == 15)
        outb(PIC1_CMD, PIC_EOI);
    return true;
}
