/**
 * @file
 * @ingroup tty
 * @brief The console terminal: reading, writing and terminal ioctls.
 *
 * The serial driver registers with tty_register_driver() and feeds every
 * received byte to tty_receive() from its interrupt handler; the line
 * discipline (ldisc.c) queues and echoes it. A program's read() sleeps in
 * tty_read() on the terminal's wait queue until the discipline has
 * something for it: a whole line in canonical mode, VMIN bytes (or the
 * VTIME timer) in raw mode. ^C and friends become signals to the
 * foreground process group, and the readers are woken so that a sleeping
 * read() returns -EINTR (or, under SA_RESTART, reads again). The signal is sent by a kernel thread of the
 * terminal, not by the interrupt handler: sending one looks up processes,
 * which is work for thread context (Linux, too, runs its line discipline
 * outside the hard interrupt).
 *
 * Locking: tty->lock is a spinlock taken with interrupts off, because the
 * receive interrupt takes it too. Nothing sleeps or touches user memory
 * while holding it: tty_ioctl() copies termios in and out around it.
 */
#include "kernel/tty.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** Linux's console defaults (tty_std_termios, INIT_C_CC). */
static const struct termios tty_default_termios = {
    .c_iflag = ICRNL | IXON,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = B38400 | CS8 | CREAD | HUPCL,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    .c_line = 0,
    .c_cc = {[VINTR] = 003,
             [VQUIT] = 034,
             [VERASE] = 0177,
             [VKILL] = 025,
             [VEOF] = 004,
             [VTIME] = 0,
             [VMIN] = 1,
             [VSTART] = 021,
             [VSTOP] = 023,
             [VSUSP] = 032,
             [VREPRINT] = 022,
             [VDISCARD] = 017,
             [VWERASE] = 027,
             [VLNEXT] = 026},
};

/** The console, the one terminal of this chapter. */
struct tty tty_console;

/**
 * @brief The terminal's signal sender: ^C, ^\ and ^Z become signals here.
 *
 * Sleeps until tty_receive() marks a signal pending, sends it to the
 * foreground group (if there is one) and wakes the readers so that they
 * see signal_pending() and return -EINTR.
 * @param arg the terminal
 * @return never
 */
static int
tty_signal_thread(void *arg)
{
    struct tty *tty = arg;
    for (;;) {
        irqflags_t flags = spin_lock_irqsave(&tty->lock);
        while (tty->pending_signals == 0)
            wait_queue_sleep(&tty->signaller, &tty->lock, &flags);
        uint32_t sigs = tty->pending_signals;
        int pgrp = tty->pgrp;
        tty->pending_signals = 0;
        spin_unlock_irqrestore(&tty->lock, flags);
        for (int sig = 1; sig < 32; sig++)
            if ((sigs & (1u << sig)) && pgrp > 0)
                signal_send_pgrp(pgrp, sig);
        wait_queue_wake_all(&tty->readers);
    }
    return 0;
}

/* Set the console up before any driver or reader can reach it. */
static int
tty_init(void)
{
    struct tty *tty = &tty_console;
    spin_init(&tty->lock, "tty");
    wait_queue_init(&tty->readers, "tty readers");
    wait_queue_init(&tty->signaller, "tty signaller");
    tty->termios = tty_default_termios;
    tty->winsize = (struct winsize){.ws_row = 25, .ws_col = 80};
    struct thread *t = thread_create(tty_signal_thread, tty, "tty-signal");
    if (t == NULL)
        return -ENOMEM;
    thread_detach(t);
    return 0;
}
initcall(core, tty_init);

/**
 * @brief Attach a device to the console terminal.
 * @param drv the device's description; must stay valid forever
 * @return the terminal to pass to tty_receive()
 * @pre called from an init call, after tty_init()
 */
struct tty *
tty_register_driver(const struct tty_driver *drv)
{
    tty_console.driver = drv;
    return &tty_console;
}

/**
 * @brief Bytes arrived from the device: run them through the discipline.
 *
 * Called from the device's interrupt handler. A signal character is
 * handed to tty_signal_thread(); the readers are woken to take new input.
 * @param tty the terminal the driver registered with
 * @param buf the received bytes
 * @param n   how many
 * @pre interrupts off (interrupt context); may not sleep
 */
