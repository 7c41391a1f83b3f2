/*
 * ttytest: the console's line discipline and termios, seen from a program.
 *
 * Canonical mode: the program prompts "ttytest: line N?" and reads one
 * line from fd 0; what the kernel's line editing made of the typed keys
 * (erase, ^W, ^U, ^C flushing the line, ^D ending it early) is printed
 * reversed, bytes outside printable ASCII as \xNN, with its length and
 * whether it ended in a newline. A ^D at the start of a line must make
 * read() return 0. Then it switches to raw mode with tcsetattr (no
 * ICANON, ECHO, ISIG, ICRNL; VMIN=1, VTIME=0) and reads single bytes
 * until 'q', printing each in hex; the bytes typed after the 'q' are
 * dropped by tcsetattr(TCSAFLUSH), so that with VMIN=0 a read polls and
 * returns 0; with VTIME=2 it gives up after 0.2 s. The grader types the input
 * (grading/tests/ch04_tty.py). Run without a terminal (the host oracle,
 * stdin /dev/null) it says so and exits 0.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define LINES 7

/* Print @p n bytes of @p s reversed, escaping what is not printable. */
static void
print_reversed(const char *s, size_t n)
{
    for (size_t i = n; i > 0; i--) {
        unsigned char c = (unsigned char)s[i - 1];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
}

/* Read and report one canonical line; return read()'s result. */
static long
one_line(int i)
{
    char buf[256];
    printf("ttytest: line %d?\n", i);
    long n = read(0, buf, sizeof(buf));
    if (n < 0) {
        printf("read: errno %d\n", errno);
        return n;
    }
    if (n == 0) {
        printf("eof\n");
        return 0;
    }
    int nl = buf[n - 1] == '\n';
    printf("rev[%ld%s]: ", n, nl ? ",nl" : "");
    print_reversed(buf, nl ? (size_t)n - 1 : (size_t)n);
    printf("\n");
    return n;
}

/* Show the settings a console starts with (Linux's defaults). */
static void
print_modes(const struct termios *t)
{
    printf("icanon=%d echo=%d echoe=%d isig=%d icrnl=%d opost=%d\n",
           !!(t->c_lflag & ICANON), !!(t->c_lflag & ECHO),
           !!(t->c_lflag & ECHOE), !!(t->c_lflag & ISIG),
           !!(t->c_iflag & ICRNL), !!(t->c_oflag & OPOST));
    printf("vintr=%d verase=%d vkill=%d veof=%d vmin=%d vtime=%d\n",
           t->c_cc[VINTR], t->c_cc[VERASE], t->c_cc[VKILL], t->c_cc[VEOF],
           t->c_cc[VMIN], t->c_cc[VTIME]);
}

/* The other terminal requests a C library makes, and their errors. */
static void
print_ioctls(void)
{
    struct winsize ws = {33, 97, 0, 0}, back, got = {0, 0, 0, 0};
    int n = -1;
    errno = 0;
    ioctl(0, TIOCGWINSZ, &back);
    printf("winsize %dx%d\n", back.ws_row, back.ws_col);
    ioctl(0, TIOCSWINSZ, &ws);
    ioctl(0, TIOCGWINSZ, &got);
    ioctl(0, TIOCSWINSZ, &back);
    printf("set winsize %dx%d\n", got.ws_row, got.ws_col);
    ioctl(0, FIONREAD, &n);
    printf("fionread %d\n", n);
    int r = ioctl(0, TCGETS, (void *)8);
    printf("bad pointer: %d errno %d\n", r, errno);
    errno = 0;
    r = ioctl(0, 0x54ff, 0);
    printf("unknown request: %d errno %d\n", r, errno);
}

/* Raw mode: single bytes until 'q', then a poll and a timed read. */
static void
raw_part(struct termios raw)
{
    raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~(ICRNL | IXON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSANOW, &raw) < 0)
        printf("tcsetattr: errno %d\n", errno);
    printf("ttytest: raw?\n");
    for (int i = 0; i < 32; i++) {
        unsigned char c;
        long n = read(0, &c, 1);
        if (n != 1) {
            printf("raw read: %ld errno %d\n", n, n < 0 ? errno : 0);
            break;
        }
        printf("byte %02x\n", c);
        if (c == 'q')
            break;
    }
    // Three more bytes follow the 'q': wait until they are queued, then
    // TCSAFLUSH must drop them, so that the VMIN=0 poll finds nothing.
    int queued = 0;
    for (long i = 0; i < 1000000 && queued < 3; i++) {
        ioctl(0, FIONREAD, &queued);
        sched_yield();
    }
    printf("queued after q: %d\n", queued);
    char buf[8];
    raw.c_cc[VMIN] = 0;
    tcsetattr(0, TCSAFLUSH, &raw);
    printf("poll: %ld\n", (long)read(0, buf, sizeof(buf)));
    raw.c_cc[VTIME] = 2;
    tcsetattr(0, TCSANOW, &raw);
    printf("timeout: %ld\n", (long)read(0, buf, sizeof(buf)));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct termios saved;
    if (!isatty(0) || tcgetattr(0, &saved) < 0) {
        printf("ttytest: stdin is not a terminal\n");
        return 0;
    }
    print_modes(&saved);
    print_ioctls();
    for (int i = 1; i <= LINES; i++)
        if (one_line(i) <= 0)
            break;
    raw_part(saved);
    if (tcsetattr(0, TCSAFLUSH, &saved) < 0)
        printf("tcsetattr: errno %d\n", errno);
    printf("ttytest: done\n");
    return 0;
}
