/**
 * @file
 * @ingroup arch
 * @brief Stopping the machine: halt, and power-off with an exit status.
 *
 * Under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=4`, a write of
 * value v to port 0xf4 ends QEMU with exit code (v << 1) | 1. That is how
 * tests learn a boot's result without waiting for a timeout: status 0
 * (QEMU exits 1) for success, 1 (QEMU 3) for a failed self-test, 2 (QEMU 5)
 * for a panic. On a machine without that device the write does nothing; we
 * then try the ACPI power-off ports of QEMU and Bochs, and finally halt.
 */
#include "asm/io.h"
#include "kernel/arch.h"
#include "kernel/printk.h"

#define DEBUG_EXIT_PORT 0xf4
#define QEMU_ACPI_PM1A_CNT 0x604   /* QEMU (PIIX4/ICH9 PM, PM1a control) */
#define BOCHS_ACPI_PM1A_CNT 0xb004 /* Bochs and old QEMU */
#define ACPI_SLP_S5 0x2000

/**
 * @brief Halt the CPU for good: interrupts off, hlt in a loop.
 */
__noreturn void
arch_halt(void)
{
    for (;;)
        __asm__ __volatile__("cli; hlt");
}

/**
 * @brief Power the machine off, reporting @p status to QEMU.
 * @param status KEEL_EXIT_* (kernel/panic.h); 0 means success
 */
// [power_off]
__noreturn void
arch_power_off(int status)
{
    arch_irq_disable();
    outb(DEBUG_EXIT_PORT, (uint8_t)status);
    outw(QEMU_ACPI_PM1A_CNT, ACPI_SLP_S5);
    outw(BOCHS_ACPI_PM1A_CNT, ACPI_SLP_S5);
    arch_halt();
}
// [power_off]