void
tty_receive(struct tty *tty, const char *buf, size_t n)
{
    bool signalled = false;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    for (size_t i = 0; i < n; i++) {
        int sig = 0;
        ldisc_receive_char(tty, (uint8_t)buf[i], &sig);
        if (sig > 0 && sig < 32) {
            tty->pending_signals |= 1u << sig;
            signalled = true;
        }
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    if (signalled)
        wait_queue_wake_one(&tty->signaller);
    wait_queue_wake_all(&tty->readers);
}

/* May a raw-mode read with these settings return @p avail bytes now? */
static bool
raw_ready(const struct tty *tty, size_t avail, size_t n)
{
    size_t vmin = tty->termios.c_cc[VMIN];
    if (vmin > n)
        vmin = n;
    return avail > 0 && avail >= vmin;
}

/* Is there something a read may return now? */
static bool
read_ready(const struct tty *tty, size_t n)
{
    size_t avail = ldisc_readable(tty);
    if (tty->termios.c_lflag & ICANON)
        return avail > 0;
    return raw_ready(tty, avail, n);
}

/**
 * @brief Wait for input with the raw-mode timer: VTIME tenths of a second.
 *
 * There is no timed sleep on a wait queue yet, so the reader sleeps one
 * tick at a time and looks again. With VMIN > 0 the timer runs only once
 * the first byte is there and any input then satisfies the read.
 * @param tty the terminal
 * @param n   the reader's buffer size
 * @param flags the saved interrupt state of tty->lock, updated
 * @return 0 when the read may go on (possibly with no data),
 *         -ERESTARTSYS (a signal: -EINTR, or restarted under SA_RESTART)
 * @pre tty->lock held
 */
static long
raw_timed_wait(struct tty *tty, size_t n, irqflags_t *flags)
{
    uint64_t end = 0;
    while (!read_ready(tty, n)) {
        size_t avail = ldisc_readable(tty);
        bool timer_on = tty->termios.c_cc[VMIN] == 0 || avail > 0;
        if (timer_on && end == 0)
            end = time_jiffies() + tty->termios.c_cc[VTIME] * (HZ / 10);
        if (timer_on && time_jiffies() >= end)
            return 0;
        if (signal_pending())
            return -ERESTARTSYS;
        if (timer_on) {
            spin_unlock_irqrestore(&tty->lock, *flags);
            sched_sleep_ticks(1);
            *flags = spin_lock_irqsave(&tty->lock);
        } else {
            wait_queue_sleep(&tty->readers, &tty->lock, flags);
        }
    }
    return 0;
}

/* Sleep until read_ready(); 0, -ERESTARTSYS or -EAGAIN (nothing,
 * O_NONBLOCK). */
static long
read_wait(struct tty *tty, size_t n, bool nonblock, irqflags_t *flags)
{
    bool raw = !(tty->termios.c_lflag & ICANON);
    if (nonblock)
        return ldisc_readable(tty) > 0 ? 0 : -EAGAIN;
    if (raw && tty->termios.c_cc[VTIME] != 0)
        return raw_timed_wait(tty, n, flags);
    // VMIN = 0, VTIME = 0 is a poll: whatever is there, maybe nothing.
    if (raw && tty->termios.c_cc[VMIN] == 0)
        return 0;
    while (!read_ready(tty, n)) {
        if (signal_pending())
            return -ERESTARTSYS;
        wait_queue_sleep(&tty->readers, &tty->lock, flags);
    }
    return 0;
}

/**
 * @brief Would a read of the console return now without sleeping?
 *
 * For poll() and select(): true when a completed line (canonical) or
 * VMIN bytes (raw) are queued. tty_receive() wakes tty_console.readers
 * whenever input arrives, so a poller may sleep there.
 * @return true when a read would not block
 */
bool
tty_poll_readable(void)
{
    struct tty *tty = &tty_console;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    bool ready = read_ready(tty, SIZE_MAX);
    spin_unlock_irqrestore(&tty->lock, flags);
    return ready;
}

/**
 * @brief Read console input into kernel @p buf.
 *
 * Canonical mode returns at most one line (0 for ^D at a line's start);
 * raw mode returns what is queued once VMIN bytes are (see read_wait()).
 * The wait is re-checked after every wake-up, so a signal ends it.
 * @param buf      kernel buffer
 * @param n        its size
 * @param nonblock O_NONBLOCK: -EAGAIN instead of sleeping
 * @return bytes read, 0 at end of file, -EINTR, -EAGAIN
 * @pre interrupts on; may sleep
 */
long
tty_read(char *buf, size_t n, bool nonblock)
{
    struct tty *tty = &tty_console;
    if (n == 0)
        return 0;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    long err = read_wait(tty, n, nonblock, &flags);
    size_t got = 0;
    if (err == 0 && ldisc_readable(tty) > 0)
        got = ldisc_copy_out(tty, buf, n);
    spin_unlock_irqrestore(&tty->lock, flags);
    return err < 0 ? err : (long)got;
}

/**
 * @brief Write kernel @p buf to the console.
 *
 * Output processing OPOST|ONLCR is done by the serial console itself,
 * which sends CR before every NL; it cannot be switched off, which only
 * matters to programs that clear OPOST and then rely on a bare NL.
 * @param buf kernel bytes
 * @param n   how many
 * @return @p n
 */
long
tty_write(const char *buf, size_t n)
{
    console_write(buf, n);
    return (long)n;
}
