/**
 * @file
 * @ingroup drivers
 * @brief The PC keyboard controller (Intel 8042): scan codes from IRQ 1.
 *
 * The keyboard talks to an 8042 on the mainboard, which buffers one byte
 * at a time for the CPU: port 0x64 reads its status (bit 0: a byte is
 * waiting, bit 5: it came from the mouse) and takes commands, port 0x60
 * holds the data. Each byte the keyboard sends raises IRQ 1. The
 * controller's configuration byte says whether it interrupts and whether
 * it translates the keyboard's scan codes to the XT's set 1; the firmware
 * normally leaves both on, and this driver makes sure of it.
 *
 * What a byte means is not this file's business: each one goes to the
 * virtual terminal (vt_keyboard_byte(), kernel/tty/vt.c), whose decoder
 * keeps the shift state and makes characters and escape sequences.
 *
 * Every wait for the controller is bounded, so a machine without one
 * boots anyway (its keyboard stays silent, and the boot log says so).
 * Locking: the set-up runs once at boot; the handler runs with
 * interrupts off.
 */
#include "asm/io.h"
#include "kernel/init.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/vt.h"
#include "uapi/errno.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64       /* read */
#define I8042_COMMAND 0x64      /* write */
#define STATUS_OUTPUT_FULL 0x01 /* a byte waits in I8042_DATA */
#define STATUS_INPUT_FULL 0x02  /* the controller has not taken ours */
#define STATUS_MOUSE 0x20       /* the waiting byte is the mouse's */
#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_ENABLE_KBD 0xae
#define CONFIG_KBD_IRQ 0x01       /* interrupt on a keyboard byte */
#define CONFIG_KBD_CLOCK_OFF 0x10 /* the keyboard is disabled */
#define CONFIG_TRANSLATE 0x40     /* scan codes translated to set 1 */
#define KBD_IRQ 1
#define SPINS 100000       /* polls before giving up on the controller */
#define FLUSH_MAX 16       /* stale bytes read at most (Linux's i8042_flush) */
#define STATUS_ABSENT 0xff /* what a port with nothing behind it reads */

/* Wait until the controller can take a byte; false if it never can. */
static bool
wait_writable(void)
{
    for (int i = 0; i < SPINS; i++)
        if (!(inb(I8042_STATUS) & STATUS_INPUT_FULL))
            return true;
    return false;
}

/* Wait for a byte from the controller; false if none comes. */
static bool
wait_readable(void)
{
    for (int i = 0; i < SPINS; i++)
        if (inb(I8042_STATUS) & STATUS_OUTPUT_FULL)
            return true;
    return false;
}

/**
 * @brief IRQ 1: hand every waiting keyboard byte to the terminal.
 * @param irq the line (1)
 * @param ctx unused
 * @pre interrupts off
 */
static void
i8042_interrupt(unsigned irq, void *ctx)
{
    (void)irq;
    (void)ctx;
    uint8_t status;
    while ((status = inb(I8042_STATUS)) & STATUS_OUTPUT_FULL) {
        uint8_t code = inb(I8042_DATA);
        if (!(status & STATUS_MOUSE))
            vt_keyboard_byte(code);
    }
}

/**
 * @brief Turn the keyboard's interrupt and set-1 translation on, then
 *        listen on IRQ 1.
 *
 * Runs at the driver level, after the terminal it types into exists
 * (vt_init, same level, earlier in link order does not matter: bytes
 * before it are dropped).
 * @return 0; -ENODEV when no controller answers; irq_register()'s error
 */
static int
i8042_init(void)
{
    // No controller: the port floats and reads 0xff, "full" forever.
    if (inb(I8042_STATUS) == STATUS_ABSENT)
        goto absent;
    for (int i = 0; i < FLUSH_MAX && (inb(I8042_STATUS) & STATUS_OUTPUT_FULL);
         i++)
        (void)inb(I8042_DATA); // stale bytes from the firmware's time
    if (!wait_writable())
        goto absent;
    outb(I8042_COMMAND, CMD_READ_CONFIG);
    if (!wait_readable())
        goto absent;
    uint8_t config = inb(I8042_DATA);
    config |= CONFIG_KBD_IRQ | CONFIG_TRANSLATE;
    config &= (uint8_t)~CONFIG_KBD_CLOCK_OFF;
    if (!wait_writable())
        goto absent;
    outb(I8042_COMMAND, CMD_WRITE_CONFIG);
    if (!wait_writable())
        goto absent;
    outb(I8042_DATA, config);
    if (!wait_writable())
        goto absent;
    outb(I8042_COMMAND, CMD_ENABLE_KBD);
    return irq_register(KBD_IRQ, i8042_interrupt, NULL);
absent:
    pr_warn("i8042: no keyboard controller answers; no keyboard\n");
    return -ENODEV;
}
initcall(driver, i8042_init);
