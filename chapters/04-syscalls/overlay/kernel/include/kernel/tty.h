/**
 * @file
 * @ingroup tty
 * @brief The console as a terminal: what the file layer and drivers call.
 *
 * A terminal joins a character device (the serial port) to programs. The
 * device hands received bytes to tty_receive() from its interrupt
 * handler; the line discipline edits them into lines, echoes them and
 * turns ^C into a signal; programs read with tty_read() and change the
 * rules with termios through tty_ioctl(). There is one terminal, the
 * console, but the state lives in a `struct tty` so a later chapter can
 * add pseudo-terminals beside it.
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/sync.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "uapi/termios.h"

/** Bytes of typed input a terminal holds (Linux's N_TTY_BUF_SIZE). */
#define TTY_BUF_SIZE 4096

/** A device that carries a terminal: what it tells the tty layer. */
struct tty_driver {
    const char *name; /**< "ttyS0" */
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
    const struct tty_driver *driver; /**< the device, NULL before one */
    struct termios termios;          /**< the current settings */
    struct winsize winsize;          /**< what TIOCGWINSZ reports */
    int pgrp;                        /**< foreground group; 0: none yet */
    int session;                     /**< controlling session; 0: none */
    bool lnext;                      /**< the next byte follows ^V */
    uint32_t pending_signals;        /**< bit n: signal n for the group */
    struct wait_queue signaller;     /**< where tty_signal_thread waits */
    size_t head;                     /**< bytes ever queued */
    size_t canon;                    /**< end of the completed lines */
    size_t tail;                     /**< bytes ever read */
    char buf[TTY_BUF_SIZE];          /**< the ring */
    bool eol[TTY_BUF_SIZE];          /**< byte ends a line (canonical) */
};

extern struct tty tty_console;

struct tty *tty_register_driver(const struct tty_driver *drv);
void tty_receive(struct tty *tty, const char *buf, size_t n);

long tty_read(char *buf, size_t n, bool nonblock);
long tty_write(const char *buf, size_t n);
long tty_ioctl(unsigned long cmd, uptr_t arg);
bool tty_poll_readable(void);

/* Inside the tty layer: the line discipline (ldisc.c). */
void ldisc_receive_char(struct tty *tty, uint8_t c, int *sig);
void ldisc_flush_input(struct tty *tty);
size_t ldisc_readable(const struct tty *tty);
size_t ldisc_copy_out(struct tty *tty, char *buf, size_t n);
void ldisc_set_termios(struct tty *tty, const struct termios *t);

#endif /* KERNEL_TTY_H */
