/**
 * @file
 * @ingroup syscalls
 * @brief syslog(2): the kernel log for dmesg (glibc and musl call it klogctl).
 *
 * BusyBox dmesg asks for the log's size (SYSLOG_ACTION_SIZE_BUFFER), then
 * for all of it (READ_ALL, or READ_CLEAR for `dmesg -c`), and prints the
 * lines, each `<level>[seconds.micros] text`. The lines come from the
 * kernel's log records (kernel/log/klog.c), formatted one at a time into a
 * buffer on the stack and copied out. READ_ALL gives the newest records
 * that fit in the caller's buffer, whole lines only, as Linux does.
 */
#include "kernel/compiler.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/** @name syslog(2) actions (Linux's SYSLOG_ACTION_*). */
///@{
#define SYSLOG_ACTION_CLOSE 0         /**< nothing (historical) */
#define SYSLOG_ACTION_OPEN 1          /**< nothing (historical) */
#define SYSLOG_ACTION_READ 2          /**< read what is new, consume it */
#define SYSLOG_ACTION_READ_ALL 3      /**< read the newest that fit */
#define SYSLOG_ACTION_READ_CLEAR 4    /**< READ_ALL, then CLEAR */
#define SYSLOG_ACTION_CLEAR 5         /**< forget what is there */
#define SYSLOG_ACTION_CONSOLE_OFF 6   /**< console: emergencies only */
#define SYSLOG_ACTION_CONSOLE_ON 7    /**< console: all but debug */
#define SYSLOG_ACTION_CONSOLE_LEVEL 8 /**< console: levels below len */
#define SYSLOG_ACTION_SIZE_UNREAD 9   /**< bytes READ would give */
#define SYSLOG_ACTION_SIZE_BUFFER 10  /**< bytes of the whole log */
///@}

/** The longest line one record makes. */
#define SYSLOG_LINE 256
/** What SIZE_BUFFER answers: enough for every record's line. */
#define SYSLOG_SIZE (128 * SYSLOG_LINE)

/* Bytes the lines of records [seq, end) take. */
static size_t
lines_size(uint64_t seq, uint64_t end)
{
    char line[SYSLOG_LINE];
    size_t total = 0;
    while (seq < end) {
        size_t n = klog_format(&seq, line, sizeof(line), true);
        if (n == 0)
            break;
        total += MIN(n, sizeof(line) - 1);
    }
    return total;
}

/*
 * Copy the lines of the newest records that fit in @p len bytes at @p buf:
 * skip the oldest until the rest fits, then copy them in order.
 */
static long
read_all(uptr_t buf, size_t len)
{
    char line[SYSLOG_LINE];
    uint64_t seq = klog_first_seq(true), end = klog_next_seq();
    size_t total = lines_size(seq, end);
    while (total > len && seq < end) {
        uint64_t s = seq;
        total -=
            MIN(klog_format(&s, line, sizeof(line), true), sizeof(line) - 1);
        seq = s;
    }
    size_t done = 0;
    while (seq < end) {
        size_t n =
            MIN(klog_format(&seq, line, sizeof(line), true), sizeof(line) - 1);
        if (n == 0 || done + n > len)
            break;
        if (copy_to_user(UPTR(buf.addr + done), line, n) < 0)
            return -EFAULT;
        done += n;
    }
    return (long)done;
}

/**
 * @brief syslog(type, buf, len): read or control the kernel log.
 * @param a the six argument registers: action, user buffer, its length
 * @return bytes copied (READ, READ_ALL, READ_CLEAR), the size asked for
 *         (SIZE_*), 0; -EINVAL for an unknown action, a NULL buffer, a
 *         negative length (an int) or a level outside 1..8; -EFAULT for
 *         a buffer that leaves user space or cannot be written
 */
long
sys_syslog(const long a[6])
{
    int action = (int)a[0];
    long len = (int)a[2]; // an int, as Linux's: 2^31 is negative
    switch (action) {
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
        return 0;
    case SYSLOG_ACTION_READ:
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR: {
        // Linux's checks, in its order: no buffer, a negative length,
        // nothing to read, a buffer that leaves user space
        if (a[1] == 0 || len < 0)
            return -EINVAL;
        if (len == 0)
            return 0;
        if (!user_access_ok(UPTR(a[1]), (size_t)len))
            return -EFAULT;
        long got = read_all(UPTR(a[1]), (size_t)len);
        if (got >= 0 && action != SYSLOG_ACTION_READ_ALL)
            klog_clear(); // READ consumes what it read, as READ_CLEAR does
        return got;
    }
    case SYSLOG_ACTION_CLEAR:
        klog_clear();
        return 0;
    case SYSLOG_ACTION_CONSOLE_OFF:
        printk_set_console_loglevel(1); // emergencies only, as Linux
        return 0;
    case SYSLOG_ACTION_CONSOLE_ON:
        printk_set_console_loglevel(7);
        return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
        if (len < 1 || len > 8)
            return -EINVAL;
        printk_set_console_loglevel((int)len);
        return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
        return (long)lines_size(klog_first_seq(true), klog_next_seq());
    case SYSLOG_ACTION_SIZE_BUFFER:
        return SYSLOG_SIZE;
    default:
        return -EINVAL;
    }
}
