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

/* The System V requests on the old `struct termio` (16-bit flags, 8
 * control characters), which programs of that lineage (and stress-ng)
 * still use, and the termios lock (Linux's numbers). */
#define TCGETA 0x5405
#define TCSETA 0x5406
#define TCSETAW 0x5407
#define TCSETAF 0x5408
#define TIOCGLCKTRMIOS 0x5456
#define TIOCSLCKTRMIOS 0x5457
#define NCC 8

/** struct termio, as Linux's x86_64 ABI lays it out. */
struct termio {
    uint16_t c_iflag, c_oflag, c_cflag, c_lflag; /**< the low 16 bits */
    uint8_t c_line;                              /**< line discipline */
    uint8_t c_cc[NCC];                           /**< VINTR .. VSWTC */
};

/* Copy the current settings out to user memory. */
static long
ioctl_get_termios(struct tty *tty, uptr_t arg)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    struct termios t = tty->termios;
    spin_unlock_irqrestore(&tty->lock, flags);
    return copy_to_user(arg, &t, sizeof(t));
}

/* Keep in @p t what tty->locked says may not change (Linux's
 * unset_locked_termios): a set bit keeps the old bit, a non-zero
 * control character keeps the old character. @pre tty->lock held */
static void
keep_locked(const struct tty *tty, struct termios *t)
{
    const struct termios *old = &tty->termios, *lock = &tty->locked;
    t->c_iflag = (t->c_iflag & ~lock->c_iflag) | (old->c_iflag & lock->c_iflag);
    t->c_oflag = (t->c_oflag & ~lock->c_oflag) | (old->c_oflag & lock->c_oflag);
    t->c_cflag = (t->c_cflag & ~lock->c_cflag) | (old->c_cflag & lock->c_cflag);
    t->c_lflag = (t->c_lflag & ~lock->c_lflag) | (old->c_lflag & lock->c_lflag);
    if (lock->c_line)
        t->c_line = old->c_line;
    for (size_t i = 0; i < sizeof(t->c_cc); i++)
        if (lock->c_cc[i])
            t->c_cc[i] = old->c_cc[i];
}

/* Make @p t the settings, flushing input first with @p flush. */
static long
apply_termios(struct tty *tty, struct termios *t, bool flush)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    keep_locked(tty, t);
    if (flush)
        ldisc_flush_input(tty);
    ldisc_set_termios(tty, t);
    spin_unlock_irqrestore(&tty->lock, flags);
    // A reader may wait for a condition the new settings already meet,
    // a pty master's writer for room they (or the flush) made.
    wait_queue_wake_all(&tty->readers);
    wait_queue_wake_all(&tty->room);
    return 0;
}

/* TCGETA: the settings as a struct termio (the low 16 bits of each
 * flag word, the first 8 control characters). */
static long
ioctl_get_termio(struct tty *tty, uptr_t arg)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    struct termios t = tty->termios;
    spin_unlock_irqrestore(&tty->lock, flags);
    struct termio o = {0};
    o.c_iflag = (uint16_t)t.c_iflag;
    o.c_oflag = (uint16_t)t.c_oflag;
    o.c_cflag = (uint16_t)t.c_cflag;
    o.c_lflag = (uint16_t)t.c_lflag;
    o.c_line = t.c_line;
    memcpy(o.c_cc, t.c_cc, NCC);
    return copy_to_user(arg, &o, sizeof(o));
}

/* TCSETA, TCSETAW, TCSETAF: a struct termio replaces the low 16 bits of
 * each flag word and the first 8 control characters (Linux's
 * user_termio_to_kernel_termios). */
static long
ioctl_set_termio(struct tty *tty, uptr_t arg, bool flush)
{
    struct termio o;
    if (copy_from_user(&o, arg, sizeof(o)) < 0)
        return -EFAULT;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    struct termios t = tty->termios;
    spin_unlock_irqrestore(&tty->lock, flags);
    t.c_iflag = (t.c_iflag & 0xffff0000u) | o.c_iflag;
    t.c_oflag = (t.c_oflag & 0xffff0000u) | o.c_oflag;
    t.c_cflag = (t.c_cflag & 0xffff0000u) | o.c_cflag;
    t.c_lflag = (t.c_lflag & 0xffff0000u) | o.c_lflag;
    t.c_line = o.c_line;
    memcpy(t.c_cc, o.c_cc, NCC);
    return apply_termios(tty, &t, flush);
}

/* TIOCGLCKTRMIOS and TIOCSLCKTRMIOS: the lock on the settings; setting
 * it is root's (Linux: CAP_SYS_ADMIN), -EPERM for others. */
static long
ioctl_lock_termios(struct tty *tty, bool set, uptr_t arg)
{
    struct termios t;
    if (!set) {
        irqflags_t flags = spin_lock_irqsave(&tty->lock);
        t = tty->locked;
        spin_unlock_irqrestore(&tty->lock, flags);
        return copy_to_user(arg, &t, sizeof(t));
    }
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (copy_from_user(&t, arg, sizeof(t)) < 0)
        return -EFAULT;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    tty->locked = t;
    spin_unlock_irqrestore(&tty->lock, flags);
    return 0;
}

/* TCSETS, TCSETSW (output is never queued) and TCSETSF (flush input). */
static long
ioctl_set_termios(struct tty *tty, uptr_t arg, bool flush)
{
    struct termios t;
    if (copy_from_user(&t, arg, sizeof(t)) < 0)
        return -EFAULT;
    return apply_termios(tty, &t, flush);
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
    case TCSETA:
    case TCSETAW:
    case TCSETAF:
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
    case TCGETA:
        return ioctl_get_termio(tty, arg);
    case TIOCGLCKTRMIOS:
    case TIOCSLCKTRMIOS:
        return ioctl_lock_termios(tty, cmd == TIOCSLCKTRMIOS, arg);
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
    case TCSETA:
    case TCSETAW:
        return ioctl_set_termio(tty, arg, false);
    case TCSETAF:
        return ioctl_set_termio(tty, arg, true);
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
