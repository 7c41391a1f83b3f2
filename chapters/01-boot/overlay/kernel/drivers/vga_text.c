/**
 * @file
 * @ingroup drivers
 * @brief The VGA text screen: 80x25 characters at physical 0xb8000.
 *
 * Each cell is two bytes, the character and its colour attribute. The
 * driver keeps a cursor, scrolls by moving every row up one, and moves the
 * blinking hardware cursor through the CRT controller ports 0x3d4/0x3d5.
 * It understands \\n, \\r, \\b and \\t, so the uptime line, which rewrites
 * itself with \\r, looks the same here as on the serial console.
 * Called by printk with interrupts off; no lock of its own.
 */
#include "asm/io.h"
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define VGA_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07 /* light grey on black */
#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5

static uint16_t *vga;
static int row, col;

static void
vga_scroll(void)
{
    memmove(vga, vga + VGA_COLS, (VGA_ROWS - 1) * VGA_COLS * 2);
    for (int c = 0; c < VGA_COLS; c++)
        vga[(VGA_ROWS - 1) * VGA_COLS + c] = VGA_ATTR << 8 | ' ';
    row = VGA_ROWS - 1;
}

static void
vga_move_cursor(void)
{
    uint16_t pos = row * VGA_COLS + col;
    outb(CRTC_INDEX, 0x0f);
    outb(CRTC_DATA, pos & 0xff);
    outb(CRTC_INDEX, 0x0e);
    outb(CRTC_DATA, pos >> 8);
}

/* Put one character at the cursor and advance it. */
static void
vga_putc(char c)
{
    if (c == '\n') {
        col = 0;
        row++;
    } else if (c == '\r') {
        col = 0;
    } else if (c == '\b') {
        if (col > 0)
            col--;
    } else if (c == '\t') {
        col = (col + 8) & ~7;
    } else {
        vga[row * VGA_COLS + col] = VGA_ATTR << 8 | (uint8_t)c;
        col++;
    }
    if (col >= VGA_COLS) {
        col = 0;
        row++;
    }
    if (row >= VGA_ROWS)
        vga_scroll();
}

static void
vga_console_write(struct console *con, const char *buf, size_t len)
{
    (void)con;
    for (size_t i = 0; i < len; i++)
        vga_putc(buf[i]);
    vga_move_cursor();
}

static struct console vga_console = {
    .name = "vga",
    .write = vga_console_write,
};

/* Clear the screen and register as a console. */
static int
vga_init(void)
{
    vga = phys_to_virt(VGA_PHYS);
    for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
        vga[i] = VGA_ATTR << 8 | ' ';
    row = col = 0;
    console_register(&vga_console);
    return 0;
}
initcall(console, vga_init);
