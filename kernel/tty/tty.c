/**
 * @file
 * @ingroup tty
 * @brief The console terminal (placeholder until input is written).
 */
#include "kernel/printk.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/**
 * @brief Read console input into kernel @p buf.
 * @param buf      kernel buffer
 * @param n        its size
 * @param nonblock O_NONBLOCK: -EAGAIN instead of sleeping
 * @return bytes read, 0 at end of file, -EINTR, -EAGAIN
 */
long
tty_read(char *buf, size_t n, bool nonblock)
{
    (void)buf;
    (void)n;
    (void)nonblock;
    return 0;
}

/**
 * @brief Write kernel @p buf to the console.
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

/**
 * @brief A terminal ioctl on the console.
 * @param cmd the request (TCGETS, TIOCGWINSZ, ...)
 * @param arg its user argument
 * @return 0 or -errno (-ENOTTY for an unknown request)
 */
long
tty_ioctl(unsigned long cmd, uptr_t arg)
{
    (void)cmd;
    (void)arg;
    return -ENOTTY;
}
