/**
 * @file
 * @ingroup lib
 * @brief printk(): kernel messages, a log buffer and the console list.
 *
 * A message is formatted into a line buffer, its level marker (KERN_INFO,
 * ...) stripped, and the text appended to a ring buffer, the kernel log.
 * If its level is below the console log level it is also written to every
 * registered console. A console that registers late first receives the
 * whole log so far, so early boot messages are never lost.
 *
 * Locking: printk may be called from anywhere, interrupt handlers
 * included; the whole operation runs with interrupts disabled, which on
 * one CPU keeps messages whole. A second CPU needs a spinlock here.
 */
#include "kernel/printk.h"
#include "kernel/arch.h"
#include "kernel/string.h"

#define LOG_SIZE 16384
#define LINE_MAX 512

static char log_buf[LOG_SIZE];
static size_t log_head; /**< total bytes ever written to the log */
static struct console *consoles;
static int console_loglevel = 7; /* show levels 0..6: all but debug */

/* Append @p len bytes to the ring buffer. */
static void
log_append(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        log_buf[(log_head + i) % LOG_SIZE] = s[i];
    log_head += len;
}

/* Send @p len bytes to every console. */
static void
consoles_write(const char *s, size_t len)
{
    for (struct console *c = consoles; c != NULL; c = c->next)
        c->write(c, s, len);
}

/* Log @p len bytes and, if @p show, write them to the consoles, as one
 * step with interrupts off so messages from an interrupt stay whole. */
static void
emit(const char *s, size_t len, bool show)
{
    irqflags_t flags = arch_irq_save();
    log_append(s, len);
    if (show)
        consoles_write(s, len);
    arch_irq_restore(flags);
}

/* Split a leading KERN_<LEVEL> marker off @p fmt; return the level. */
static int
take_level(const char **fmt)
{
    const char *f = *fmt;
    if (f[0] == KERN_SOH[0] && f[1] >= '0' && f[1] <= '7') {
        *fmt = f + 2;
        return f[1] - '0';
    }
    return LOGLEVEL_DEFAULT;
}

/**
 * @brief printk() with a va_list.
 * @param fmt the format, optionally starting with a KERN_* level
 * @param ap  its arguments
 * @return the number of characters of the message
 */
/* The log sinks, gathered by the linker (kernel.ld). */
extern const struct log_sink __log_sinks_start[], __log_sinks_end[];

int
vprintk(const char *fmt, va_list ap)
{
    char line[LINE_MAX];
    int level = take_level(&fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    size_t len = n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1;

    emit(line, len, level < console_loglevel);
    // every message, shown or not, to the logs that keep them (dmesg's)
    for_each_in_set(k, __log_sinks_start, __log_sinks_end)
    {
        k->add(level, line, len);
    }
    return n;
}

/**
 * @brief Print a kernel message (see the file comment).
 * @param fmt the format, optionally starting with a KERN_* level
 * @return the number of characters of the message
 */
int
printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

/**
 * @brief Add a console and replay the log so far to it.
 * @param con filled in by the driver; must stay valid forever
 */
void
console_register(struct console *con)
{
    irqflags_t flags = arch_irq_save();
    size_t start = log_head > LOG_SIZE ? log_head - LOG_SIZE : 0;
    for (size_t i = start; i < log_head; i++)
        con->write(con, &log_buf[i % LOG_SIZE], 1);
    con->next = consoles;
    consoles = con;
    arch_irq_restore(flags);
}

/**
 * @brief Show messages of level < @p level on the consoles (Linux rules).
 * @param level 0..8; `quiet` sets 6, so only notices and worse show, and
 *              CONSOLE_LOGLEVEL_RUN is set once init runs
 */
void
printk_set_console_loglevel(int level)
{
    console_loglevel = level;
}

/**
 * @brief The current console log level.
 * @return messages below this level reach the consoles
 */
int
printk_console_loglevel(void)
{
    return console_loglevel;
}

/**
 * @brief Write raw bytes to every console (and the log): a program's output.
 *
 * Used by write(2) on the console until the terminal layer of a later
 * chapter takes over; no level, no formatting, any length.
 * @param buf the bytes
 * @param len how many
 */
void
console_write(const char *buf, size_t len)
{
    emit(buf, len, true);
}
