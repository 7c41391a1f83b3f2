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

#define COM1 0x3f8
#define UART_THR 0
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
#define BAUD_BASE 115200
#define BAUD 115200

static void
uart_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

/* The console write method: a terminal wants "\r\n" for a new line. */
static void
uart_console_write(struct console *con, const char *buf, size_t len)
{
    (void)con;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            uart_putc('\r');
        uart_putc(buf[i]);
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
