/**
 * @file
 * @ingroup drivers
 * @brief The VGA text screen's memory and cursor, for the virtual
 *        terminal (kernel/tty/vt.c) that draws on it.
 */
#ifndef KERNEL_VGA_H
#define KERNEL_VGA_H

#include "kernel/types.h"

/** Characters per row of the text mode the firmware left us in. */
#define VGA_COLS 80
/** Rows of it. */
#define VGA_ROWS 25

uint16_t *vga_cells(void);
void vga_set_cursor(int row, int col, bool visible);

#endif /* KERNEL_VGA_H */
