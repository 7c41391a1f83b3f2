/**
 * @file
 * @ingroup uapi
 * @brief Terminal settings as the Linux kernel lays them out (x86_64).
 *
 * TCGETS and TCSETS copy the kernel's `struct termios`: four flag words,
 * the line discipline number and 19 control characters, 36 bytes. A C
 * library's own `struct termios` may be larger (musl and glibc add speed
 * fields and a longer c_cc) but passes this prefix to the kernel. The
 * terminal ioctl numbers and `struct winsize` are here too.
 */
#ifndef UAPI_TERMIOS_H
#define UAPI_TERMIOS_H

#include "kernel/types.h"

/** Control characters in the kernel's termios. */
#define NCCS 19

/** The kernel's termios (asm-generic/termbits.h). */
struct termios {
    uint32_t c_iflag;   /**< input modes: ICRNL, IXON, ... */
    uint32_t c_oflag;   /**< output modes: OPOST, ONLCR */
    uint32_t c_cflag;   /**< hardware: speed, CS8, CREAD */
    uint32_t c_lflag;   /**< local modes: ICANON, ECHO, ISIG, ... */
    uint8_t c_line;     /**< line discipline, 0 = N_TTY */
    uint8_t c_cc[NCCS]; /**< control characters, indexed by V* */
};

_Static_assert(sizeof(struct termios) == 36, "termios is 36 bytes");
_Static_assert(__builtin_offsetof(struct termios, c_line) == 16,
               "c_line follows the four flag words");
_Static_assert(__builtin_offsetof(struct termios, c_cc) == 17,
               "c_cc follows c_line");

/** The window size (TIOCGWINSZ). */
struct winsize {
    uint16_t ws_row;    /**< rows */
    uint16_t ws_col;    /**< columns */
    uint16_t ws_xpixel; /**< unused */
    uint16_t ws_ypixel; /**< unused */
};

_Static_assert(sizeof(struct winsize) == 8, "winsize is 8 bytes");

/* c_cc indices */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004

/* c_cflag */
#define B38400 0000017
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* ioctl requests */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

/* TCFLSH arguments */
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2

#endif /* UAPI_TERMIOS_H */
