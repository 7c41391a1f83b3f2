/**
 * @file
 * @ingroup fs
 * @brief Generated files: text made at open, then read like a string.
 *
 * A /proc file has no bytes until someone opens it. procfs_open() runs
 * the entry's show function into a kernel buffer (struct pbuf) and keeps
 * the text as the open file's private data; read and lseek work on that
 * text, and close frees it. So a program sees the state of one moment
 * however small its reads, and two opens see two moments. This is what
 * Linux's seq_file does for most of /proc.
 *
 * A show function does not know how long its text will be. It writes
 * into a buffer of PBUF_FIRST bytes; if anything did not fit, the buffer
 * is freed and the function run again with one twice as large, up to
 * PBUF_MAX.
 */
#include "fs/procfs.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** The first buffer size a show function gets. */
#define PBUF_FIRST 4096
/** The largest text a generated file may have. */
#define PBUF_MAX (256 * 1024)

/**
 * @brief Append formatted text to @p b; what does not fit marks overflow.
 * @param b   the buffer
 * @param fmt printk's format
 */
void
pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->buf + b->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        b->overflow = true;
        b->len = b->cap;
        return;
    }
    b->len += (size_t)n;
}

/**
 * @brief Append @p n bytes (NULs allowed) to @p b.
 * @param b the buffer
 * @param s the bytes
 * @param n how many
 */
void
pbuf_write(struct pbuf *b, const void *s, size_t n)
{
    if (n > b->cap - b->len) {
        b->overflow = true;
        n = b->cap - b->len;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
}

// [procfs_open]
/*
 * Open: run the show function into a buffer that is large enough; the
 * text becomes the file's private data.
 */
static int
procfs_open(struct file *f)
{
    const struct proc_node *pn = f->inode->priv;
    struct pbuf *b = kzalloc(sizeof(*b));
    if (b == NULL)
        return -ENOMEM;
    for (b->cap = PBUF_FIRST; b->cap <= PBUF_MAX; b->cap *= 2) {
        b->buf = kmalloc(b->cap);
        if (b->buf == NULL)
            break;
        b->len = 0;
        b->overflow = false;
        pn->entry->show(b, pn->pid);
        if (!b->overflow) {
            f->priv = b;
            return 0;
        }
        kfree(b->buf); // too small: again, twice as large
        b->buf = NULL;
    }
    kfree(b);
    return -ENOMEM;
}
// [procfs_open]

static long
procfs_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    const struct pbuf *b = f->priv;
    if (*pos >= b->len)
        return 0;
    size_t k = MIN(n, b->len - (size_t)*pos);
    if (copy_to_user(buf, b->buf + *pos, k) < 0)
        return -EFAULT;
    *pos += k;
    return (long)k;
}

/*
 * Write: a file with a store function takes what is written; others are
 * read-only. As Linux's number files (PROC_NUMBUF), only the first 12
 * bytes are read, and the count returned says so.
 */
static long
procfs_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)pos;
    const struct proc_node *pn = f->inode->priv;
    char text[13];
    if (pn->entry->store == NULL)
        return -EINVAL;
    size_t k = MIN(n, sizeof(text) - 1);
    if (copy_from_user(text, buf, k) < 0)
        return -EFAULT;
    text[k] = 0;
    int err = pn->entry->store(pn->pid, text);
    return err < 0 ? err : (long)k;
}

/* lseek within the text: SEEK_SET and SEEK_CUR, as seq_file allows. */
static long
procfs_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base = whence == SEEK_SET   ? 0
                   : whence == SEEK_CUR ? (int64_t)f->pos
                                        : -1;
    if (base < 0 || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (long)f->pos;
}

static void
procfs_release(struct file *f)
{
    struct pbuf *b = f->priv;
    if (b != NULL)
        kfree(b->buf);
    kfree(b);
}

/** The operations of every generated file. */
const struct file_ops procfs_show_fops = {.open = procfs_open,
                                          .read = procfs_read,
                                          .write = procfs_write,
                                          .lseek = procfs_lseek,
                                          .release = procfs_release};
