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
 * quotes, raw mode returns single bytes and VMIN=0 polls, entering
 * canonical mode makes pending input one line, and the terminal's signal
 * thread takes a ^C.
 */
#include "kernel/sched.h"
#include "kernel/selftest.h"
#include "kernel/string.h"
#include "kernel/time.h"
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
    type("a\x16\x03\x16\x7f\x16\r\x16\nb\n");
    err = err ? err : expect_read(64, "a\x03\x7f\r\nb\n", "^V quoting");
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

/* ^C reaches the signal thread, which takes it within a second. */
static int
check_signal_thread(void)
{
    irqflags_t flags = spin_lock_irqsave(&tty_console.lock);
    int saved_pgrp = tty_console.pgrp;
    tty_console.pgrp = 0x7ffffff0; // no such group: nobody is hurt
    spin_unlock_irqrestore(&tty_console.lock, flags);
    type("\x03");
    int waited = 0;
    while (tty_console.pending_signals != 0 && waited++ < HZ)
        sched_sleep_ticks(1);
    flags = spin_lock_irqsave(&tty_console.lock);
    tty_console.pgrp = saved_pgrp;
    spin_unlock_irqrestore(&tty_console.lock, flags);
    if (tty_console.pending_signals != 0)
        return selftest_fail("the ^C was never sent");
    return 0;
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
    if (err == 0)
        err = check_signal_thread();
    flags = spin_lock_irqsave(&tty_console.lock);
    ldisc_flush_input(&tty_console);
    ldisc_set_termios(&tty_console, &saved);
    spin_unlock_irqrestore(&tty_console.lock, flags);
    return err;
}
SELFTEST("ldisc", selftest_ldisc, 0);
