/**
 * @file
 * @ingroup tty
 * @brief Terminals as files: /dev/ttyS0, /dev/console, /dev/tty.
 *
 * The terminal layer (tty.c) works on kernel buffers; these file
 * operations copy through a buffer (a small one on the stack) and hand the bytes
 * to tty_read() and tty_write(), and an ioctl to tty_ioctl(). An open
 * file's `priv` is its terminal, so one set of operations (tty_fops)
 * serves every terminal: the console and a pty's slave alike. The
 * device numbers are Linux's (Documentation/admin-guide/devices.txt):
 *
 * - /dev/ttyS0 (4,64): the serial console's terminal; opening it may make
 *   it the caller's controlling terminal;
 * - /dev/console (5,1): the same terminal, never acquired by an open;
 * - /dev/tty (5,0): whatever the caller's controlling terminal is, or
 *   -ENXIO without one.
 *
 * Before a read (and a write under TOSTOP) the file asks
 * tty_check_change() whether the caller is in the foreground. The driver
 * registers the devices with the character-device table from its init
 * call; the table never names a driver.
 */
#include "fs/chrdev.h"
#include "fs/poll.h"
#include "kernel/compiler.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/signal.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/** Bytes a read or write copies at a time. */
#define CHUNK 256

/* A read: one tty_read, whatever it has (it may sleep); a background
 * process gets SIGTTIN instead. As on Linux a read takes a whole line,
 * or all the raw input queued, up to @p n: through a kernel buffer as
 * big as the input queue when the stack's is too small. */
static long
ttydev_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct tty *tty = f->priv;
    char chunk[CHUNK];
    (void)pos;
    long err = tty_check_change(tty, SIGTTIN);
    if (err < 0)
        return err;
    size_t k = MIN(n, (size_t)TTY_BUF_SIZE);
    char *kbuf = k <= sizeof(chunk) ? chunk : kmalloc(k);
    if (kbuf == NULL)
        return -ENOMEM;
    long got = tty_read(tty, kbuf, k, (f->flags & O_NONBLOCK) != 0);
    if (got > 0 && copy_to_user(buf, kbuf, got) < 0)
        got = -EFAULT;
    if (kbuf != chunk)
        kfree(kbuf);
    return got;
}

/* A write: everything, through tty_write a chunk at a time; with TOSTOP
 * a background process gets SIGTTOU instead. */
static long
ttydev_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct tty *tty = f->priv;
    char chunk[CHUNK];
    (void)pos;
    if (tty->termios.c_lflag & TOSTOP) {
        long err = tty_check_change(tty, SIGTTOU);
        if (err < 0)
            return err;
    }
    size_t done = 0;
    while (done < n) {
        size_t k = MIN(n - done, sizeof(chunk));
        if (copy_from_user(chunk, UPTR(buf.addr + done), k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        long w = tty_write(tty, chunk, k, (f->flags & O_NONBLOCK) != 0);
        if (w < 0)
            return done > 0 ? (long)done : w;
        done += (size_t)w;
        if ((size_t)w < k)
            break;
    }
    return (long)done;
}

static long
ttydev_ioctl(struct file *f, unsigned long cmd, uptr_t arg)
{
    struct tty *tty = f->priv;
    if (tty->hungup)
        return cmd == TIOCSPGRP ? -ENOTTY : -EIO; // hung_up_tty_ioctl
    return tty_ioctl(tty, false, cmd, arg);
}

/* poll: readable when a read would not sleep, writable when the driver
 * has room; after a hang-up everything (reads and writes end at once). */
static unsigned
ttydev_poll(struct file *f, struct poll_table *pt)
{
    struct tty *tty = f->priv;
    poll_wait(f, &tty->readers, pt);
    poll_wait(f, &tty->writers, pt);
    if (tty->hungup) // Linux's hung_up_tty_poll
        return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
    unsigned ev = 0;
    if (tty_poll_readable(tty))
        ev |= POLLIN | POLLRDNORM;
    if (tty_poll_writable(tty))
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

/* The last reference to an open terminal is gone: tell its driver. */
static void
ttydev_release(struct file *f)
{
    struct tty *tty = f->priv;
    if (tty != NULL && tty->driver != NULL && tty->driver->put != NULL)
        tty->driver->put(tty);
}

/** The operations of every open terminal (f->priv is the terminal). */
const struct file_ops tty_fops = {.read = ttydev_read,
                                  .write = ttydev_write,
                                  .ioctl = ttydev_ioctl,
                                  .poll = ttydev_poll,
                                  .release = ttydev_release};

/**
 * @brief Make @p f an open file of @p tty; maybe the caller's terminal.
 *
 * The driver has counted the file already (its get()).
 * @param tty the terminal
 * @param f   the file being opened
 * @return 0
 */
int
tty_file_open(struct tty *tty, struct file *f)
{
    f->ops = &tty_fops;
    f->priv = tty;
    tty_open_ctty(tty, f->flags);
    return 0;
}

/* /dev/ttyS0: the console's terminal, which an open may acquire. */
static int
ttys0_open(struct file *f)
{
    return tty_file_open(&tty_console, f);
}

/* /dev/console: the console, never acquired by an open (Linux). */
static int
console_open(struct file *f)
{
    f->ops = &tty_fops;
    f->priv = &tty_console;
    return 0;
}

/* /dev/tty: the caller's controlling terminal (-ENXIO without one). */
static int
devtty_open(struct file *f)
{
    struct tty *tty;
    int err = tty_get_ctty(&tty);
    if (err < 0)
        return err;
    f->ops = &tty_fops;
    f->priv = tty;
    return 0;
}

static const struct chrdev tty_devices[] = {
    {5, 0, "tty", 0666, &tty_fops, devtty_open},
    {5, 1, "console", 0600, &tty_fops, console_open},
    {4, 64, "ttyS0", 0660, &tty_fops, ttys0_open},
};

/* Register the terminal devices. */
static int
ttydev_init(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(tty_devices); i++) {
        int err = chrdev_register(&tty_devices[i]);
        if (err < 0)
            return err;
    }
    return 0;
}
initcall(driver, ttydev_init);
