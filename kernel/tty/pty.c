/**
 * @file
 * @ingroup tty
 * @brief Pseudo-terminals: a terminal whose device is a program.
 *
 * A terminal emulator, `script`, an ssh or telnet server need to give a
 * program a terminal that is not a piece of hardware. A pty is a pair:
 *
 * - the slave (/dev/pts/N) is an ordinary terminal, a struct tty with a
 *   line discipline, termios, a session and a foreground group; the
 *   program (a shell) opens it as its controlling terminal;
 * - the master (the file /dev/ptmx returned) plays the hardware: what
 *   the master writes is *received* by the slave (it goes through the
 *   slave's line discipline, as typed keys), and what the slave sends
 *   out (program output and echo, after OPOST) is what the master reads.
 *
 * @verbatim
 *   emulator --write--> master --tty_receive()--> slave's ldisc --> shell reads
 *   emulator <--read--- master <--pty->out ring--- slave's output <-- shell writes
 * @endverbatim
 *
 * The slave's driver write puts bytes into the pair's `out` ring, which
 * the master reads; when the ring is full a slave writer sleeps on the
 * slave's `writers` queue until the master reads. Echo that finds the
 * ring full is dropped; a master write that finds the slave's input
 * queue full waits for the slave's reader (tty_receive_wait()).
 *
 * Life of a pair: an open of /dev/ptmx makes one, locked (TIOCSPTLCK:
 * its slave cannot be opened until unlockpt()), and devpts shows it as
 * /dev/pts/N; TIOCGPTPEER opens that slave for the master's holder. When the last master file closes, the name goes and the
 * slave is hung up (SIGHUP to its session, reads 0, writes -EIO); when
 * every slave file has closed, a master read returns -EIO once drained.
 * The pair is freed when no file of either side is left.
 *
 * Locking: the open counts under tty_table_lock; the ring and the pair's
 * flags under pty->lock, which nests inside the slave's tty->lock (the
 * slave's output arrives with that held).
 */
#include "uapi/pty.h"
#include "fs/chrdev.h"
#include "fs/devpts.h"
#include "fs/poll.h"
#include "kernel/compiler.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

/** Bytes of slave output the master has not read yet. */
#define PTY_BUF 4096
/** Bytes a master read or write copies at a time. */
#define PTY_CHUNK 256

// [pty_struct]
/** One pair. */
struct pty {
    unsigned index;              /**< N of /dev/pts/N */
    struct tty slave;            /**< the slave terminal */
    struct spinlock lock;        /**< the ring and the flags below */
    struct wait_queue master_wq; /**< master readers and pollers */
    size_t out_head;             /**< bytes ever put in the ring */
    size_t out_tail;             /**< bytes ever read by the master */
    bool locked;                 /**< TIOCSPTLCK: slave opens fail */
    bool slave_closed;           /**< the slave was open, now is not */
    int masters;                 /**< master files (tty_table_lock) */
    int slaves;                  /**< slave files (tty_table_lock) */
    char out[PTY_BUF];           /**< slave output for the master */
};
// [pty_struct]

/** The pairs by number (tty_table_lock). */
static struct pty *ptys[DEVPTS_MAX];

/* Room left in the ring, for tty_write()'s wait. */
static size_t
pty_slave_room(struct tty *tty)
{
    struct pty *pty = tty->driver_data;
    irqflags_t flags = spin_lock_irqsave(&pty->lock);
    size_t room = PTY_BUF - (pty->out_head - pty->out_tail);
    spin_unlock_irqrestore(&pty->lock, flags);
    return room;
}

// >>> exercise 6.2 pty
/* The slave's driver write: output for the master's read side. */
static size_t
pty_slave_write(struct tty *tty, const char *buf, size_t n)
{
    struct pty *pty = tty->driver_data;
    irqflags_t flags = spin_lock_irqsave(&pty->lock);
    size_t room = PTY_BUF - (pty->out_head - pty->out_tail);
    size_t k = MIN(n, room);
    for (size_t i = 0; i < k; i++)
        pty->out[(pty->out_head + i) % PTY_BUF] = buf[i];
    pty->out_head += k;
    spin_unlock_irqrestore(&pty->lock, flags);
    if (k > 0)
        wait_queue_wake_all(&pty->master_wq);
    return k;
}

