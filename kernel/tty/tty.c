/**
 * @file
 * @ingroup tty
 * @brief Terminals: reading, writing and output processing.
 *
 * A driver feeds every received byte to tty_receive() (the serial port
 * from its interrupt handler, a pty's master from write()); the line
 * discipline (ldisc.c) queues and echoes it. A program's read() sleeps in
 * tty_read() on the terminal's wait queue until the discipline has
 * something for it: a whole line in canonical mode, VMIN bytes (or the
 * VTIME timer) in raw mode. Everything the terminal sends out, echo and
 * program output alike, passes through tty_output(): with OPOST and
 * ONLCR set, NL becomes CR NL, then the driver's
 * write puts the bytes out. Doing it here, not in the serial driver,
 * makes a pty's output the same as the console's.
 *
 * ^C and friends become signals to the foreground process group, and the
 * readers are woken so that a sleeping read() returns -EINTR (or, under
 * SA_RESTART, reads again). The console's signals are sent by a kernel
 * thread, not by the interrupt handler: sending one looks up processes,
 * which is work for thread context. A pty's master writes in process
 * context and sends them itself (tty_send_pending_signals()).
 *
 * Locking: tty->lock is a spinlock taken with interrupts off, because the
 * receive interrupt takes it too. Nothing sleeps or touches user memory
 * while holding it: the file layer (ttydev.c) copies around it.
 */
#include "kernel/tty.h"
#include "kernel/compiler.h"
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

/** The console: the serial port's terminal, ttyS0. */
struct tty tty_console;

/**
 * @brief Send the signals the discipline asked for to the foreground group.
 *
 * Then wake the readers so that they see signal_pending() and return
 * -EINTR.
 * @param tty the terminal
 * @pre process context; tty->lock not held
 */
void
tty_send_pending_signals(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    uint32_t sigs = tty->pending_signals;
    int pgrp = tty->pgrp;
    tty->pending_signals = 0;
    spin_unlock_irqrestore(&tty->lock, flags);
    for (int sig = 1; sig < 32; sig++)
        if ((sigs & (1u << sig)) && pgrp > 0)
            signal_send_pgrp(pgrp, sig);
    if (sigs != 0)
        wait_queue_wake_all(&tty->readers);
}

/* The console's signal sender: sleeps until tty_receive() marks a signal
 * pending (in interrupt context), then sends it. Never returns. */
static int
tty_signal_thread(void *arg)
{
    struct tty *tty = arg;
    for (;;) {
        irqflags_t flags = spin_lock_irqsave(&tty->lock);
        while (tty->pending_signals == 0)
            wait_queue_sleep(&tty->signaller, &tty->lock, &flags);
        spin_unlock_irqrestore(&tty->lock, flags);
        tty_send_pending_signals(tty);
    }
    return 0;
}

/**
 * @brief Give a new terminal its locks, queues and Linux's default settings.
 * @param tty  the terminal (zeroed)
 * @param drv  its driver (may be NULL until one registers)
 * @param rdev its device number, for stat and /proc/PID/stat
 */
void
tty_setup(struct tty *tty, const struct tty_driver *drv, uint64_t rdev)
{
    spin_init(&tty->lock, "tty");
    wait_queue_init(&tty->readers, "tty readers");
    wait_queue_init(&tty->writers, "tty writers");
    wait_queue_init(&tty->room, "tty input room");
    wait_queue_init(&tty->signaller, "tty signaller");
    tty->driver = drv;
    tty->rdev = rdev;
    tty->termios = tty_default_termios;
    tty->winsize = (struct winsize){.ws_row = 25, .ws_col = 80};
}

