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
 * Sessions arrive with the terminal chapter; until then the console
 * remembers one controlling session and foreground group. TIOCSCTTY makes
 * the caller's session the controlling one and its process group (after
 * setsid(), the group of its own id) the foreground group, as BusyBox
 * init does before it starts a shell. Until some program has done that or TIOCSPGRP, there
 * is no foreground group: ^C signals nobody and TIOCGPGRP fails with
 * -ENOTTY, as it does on Linux for a process without a controlling tty.
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
    // A reader may wait for a condition the new settings already meet.
    wait_queue_wake_all(&tty->readers);
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
    if (copy_from_user(&pgrp, arg, sizeof(pgrp)) < 0)
        return -EFAULT;
    if (pgrp <= 0)
        return -EINVAL;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    tty->pgrp = pgrp;
    spin_unlock_irqrestore(&tty->lock, flags);
    return 0;
}

/* TIOCSCTTY: the caller's session takes the console, and the caller's
 * process group becomes the foreground group (see file comment). */
static long
ioctl_set_ctty(struct tty *tty)
{
    struct proc *p = proc_current();
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    tty->session = p->sid;
    tty->pgrp = p->pgid;
    spin_unlock_irqrestore(&tty->lock, flags);
    return 0;
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
    return 0;
}

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

/* Read one int field of the terminal under its lock. */
static int
tty_int(struct tty *tty, const int *field)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    int v = *field;
    spin_unlock_irqrestore(&tty->lock, flags);
    return v;
}

/**
 * @brief A terminal ioctl on the console.
 * @param cmd the request (TCGETS, TIOCGWINSZ, ...)
 * @param arg its user argument (a pointer, or a number for TCFLSH, TCXONC)
 * @return 0 or -errno: -ENOTTY for an unknown request (or TIOCGPGRP and
 *         TIOCGSID with no controlling session), -EFAULT for a bad
 *         pointer, -EINVAL for a bad TCFLSH or TIOCSPGRP argument
 * @pre interrupts on; process context
 */
long
tty_ioctl(unsigned long cmd, uptr_t arg)
{
    struct tty *tty = &tty_console;
    switch (cmd) {
    case TCGETS:
        return ioctl_get_termios(tty, arg);
    case TCSETS:
    case TCSETSW:
        return ioctl_set_termios(tty, arg, false);
    case TCSETSF:
        return ioctl_set_termios(tty, arg, true);
    case TIOCGWINSZ:
    case TIOCSWINSZ:
        return ioctl_winsize(tty, cmd, arg);
    case TIOCGPGRP: {
        int pgrp = tty_int(tty, &tty->pgrp);
        return pgrp > 0 ? put_int(arg, pgrp) : -ENOTTY;
    }
    case TIOCGSID: {
        int sid = tty_int(tty, &tty->session);
        return sid > 0 ? put_int(arg, sid) : -ENOTTY;
    }
    case TIOCSPGRP:
        return ioctl_set_pgrp(tty, arg);
    case TIOCSCTTY:
        return ioctl_set_ctty(tty);
    case FIONREAD: {
        irqflags_t flags = spin_lock_irqsave(&tty->lock);
        int n = (int)ldisc_readable(tty);
        spin_unlock_irqrestore(&tty->lock, flags);
        return put_int(arg, n);
    }
    case TIOCOUTQ:
        return put_int(arg, 0);
    case TCFLSH:
        return ioctl_flush(tty, arg.addr);
    case TIOCNOTTY:
    case TCXONC:
    case TCSBRK:
        return 0;
    default:
        return -ENOTTY;
    }
}