/* Wait for slave output: 0 when there is some, -EIO when every slave
 * file is closed and the ring is empty, -EAGAIN, -ERESTARTSYS.
 * @pre pty->lock held */
static long
master_wait(struct pty *pty, bool nonblock, irqflags_t *flags)
{
    while (pty->out_head == pty->out_tail) {
        if (pty->slave_closed)
            return -EIO;
        if (nonblock)
            return -EAGAIN;
        if (signal_pending())
            return -ERESTARTSYS;
        wait_queue_sleep(&pty->master_wq, &pty->lock, flags);
    }
    return 0;
}

/* read() of the master: what the slave sent out. */
static long
pty_master_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct pty *pty = f->priv;
    char chunk[PTY_CHUNK];
    (void)pos;
    if (n == 0)
        return 0;
    irqflags_t flags = spin_lock_irqsave(&pty->lock);
    long err = master_wait(pty, (f->flags & O_NONBLOCK) != 0, &flags);
    size_t k = 0;
    for (;
         err == 0 && k < MIN(n, sizeof(chunk)) && pty->out_tail < pty->out_head;
         k++)
        chunk[k] = pty->out[pty->out_tail++ % PTY_BUF];
    spin_unlock_irqrestore(&pty->lock, flags);
    if (err < 0)
        return err;
    // Room for the slave's writers. A writer checks for room under the
    // slave's lock and sleeps without letting go of it in between: taking
    // that lock here means it either sees the room or is already asleep.
    irqflags_t tf = spin_lock_irqsave(&pty->slave.lock);
    spin_unlock_irqrestore(&pty->slave.lock, tf);
    wait_queue_wake_all(&pty->slave.writers);
    return copy_to_user(buf, chunk, k) < 0 ? -EFAULT : (long)k;
}

/* write() of the master: the slave receives it, as typed input. What
 * does not fit in the slave's input queue waits for its reader. */
