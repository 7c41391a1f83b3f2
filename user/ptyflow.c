/*
 * ptyflow: a pty master's writes wait for room in the slave's input.
 *
 * Regression test for the bug "a write on a pty master into a slave
 * whose input queue is full drops bytes": Keel's master write handed
 * every byte to the slave's line discipline, which threw away what did
 * not fit in its 4 KiB queue, and reported the whole count as written.
 * A program that pastes a file into a terminal, or a telnet or ssh
 * server that copies its client's input to the shell's pty, lost data
 * whenever the reader was slower than the writer. Linux never loses
 * input there: the master's writer waits for room (a blocking write),
 * or gets EAGAIN when nothing fits and a short count when part of it
 * does (O_NONBLOCK); poll says POLLOUT only when there is room.
 *
 * The checks, each on a fresh pair whose slave is in raw mode without
 * echo (cfmakeraw), the way a full-screen program or `stty raw` has it:
 *
 * - nonblocking: the master writes 1 KiB pieces until a write fails;
 *   it must fail with EAGAIN (how much fitted first differs: Linux also
 *   buffers 64 KiB in the pty's flip buffers), poll then says the master
 *   is not writable; the slave reads back every byte written, in order;
 * - blocking: a child writes 64 KiB of numbered bytes in one write()
 *   while the parent reads the slave slowly in small pieces; the write
 *   returns the full count and the reader gets every byte in order;
 * - canonical mode: complete lines waiting in a full queue make the
 *   writer wait too (EAGAIN with O_NONBLOCK); the reader then gets every
 *   line whole and, once the cut last line is ended, every byte;
 * - a line longer than the queue: the writer does not wait for a reader
 *   that could never take it; the excess is thrown away and the line
 *   still ends (4095 bytes and the NL, a read returns it at once).
 *
 * It prints nothing that differs between Linux and Keel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "errname.h"

/** The bulk the blocking check moves: many times any queue. */
#define BULK 65536

/* Open a new, unlocked pair and its slave; -1 on failure. */
static int
open_pair(int *slave)
{
    char name[64];
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
        ptsname_r(m, name, sizeof(name)) != 0)
        return -1;
    *slave = open(name, O_RDWR | O_NOCTTY);
    return *slave < 0 ? -1 : m;
}

/* A pair whose slave stays canonical but does not echo (the master
 * reads nothing back), with a non-blocking master; -1 on failure. */
static int
open_canon_pair(int *slave)
{
    int m = open_pair(slave);
    struct termios t;
    tcgetattr(*slave, &t);
    t.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(*slave, TCSANOW, &t);
    fcntl(m, F_SETFL, O_NONBLOCK);
    return m;
}

/* Put the slave in raw mode, no echo: every byte is input as it is. */
static void
make_raw(int s)
{
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
}

/* The byte at position @p i of the stream the checks send. */
static char
pattern(long i)
{
    return (char)('a' + (i * 7 + i / 26) % 26);
}

/* Read the slave until @p want bytes came or 2 s of silence; count the
 * bytes that are not pattern(i) at their position. */
static long
drain(int s, long want, long *bad)
{
    char buf[512];
    long got = 0;
    *bad = 0;
    while (got < want) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0)
            break;
        long r = read(s, buf, sizeof(buf));
        if (r <= 0)
            break;
        for (long i = 0; i < r; i++)
            if (buf[i] != pattern(got + i))
                (*bad)++;
        got += r;
    }
    return got;
}

/* Fill @p buf with the stream's bytes from position @p at. */
static void
fill(char *buf, long n, long at)
{
    for (long i = 0; i < n; i++)
        buf[i] = pattern(at + i);
}

/* O_NONBLOCK master writes until EAGAIN; then all of it is readable. */
static void
part_nonblock(void)
{
    int s, m = open_pair(&s);
    make_raw(s);
    fcntl(m, F_SETFL, O_NONBLOCK);
    static char chunk[1024];
    long total = 0, r = 0;
    int rounds = 0;
    while (rounds++ < 1000) {
        fill(chunk, sizeof(chunk), total);
        r = write(m, chunk, sizeof(chunk));
        if (r < 0)
            break;
        total += r;
    }
    printf("nonblock: writes stop with %s\n", r < 0 ? errname(errno) : "-");
    // Linux moves the bytes to the slave's queue in a worker: once it
    // has settled, fill what it freed, and the master is full for good.
    usleep(100000);
    while (rounds++ < 1000) {
        fill(chunk, sizeof(chunk), total);
        if ((r = write(m, chunk, sizeof(chunk))) < 0)
            break;
        total += r;
    }
    struct pollfd p = {.fd = m, .events = POLLOUT};
    printf("nonblock: poll of the full master: %d\n", poll(&p, 1, 0));
    long bad;
    long got = drain(s, total, &bad);
    printf("nonblock: slave read all that was written: %s, %ld wrong\n",
           got == total ? "yes" : "no", bad);
    p.revents = 0;
    int n = poll(&p, 1, 1000);
    printf("nonblock: poll after the reader took it: %d revents %#x\n", n,
           p.revents);
    close(s);
    close(m);
}

