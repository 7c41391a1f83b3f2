/*
 * sttytest: BusyBox stty on a new pty, as Linux shows it.
 *
 * `stty -a` prints every setting of a terminal: its speed, the window
 * size, the control characters and each flag. Run on a fresh pty it
 * shows the kernel's defaults for a new slave, which differ from the
 * console's (no hupcl, a 0x0 window); `stty rows 40 cols 100` sets the
 * window size with TIOCSWINSZ, which must send SIGWINCH to the
 * terminal's foreground group when the size changes (and not when it
 * does not), and a full-screen program redraws on that signal.
 *
 * The test opens a pty; a child makes a new session with the slave as
 * its controlling terminal (stdin, stdout and stderr), catches SIGWINCH
 * and runs a series of BusyBox stty commands on it, printing the
 * signals it got between them. The parent reads everything from the
 * master and, once the child asks for it, changes the size through the
 * master as a terminal emulator does when its window is resized. The
 * transcript is printed at the end, CR LF shown as a line's end.
 *
 * BusyBox is /bin/busybox on Keel; on the host (Linux as the oracle)
 * the very same binary is found under $ROOT, the staged initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "errname.h"

/** The commands the child runs, each an argv for BusyBox's stty. */
static const char *const commands[][6] = {
    {"stty", "-a", NULL},
    {"stty", "size", NULL},
    {"stty", "rows", "40", "cols", "100"},
    {"stty", "-a", NULL},
    {"stty", "rows", "40", NULL}, // the same size: no SIGWINCH
    {"stty", "size", NULL},
    {"stty", "raw", "-echo", NULL},
    {"stty", "-a", NULL},
    {"stty", "sane", NULL},
    {"stty", "intr", "^A", "erase", "^H"},
    {"stty", "-a", NULL},
};

static volatile sig_atomic_t winches;

static void
on_winch(int sig)
{
    (void)sig;
    winches++;
}

/* Where BusyBox is: $ROOT/bin/busybox on the host, /bin/busybox here. */
static void
busybox_path(char *path, size_t size)
{
    const char *root = getenv("ROOT");
    snprintf(path, size, "%s/bin/busybox", root ? root : "");
}

/* Run one stty command on our terminal and wait for it; say whether a
 * SIGWINCH came meanwhile (a resize by the master is waited for before
 * the next command runs). */
static void
run_stty(const char *const argv[])
{
    char path[512];
    busybox_path(path, sizeof(path));
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, (char *const *)argv);
        printf("exec %s: %s\n", path, errname(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    // Whether one came, not how many: two in a row may merge into one.
    printf("[status %d%s]\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
           winches ? ", SIGWINCH" : "");
    winches = 0;
}

/* The child: a session on the slave @p name, the commands, one resize
 * by the master in between (asked for, then waited for on @p go). */
static void
child(const char *name, int go)
{
    setsid();
    int s = open(name, O_RDWR); // a session leader's first tty: the ctty
    if (s < 0)
        _exit(1);
    dup2(s, 0);
    dup2(s, 1);
    dup2(s, 2);
    close(s);
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {.sa_handler = on_winch, .sa_flags = SA_RESTART};
    sigaction(SIGWINCH, &sa, NULL);
    size_t n = sizeof(commands) / sizeof(commands[0]);
    for (size_t i = 0; i < n; i++) {
        printf("$");
        for (int j = 0; j < 5 && commands[i][j]; j++)
            printf(" %s", commands[i][j]);
        printf("\n");
        run_stty(commands[i]);
        if (i == 5) {
            printf("-- resize from the master\n");
            char c;
            read(go, &c, 1);
            const char *const size[] = {"stty", "size", NULL};
            run_stty(size);
        }
    }
    _exit(0);
}

/** What BusyBox stty says of a 0x0 window, before a leftover errno. */
static const char no_size[] = "stty: standard input";

/* Print the transcript, CR LF as a line's end, other controls escaped.
 * On a 0x0 window stty complains with perror() although no call failed:
 * the errno it prints is left over from BusyBox's start, which differs
 * with the user running it (as root: none; else the ENOENT of its
 * /etc/busybox.conf lookup). That part is not printed. */
static void
print_transcript(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (strncmp(buf + i, no_size, sizeof(no_size) - 1) == 0) {
            printf("%s", no_size);
            i += sizeof(no_size) - 1;
            while (i < n && buf[i] != '\r' && buf[i] != '\n')
                i++;
            i--;
            continue;
        }
        if (c == '\r' && i + 1 < n && buf[i + 1] == '\n')
            continue;
        if (c == '\n' || (c >= 0x20 && c < 0x7f))
            putchar(c);
        else
            printf("\\x%02x", c);
    }
}

int
main(void)
{
    static char log[65536];
    char name[64];
    setvbuf(stdout, NULL, _IONBF, 0);
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
        ptsname_r(m, name, sizeof(name)) != 0) {
        printf("no pty: %s\n", errname(errno));
        return 1;
    }
    int go[2];
    pipe(go);
    pid_t pid = fork();
    if (pid == 0) {
        close(m);
        close(go[1]);
        child(name, go[0]);
    }
    close(go[0]);
    size_t len = 0;
    int resized = 0;
    for (;;) {
        struct pollfd p = {.fd = m, .events = POLLIN};
        if (poll(&p, 1, 10000) <= 0) {
            printf("the master stayed silent for 10 s\n");
            break;
        }
        long r = read(m, log + len, sizeof(log) - 1 - len);
        if (r <= 0)
            break; // EIO: the child and its stty are gone
        len += (size_t)r;
        log[len] = 0;
        if (!resized && strstr(log, "-- resize from the master")) {
            struct winsize ws = {.ws_row = 50, .ws_col = 132};
            ioctl(m, TIOCSWINSZ, &ws);
            write(go[1], "g", 1);
            resized = 1;
        }
    }
    close(go[1]); // a child still waiting for the resize goes on
    int st;
    waitpid(pid, &st, 0);
    print_transcript(log, len);
    printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
