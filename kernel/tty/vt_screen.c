/**
 * @file
 * @ingroup tty
 * @brief A VT100 on an array of cells: what a full-screen program's
 *        escape sequences do to the screen.
 *
 * Programs such as vi, top and less do not draw on the screen: they write
 * text mixed with control sequences, "ESC [ 5 ; 10 H" for "cursor to row
 * 5, column 10", "ESC [ K" for "erase to the end of the line", "ESC [ 7 m"
 * for "reverse video". A terminal, once a box on a desk and here a page of
 * code, interprets them. This one understands the subset Linux's console
 * shares with the VT100 and that BusyBox's vi, top, less and ash use:
 *
 * - control characters: BS, HT, LF (and VT, FF), CR, ESC; BEL is ignored;
 * - ESC 7 / ESC 8 (save and restore the cursor), ESC D, ESC M, ESC E
 *   (index, reverse index, next line), ESC c (reset);
 * - CSI sequences: cursor motion (A B C D E F G H f d), erase (J K X),
 *   insert and delete (@ P L M), the scrolling region (r), save and
 *   restore (s u), attributes (m), modes (h l: ?1 arrow keys, ?7
 *   autowrap, ?25 the cursor), and the queries n (status, cursor
 *   position) and c (device attributes), whose answers wait in `reply`
 *   for the caller to type back as input.
 *
 * The parser is a state machine over single bytes, so a sequence split
 * across two write() calls works. Unknown sequences are consumed and
 * ignored, as real terminals do; so are those Linux's console drops
 * (a '>', '=' or '<' prefix, bytes among the numbers, a '?' sequence
 * that is not a mode), and SGR's 256-colour and RGB colours, which an
 * 8-colour screen cannot show. Writing in the last column sets
 * `wrap_next` instead of moving to the next row at once (the VT100's
 * "pending wrap"): a program that fills a row and then positions the
 * cursor itself does not scroll the screen by accident.
 *
 * Pure code: no locks, no hardware. kernel/tty/vt.c calls it under the
 * screen's lock; grading/host/test_vt.c runs it on the host.
 */
#include "kernel/vt.h"

/** ANSI's colour order (black, red, green, yellow, blue, magenta, cyan,
 *  white) in the VGA's (black, blue, green, cyan, red, magenta, brown,
 *  grey). */
static const uint8_t ansi_to_vga[8] = {0, 4, 2, 6, 1, 5, 3, 7};

/**
 * @brief The VGA attribute byte a pen draws with.
 * @param pen the colours and modes
 * @return background in bits 4-7, foreground in bits 0-3
 */
uint8_t
vt_pen_attr(const struct vt_pen *pen)
{
    uint8_t fg = pen->fg, bg = pen->bg;
    if (pen->underline && fg == 7)
        fg = 3; // Linux's console shows underline as a colour (cyan)
    if (pen->reverse) {
        uint8_t t = fg;
        fg = bg;
        bg = t;
    }
    if (pen->bold)
        fg |= 8;
    if (pen->blink)
        bg |= 8;
    return (uint8_t)(bg << 4 | fg);
}

/* A blank cell in the current colours (erasing uses the background). */
static uint16_t
blank(const struct vt_screen *s)
{
    return (uint16_t)(vt_pen_attr(&s->pen) << 8 | ' ');
}

static uint16_t *
cell(struct vt_screen *s, int row, int col)
{
    return &s->cells[row * s->cols + col];
}

/* Blank cells [from, to) of the screen, counted row after row. */
static void
erase(struct vt_screen *s, int from, int to)
{
    uint16_t b = blank(s);
    for (int i = from; i < to; i++)
        s->cells[i] = b;
}

/* Move rows [top, bottom] up by @p n (n > 0) or down by -n, blanking the
 * rows that come in. */
