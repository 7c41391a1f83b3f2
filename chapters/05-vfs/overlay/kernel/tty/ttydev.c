/**
 * @file
 * @ingroup tty
 * @brief The terminal as character devices: /dev/tty 5:0, /dev/console 5:1.
 *
 * The terminal layer (tty.c) works on kernel buffers; these file
 * operations copy through a small buffer on the stack and hand the bytes
 * to tty_read() and tty_write(), and an ioctl to tty_ioctl(). Keel has one
 * terminal, so /dev/tty (the process's controlling terminal) and
 * /dev/console (the system console) are the same device under two
 * numbers, Linux's (Documentation/admin-guide/devices.txt, major 5).
 *
 * The driver registers them with the character-device table
 * (fs/devfs/chrdev.c) from its init call; the table never names a driver.
 */
#include "fs/chrdev.h"
#include "fs/poll.h"
#include "kernel/compiler.h"
#include "kernel/init.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/** Bytes a read or write copies at a time. */
#define CHUNK 256

/* A read: one tty_read, whatever it has (it may sleep). */
static long
ttydev_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    (void)pos;
    long got =
        tty_read(chunk, MIN(n, sizeof(chunk)), (f->flags & O_NONBLOCK) != 0);
    if (got > 0 && copy_to_user(buf, chunk, got) < 0)
        return -EFAULT;
    return got;
}

/* A write: everything, through tty_write a chunk at a time. */
static long
ttydev_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    (void)f, (void)pos;
    size_t done = 0;
    while (done < n) {
        size_t k = MIN(n - done, sizeof(chunk));
        if (copy_from_user(chunk, UPTR(buf.addr + done), k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        long w = tty_write(chunk, k);
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
    (void)f;
    return tty_ioctl(cmd, arg);
}

/* poll: readable when a read would not sleep; always writable. Typed
 * input wakes the terminal's readers, so the poller watches that queue. */
static unsigned
ttydev_poll(struct file *f, struct poll_table *pt)
{
    poll_wait(f, &tty_console.readers, pt);
    unsigned in = tty_poll_readable() ? POLLIN | POLLRDNORM : 0;
    return POLLOUT | POLLWRNORM | in;
}

static const struct file_ops ttydev_fops = {.read = ttydev_read,
                                            .write = ttydev_write,
                                            .ioctl = ttydev_ioctl,
                                            .poll = ttydev_poll};

static const struct chrdev tty_devices[] = {
    {5, 0, "tty", 0666, &ttydev_fops, NULL},
    {5, 1, "console", 0600, &ttydev_fops, NULL},
};

/* Register the two terminal devices. */
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
