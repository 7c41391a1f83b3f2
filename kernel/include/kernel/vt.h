/**
 * @file
 * @ingroup tty
 * @brief The virtual terminal: a screen of cells that understands the
 *        escape sequences of a VT100 (as Linux's console does), and the
 *        keyboard decoder that turns scan codes into a terminal's bytes.
 *
 * Two pure parts, compiled for the host too (grading/host/test_vt.c):
 * - vt_screen_write() interprets output bytes on an array of cells, one
 *   16-bit cell per character as the VGA text mode stores them (colour
 *   attribute in the high byte, the character in the low byte);
 * - kbd_decode() turns one byte of PS/2 scan code set 1 into the bytes a
 *   terminal's program reads: letters, shifted symbols, ^C, and the
 *   escape sequences of the arrows and editing keys.
 * kernel/tty/vt.c joins them to the VGA screen, the PS/2 interrupt and a
 * struct tty as /dev/tty1. Neither part locks: the caller does.
 */
#ifndef KERNEL_VT_H
#define KERNEL_VT_H

#include "kernel/types.h"

/** The most numeric parameters one control sequence keeps. */
#define VT_MAX_PARAMS 8
/** Room for the answers to queries (cursor position, device attributes). */
#define VT_REPLY_MAX 32

/** Where the escape-sequence parser is. */
enum vt_state {
    VT_NORMAL,  /**< printing characters */
    VT_ESC,     /**< after ESC */
    VT_CSI,     /**< after ESC [: parameters until a final byte */
    VT_CHARSET, /**< after ESC ( or ESC ): one byte to skip */
    VT_FUNCKEY, /**< after ESC [ [: one byte to skip (Linux's F1-F5) */
};

/** The colours and modes a character is drawn with (SGR). */
struct vt_pen {
    uint8_t fg, bg; /**< VGA colour numbers 0-7 */
    bool bold;      /**< SGR 1: the bright foreground */
    bool blink;     /**< SGR 5: the bright background bit */
    bool reverse;   /**< SGR 7: foreground and background swapped */
    bool underline; /**< SGR 4: drawn as a colour, as Linux's console */
};

/** One terminal screen and its parser. */
struct vt_screen {
    uint16_t *cells;           /**< rows * cols cells, row after row */
    int rows, cols;            /**< its size */
    int row, col;              /**< the cursor, from 0 */
    bool wrap_next;            /**< the last column was written: wrap first */
    struct vt_pen pen;         /**< how new characters are drawn */
    int top, bottom;           /**< the scrolling region, rows inclusive */
    int saved_row;             /**< ESC 7 / CSI s: the saved cursor */
    int saved_col;             /**< ... its column */
    struct vt_pen saved_pen;   /**< ... and its pen */
    bool cursor_visible;       /**< CSI ? 25 h/l */
    bool app_cursor;           /**< CSI ? 1 h: arrows send ESC O x */
    bool autowrap;             /**< CSI ? 7 h/l */
    enum vt_state state;       /**< the parser */
    int params[VT_MAX_PARAMS]; /**< a control sequence's numbers */
    int nparams;               /**< how many were given */
    bool priv;                 /**< the sequence began with '?' */
    bool ignore;               /**< a prefix or byte Linux drops it for */
    char reply[VT_REPLY_MAX];  /**< answers waiting to be typed back */
    size_t reply_len;          /**< ... how many bytes */
};

void vt_screen_init(struct vt_screen *s, uint16_t *cells, int rows, int cols);
void vt_screen_reset(struct vt_screen *s);
void vt_screen_write(struct vt_screen *s, const char *buf, size_t n);
uint8_t vt_pen_attr(const struct vt_pen *pen);

/** The keyboard's modifier state between scan codes. */
struct kbd_state {
    bool shift_l, shift_r; /**< either shift key held */
    bool ctrl_l, ctrl_r;   /**< either ctrl key held */
    bool alt_l, alt_r;     /**< either alt key held */
    bool caps;             /**< caps lock on */
    bool extended;         /**< the previous byte was the 0xe0 prefix */
    bool app_cursor;       /**< the screen asked for ESC O x arrows */
};

/** The most bytes one key makes (ESC [ 6 ~ with an ESC prefix: 5). */
#define KBD_MAX_BYTES 8

size_t kbd_decode(struct kbd_state *k, uint8_t code, char *out);

/* the terminal on the screen (vt.c): where the keyboard driver types */
void vt_keyboard_byte(uint8_t code);

#endif