static void
scroll(struct vt_screen *s, int top, int bottom, int n)
{
    int height = bottom - top + 1;
    if (n > height)
        n = height;
    if (n < -height)
        n = -height;
    if (n > 0) {
        for (int r = top; r + n <= bottom; r++)
            for (int c = 0; c < s->cols; c++)
                *cell(s, r, c) = *cell(s, r + n, c);
        erase(s, (bottom - n + 1) * s->cols, (bottom + 1) * s->cols);
    } else if (n < 0) {
        n = -n;
        for (int r = bottom; r - n >= top; r--)
            for (int c = 0; c < s->cols; c++)
                *cell(s, r, c) = *cell(s, r - n, c);
        erase(s, top * s->cols, (top + n) * s->cols);
    }
}

/* The cursor one row down, scrolling the region at its bottom (LF). */
static void
line_feed(struct vt_screen *s)
{
    s->wrap_next = false;
    if (s->row == s->bottom)
        scroll(s, s->top, s->bottom, 1);
    else if (s->row < s->rows - 1)
        s->row++;
}

/* The cursor one row up, scrolling the region down at its top (ESC M). */
static void
reverse_feed(struct vt_screen *s)
{
    s->wrap_next = false;
    if (s->row == s->top)
        scroll(s, s->top, s->bottom, -1);
    else if (s->row > 0)
        s->row--;
}

static int
clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Put the cursor at (row, col), kept on the screen. */
static void
move_to(struct vt_screen *s, int row, int col)
{
    s->row = clamp(row, 0, s->rows - 1);
    s->col = clamp(col, 0, s->cols - 1);
    s->wrap_next = false;
}

// [vt_put_char]
/* Draw one printable byte at the cursor and advance it. */
static void
put_char(struct vt_screen *s, uint8_t c)
{
    if (s->wrap_next && s->autowrap) {
        s->col = 0;
        line_feed(s);
    }
    *cell(s, s->row, s->col) = (uint16_t)(vt_pen_attr(&s->pen) << 8 | c);
    if (s->col == s->cols - 1)
        s->wrap_next = s->autowrap; // without autowrap: overwrite it
    else
        s->col++;
}
// [vt_put_char]

/* Queue an answer to a query for the caller to type back: whole, or
 * not at all when the queue is full (half an answer would be typed as
 * keys). */
