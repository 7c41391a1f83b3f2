/**
 * @file
 * @ingroup drivers
 * @brief The 16550 UART on COM1: Keel's first and most useful console.
 *
 * QEMU connects COM1 to its `-serial` option: the terminal for `make run`,
 * a pipe for the grader. The driver sets 115200 baud, 8 data bits, no
 * parity, one stop bit (8N1), with FIFOs on, and writes by polling: wait
 * until the transmit holding register is empty, then store the byte.
 * Polling is slow on real hardware but simple and works with interrupts
 * off, which is exactly when panic messages must still get out.
 *
 * From chapter 4 the port also receives: the driver turns on the
 * "received data available" interrupt (IER bit 0), takes IRQ 4, and its
 * handler drains the receive FIFO while the LSR says data is ready,
 * passing the bytes to the terminal layer it registered with. The tty
 * layer does the rest (editing, echo, ^C); the driver knows nothing of it.
 *
 * Registers (offsets from the base port 0x3f8):
 * @verbatim
 *   +0  THR/RBR  transmit / receive byte (DLL when DLAB=1)
 *   +1  IER      interrupt enable        (DLM when DLAB=1)
 *   +2  FCR      FIFO control
 *   +3  LCR      line control: data bits, parity, stop, DLAB (bit 7)
 *   +4  MCR      modem control: DTR, RTS, OUT2
 *   +5  LSR      line status: bit 5 = THR empty, bit 0 = data ready
 * @endverbatim
 */
#include "asm/io.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#if CHAPTER >= 4
#include "kernel/irq.h"
#include "kernel/tty.h"
#endif

#define COM1 0x3f8
#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_DLL 0
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_THR_EMPTY 0x20
#define LSR_DATA_READY 0x01
#define IER_RX_AVAILABLE 0x01
#define COM1_IRQ 4
#define BAUD_BASE 115200
#define BAUD 115200

static void
uart_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

/** The last byte sent: whether an NL has its CR already. */
static char uart_last;

/* The console write method: a terminal wants "\r\n" for a new line. The
 * tty layer's ONLCR sends the CR itself; a bare NL (the kernel's log
 * messages) gets one here. */
static void
uart_console_write(struct console *con, const char *buf, size_t len)
{
    (void)con;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n' && uart_last != '\r')
            uart_putc('\r');
        uart_putc(buf[i]);
        uart_last = buf[i];
    }
}

static struct console uart_console = {
    .name = "ttyS0",
    .write = uart_console_write,
};

/* Program 115200 8N1 with FIFOs, interrupts off, then register. */
static int
uart_init(void)
{
    uint16_t divisor = BAUD_BASE / BAUD;
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, divisor & 0xff);
    outb(COM1 + UART_DLM, divisor >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xc7); /* enable, clear both, 14-byte trigger */
    outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 */
    console_register(&uart_console);
    return 0;
}
initcall(console, uart_init);

#if CHAPTER >= 4
/** The terminal this port carries; set by uart_input_init(). */
static struct tty *uart_tty;

/* The terminal's output, processed already (ONLCR): to this port only.
 * (Until chapter 5 it went to every console, the screen too; from
 * chapter 6 the screen is a terminal of its own, tty1, and ttyS0's
 * programs must not draw on it. Nor is it the kernel's log: dmesg holds
 * the kernel's messages, not a shell's output, as on Linux.) */
static size_t
uart_tty_write(struct tty *tty, const char *buf, size_t n)
{
    (void)tty;
    uart_console_write(&uart_console, buf, n);
    return n;
}

static const struct tty_driver uart_tty_driver = {
    .name = "ttyS0",
    .write = uart_tty_write,
};

/**
 * @brief IRQ 4: move every byte waiting in the receive FIFO to the tty.
 * @param irq the line (4)
 * @param ctx unused
 * @pre interrupts off
 */
static void
uart_interrupt(unsigned irq, void *ctx)
{
    (void)irq;
    (void)ctx;
    char buf[16];
    size_t n = 0;
    // Reading RBR empties the FIFO and clears the interrupt.
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        buf[n++] = (char)inb(COM1 + UART_RBR);
        if (n == sizeof(buf)) {
            tty_receive(uart_tty, buf, n);
            n = 0;
        }
    }
    if (n > 0)
        tty_receive(uart_tty, buf, n);
}

/**
 * @brief Become the console terminal's device and turn on receiving.
 *
 * Runs at the driver level, after the PICs are set up (arch level), since
 * registering the interrupt unmasks its line.
 * @return 0, or the error of irq_register()
 */
static int
uart_input_init(void)
{
    uart_tty = tty_register_driver(&uart_tty_driver);
    int err = irq_register(COM1_IRQ, uart_interrupt, NULL);
    if (err < 0)
        return err;
    outb(COM1 + UART_IER, IER_RX_AVAILABLE);
    return 0;
}
initcall(driver, uart_input_init);
#endif