static long
pty_master_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    struct pty *pty = f->priv;
    bool nonblock = (f->flags & O_NONBLOCK) != 0;
    char chunk[PTY_CHUNK];
    (void)pos;
    size_t done = 0;
    while (done < n) {
        size_t k = MIN(n - done, sizeof(chunk));
        if (copy_from_user(chunk, UPTR(buf.addr + done), k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        for (size_t at = 0; at < k;) {
            long r =
                tty_receive_wait(&pty->slave, chunk + at, k - at, nonblock);
            tty_send_pending_signals(&pty->slave); // ^C typed at the master
            if (r < 0)
                return done + at > 0 ? (long)(done + at) : r;
            at += (size_t)r;
        }
        done += k;
    }
    return (long)done;
}
// === stub: the pair moves no bytes
// static size_t
// pty_slave_write(struct tty *tty, const char *buf, size_t n)
// {
//     (void)tty, (void)buf;
//     return n; // TODO(6.2): output for the master's read side
// }
//
// static long
// pty_master_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
// {
//     (void)f, (void)buf, (void)n, (void)pos;
//     return -EIO; // TODO(6.2)
// }
//
// static long
// pty_master_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
// {
//     (void)f, (void)buf, (void)pos;
//     return (long)n; // TODO(6.2): the slave receives it
// }
// <<< exercise 6.2 pty

/* A new file of the slave (through /dev/tty): count it.
 * @pre tty_table_lock held */
static int
pty_slave_get(struct tty *tty)
{
    struct pty *pty = tty->driver_data;
    pty->slaves++;
    return 0;
}

/* Free @p pty; no file of it is left and it is out of every table. */
static void
pty_free(struct pty *pty)
{
    tty_remove(&pty->slave);
    kfree(pty);
}

/* A slave file is gone: the last one lets a master read fail (-EIO). */
static void
pty_slave_put(struct tty *tty)
{
    struct pty *pty = tty->driver_data;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    bool last = --pty->slaves == 0;
    bool dead = last && pty->masters == 0;
    if (dead)
        ptys[pty->index] = NULL;
    irqflags_t f2 = spin_lock_irqsave(&pty->lock);
    if (last)
        pty->slave_closed = true;
    spin_unlock_irqrestore(&pty->lock, f2);
    spin_unlock_irqrestore(&tty_table_lock, flags);
    if (dead)
        pty_free(pty);
    else if (last)
        wait_queue_wake_all(&pty->master_wq);
}

/** The slave side's driver. */
static const struct tty_driver pty_slave_driver = {
    .name = "pts",
    .write = pty_slave_write,
    .write_room = pty_slave_room,
    .get = pty_slave_get,
    .put = pty_slave_put,
};

/* The last master file is gone: the name goes, the slave hangs up. */
static void
pty_master_release(struct file *f)
{
    struct pty *pty = f->priv;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    bool dead = --pty->masters == 0 && pty->slaves == 0;
    if (dead)
        ptys[pty->index] = NULL;
    spin_unlock_irqrestore(&tty_table_lock, flags);
    devpts_remove(pty->index);
    tty_hangup(&pty->slave);
    if (dead)
        pty_free(pty);
}

/* TIOCGPTPEER: open the slave by its name in devpts, as a new descriptor
 * (@p oflags: open's O_RDWR, O_NOCTTY, O_NONBLOCK, O_CLOEXEC). */
static long
pty_open_peer(struct pty *pty, unsigned long oflags)
{
    char path[32] = "/dev/pts/";
    size_t at = strlen(path);
    unsigned digits = 1;
    for (unsigned v = pty->index; v >= 10; v /= 10)
        digits++;
    for (unsigned i = 0, v = pty->index; i < digits; i++, v /= 10)
        path[at + digits - 1 - i] = (char)('0' + v % 10);
    path[at + digits] = 0;
    // Linux ignores the other flags (O_CREAT, O_TRUNC mean nothing here)
    unsigned keep = O_ACCMODE | O_NOCTTY | O_NONBLOCK;
    struct file *f;
    int err = file_open_path(path, (unsigned)oflags & keep, &f);
    if (err < 0)
        return err;
    int fd = fd_install(f, 0, (oflags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* The master's own ioctls; the others act on the slave, as Linux's. */
static long
pty_master_ioctl(struct file *f, unsigned long cmd, uptr_t arg)
{
    struct pty *pty = f->priv;
    int v;
    switch (cmd) {
    case TIOCGPTN:
        v = (int)pty->index;
        return copy_to_user(arg, &v, sizeof(v));
    case TIOCSPTLCK:
        if (copy_from_user(&v, arg, sizeof(v)) < 0)
            return -EFAULT;
        pty->locked = v != 0;
        return 0;
    case TIOCGPTLCK:
        v = pty->locked;
        return copy_to_user(arg, &v, sizeof(v));
    case TIOCGPTPEER:
        return pty_open_peer(pty, arg.addr);
    case FIONREAD: {
        irqflags_t flags = spin_lock_irqsave(&pty->lock);
        v = (int)(pty->out_head - pty->out_tail);
        spin_unlock_irqrestore(&pty->lock, flags);
        return copy_to_user(arg, &v, sizeof(v));
    }
    default:
        return tty_ioctl(&pty->slave, true, cmd, arg);
    }
}

/* poll of the master: readable with slave output; POLLHUP once every
 * slave file is closed; writable while the slave's input has room. */
static unsigned
pty_master_poll(struct file *f, struct poll_table *pt)
{
    struct pty *pty = f->priv;
    poll_wait(f, &pty->master_wq, pt);
    poll_wait(f, &pty->slave.room, pt);
    unsigned ev = 0;
    if (tty_poll_receivable(&pty->slave))
        ev |= POLLOUT | POLLWRNORM;
    irqflags_t flags = spin_lock_irqsave(&pty->lock);
    if (pty->out_head != pty->out_tail)
        ev |= POLLIN | POLLRDNORM;
    if (pty->slave_closed)
        ev |= POLLHUP;
    spin_unlock_irqrestore(&pty->lock, flags);
    return ev;
}

/** The master side: the file an open of /dev/ptmx returns. */
static const struct file_ops pty_master_fops = {
    .read = pty_master_read,
    .write = pty_master_write,
    .ioctl = pty_master_ioctl,
    .poll = pty_master_poll,
    .release = pty_master_release,
};

/* A new pair, numbered and in the registry: 0, -ENOSPC, -ENOMEM. */
static int
pty_alloc(struct pty **out)
{
    struct pty *pty = kzalloc(sizeof(*pty));
    if (pty == NULL)
        return -ENOMEM;
    int err = -ENOSPC;
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    for (unsigned i = 0; i < DEVPTS_MAX && err < 0; i++) {
        if (ptys[i] == NULL) {
            ptys[i] = pty;
            pty->index = i;
            pty->masters = 1;
            err = 0;
        }
    }
    spin_unlock_irqrestore(&tty_table_lock, flags);
    if (err < 0) {
        kfree(pty);
        return err;
    }
    tty_setup(&pty->slave, &pty_slave_driver,
              MKDEV(DEVPTS_SLAVE_MAJOR, pty->index));
    pty->slave.driver_data = pty;
    // A new slave has Linux's pty defaults: no window size, and no
    // HUPCL (pty_unix98_install: B38400 | CS8 | CREAD).
    pty->slave.winsize = (struct winsize){0};
    pty->slave.termios.c_cflag &= ~(uint32_t)HUPCL;
    spin_init(&pty->lock, "pty");
    wait_queue_init(&pty->master_wq, "pty master");
    pty->locked = true; // until unlockpt(), as Linux
    *out = pty;
    return 0;
}

/* open of /dev/ptmx: a new pair, its slave named in devpts. */
static int
ptmx_open(struct file *f)
{
    struct pty *pty;
    int err = pty_alloc(&pty);
    if (err < 0)
        return err;
    err = tty_add(&pty->slave);
    if (err < 0) {
        irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
        ptys[pty->index] = NULL;
        spin_unlock_irqrestore(&tty_table_lock, flags);
        kfree(pty);
        return err;
    }
    const struct cred *c = &proc_current()->cred;
    devpts_add(pty->index, c->euid, c->egid);
    f->ops = &pty_master_fops;
    f->priv = pty;
    return 0;
}

/* open of /dev/pts/N: the slave, unless locked or its master is gone. */
static int
pts_open(struct file *f)
{
    unsigned index = DEV_MINOR(f->inode->rdev);
    irqflags_t flags = spin_lock_irqsave(&tty_table_lock);
    struct pty *pty = index < DEVPTS_MAX ? ptys[index] : NULL;
    int err = pty == NULL || pty->masters == 0 || pty->locked ? -EIO : 0;
    if (err == 0) {
        pty->slaves++;
        irqflags_t f2 = spin_lock_irqsave(&pty->lock);
        pty->slave_closed = false;
        spin_unlock_irqrestore(&pty->lock, f2);
    }
    spin_unlock_irqrestore(&tty_table_lock, flags);
    if (err < 0)
        return err;
    return tty_file_open(&pty->slave, f);
}

static const struct chrdev pty_devices[] = {
    {.major = 5,
     .minor = 2,
     .name = "ptmx",
     .mode = 0666,
     .fops = &pty_master_fops,
     .open = ptmx_open},
    {.major = DEVPTS_SLAVE_MAJOR,
     .minor = 0,
     .name = NULL,
     .mode = 0620,
     .fops = &tty_fops,
     .open = pts_open},
};

/* Register /dev/ptmx and the slaves' numbers. */
static int
pty_init(void)
{
    int err = chrdev_register(&pty_devices[0]);
    if (err < 0)
        return err;
    return chrdev_register_minors(&pty_devices[1], DEVPTS_MAX);
}
initcall(driver, pty_init);