static void
reply(struct vt_screen *s, const char *text)
{
    size_t n = 0;
    while (text[n] != 0)
        n++;
    if (s->reply_len + n > VT_REPLY_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        s->reply[s->reply_len++] = text[i];
}

/* Parameter @p i, or @p dflt when it is missing or 0. */
static int
param(const struct vt_screen *s, int i, int dflt)
{
    return (i < s->nparams && s->params[i] > 0) ? s->params[i] : dflt;
}

/* Reset the pen to grey on black, no modes. */
static void
pen_reset(struct vt_pen *pen)
{
    *pen = (struct vt_pen){.fg = 7, .bg = 0};
}

/* CSI ... m: set the pen. No parameter means 0 (reset). */
static void
select_graphic_rendition(struct vt_screen *s)
{
    if (s->nparams == 0)
        pen_reset(&s->pen);
    for (int i = 0; i < s->nparams; i++) {
        int p = s->params[i];
        if (p == 38 || p == 48) {
            // 256 colours (5;n) or RGB (2;r;g;b): this screen has 8, so
            // the colour is skipped, its numbers not read as attributes
            int kind = i + 1 < s->nparams ? s->params[i + 1] : 0;
            i += kind == 5 ? 2 : kind == 2 ? 4 : 1;
            continue;
        }
        if (p >= 90 && p <= 97) { // bright colours: bold, as Linux does
            s->pen.bold = true;
            p -= 60;
        } else if (p >= 100 && p <= 107) {
            p -= 60;
        }
        if (p == 0)
            pen_reset(&s->pen);
        else if (p == 1)
            s->pen.bold = true;
        else if (p == 4)
            s->pen.underline = true;
        else if (p == 5)
            s->pen.blink = true;
        else if (p == 7)
            s->pen.reverse = true;
        else if (p == 21) // Linux: a (double) underline
            s->pen.underline = true;
        else if (p == 22)
            s->pen.bold = false;
        else if (p == 24)
            s->pen.underline = false;
        else if (p == 25)
            s->pen.blink = false;
        else if (p == 27)
            s->pen.reverse = false;
        else if (p >= 30 && p <= 37)
            s->pen.fg = ansi_to_vga[p - 30];
        else if (p == 39)
            s->pen.fg = 7;
        else if (p >= 40 && p <= 47)
            s->pen.bg = ansi_to_vga[p - 40];
        else if (p == 49)
            s->pen.bg = 0;
    }
}

/* CSI ? n h / l: the private modes this terminal has. */
static void
set_mode(struct vt_screen *s, bool on)
{
    if (!s->priv)
        return; // ANSI modes (insert, LNM) are not kept
    for (int i = 0; i < s->nparams; i++) {
        if (s->params[i] == 1)
            s->app_cursor = on;
        else if (s->params[i] == 7)
            s->autowrap = on;
        else if (s->params[i] == 25)
            s->cursor_visible = on;
    }
}

/* CSI n J (screen) and CSI n K (line): 0 from the cursor, 1 up to it,
 * 2 (and J's 3) all. */
static void
erase_in(struct vt_screen *s, bool line)
{
    int here = s->row * s->cols + s->col;
    int start = line ? s->row * s->cols : 0;
    int end = line ? (s->row + 1) * s->cols : s->rows * s->cols;
    int how = s->nparams > 0 ? s->params[0] : 0;
    if (how > (line ? 2 : 3))
        return; // not a kind Linux knows: nothing
    if (how == 0)
        erase(s, here, end);
    else if (how == 1)
        erase(s, start, here + 1);
    else
        erase(s, start, end);
    s->wrap_next = false;
}

/* CSI n @ (insert blanks) and CSI n P (delete characters) on the
 * cursor's row: the rest of the row moves right or left. */
static void
shift_row(struct vt_screen *s, int n, bool insert)
{
    int room = s->cols - s->col;
    n = clamp(n, 1, room);
    uint16_t *row = cell(s, s->row, 0);
    if (insert) {
        for (int c = s->cols - 1; c >= s->col + n; c--)
            row[c] = row[c - n];
        for (int c = s->col; c < s->col + n; c++)
            row[c] = blank(s);
    } else {
        for (int c = s->col; c + n < s->cols; c++)
            row[c] = row[c + n];
        for (int c = s->cols - n; c < s->cols; c++)
            row[c] = blank(s);
    }
    s->wrap_next = false;
}

/* CSI n L / M: insert or delete lines from the cursor's row to the
 * scrolling region's bottom; below the region they do nothing (Linux's
 * csi_L and csi_M). The cursor stays where it is. */
static void
insert_lines(struct vt_screen *s, int n, bool insert)
{
    if (s->row > s->bottom)
        return;
    scroll(s, s->row, s->bottom, insert ? -n : n);
    s->wrap_next = false;
}

/* ESC 7 and CSI s: remember the cursor and its pen. */
static void
save_cursor(struct vt_screen *s)
{
    s->saved_row = s->row;
    s->saved_col = s->col;
    s->saved_pen = s->pen;
}

/* ESC 8 and CSI u: back to them. */
static void
restore_cursor(struct vt_screen *s)
{
    move_to(s, s->saved_row, s->saved_col);
    s->pen = s->saved_pen;
}

/* CSI n; m r: the scrolling region; the cursor goes home. */
static void
set_region(struct vt_screen *s)
{
    int top = param(s, 0, 1) - 1;
    int bottom = param(s, 1, s->rows) - 1;
    if (top < bottom && bottom < s->rows) {
        s->top = top;
        s->bottom = bottom;
        move_to(s, 0, 0); // an invalid region changes nothing (Linux)
    }
}

/* CSI n n: device status (5: "OK") and cursor position (6) reports. */
static void
status_report(struct vt_screen *s)
{
    int what = param(s, 0, 0);
    if (what == 5) {
        reply(s, "\033[0n");
    } else if (what == 6) {
        char buf[24];
        int row = s->row + 1, col = s->col + 1, n = 0;
        char digits[12];
        int d;
        buf[n++] = '\033';
        buf[n++] = '[';
        for (int v = 0; v < 2; v++) {
            int x = v == 0 ? row : col;
            d = 0;
            do
                digits[d++] = (char)('0' + x % 10);
            while ((x /= 10) > 0);
            while (d > 0)
                buf[n++] = digits[--d];
            buf[n++] = v == 0 ? ';' : 'R';
        }
        buf[n] = 0;
        reply(s, buf);
    }
}

/* A control sequence's final byte @p f: do what it says. */
static void
csi_dispatch(struct vt_screen *s, char f)
{
    int n = param(s, 0, 1);
    if (s->ignore || (s->priv && f != 'h' && f != 'l'))
        return; // as Linux: ESC [ > c, ESC [ ? 2 J, ... are not ours
    switch (f) {
    case 'A':
        move_to(s, s->row - n, s->col);
        break;
    case 'B':
    case 'e':
        move_to(s, s->row + n, s->col);
        break;
    case 'C':
    case 'a':
        move_to(s, s->row, s->col + n);
        break;
    case 'D':
        move_to(s, s->row, s->col - n);
        break;
    case 'E':
        move_to(s, s->row + n, 0);
        break;
    case 'F':
        move_to(s, s->row - n, 0);
        break;
    case 'G':
    case '`':
        move_to(s, s->row, n - 1);
        break;
    case 'd':
        move_to(s, n - 1, s->col);
        break;
    case 'H':
    case 'f':
        move_to(s, param(s, 0, 1) - 1, param(s, 1, 1) - 1);
        break;
    case 'J':
        erase_in(s, false);
        break;
    case 'K':
        erase_in(s, true);
        break;
    case 'X': {
        int here = s->row * s->cols + s->col;
        erase(s, here, here + clamp(n, 1, s->cols - s->col));
        break;
    }
    case '@':
        shift_row(s, n, true);
        break;
    case 'P':
        shift_row(s, n, false);
        break;
    case 'L':
        insert_lines(s, n, true);
        break;
    case 'M':
        insert_lines(s, n, false);
        break;
    case 'r':
        set_region(s);
        break;
    case 's':
        save_cursor(s);
        break;
    case 'u':
        restore_cursor(s);
        break;
    case 'm':
        select_graphic_rendition(s);
        break;
    case 'h':
        set_mode(s, true);
        break;
    case 'l':
        set_mode(s, false);
        break;
    case 'n':
        status_report(s);
        break;
    case 'c':
        if (!s->priv)
            reply(s, "\033[?6c");
        break; // a VT102
    default:
        break; // unknown: consumed and ignored
    }
}

/* A byte after ESC. */
static void
esc_byte(struct vt_screen *s, char c)
{
    s->state = VT_NORMAL;
    switch (c) {
    case '[':
        s->state = VT_CSI;
        s->nparams = 0;
        s->priv = false;
        s->ignore = false;
        for (int i = 0; i < VT_MAX_PARAMS; i++)
            s->params[i] = 0;
        break;
    case '(':
    case ')':
        s->state = VT_CHARSET;
        break;
    case '7':
        save_cursor(s);
        break;
    case '8':
        restore_cursor(s);
        break;
    case 'D':
        line_feed(s);
        break;
    case 'M':
        reverse_feed(s);
        break;
    case 'E':
        s->col = 0;
        line_feed(s);
        break;
    case 'c':
        vt_screen_reset(s);
        break;
    default:
        break; // ESC = / ESC > (keypad modes) and the rest
    }
}

/* A byte inside CSI: digits and ';' build parameters, '?' marks a
 * private sequence, a byte from '@' to '~' ends it. */
static void
csi_byte(struct vt_screen *s, char c)
{
    if (c >= '0' && c <= '9') {
        if (s->nparams == 0)
            s->nparams = 1;
        int *p = &s->params[s->nparams - 1];
        if (*p < 10000)
            *p = *p * 10 + (c - '0');
    } else if (c == ';') {
        if (s->nparams == 0)
            s->nparams = 1; // "CSI ; 5 H": the first one was left out
        if (s->nparams < VT_MAX_PARAMS)
            s->nparams++;
    } else if (c == '?' && s->nparams == 0) {
        s->priv = true;
    } else if (c == '[' && s->nparams == 0 && !s->priv) {
        s->state = VT_FUNCKEY; // ESC [ [ A: F1 echoed; skip its letter
    } else if (c >= '@' && c <= '~') {
        s->state = VT_NORMAL;
        csi_dispatch(s, c);
    } else {
        s->ignore = true; // '>', '=', '<', or bytes between the numbers
    }
}

/* A control character (below 32, or DEL) in any state but CSI's. */
static void
control(struct vt_screen *s, char c)
{
    switch (c) {
    case '\b':
        if (s->col > 0)
            s->col--;
        s->wrap_next = false;
        break;
    case '\t':
        s->col = clamp((s->col + 8) & ~7, 0, s->cols - 1);
        break;
    case '\n':
    case '\v':
    case '\f':
        line_feed(s);
        break;
    case '\r':
        s->col = 0;
        s->wrap_next = false;
        break;
    case '\033':
        s->state = VT_ESC;
        break;
    case 0x18:
    case 0x1a:
        s->state = VT_NORMAL;
        break; // CAN, SUB abort
    default:
        break; // BEL, SO, SI, NUL, DEL: nothing to draw
    }
}

/**
 * @brief Interpret @p n output bytes on the screen.
 * @param s   the screen
 * @param buf the bytes (text and control sequences)
 * @param n   how many
 */
void
vt_screen_write(struct vt_screen *s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if ((uint8_t)c < 32 || c == 0x7f) {
            control(s, c); // a VT100 obeys them inside a sequence too
        } else if (s->state == VT_ESC) {
            esc_byte(s, c);
        } else if (s->state == VT_CSI) {
            csi_byte(s, c);
        } else if (s->state == VT_CHARSET || s->state == VT_FUNCKEY) {
            s->state = VT_NORMAL; // only the default character set
        } else {
            put_char(s, (uint8_t)c);
        }
    }
}

/**
 * @brief Back to the power-on state: blank screen, cursor home, grey on
 *        black, the whole screen scrolls, no saved cursor, no queries
 *        waiting.
 * @param s the screen (its cells and size set)
 */
void
vt_screen_reset(struct vt_screen *s)
{
    pen_reset(&s->pen);
    s->saved_pen = s->pen;
    s->row = s->col = s->saved_row = s->saved_col = 0;
    s->wrap_next = false;
    s->top = 0;
    s->bottom = s->rows - 1;
    s->cursor_visible = true;
    s->app_cursor = false;
    s->autowrap = true;
    s->state = VT_NORMAL;
    s->nparams = 0;
    s->reply_len = 0;
    erase(s, 0, s->rows * s->cols);
}

/**
 * @brief Give a screen its cells and reset it (the cells are blanked).
 * @param s     the screen
 * @param cells rows * cols cells it draws on
 * @param rows  its height
 * @param cols  its width
 */
void
vt_screen_init(struct vt_screen *s, uint16_t *cells, int rows, int cols)
{
    s->cells = cells;
    s->rows = rows;
    s->cols = cols;
    vt_screen_reset(s);
}
