/**
 * @file
 * @ingroup drivers
 * @brief The 8254 Programmable Interval Timer: Keel's clock tick.
 *
 * Channel 0 of the PIT counts down from a divisor at 1.193182 MHz and
 * raises IRQ 0 each time it reaches zero. Programmed in mode 2 (rate
 * generator) with divisor 1193182 / HZ it interrupts HZ times a second;
 * every interrupt calls time_tick(). Later chapters may replace it with the
 * local APIC timer; the time subsystem does not care which clock drives it.
 */
#include "asm/io.h"
#include "kernel/init.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/time.h"

#define PIT_FREQ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_RATE 0x34 /* channel 0, lo/hi byte, mode 2, binary */
#define PIT_IRQ 0

static void
pit_interrupt(unsigned irq, void *ctx)
{
    (void)irq;
    (void)ctx;
    time_tick();
}

/**
 * @brief Program channel 0 for HZ interrupts a second and take IRQ 0.
 * @return 0, or the error of irq_register()
 */
// [pit_init]
static int
pit_init(void)
{
    // >>> exercise 1.3 timer
    uint16_t divisor = (PIT_FREQ + HZ / 2) / HZ;
    outb(PIT_CMD, PIT_CMD_CH0_RATE);
    outb(PIT_CH0, divisor & 0xff);
    outb(PIT_CH0, divisor >> 8);
    return irq_register(PIT_IRQ, pit_interrupt, NULL);
    // === stub
    // (void)pit_interrupt;
    // return 0;
    // <<< exercise 1.3 timer
}
// [pit_init]
initcall(driver, pit_init);
