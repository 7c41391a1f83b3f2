/**
 * @file
 * @ingroup fs
 * @brief /dev/kmsg (1:11): the kernel log, one record per read.
 *
 * Linux's /dev/kmsg (Documentation/ABI/testing/dev-kmsg) gives each
 * reader its own position in the kernel's log records (kernel/log/klog.c):
 * every read returns exactly one record,
 *
 *     6,42,1530017,-;keel: boot complete, interrupts on
 *
 * level, sequence number, microseconds since boot, flags, then the text.
 * A read at the end sleeps until the kernel logs more (-EAGAIN with
 * O_NONBLOCK); a buffer too small for the record is -EINVAL. A reader
 * that fell so far behind that its next record was overwritten gets
 * -EPIPE once and goes on with the oldest record kept. The position is
 * the file's offset: open sets it to the oldest record.
 *
 * A write logs its text as one message, at the level of a leading `<N>`
 * or at KERN_INFO. Linux also records a facility ("user" for writes, so
 * its record says 13 = 1 * 8 + 5 where Keel's says 5); Keel keeps levels
 * only.
 */
#include "fs/chrdev.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/time.h"
#include "uapi/errno.h"

/** The longest line a record makes (its text plus the prefix). */
#define KMSG_LINE 256

/* Open: start at the oldest record kept. */
static int
kmsg_open(struct file *f)
{
    f->pos = klog_first_seq(false);
    return 0;
}

/* Wait for record @p seq to exist: 0, -EAGAIN, or -ERESTARTSYS. */
static int
kmsg_wait(uint64_t seq, bool nonblock)
{
    while (klog_next_seq() <= seq) {
        if (nonblock)
            return -EAGAIN;
        if (signal_pending())
            return -ERESTARTSYS;
        sched_sleep_ticks(HZ / 10); // a log is not worth a wait queue
    }
    return 0;
}

static long
kmsg_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    char line[KMSG_LINE];
    uint64_t want = *pos;
    int err = kmsg_wait(want, (f->flags & O_NONBLOCK) != 0);
    if (err < 0)
        return err;
    uint64_t seq = want;
    size_t len = klog_format(&seq, line, sizeof(line), false);
    if (len > sizeof(line) - 1)
        len = sizeof(line) - 1;
    if (seq - 1 != want) { // overwritten: say so once, go on from the oldest
        *pos = seq - 1;
        return -EPIPE;
    }
    if (len > n)
        return -EINVAL;
    if (copy_to_user(buf, line, len) < 0)
        return -EFAULT;
    *pos = seq;
    return (long)len;
}

/* printk takes the level from its format string: one per level. */
static const char *const level_fmt[8] = {
    KERN_EMERG "%.*s\n", KERN_ALERT "%.*s\n",   KERN_CRIT "%.*s\n",
    KERN_ERR "%.*s\n",   KERN_WARNING "%.*s\n", KERN_NOTICE "%.*s\n",
    KERN_INFO "%.*s\n",  KERN_DEBUG "%.*s\n"};

/* A write logs one message: `<N>` chooses its level. */
static long
kmsg_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    char text[KMSG_LINE];
    (void)f, (void)pos;
    size_t k = n < sizeof(text) - 1 ? n : sizeof(text) - 1;
    if (copy_from_user(text, buf, k) < 0)
        return -EFAULT;
    text[k] = '\0';
    char *t = text;
    int level = 6;
    if (t[0] == '<' && t[1] >= '0' && t[1] <= '7' && t[2] == '>') {
        level = t[1] - '0';
        t += 3;
    }
    size_t len = k - (size_t)(t - text);
    while (len > 0 && t[len - 1] == '\n') // printk adds the one newline
        len--;
    printk(level_fmt[level], (int)len, t);
    return (long)n;
}

/* lseek: SEEK_SET 0 is the oldest record, SEEK_END after the newest. */
static long
kmsg_lseek(struct file *f, int64_t off, int whence)
{
    if (off != 0)
        return -ESPIPE;
    if (whence == SEEK_SET)
        f->pos = klog_first_seq(false);
    else if (whence == SEEK_END)
        f->pos = klog_next_seq();
    else
        return -EINVAL;
    return 0;
}

static const struct file_ops kmsg_fops = {
    .read = kmsg_read, .write = kmsg_write, .lseek = kmsg_lseek};

static const struct chrdev kmsg_device = {1,    11,         "kmsg",
                                          0644, &kmsg_fops, kmsg_open};

static int
kmsg_init(void)
{
    return chrdev_register(&kmsg_device);
}
initcall(driver, kmsg_init);
