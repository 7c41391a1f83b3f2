/**
 * @file
 * @ingroup tty
 * @brief Self-test of the line discipline, without anyone typing.
 *
 * `test=ldisc` feeds keys to the console with tty_receive(), as the
 * serial interrupt would, and reads them back with non-blocking
 * tty_read() calls, so a broken discipline fails instead of waiting for
 * input forever. Echo is off during the test (nothing appears on the
 * screen); the console's settings and queue are restored at the end.
 * Checked: the empty queue gives -EAGAIN, erase/kill/word-erase edit the
 * line, a line is only readable once it is complete and may be read in
 * pieces, ^D ends a line and at its start gives 0, ^C flushes, ^V
 * quotes, raw mode
 * returns single bytes and VMIN=0 polls, and entering canonical mode
 * makes pending input one line.
 */
#include "kernel/selftest.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/* Set the console's settings from @p t, as TCSETS would. */
static void
set_modes(const struct termios *t)
{
    irqflags_t flags = spin_lock_irqsave(&tty_console.lock);
    ldisc_set_termios(&tty_console, t);
    spin_unlock_irqrestore(&tty_console.lock, flags);
}

/* Type @p keys. */
static void
type(const char *keys)
{
    tty_receive(&tty_console, keys, strlen(keys));
}

/* A non-blocking read of at most @p n bytes must give exactly @p want. */
static int
expect_read(size_t n, const char *want, const char *what)
{
    char buf[64];
    long got = tty_read(buf, n, true);
    size_t len = strlen(want);
    if (got != (long)len || memcmp(buf, want, len) != 0)
        return selftest_fail("%s: read gave %ld bytes, want %zu (\"%s\")", what,
                             got, len, want);
    return 0;
}

/* The canonical-mode checks; echo is off. */
static int
check_canonical(void)
{
    char buf[8];
    if (tty_read(buf, sizeof(buf), true) != -EAGAIN)
        return selftest_fail("an empty queue did not give -EAGAIN");
    type("ab\x7f"
         "c\r");
    int err = expect_read(64, "ac\n", "DEL and CR->NL");
    type("x\x15yz\x17w\n");
    err = err ? err : expect_read(64, "w\n", "^U and ^W");
    type("part");
    if (err == 0 && tty_read(buf, sizeof(buf), true) != -EAGAIN)
        return selftest_fail("half a line was readable in canonical mode");
    type("ial\nnext\n");
    err = err ? err : expect_read(3, "par", "a short read");
    err = err ? err : expect_read(64, "tial\n", "the rest of the line");
    err = err ? err : expect_read(64, "next\n", "one line per read");
    type("q\x04\x04");
    err = err ? err : expect_read(64, "q", "^D inside a line");
    err = err ? err : expect_read(64, "", "^D at the start of a line");
    type("ab\x04"
         "cd\n");
    err = err ? err : expect_read(2, "ab", "^D after a full buffer");
    err = err ? err : expect_read(64, "cd\n", "the line after that ^D");
    type("lost\x03kept\n");
    err = err ? err : expect_read(64, "kept\n", "^C flushing the line");
    type("a\x16\x03\x16\x7f\x16\nb\n");
    err = err ? err : expect_read(64, "a\x03\x7f\nb\n", "^V quoting");
    return err;
}

/* The raw-mode checks: VMIN=1 single bytes, VMIN=0 poll, back to lines. */
static int
check_raw(struct termios t)
{
    t.c_lflag &= ~(ICANON | ISIG);
    t.c_iflag &= ~ICRNL;
    set_modes(&t);
    type("k\r\x03");
    int err = expect_read(1, "k", "raw single byte");
    err = err ? err : expect_read(64, "\r\x03", "raw CR and ^C");
    t.c_cc[VMIN] = 0;
    set_modes(&t);
    char buf[8];
    if (err == 0 && tty_read(buf, sizeof(buf), false) != 0)
        return selftest_fail("a VMIN=0 read of nothing did not return 0");
    type("zz");
    t.c_lflag |= ICANON;
    set_modes(&t);
    return err ? err : expect_read(64, "zz", "raw input turned into a line");
}

/**
 * @brief test=ldisc: the line discipline on the console (see file).
 * @return 0 if every check passed, else selftest_fail()'s value
 */
static int
selftest_ldisc(void)
{
    irqflags_t flags = spin_lock_irqsave(&tty_console.lock);
    struct termios saved = tty_console.termios;
    ldisc_flush_input(&tty_console);
    spin_unlock_irqrestore(&tty_console.lock, flags);
    struct termios t = saved;
    t.c_lflag &= ~ECHO;
    set_modes(&t);
    int err = check_canonical();
    if (err == 0)
        err = check_raw(t);
    flags = spin_lock_irqsave(&tty_console.lock);
    ldisc_flush_input(&tty_console);
    ldisc_set_termios(&tty_console, &saved);
    spin_unlock_irqrestore(&tty_console.lock, flags);
    return err;
}
SELFTEST("ldisc", selftest_ldisc, 0);
