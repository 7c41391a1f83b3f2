/**
 * @file
 * @ingroup fs
 * @brief The memory devices: /dev/null, zero, full, random, urandom.
 *
 * Linux's major 1 ("mem", drivers/char/mem.c) holds the devices that are
 * not hardware at all, only rules for what a read and a write do:
 *
 * | node    | dev  | read                 | write              |
 * |---------|------|----------------------|--------------------|
 * | null    | 1:3  | end of file at once  | swallows all       |
 * | zero    | 1:5  | zero bytes, forever  | swallows all       |
 * | full    | 1:7  | zero bytes, forever  | -ENOSPC            |
 * | random  | 1:8  | random bytes         | accepted, ignored  |
 * | urandom | 1:9  | random bytes         | accepted, ignored  |
 *
 * They are the smallest complete drivers in the kernel: a struct file_ops
 * each and a struct chrdev that registers it (fs/devfs/chrdev.c). An lseek
 * on them succeeds and leaves the offset at 0, as on Linux. The random
 * bytes come from the kernel's generator (kernel/random/random.c), the
 * same that getrandom(2) reads; it never blocks, so random is urandom.
 */
#include "fs/chrdev.h"
#include "kernel/compiler.h"
#include "kernel/init.h"
#include "kernel/random.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** Bytes the devices copy at a time. */
#define CHUNK 256

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

/* lseek: always offset 0, as Linux's null_lseek. */
static long
null_lseek(struct file *f, int64_t off, int whence)
{
    (void)f, (void)off, (void)whence;
    return 0;
}

/*
 * Copy @p n bytes made by @p fill to @p buf, a chunk at a time. A large
 * read gives way to a signal with what it has copied so far, as Linux's
 * read_zero and urandom_read do.
 */
static long
fill_user(uptr_t buf, size_t n, void (*fill)(void *chunk, size_t k))
{
    char chunk[CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t k = MIN(n - done, sizeof(chunk));
        if (done > 0 && signal_pending())
            break;
        fill(chunk, k);
        if (copy_to_user(UPTR(buf.addr + done), chunk, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
    }
    return (long)done;
}

static void
fill_zero(void *chunk, size_t k)
{
    memset(chunk, 0, k);
}

static long
zero_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)pos;
    return fill_user(buf, n, fill_zero);
}

/* /dev/full: a disk that is always full. */
static long
full_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)buf, (void)n, (void)pos;
    return -ENOSPC;
}

static long
random_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    (void)f, (void)pos;
    return fill_user(buf, n, random_bytes);
}

static const struct file_ops null_fops = {
    .read = null_read, .write = null_write, .lseek = null_lseek};
static const struct file_ops zero_fops = {
    .read = zero_read, .write = null_write, .lseek = null_lseek};
static const struct file_ops full_fops = {
    .read = zero_read, .write = full_write, .lseek = null_lseek};
static const struct file_ops random_fops = {
    .read = random_read, .write = null_write, .lseek = null_lseek};

// [mem_devices]
static const struct chrdev mem_devices[] = {
    {1, 3, "null", 0666, &null_fops, NULL},
    {1, 5, "zero", 0666, &zero_fops, NULL},
    {1, 7, "full", 0666, &full_fops, NULL},
    {1, 8, "random", 0666, &random_fops, NULL},
    {1, 9, "urandom", 0666, &random_fops, NULL},
};
// [mem_devices]

/* Register the memory devices (an init call: no other file names them). */
static int
mem_init(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(mem_devices); i++) {
        int err = chrdev_register(&mem_devices[i]);
        if (err < 0)
            return err;
    }
    return 0;
}
initcall(driver, mem_init);
