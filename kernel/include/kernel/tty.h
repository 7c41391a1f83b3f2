/**
 * @file
 * @ingroup tty
 * @brief Terminals: what the file layer, drivers and ptys call.
 *
 * A terminal joins a device to programs. The device (the serial port, or
 * the master side of a pseudo-terminal) hands received bytes to
 * tty_receive(); the line discipline edits them into lines, echoes them
 * and turns ^C into a signal; programs read with tty_read(), write with
 * tty_write() (output processing, then the driver's write) and change the
 * rules with termios through tty_ioctl(). Every terminal is a `struct
 * tty` in a small registry; a session finds its controlling terminal
 * there by its session id (tty->session).
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/sync.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "uapi/termios.h"

/** Bytes of typed input a terminal holds (Linux's N_TTY_BUF_SIZE). */
#define TTY_BUF_SIZE 4096
/** The most terminals the registry holds (the console and the ptys). */
#define TTY_MAX 64

struct tty;
struct file;
struct file_ops;

/** A device that carries terminals: what it tells the tty layer. */
struct tty_driver {
    const char *name; /**< "ttyS0", "pts" */
    /** Put @p n processed output bytes out; how many it took (fewer when
     *  a pty's buffer is full). Called with tty->lock held, interrupts
     *  off: must not sleep. */
    size_t (*write)(struct tty *tty, const char *buf, size_t n);
    /** Bytes write() would take now; NULL: unlimited (a console). */
    size_t (*write_room)(struct tty *tty);
    /** A new open file of @p tty (also through /dev/tty): take a
     *  reference; 0 or -errno. Called under the registry lock. NULL:
     *  nothing to count. */
    int (*get)(struct tty *tty);
    /** An open file of @p tty is gone (release). NULL: nothing. */
    void (*put)(struct tty *tty);
};

/**
 * One terminal. The input queue is a ring of TTY_BUF_SIZE bytes indexed
 * by ever-growing counters: bytes [tail, canon) are complete lines a
 * reader may take, [canon, head) is the line still being edited (in
 * non-canonical mode canon == head). `eol` marks the byte that ends each
 * line; an end-of-file (^D) is an `eol` NUL that read() does not copy.
 */
struct tty {
    struct spinlock lock;            /**< protects all below; irqsave */
    struct wait_queue readers;       /**< threads in tty_read() */
    struct wait_queue writers;       /**< threads waiting for write room */
    struct wait_queue room;          /**< a pty master's writers waiting for
                                          room in the input queue */
    const struct tty_driver *driver; /**< the device, NULL before one */
    void *driver_data;               /**< the driver's own (a pty pair) */
    uint64_t rdev;                   /**< device number: (4,64), (136,N) */
    struct termios termios;          /**< the current settings */
    struct termios locked;  /**< bits TCSETS may not change (TIOCSLCKTRMIOS) */
    struct winsize winsize; /**< what TIOCGWINSZ reports */
    int pgrp;               /**< foreground group; 0: none */
    int session;            /**< controlling session; 0: none */
    bool hungup;            /**< read gives 0, write -EIO */
    bool lnext;             /**< the next byte follows ^V */
    uint32_t pending_signals;    /**< bit n: signal n for the group */
    struct wait_queue signaller; /**< where tty_signal_thread waits */
    size_t head;                 /**< bytes ever queued */
    size_t canon;                /**< end of the completed lines */
    size_t tail;                 /**< bytes ever read */
    char buf[TTY_BUF_SIZE];      /**< the ring */
    bool eol[TTY_BUF_SIZE];      /**< byte ends a line (canonical) */
};

extern struct tty tty_console;

/* terminals and their registry (tty.c, session.c) */
void tty_setup(struct tty *tty, const struct tty_driver *drv, uint64_t rdev);
int tty_add(struct tty *tty);
void tty_remove(struct tty *tty);
struct tty *tty_register_driver(const struct tty_driver *drv);
void tty_receive(struct tty *tty, const char *buf, size_t n);
long tty_receive_wait(struct tty *tty, const char *buf, size_t n,
                      bool nonblock);
bool tty_poll_receivable(struct tty *tty);
void tty_send_pending_signals(struct tty *tty);
void tty_output(struct tty *tty, const char *buf, size_t n);
void tty_hangup(struct tty *tty);

long tty_read(struct tty *tty, char *buf, size_t n, bool nonblock);
long tty_write(struct tty *tty, const char *buf, size_t n, bool nonblock);
long tty_ioctl(struct tty *tty, bool master, unsigned long cmd, uptr_t arg);
bool tty_poll_readable(struct tty *tty);
bool tty_poll_writable(struct tty *tty);
size_t tty_readable(struct tty *tty);

/* the controlling terminal and background checks (session.c) */
extern struct spinlock tty_table_lock;
struct tty *tty_ctty_locked(int sid);
int tty_get_ctty(struct tty **out);
bool tty_is_ctty(struct tty *tty);
void tty_open_ctty(struct tty *tty, unsigned flags);
int tty_check_change(struct tty *tty, int sig);
int tty_set_ctty(struct tty *tty, int steal);
int tty_drop_ctty(struct tty *tty);
int tty_set_pgrp(struct tty *tty, int pgrp);
bool tty_ctty_info(int sid, uint64_t *rdev, int *pgrp);

/* the terminal as a file (ttydev.c): what a pty's slave opens too */
extern const struct file_ops tty_fops;
int tty_file_open(struct tty *tty, struct file *f);

/* Inside the tty layer: the line discipline (ldisc.c). */
void ldisc_receive_char(struct tty *tty, uint8_t c, int *sig);
bool ldisc_can_receive(const struct tty *tty);
void ldisc_flush_input(struct tty *tty);
size_t ldisc_readable(const struct tty *tty);
size_t ldisc_copy_out(struct tty *tty, char *buf, size_t n);
void ldisc_set_termios(struct tty *tty, const struct termios *t);

#endif /* KERNEL_TTY_H */
