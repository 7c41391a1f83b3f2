/**
 * @file
 * @ingroup drivers
 * @brief The VGA text screen: 80x25 cells at physical 0xb8000 and the
 *        blinking cursor.
 *
 * Each cell is two bytes, the character and its colour attribute, and the
 * screen shows whatever is written there. Chapter 1's version of this
 * file also drew on it (newlines, scrolling) as a console of the kernel
 * log. From chapter 6 the screen is a terminal, /dev/tty1, whose escape
 * sequences kernel/tty/vt.c interprets; it draws through vga_cells(), and
 * the kernel log reaches the screen through that terminal too. What is
 * left here is the hardware: where the cells are, and the CRT
 * controller's cursor registers (ports 0x3d4/0x3d5).
 *
 * Locking: none here; the terminal calls with its screen lock held.
 */
#include "asm/io.h"
#include "kernel/arch.h"
#include "kernel/vga.h"

#define VGA_PHYS 0xb8000
#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a /* bit 5: cursor off */
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW 0x0f
#define CURSOR_OFF 0x20
#define CURSOR_SHAPE 0x0d /* scan lines 13-14: an underline */

/**
 * @brief The screen's cells, VGA_ROWS * VGA_COLS of them, row by row.
 * @return their address in the direct map
 */
uint16_t *
vga_cells(void)
{
    return phys_to_virt(VGA_PHYS);
}

/**
 * @brief Put the hardware cursor at (@p row, @p col), or hide it.
 * @param row     from 0
 * @param col     from 0
 * @param visible false: the cursor is turned off
 */
void
vga_set_cursor(int row, int col, bool visible)
{
    uint16_t pos = (uint16_t)(row * VGA_COLS + col);
    outb(CRTC_INDEX, CRTC_CURSOR_START);
    outb(CRTC_DATA, visible ? CURSOR_SHAPE : CURSOR_OFF);
    outb(CRTC_INDEX, CRTC_CURSOR_LOW);
    outb(CRTC_DATA, pos & 0xff);
    outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
    outb(CRTC_DATA, pos >> 8);
}