/* One blocking 64 KiB master write; the reader is slow. */
static void
part_blocking(void)
{
    int s, m = open_pair(&s);
    make_raw(s);
    int done[2], bye[2];
    pipe(done);
    pipe(bye);
    pid_t pid = fork();
    if (pid == 0) {
        static char big[BULK];
        close(s);
        fill(big, BULK, 0);
        long r = write(m, big, BULK);
        dprintf(done[1], "%ld\n", r);
        // A closed master hangs the slave up: stay until it is read.
        char c;
        read(bye[0], &c, 1);
        _exit(0);
    }
    close(m);       // the child holds the master
    usleep(200000); // the writer fills the queue and waits
    char buf[64];
    long got = 0, bad = 0, r;
    int slow = 0;
    struct pollfd p = {.fd = s, .events = POLLIN};
    while (got < BULK && poll(&p, 1, 2000) > 0 &&
           (r = read(s, buf, sizeof(buf))) > 0) {
        for (long i = 0; i < r; i++)
            if (buf[i] != pattern(got + i))
                bad++;
        got += r;
        if (slow++ < 8)
            usleep(20000); // slower than the writer at first
    }
    write(bye[1], "x", 1);
    waitpid(pid, NULL, 0);
    char line[32] = "";
    read(done[0], line, sizeof(line) - 1);
    printf("blocking: master write returned %s", line);
    printf("blocking: slave read %ld bytes, %ld wrong\n", got, bad);
    close(s);
}

/* Canonical mode: a full queue with a whole line in it stops the writer. */
static void
part_canon(void)
{
    int s, m = open_canon_pair(&s);
    // Short lines: each one complete, so none is thrown away.
    static char lines[1024];
    for (int i = 0; i < 64; i++) {
        memset(lines + i * 16, 'a' + i % 26, 15);
        lines[i * 16 + 15] = '\n';
    }
    long total = 0, r = 0;
    int rounds = 0;
    while (rounds++ < 1000 && (r = write(m, lines, sizeof(lines))) > 0)
        total += r;
    printf("canon: writes stop with %s\n", r < 0 ? errname(errno) : "-");
    // The reader takes the complete lines; what the writer could not
    // give is never lost, but a line cut by the full queue (how much
    // fitted differs from Linux to Keel) waits for its end: type it.
    long bytes = 0, ok = 1, n;
    char buf[64];
    for (;;) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 1000) <= 0)
            break;
        if ((n = read(s, buf, sizeof(buf))) <= 0)
            break;
        if (n != 16 || buf[15] != '\n')
            ok = 0;
        bytes += n;
    }
    fcntl(m, F_SETFL, 0);
    write(m, "\n", 1);
    struct pollfd p = {.fd = s, .events = POLLIN};
    if (poll(&p, 1, 2000) > 0 && (n = read(s, buf, sizeof(buf))) > 0)
        bytes += n;
    printf("canon: every line read whole: %s, all of them: %s\n",
           ok ? "yes" : "no", bytes == total + 1 ? "yes" : "no");
    close(s);
    close(m);
}

/* Canonical mode: a line longer than the queue. The writer must not
 * wait (no reader could ever take an unfinished line): Linux keeps
 * taking bytes and throws the excess away, keeping room for the NL. */
static void
part_long_line(void)
{
    int s, m = open_canon_pair(&s);
    static char line[6000];
    memset(line, 'x', sizeof(line));
    line[sizeof(line) - 1] = '\n';
    long r = write(m, line, sizeof(line));
    printf("long line: master write %s\n", r == (long)sizeof(line) ? "took all"
                                           : r < 0 ? errname(errno)
                                                   : "was short");
    static char buf[8192];
    struct pollfd p = {.fd = s, .events = POLLIN};
    long n = poll(&p, 1, 2000) > 0 ? read(s, buf, sizeof(buf)) : -1;
    printf("long line: read %ld bytes, ends with NL %d\n", n,
           n > 0 && buf[n - 1] == '\n');
    close(s);
    close(m);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    part_nonblock();
    part_blocking();
    part_canon();
    part_long_line();
    printf("done\n");
    return 0;
}
