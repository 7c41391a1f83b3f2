/**
 * @file
 * @ingroup lib
 * @brief The kernel log as records, for /dev/kmsg and syslog(2) (dmesg).
 *
 * printk (printk.c) keeps a ring of raw bytes for the consoles. Programs
 * that read the log want more: each message's level, a sequence number
 * and a time stamp. Linux stores printk's messages as such records
 * (kernel/printk/printk_ringbuffer.c); this file keeps a small ring of
 * them, fed by vprintk() with every message it formats.
 *
 * A record is one line. Text without a newline stays open, and the next
 * printk continues it (its level and time are those of the first part);
 * a carriage return throws the open line away (the boot's "\ruptime" line
 * rewrites itself and is not worth keeping). A line longer than
 * KLOG_TEXT bytes is cut.
 *
 * Records are numbered from 0; the ring keeps the last KLOG_RECORDS, so a
 * reader that fell behind finds its next number gone and starts again at
 * the oldest one kept. Two formats come out:
 *
 *     6,42,1530017,-;keel: boot complete, interrupts on     (/dev/kmsg)
 *     <6>[    1.530017] keel: boot complete, interrupts on   (syslog(2))
 *
 * Locking: printk runs anywhere, interrupt handlers included, so the ring
 * is changed and copied with interrupts off (one CPU).
 */
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/time.h"

/** Records the ring keeps. */
#define KLOG_RECORDS 128
/** Bytes of text one record keeps. */
#define KLOG_TEXT 200

/** One message. */
struct klog_record {
    uint64_t usec; /**< microseconds since boot, when it began */
    uint8_t level; /**< 0 (emergency) .. 7 (debug) */
    uint16_t len;  /**< bytes in text */
    char text[KLOG_TEXT];
};

static struct klog_record ring[KLOG_RECORDS];
static uint64_t next_seq;           /**< number of the next complete record */
static struct klog_record open_rec; /**< the line being written */
static bool open_active;            /**< open_rec has begun */
static uint64_t clear_seq; /**< syslog's CLEAR: older ones are hidden */

/* Finish the open line: it becomes record next_seq. */
static void
commit(void)
{
    ring[next_seq % KLOG_RECORDS] = open_rec;
    next_seq++;
    open_active = false;
}

/**
 * @brief Add printk's formatted text to the records.
 * @param level the message's level (0..7)
 * @param s     the text, without its level marker
 * @param len   bytes at @p s
 * @pre any context; takes no lock (interrupts go off inside)
 */
static void
klog_add(int level, const char *s, size_t len)
{
    irqflags_t flags = arch_irq_save();
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r') {
            open_active = false;
            continue;
        }
        if (!open_active) {
            open_rec.usec = time_uptime_ns() / 1000;
            open_rec.level = (uint8_t)level;
            open_rec.len = 0;
            open_active = true;
        }
        if (s[i] == '\n')
            commit();
        else if (open_rec.len < KLOG_TEXT)
            open_rec.text[open_rec.len++] = s[i];
    }
    arch_irq_restore(flags);
}
log_sink(klog_add);

/**
 * @brief The number of the oldest record still kept (or the CLEAR point).
 * @param syslog true for syslog(2)'s view, which CLEAR moves forward
 * @return a record number; equal to klog_next_seq() when there is none
 */
uint64_t
klog_first_seq(bool syslog)
{
    irqflags_t flags = arch_irq_save();
    uint64_t first = next_seq > KLOG_RECORDS ? next_seq - KLOG_RECORDS : 0;
    if (syslog && clear_seq > first)
        first = clear_seq;
    arch_irq_restore(flags);
    return first;
}

/** @brief The number the next record will get. @return it */
uint64_t
klog_next_seq(void)
{
    return __atomic_load_n(&next_seq, __ATOMIC_RELAXED);
}

/**
 * @brief syslog(2)'s CLEAR: hide every record written so far from it.
 */
void
klog_clear(void)
{
    clear_seq = klog_next_seq();
}

// [klog_format]
/**
 * @brief Format record @p *seq into @p buf and step @p *seq past it.
 *
 * A reader names the record it wants; when it has been overwritten, the
 * oldest kept record comes instead (and *seq says so).
 * @param seq    in: the record wanted; out: the number after the one given
 * @param buf    where the line goes (NUL-terminated when it fits)
 * @param size   bytes at @p buf
 * @param syslog true: `<6>[    1.000000] text`; false: /dev/kmsg's form
 * @return bytes of the line (more than @p size: it was cut), or 0 when
 *         @p *seq is past the last record
 */
size_t
klog_format(uint64_t *seq, char *buf, size_t size, bool syslog)
{
    struct klog_record r;
    irqflags_t flags = arch_irq_save();
    uint64_t first = next_seq > KLOG_RECORDS ? next_seq - KLOG_RECORDS : 0;
    if (*seq < first)
        *seq = first;
    if (*seq >= next_seq) {
        arch_irq_restore(flags);
        return 0;
    }
    r = ring[*seq % KLOG_RECORDS];
    arch_irq_restore(flags);

    int n;
    if (syslog)
        n = snprintf(buf, size, "<%u>[%5lu.%06lu] %.*s\n", r.level,
                     r.usec / 1000000, r.usec % 1000000, r.len, r.text);
    else
        n = snprintf(buf, size, "%u,%lu,%lu,-;%.*s\n", r.level, *seq, r.usec,
                     r.len, r.text);
    (*seq)++;
    return (size_t)n;
}
// [klog_format]
