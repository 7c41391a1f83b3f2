/**
 * @file
 * @ingroup tty
 * @brief The line discipline: typed bytes become lines, echo and signals.
 *
 * Every byte the serial port receives passes through
 * ldisc_receive_char(), in interrupt context, in this order (as Linux's
 * n_tty does):
 *
 * 1. input flags: ISTRIP clears bit 7; a byte quoted with ^V (see below)
 *    is plain input from here on; ICRNL turns the terminal's Enter (CR)
 *    into NL, IGNCR drops CR, INLCR turns NL into CR;
 * 2. ISIG: the VINTR, VQUIT and VSUSP characters (^C, ^\, ^Z) flush the
 *    input, echo as "^C" and ask the caller to signal the foreground group;
 * 3. IXON: ^S and ^Q are swallowed (output is never actually stopped);
 * 4. ICANON: the editing keys change the line being typed: VERASE (DEL,
 *    and ^H as well) removes a character, VWERASE (^W) a word, VKILL (^U)
 *    the whole line; NL, VEOL and VEOL2 end a line, VEOF (^D) ends it
 *    without a character, so at the start of a line read() returns 0;
 * 5. anything else is queued and echoed.
 *
 * With IEXTEN two more keys work: VLNEXT (^V) makes the next byte plain
 * input, whatever it is (shown as "^" and a backspace meanwhile), and
 * VREPRINT (^R) types the line being edited again on a fresh line.
 *
 * Echo follows Linux's rules: with ECHOCTL a control character shows as
 * "^X"; with ECHOE an erased character is wiped with "\b \b" (twice for a
 * "^X"); with ECHOK and ECHOKE a killed line is wiped character by
 * character. Echo goes out through tty_output(), the terminal's own output
 * path (OPOST processing, then the driver's write, which is safe with
 * interrupts off): the serial port for the console, the master's read
 * side for a pty. Tabs are erased as one column (the column is not
 * tracked).
 *
 * Locking: every function here is called with tty->lock held.
 */
#include "kernel/tty.h"
#include "uapi/signal.h"

/** Backspace: the erase key many terminals send instead of DEL. */
#define CTRL_H 0x08

/** The three ways of taking back typed input. */
enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

static bool
is_ctrl(uint8_t c)
{
    return c < 0x20 || c == 0x7f;
}

static bool
is_word(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '_';
}

/* Is @p c the control character c_cc[@p idx]? A 0 entry is disabled. */
static bool
is_cc(const struct tty *tty, uint8_t c, int idx)
{
    uint8_t cc = tty->termios.c_cc[idx];
    return cc != 0 && c == cc;
}

static bool
lflag(const struct tty *tty, uint32_t f)
{
    return (tty->termios.c_lflag & f) != 0;
}

static bool
iflag(const struct tty *tty, uint32_t f)
{
    return (tty->termios.c_iflag & f) != 0;
}