/* Set the console up before any driver or reader can reach it. */
static int
tty_init(void)
{
    struct tty *tty = &tty_console;
    tty_setup(tty, NULL, (4 << 8) | 64);
    int err = tty_add(tty);
    if (err < 0)
        return err;
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

/* One received byte through the discipline; a signal it raises is
 * marked pending. True when it raised one. @pre tty->lock held */
static bool
receive_locked(struct tty *tty, char c)
{
    int sig = 0;
    ldisc_receive_char(tty, (uint8_t)c, &sig);
    if (sig <= 0 || sig >= 32)
        return false;
    tty->pending_signals |= 1u << sig;
    return true;
}

/**
 * @brief Bytes arrived from the device: run them through the discipline.
 *
 * A signal character is marked pending: the console's signal thread sends
 * it (a pty's master calls tty_send_pending_signals() afterwards). The
 * readers are woken to take new input. What does not fit in the input
 * queue is lost, as on a real serial line that nobody reads.
 * @param tty the terminal the driver registered with
 * @param buf the received bytes
 * @param n   how many
 * @pre may run in interrupt context; does not sleep
 */
void
tty_receive(struct tty *tty, const char *buf, size_t n)
{
    bool signalled = false;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    for (size_t i = 0; i < n; i++)
        signalled |= receive_locked(tty, buf[i]);
    spin_unlock_irqrestore(&tty->lock, flags);
    if (signalled)
        wait_queue_wake_one(&tty->signaller);
    wait_queue_wake_all(&tty->readers);
}

// [tty_receive_wait]
/**
 * @brief Bytes from a device that can wait (a pty's master): no byte lost.
 *
 * The discipline takes bytes while its queue has room
 * (ldisc_can_receive()); when none fits the caller sleeps on tty->room
 * until a reader takes input (tty_read() wakes it), as Linux's pty
 * master writer waits. The check and the sleep are under tty->lock,
 * which a reader needs to make room: its wake-up cannot come in between.
 * @param tty      the terminal (a pty's slave)
 * @param buf      kernel bytes
 * @param n        how many
 * @param nonblock O_NONBLOCK: -EAGAIN instead of sleeping
 * @return bytes taken (at least 1 when @p n > 0, maybe fewer than @p n);
 *         -EAGAIN (nothing fits, O_NONBLOCK), -ERESTARTSYS (a signal),
 *         -EIO (the terminal hung up)
 * @pre process context, interrupts on; the caller sends pending signals
 */
long
tty_receive_wait(struct tty *tty, const char *buf, size_t n, bool nonblock)
{
    size_t done = 0;
    long err = 0;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    while (done == 0 && n > 0) {
        while (done < n && ldisc_can_receive(tty))
            receive_locked(tty, buf[done++]);
        if (done > 0)
            break;
        err = tty->hungup        ? -EIO
              : nonblock         ? -EAGAIN
              : signal_pending() ? -ERESTARTSYS
                                 : 0;
        if (err < 0)
            break;
        wait_queue_sleep(&tty->room, &tty->lock, &flags);
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    if (done > 0)
        wait_queue_wake_all(&tty->readers);
    return done > 0 ? (long)done : err;
}
// [tty_receive_wait]

/**
 * @brief Would tty_receive_wait() take a byte now? (a pty master's POLLOUT)
 * @param tty the terminal
 * @return true when there is room (or the terminal is hung up)
 */
bool
tty_poll_receivable(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    bool ok = tty->hungup || ldisc_can_receive(tty);
    spin_unlock_irqrestore(&tty->lock, flags);
    return ok;
}

// [tty_opost]
/* Output processing of one byte into @p out (1 or 2 bytes): OPOST's
 * ONLCR, NL -> CR NL, the one output flag a terminal needs by default. */
static size_t
opost(const struct tty *tty, char c, char out[2])
{
    uint32_t o = tty->termios.c_oflag;
    if ((o & OPOST) && (o & ONLCR) && c == '\n') {
        out[0] = '\r';
        out[1] = '\n';
        return 2;
    }
    out[0] = c;
    return 1;
}
// [tty_opost]

/* Process @p n bytes and hand them to the driver in pieces; what the
 * driver cannot take is dropped. @pre tty->lock held */
static void
output_locked(struct tty *tty, const char *buf, size_t n)
{
    char out[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += opost(tty, buf[i], out + k);
        if (k + 2 > sizeof(out) || i + 1 == n) {
            if (tty->driver != NULL && tty->driver->write != NULL)
                tty->driver->write(tty, out, k);
            else
                console_write(out, k);
            k = 0;
        }
    }
}

/**
 * @brief Send bytes out of the terminal: echo (from the discipline).
 *
 * Output processing (OPOST), then the driver's write; when a pty's
 * buffer is full the rest is dropped, as n_tty drops echo.
 * @param tty the terminal
 * @param buf the bytes
 * @param n   how many
 * @pre tty->lock held, interrupts off
 */
void
tty_output(struct tty *tty, const char *buf, size_t n)
{
    output_locked(tty, buf, n);
}

/* Room for output; SIZE_MAX when the driver never fills. @pre locked */
static size_t
write_room(struct tty *tty)
{
    if (tty->driver == NULL || tty->driver->write_room == NULL)
        return SIZE_MAX;
    return tty->driver->write_room(tty);
}

/**
 * @brief Write kernel @p buf out of the terminal, a program's output.
 *
 * Every byte is processed (OPOST); when the driver has no room for the
 * two bytes an NL may become (a pty whose master does not read), the
 * writer sleeps on tty->writers until the master reads.
 * @param tty      the terminal
 * @param buf      kernel bytes
 * @param n        how many
 * @param nonblock O_NONBLOCK: -EAGAIN instead of sleeping
 * @return bytes written; -EIO (hung up); -EAGAIN; -ERESTARTSYS (a signal
 *         before anything was written)
 * @pre interrupts on; may sleep
 */
long
tty_write(struct tty *tty, const char *buf, size_t n, bool nonblock)
{
    size_t done = 0;
    long err = 0;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    while (done < n) {
        if (tty->hungup) {
            err = -EIO;
            break;
        }
        size_t room = write_room(tty);
        if (room < 2) {
            err = nonblock ? -EAGAIN : signal_pending() ? -ERESTARTSYS : 0;
            if (err < 0)
                break;
            wait_queue_sleep(&tty->writers, &tty->lock, &flags);
            continue;
        }
        size_t k = MIN(n - done, room / 2);
        if (k > 64)
            k = 64; // a short time with interrupts off
        output_locked(tty, buf + done, k);
        done += k;
    }
    spin_unlock_irqrestore(&tty->lock, flags);
    return done > 0 ? (long)done : err;
}

/**
 * @brief Would a write of the terminal take a byte now? (poll's POLLOUT)
 * @param tty the terminal
 * @return true when there is room (or the terminal is hung up)
 */
bool
tty_poll_writable(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    bool ok = tty->hungup || write_room(tty) >= 2;
    spin_unlock_irqrestore(&tty->lock, flags);
    return ok;
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

/* Is there something a read may return now? A hung-up terminal's read
 * returns at once (the end of file). */
static bool
read_ready(const struct tty *tty, size_t n)
{
    size_t avail = ldisc_readable(tty);
    if (tty->hungup)
        return true;
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
 * @brief Would a read of @p tty return now without sleeping?
 *
 * For poll() and select(): true when a completed line (canonical) or
 * VMIN bytes (raw) are queued, or the terminal is hung up. tty_receive()
 * wakes tty->readers whenever input arrives, so a poller may sleep there.
 * @param tty the terminal
 * @return true when a read would not block
 */
bool
tty_poll_readable(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    bool ready = read_ready(tty, SIZE_MAX);
    spin_unlock_irqrestore(&tty->lock, flags);
    return ready;
}

/**
 * @brief Bytes a read could take now (FIONREAD).
 * @param tty the terminal
 * @return the count
 */
size_t
tty_readable(struct tty *tty)
{
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    size_t n = ldisc_readable(tty);
    spin_unlock_irqrestore(&tty->lock, flags);
    return n;
}

/**
 * @brief Read input of @p tty into kernel @p buf.
 *
 * Canonical mode returns at most one line (0 for ^D at a line's start);
 * raw mode returns what is queued once VMIN bytes are (see read_wait()).
 * The wait is re-checked after every wake-up, so a signal ends it; a
 * hang-up ends it with 0 once the queue is empty. Taking input makes
 * room: a pty master's writer waiting in tty_receive_wait() goes on.
 * @param tty      the terminal
 * @param buf      kernel buffer
 * @param n        its size
 * @param nonblock O_NONBLOCK: -EAGAIN instead of sleeping
 * @return bytes read, 0 at end of file, -ERESTARTSYS, -EAGAIN
 * @pre interrupts on; may sleep
 */
long
tty_read(struct tty *tty, char *buf, size_t n, bool nonblock)
{
    if (n == 0)
        return 0;
    irqflags_t flags = spin_lock_irqsave(&tty->lock);
    long err = tty->hungup ? 0 : read_wait(tty, n, nonblock, &flags);
    size_t got = 0;
    bool took = err == 0 && ldisc_readable(tty) > 0;
    if (took)
        got = ldisc_copy_out(tty, buf, n); // 0 for a ^D, taken too
    spin_unlock_irqrestore(&tty->lock, flags);
    if (took)
        wait_queue_wake_all(&tty->room); // a pty master may write on
    return err < 0 ? err : (long)got;
}
