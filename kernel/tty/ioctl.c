/**
 * @file
 * @ingroup tty
 * @brief Terminal ioctls: termios, window size, foreground group.
 *
 * What a C library asks a terminal: isatty() and tcgetattr() use TCGETS,
 * tcsetattr() the three TCSETS variants (TCSETSF also drops unread input),
 * a shell's job control uses TIOCGPGRP/TIOCSPGRP and TIOCSCTTY, and
 * `ls` asks TIOCGWINSZ how wide the screen is (a new size set with
 * TIOCSWINSZ sends SIGWINCH to the foreground group). Every request
 * copies its argument before or after taking the terminal's lock, never
 * under it, because a copy from user memory may fault.
 *
 * The controlling-terminal requests (TIOCSCTTY, TIOCNOTTY, TIOCSPGRP)
 * follow the rules of session.c; TIOCGPGRP and TIOCGSID answer only the
 * terminal's own session (-ENOTTY otherwise), or anyone through a pty's
 * master, which asks about its slave. A request that changes the
 * terminal (TCSETS*, TCFLSH, TCXONC, TCSBRK, TIOCSPGRP) from a background
 * group first sends it SIGTTOU (tty_check_change()).
 */
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/* Copy the current settings out to user memory. */
static long
ioctl_get_termios(struct tty *tty, uptr_t arg)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    struct termios t = tty->termios;
    spin_unlock_irqrestore(&tty->lock, flags);
    return copy_to_user(arg, &t, sizeof(t));
}

/* TCSETS, TCSETSW (output is never queued) and TCSETSF (flush input). */
static long
ioctl_set_termios(struct tty *tty, uptr_t arg, bool flush)
{
    struct termios t;
    if (copy_from_user(&t, arg, sizeof(t)) < 0)
        return -EFAULT;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    if (flush)
        ldisc_flush_input(tty);
    ldisc_set_termios(tty, &t);
    spin_unlock_irqrestore(&tty->lock, flags);
    // A reader may wait for a condition the new settings already meet,
    // a pty master's writer for room they (or the flush) made.
    wait_queue_wake_all(&tty->readers);
    wait_queue_wake_all(&tty->room);
    return 0;
}

/* Copy one int out: the answer of TIOCGPGRP, FIONREAD and the like. */
static long
put_int(uptr_t arg, int v)
{
    return copy_to_user(arg, &v, sizeof(v));
}

/* TIOCSPGRP: make the group named at @p arg the foreground group. */
static long
ioctl_set_pgrp(struct tty *tty, uptr_t arg)
{
    int pgrp;
    if (!tty_is_ctty(tty))
        return -ENOTTY;
    if (copy_from_user(&pgrp, arg, sizeof(pgrp)) < 0)
        return -EFAULT;
    return tty_set_pgrp(tty, pgrp);
}

/* TIOCGPGRP and TIOCGSID: from a pty's master always, otherwise only
 * from the terminal's own session (-ENOTTY). */
static long
ioctl_get_id(struct tty *tty, bool master, bool sid, uptr_t arg)
{
    if (!master && !tty_is_ctty(tty))
        return -ENOTTY;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    int v = sid ? tty->session : tty->pgrp;
    spin_unlock_irqrestore(&tty->lock, flags);
    if (sid && v == 0)
        return -ENOTTY;
    return put_int(arg, v);
}

/* TCFLSH: drop input for TCIFLUSH and TCIOFLUSH (output is never queued). */
static long
ioctl_flush(struct tty *tty, unsigned long how)
{
    if (how != TCIFLUSH && how != TCOFLUSH && how != TCIOFLUSH)
        return -EINVAL;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    if (how != TCOFLUSH)
        ldisc_flush_input(tty);
    spin_unlock_irqrestore(&tty->lock, flags);
    wait_queue_wake_all(&tty->room);
    return 0;
}

