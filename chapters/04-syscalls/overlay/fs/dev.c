/**
 * @file
 * @ingroup fs
 * @brief The built-in device files: /dev/null, /dev/zero, the console.
 *
 * Until chapter 5's devfs, the few devices a shell needs are nodes that
 * dev_init() hangs under /dev in the initramfs tree, with Linux's device
 * numbers (Documentation/admin-guide/devices.txt): null 1:3, zero 1:5,
 * tty 5:0 (the process's terminal) and console 5:1. If the archive has
 * nodes of these names already (a BusyBox initramfs often does), they get
 * the operations; otherwise new nodes are made. /dev/tty is the console
 * too, as Keel has one terminal.
 *
 * The console's read, write and ioctl go to the terminal layer
 * (kernel/tty/tty.c), which works on kernel buffers: the file copies
 * through a small buffer on the stack.
 */
#include "fs/file.h"
#include "kernel/compiler.h"
#include "kernel/mm.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/** Bytes the console and /dev/zero copy at a time. */
#define CHUNK 256

/* /dev/null: reads end at once, writes vanish. */
static long
null_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)buf, (void)n, (void)pos;
    return 0;
}

static long
null_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)buf, (void)pos;
    return (long)n;
}

/* lseek on null and zero: always offset 0, as on Linux. */
static long
null_lseek(struct file *f, int64_t off, int whence)
{
    (void)f, (void)off, (void)whence;
    return 0;
}

/* /dev/zero: as many zero bytes as asked for. */
static long
zero_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    static const char zeros[CHUNK];
    (void)f, (void)pos;
    for (size_t done = 0; done < n; done += CHUNK) {
        size_t k = MIN(n - done, (size_t)CHUNK);
        if (copy_to_user(UPTR(buf.addr + done), zeros, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
    }
    return (long)n;
}

/* The console: one tty_read, whatever it has (it may sleep). */
static long
console_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    (void)pos;
    long got =
        tty_read(chunk, MIN(n, sizeof(chunk)), (f->flags & O_NONBLOCK) != 0);
    if (got > 0 && copy_to_user(buf, chunk, got) < 0)
        return -EFAULT;
    return got;
}

/* The console: everything, through tty_write a chunk at a time. */
static long
console_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
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
console_ioctl(struct file *f, unsigned long cmd, uptr_t arg)
{
    (void)f;
    return tty_ioctl(cmd, arg);
}

static const struct file_ops null_ops = {
    .read = null_read, .write = null_write, .lseek = null_lseek};
static const struct file_ops zero_ops = {
    .read = zero_read, .write = null_write, .lseek = null_lseek};
/* poll on the console: readable when a read would not sleep. */
static unsigned
console_poll(struct file *f)
{
    (void)f;
    return POLLOUT | (tty_poll_readable() ? POLLIN : 0);
}

static const struct file_ops console_ops = {.read = console_read,
                                            .write = console_write,
                                            .ioctl = console_ioctl,
                                            .poll = console_poll};

/** One built-in device. */
struct dev_file {
    const char *name;            /**< under /dev */
    uint32_t mode;               /**< permissions */
    uint64_t rdev;               /**< Linux's device number */
    const struct file_ops *fops; /**< its operations */
    struct fnode node;           /**< the node, if the archive had none */
};

static struct dev_file devs[] = {
    {"console", 0600, MKDEV(5, 1), &console_ops, {0}},
    {"null", 0666, MKDEV(1, 3), &null_ops, {0}},
    {"tty", 0666, MKDEV(5, 0), &console_ops, {0}},
    {"zero", 0666, MKDEV(1, 5), &zero_ops, {0}},
};

/* /dev, made if the archive has none. */
static struct fnode dev_dir = {
    .mode = S_IFDIR | 0755, .name = "dev", .namelen = 3};

/**
 * @brief Hang the built-in devices under /dev.
 * @pre the initramfs tree is built; called once, by fs_tree_init()
 */
void
dev_init(void)
{
    struct fnode *dir = fnode_child(fs_root(), "dev", 3);
    if (dir == NULL) {
        dir = &dev_dir;
        fnode_add(fs_root(), dir);
    }
    if (!S_ISTYPE(dir->mode, S_IFDIR))
        return;
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        struct dev_file *d = &devs[i];
        size_t len = strlen(d->name);
        struct fnode *n = fnode_child(dir, d->name, len);
        if (n == NULL) {
            n = &d->node;
            n->name = d->name;
            n->namelen = len;
            n->mode = S_IFCHR | d->mode;
            n->nlink = 1;
            fnode_add(dir, n);
        }
        if (S_ISTYPE(n->mode, S_IFCHR)) {
            n->rdev = d->rdev;
            n->fops = d->fops;
        }
    }
}
