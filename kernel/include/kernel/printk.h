/**
 * @file
 * @ingroup lib
 * @brief printk, log levels and console registration.
 *
 * Every message the kernel prints goes through printk(). A message may start
 * with a level marker (KERN_ERR, KERN_INFO, ...) exactly as in Linux;
 * `loglevel=N` and `quiet` on the command line choose which levels reach
 * the consoles, and once init runs only warnings and worse do, unless
 * `loglevel=` was given. All
 * messages are also kept in a ring buffer, so that text printed before the
 * first console exists is not lost: it is replayed when a console registers.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "kernel/compiler.h"
#include "kernel/string.h"
#include "kernel/types.h"

/** @name Log levels, as two-byte prefixes (SOH + digit), Linux values. */
///@{
#define KERN_SOH "\001"           /**< start of a level marker (ASCII SOH) */
#define KERN_EMERG KERN_SOH "0"   /**< the system is unusable */
#define KERN_ALERT KERN_SOH "1"   /**< action must be taken at once */
#define KERN_CRIT KERN_SOH "2"    /**< critical condition */
#define KERN_ERR KERN_SOH "3"     /**< error */
#define KERN_WARNING KERN_SOH "4" /**< warning */
#define KERN_NOTICE KERN_SOH "5"  /**< normal but significant */
#define KERN_INFO KERN_SOH "6"    /**< informational */
#define KERN_DEBUG KERN_SOH "7"   /**< debugging detail */
///@}

/** Level used when a message carries no marker. */
#define LOGLEVEL_DEFAULT 4

/** The console level once init runs, unless `loglevel=` chose one:
 *  warnings and worse show, the rest only in the log (dmesg). */
#define CONSOLE_LOGLEVEL_RUN 5

/**
 * @brief An output device for kernel messages (serial port, VGA screen).
 *
 * Drivers fill one in and hand it to console_register(); printk() then
 * writes every visible message to every registered console.
 */
struct console {
    const char *name; /**< short name shown at registration */
    /** Write @p len bytes; called with interrupts off. */
    void (*write)(struct console *con, const char *buf, size_t len);
    struct console *next; /**< registry link, owned by printk.c */
};

int vprintk(const char *fmt, va_list ap);
int printk(const char *fmt, ...) __printf(1, 2);
void console_register(struct console *con);
void console_write(const char *buf, size_t len);
void printk_set_console_loglevel(int level);
int printk_console_loglevel(void);

/**
 * @brief Where every message goes besides the consoles, whatever the
 *        console level: a log that keeps them (dmesg's) registers one
 *        with log_sink().
 */
struct log_sink {
    /** Take one message: its level (0..7), its text without the level
     *  marker; any context, interrupts may be off */
    void (*add)(int level, const char *s, size_t len);
    const char *name; /**< its name, for readers */
};

/** Register @p fn as a log sink: vprintk() gives it every message. */
#define log_sink(fn)                                                           \
    static const struct log_sink __log_sink_##fn __used __aligned(8)           \
        __section(".log_sinks") = {fn, #fn}

#if CHAPTER >= 5
/* the log as records, for /dev/kmsg and syslog(2) (kernel/log/klog.c) */
uint64_t klog_first_seq(bool syslog);
uint64_t klog_next_seq(void);
void klog_clear(void);
size_t klog_format(uint64_t *seq, char *buf, size_t size, bool syslog);
#endif

#define pr_emerg(...) printk(KERN_EMERG __VA_ARGS__)
#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_notice(...) printk(KERN_NOTICE __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

#endif /* KERNEL_PRINTK_H */