// [tty_winsize]
/* The window size requests. */
static long
ioctl_winsize(struct tty *tty, unsigned long cmd, uptr_t arg)
{
    struct winsize ws;
    if (cmd == TIOCSWINSZ) {
        if (copy_from_user(&ws, arg, sizeof(ws)) < 0)
            return -EFAULT;
        irqflags_t flags = spin_lock_irqsave(&tty->lock);
        bool changed = memcmp(&tty->winsize, &ws, sizeof(ws)) != 0;
        tty->winsize = ws;
        int pgrp = tty->pgrp;
        spin_unlock_irqrestore(&tty->lock, flags);
        // Full-screen programs redraw when told the size changed.
        if (changed && pgrp > 0)
            signal_send_pgrp(pgrp, SIGWINCH);
        return 0;
    }
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    ws = tty->winsize;
    spin_unlock_irqrestore(&tty->lock, flags);
    return copy_to_user(arg, &ws, sizeof(ws));
}
// [tty_winsize]

/* The requests that change the terminal: from a background group they
 * send SIGTTOU first (Linux's tty_check_change() callers). */
static bool
changes_terminal(unsigned long cmd)
{
    switch (cmd) {
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCFLSH:
    case TCXONC:
    case TCSBRK:
    case TIOCSPGRP:
        return true;
    default:
        return false;
    }
}

/* The requests that only answer a question or need no check. */
static long
ioctl_query(struct tty *tty, bool master, unsigned long cmd, uptr_t arg)
{
    switch (cmd) {
    case TCGETS:
        return ioctl_get_termios(tty, arg);
    case TIOCGWINSZ:
    case TIOCSWINSZ:
        return ioctl_winsize(tty, cmd, arg);
    case TIOCGPGRP:
        return ioctl_get_id(tty, master, false, arg);
    case TIOCGSID:
        return ioctl_get_id(tty, master, true, arg);
    case TIOCSCTTY:
        return tty_set_ctty(tty, (int)arg.addr);
    case TIOCNOTTY:
        return tty_drop_ctty(tty);
    case FIONREAD:
        return put_int(arg, (int)tty_readable(tty));
    case TIOCOUTQ:
        return put_int(arg, 0);
    default:
        return -ENOTTY;
    }
}

/**
 * @brief A terminal ioctl.
 * @param tty    the terminal (a pty master passes its slave)
 * @param master the request came through a pty's master: no background
 *               or controlling-terminal checks for the queries
 * @param cmd the request (TCGETS, TIOCGWINSZ, ...)
 * @param arg its user argument (a pointer, or a number for TCFLSH, TCXONC)
 * @return 0 or -errno: -ENOTTY for an unknown request (or TIOCGPGRP and
 *         TIOCGSID with no controlling session), -EFAULT for a bad
 *         pointer, -EINVAL for a bad TCFLSH or TIOCSPGRP argument;
 *         -EPERM, -ESRCH (TIOCSCTTY, TIOCSPGRP); -ERESTARTSYS or -EIO
 *         from a background group
 * @pre interrupts on; process context
 */
long
tty_ioctl(struct tty *tty, bool master, unsigned long cmd, uptr_t arg)
{
    if (!master && changes_terminal(cmd)) {
        int err = tty_check_change(tty, SIGTTOU);
        if (err == -EIO && cmd == TIOCSPGRP)
            return -ENOTTY; // as Linux's tiocspgrp()
        if (err < 0)
            return err;
    }
    switch (cmd) {
    case TCSETS:
    case TCSETSW:
        return ioctl_set_termios(tty, arg, false);
    case TCSETSF:
        return ioctl_set_termios(tty, arg, true);
    case TIOCSPGRP:
        return ioctl_set_pgrp(tty, arg);
    case TCFLSH:
        return ioctl_flush(tty, arg.addr);
    case TCXONC:
    case TCSBRK:
        return 0;
    default:
        return ioctl_query(tty, master, cmd, arg);
    }
}