/* Show @p c as the user typed it: "^X" for a control character. */
static void
echo_char(uint8_t c, struct tty *tty)
{
    char out[2] = {(char)c, 0};
    if (lflag(tty, ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n') {
        out[0] = '^';
        out[1] = (char)(c ^ 0x40);
        tty_output(tty, out, 2);
        return;
    }
    tty_output(tty, out, 1);
}

/* Wipe the echo of one erased character @p c from the screen. */
static void
echo_rubout(uint8_t c, struct tty *tty)
{
    int cols = lflag(tty, ECHOCTL) && is_ctrl(c) && c != '\t' ? 2 : 1;
    for (int i = 0; i < cols; i++)
        tty_output(tty, "\b \b", 3);
}

/* Append @p c to the ring; @p ends_line marks a line end. */
static void
queue_put(struct tty *tty, uint8_t c, bool ends_line)
{
    size_t at = tty->head % TTY_BUF_SIZE;
    tty->buf[at] = (char)c;
    tty->eol[at] = ends_line;
    tty->head++;
}

/* Room for one more byte? Canonical mode keeps one for the line's end. */
static bool
queue_has_room(const struct tty *tty, bool line_end)
{
    size_t used = tty->head - tty->tail;
    size_t limit = TTY_BUF_SIZE;
    if (lflag(tty, ICANON) && !line_end)
        limit--;
    return used < limit;
}

/**
 * @brief Take back typed input: one character, one word or the line.
 *
 * Only the line being edited, [canon, head), can be taken back. A word
 * is a run of letters, digits and '_' with whatever follows it (Linux's
 * "altwerase").
 * @param tty  the terminal
 * @param kind what to erase
 * @pre tty->lock held
 */
static void
erase(struct tty *tty, enum erase_kind kind)
{
    bool echo = lflag(tty, ECHO);
    if (kind == ERASE_LINE && !(echo && lflag(tty, ECHOK) &&
                                lflag(tty, ECHOKE) && lflag(tty, ECHOE))) {
        // Without the visual kill, Linux echoes the kill character itself.
        tty->head = tty->canon;
        if (echo) {
            echo_char(tty->termios.c_cc[VKILL], tty);
            if (lflag(tty, ECHOK))
                tty_output(tty, "\n", 1);
        }
        return;
    }
    bool seen_word = false;
    while (tty->head > tty->canon) {
        uint8_t c = (uint8_t)tty->buf[(tty->head - 1) % TTY_BUF_SIZE];
        if (kind == ERASE_WORD) {
            if (is_word(c))
                seen_word = true;
            else if (seen_word)
                break;
        }
        tty->head--;
        if (echo && kind == ERASE_CHAR && !lflag(tty, ECHOE))
            echo_char(tty->termios.c_cc[VERASE], tty);
        else if (echo)
            echo_rubout(c, tty);
        if (kind == ERASE_CHAR)
            break;
    }
}

/* Make the line being edited readable (unless the queue is full). */
static void
end_line(struct tty *tty, uint8_t c)
{
    if (!queue_has_room(tty, true))
        return;
    queue_put(tty, c, true);
    tty->canon = tty->head;
}

/* Which signal, if any, the byte @p c raises under ISIG. */
static int
signal_char(const struct tty *tty, uint8_t c)
{
    if (!lflag(tty, ISIG))
        return 0;
    if (is_cc(tty, c, VINTR))
        return SIGINT;
    if (is_cc(tty, c, VQUIT))
        return SIGQUIT;
    if (is_cc(tty, c, VSUSP))
        return SIGTSTP;
    return 0;
}

/* Queue @p c as plain input, echoing it; dropped when the queue is full. */
static void
put_plain(struct tty *tty, uint8_t c)
{
    if (!queue_has_room(tty, false))
        return;
    if (lflag(tty, ECHO))
        echo_char(c, tty);
    queue_put(tty, c, false);
    if (!lflag(tty, ICANON))
        tty->canon = tty->head;
}

/* VREPRINT: echo "^R", then the line being edited on a new line. */
static void
reprint(struct tty *tty, uint8_t c)
{
    if (!lflag(tty, ECHO))
        return;
    echo_char(c, tty);
    tty_output(tty, "\n", 1);
    for (size_t i = tty->canon; i < tty->head; i++)
        echo_char((uint8_t)tty->buf[i % TTY_BUF_SIZE], tty);
}

/* The IEXTEN keys ^V and ^R; true if @p c was one of them. */
static bool
extended_key(struct tty *tty, uint8_t c)
{
    if (!lflag(tty, IEXTEN))
        return false;
    if (is_cc(tty, c, VLNEXT)) {
        tty->lnext = true;
        if (lflag(tty, ECHO) && lflag(tty, ECHOCTL))
            tty_output(tty, "^\b", 2);
        return true;
    }
    if (lflag(tty, ICANON) && is_cc(tty, c, VREPRINT)) {
        reprint(tty, c);
        return true;
    }
    return false;
}

/* The editing and line-ending keys of canonical mode; true if taken. */
static bool
canon_special(struct tty *tty, uint8_t c)
{
    if (is_cc(tty, c, VERASE) || (c == CTRL_H && lflag(tty, IEXTEN))) {
        erase(tty, ERASE_CHAR);
    } else if (is_cc(tty, c, VKILL)) {
        erase(tty, ERASE_LINE);
    } else if (lflag(tty, IEXTEN) && is_cc(tty, c, VWERASE)) {
        erase(tty, ERASE_WORD);
    } else if (is_cc(tty, c, VEOF)) {
        // The end-of-file mark: a NUL ending the line, never copied out.
        end_line(tty, 0);
    } else if (c == '\n' || is_cc(tty, c, VEOL) || is_cc(tty, c, VEOL2)) {
        if (lflag(tty, ECHO) || (c == '\n' && lflag(tty, ECHONL)))
            echo_char(c, tty);
        end_line(tty, c);
    } else {
        return false;
    }
    return true;
}

/**
 * @brief Process one received byte (see the file comment for the order).
 * @param tty the terminal
 * @param c   the byte as the device received it
 * @param sig set to the signal to send to the foreground group, if any
 * @pre tty->lock held, interrupts off
 */
void
ldisc_receive_char(struct tty *tty, uint8_t c, int *sig)
{
    if (iflag(tty, ISTRIP))
        c &= 0x7f;
    if (tty->lnext) {
        // The byte after ^V is input as it is, even ^C or CR; its echo
        // overwrites the "^" that stood in for it.
        tty->lnext = false;
        put_plain(tty, c);
        return;
    }
    if (c == '\r' && iflag(tty, IGNCR))
        return;
    if (c == '\r' && iflag(tty, ICRNL))
        c = '\n';
    else if (c == '\n' && iflag(tty, INLCR))
        c = '\r';
    int s = signal_char(tty, c);
    if (s != 0) {
        if (!lflag(tty, NOFLSH))
            ldisc_flush_input(tty);
        if (lflag(tty, ECHO))
            echo_char(c, tty);
        *sig = s;
        return;
    }
    if (iflag(tty, IXON) && (is_cc(tty, c, VSTART) || is_cc(tty, c, VSTOP)))
        return;
    if (extended_key(tty, c))
        return;
    if (lflag(tty, ICANON) && canon_special(tty, c))
        return;
    put_plain(tty, c);
}

/**
 * @brief May a device that can wait (a pty's master) give another byte?
 *
 * Yes while the queue has room for it and one more (Linux's n_tty keeps
 * one byte free). A full queue says no, so the writer waits for a
 * reader, except in canonical mode with no complete line in it: no
 * reader could ever take an unfinished line, so the bytes are taken and
 * put_plain() drops them, keeping the last place for the line's end, as
 * Linux does.
 * @param tty the terminal
 * @return true when ldisc_receive_char() may be called now
 * @pre tty->lock held
 */
bool
ldisc_can_receive(const struct tty *tty)
{
    if (tty->head - tty->tail + 1 < TTY_BUF_SIZE)
        return true;
    return lflag(tty, ICANON) && tty->canon == tty->tail;
}

/**
 * @brief Drop all input, typed lines and the line being edited.
 * @param tty the terminal
 * @pre tty->lock held
 */
void
ldisc_flush_input(struct tty *tty)
{
    tty->head = tty->tail;
    tty->canon = tty->tail;
}

/**
 * @brief How many bytes a read could take now (FIONREAD).
 * @param tty the terminal
 * @return bytes of completed lines (canonical) or of input (raw)
 * @pre tty->lock held
 */
size_t
ldisc_readable(const struct tty *tty)
{
    return tty->canon - tty->tail;
}

/**
 * @brief Move readable input to @p buf: at most one line when canonical.
 *
 * A canonical read stops after the byte that ends a line; an end-of-file
 * mark ends the line but is not copied, so at the start of a line the
 * read returns 0.
 * @param tty the terminal
 * @param buf kernel buffer
 * @param n   its size
 * @return bytes copied; 0 for end of file
 * @pre tty->lock held and ldisc_readable() > 0
 */
size_t
ldisc_copy_out(struct tty *tty, char *buf, size_t n)
{
    bool canon = lflag(tty, ICANON);
    size_t got = 0;
    while (got < n && tty->tail < tty->canon) {
        size_t at = tty->tail % TTY_BUF_SIZE;
        bool ends = tty->eol[at];
        tty->eol[at] = false;
        tty->tail++;
        if (canon && ends && tty->buf[at] == 0)
            return got;
        buf[got++] = tty->buf[at];
        if (canon && ends)
            return got;
    }
    // The buffer is full. A ^D right after the bytes it pushed belongs to
    // this read: left in the queue it would read as an end of file.
    size_t at = tty->tail % TTY_BUF_SIZE;
    if (canon && tty->tail < tty->canon && tty->eol[at] && tty->buf[at] == 0) {
        tty->eol[at] = false;
        tty->tail++;
    }
    return got;
}

/**
 * @brief Install new settings, moving the line boundary if ICANON changed.
 *
 * Leaving canonical mode makes the half-typed line readable as it is;
 * entering it turns what is queued into one completed line, as Linux does.
 * @param tty the terminal
 * @param t   the new settings
 * @pre tty->lock held
 */
void
ldisc_set_termios(struct tty *tty, const struct termios *t)
{
    bool was_canon = lflag(tty, ICANON);
    tty->termios = *t;
    if (was_canon == lflag(tty, ICANON))
        return;
    if (lflag(tty, ICANON) && tty->head > tty->tail)
        tty->eol[(tty->head - 1) % TTY_BUF_SIZE] = true;
    tty->canon = tty->head;
}
