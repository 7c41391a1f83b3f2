/*
 * ptytest: pseudo-terminals and the controlling terminal, as Linux has them.
 *
 * A pty is opened the way a terminal emulator does (posix_openpt,
 * grantpt, unlockpt, ptsname); the test then checks, part by part:
 *
 * - names: the slave is /dev/pts/N, ttyname() finds it, stat of the name
 *   and fstat of the open slave agree, a locked slave cannot be opened,
 *   TIOCGPTPEER opens the same slave;
 * - data: master writes are typed input (echoed back to the master, CR
 *   made NL), slave writes are output (NL sent as CR NL), canonical lines,
 *   FIONREAD, raw mode, OPOST off;
 * - ctty: a session leader that opens the slave gets it as controlling
 *   terminal (TIOCGSID, TIOCGPGRP, /dev/tty); another session gets ENOTTY,
 *   ENXIO for /dev/tty, EPERM for TIOCSCTTY; TIOCSPGRP's errors;
 * - background: a read from a background group gets SIGTTIN, a write
 *   with TOSTOP and a tcsetattr get SIGTTOU (caught by handlers, so the
 *   calls fail with EINTR); ignored SIGTTIN makes the read EIO, ignored
 *   SIGTTOU lets the write through; a read from an orphaned group is EIO;
 * - winsize: TIOCSWINSZ on the master sends SIGWINCH to the foreground;
 * - hang-up: closing the master sends SIGHUP to the slave's session
 *   leader, its reads then return 0 and writes fail with EIO, the name
 *   is gone; a session leader's exit sends SIGHUP to the foreground
 *   group; closing every slave makes a master read EIO once drained;
 * - bulk: more slave output than the pair buffers arrives whole (the
 *   writer waits for the master), and poll's answers on both ends.
 *
 * It prints nothing that differs between Linux and Keel (no pty numbers,
 * no pids). Every child runs in a session of its own, so the result does
 * not depend on the terminal the test was started from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "errname.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/** Where say() prints: stdout, or a buffer while another process of the
 *  test prints (the master's side of part_ctty). */
static FILE *out;

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
}

static void
report(const char *what, long r)
{
    if (r < 0)
        say("%s: %s\n", what, errname(errno));
    else
        say("%s: %ld\n", what, r);
}

/* Print @p n bytes of @p buf with control characters escaped. */
static void
show(const char *what, const char *buf, long n)
{
    say("%s: \"", what);
    for (long i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\r')
            say("\\r");
        else if (c == '\n')
            say("\\n");
        else if (c < 0x20 || c >= 0x7f)
            say("\\x%02x", c);
        else
            say("%c", c);
    }
    say("\"\n");
}

/* Read from @p fd until @p want bytes came or 2 s of silence; the bytes
 * may arrive in pieces (Linux moves pty data in a worker). */
static long
read_some(int fd, char *buf, long want)
{
    long got = 0;
    while (got < want) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0)
            break;
        long r = read(fd, buf + got, (size_t)(want - got));
        if (r <= 0)
            return got > 0 ? got : r;
        got += r;
    }
    return got;
}

/* Is something readable on @p fd within @p ms? */
static int
readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms) > 0 && (p.revents & POLLIN);
}

/* Read the master and show what came, expecting @p want bytes. */
static void
expect_master(int m, const char *what, long want)
{
    char buf[256];
    long n = read_some(m, buf, want);
    show(what, buf, n);
}

static volatile sig_atomic_t caught[65];
/** The test's own group, in the session it was started in. */
static pid_t outer_pgrp;

static void
on_signal(int sig)
{
    caught[sig]++;
}

/* Catch @p sig without SA_RESTART, so a call it interrupts fails. */
static void catch (int sig)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(sig, &sa, NULL);
}

static void
ignore(int sig)
{
    signal(sig, SIG_IGN);
}

/* Open a new, unlocked pair; the slave's name into @p name. */
static int
open_pair(char *name, size_t size)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
        return -1;
    if (ptsname_r(m, name, size) != 0)
        return -1;
    return m;
}

static void
part_names(void)
{
    char name[64];
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    report("posix_openpt", m < 0 ? -1 : 0);
    say("master fd > 2: %d\n", m > 2);
    report("grantpt", grantpt(m));
    report("ptsname_r", ptsname_r(m, name, sizeof(name)));
    say("name starts /dev/pts/: %d\n", strncmp(name, "/dev/pts/", 9) == 0);
    report("open locked slave", open(name, O_RDWR | O_NOCTTY));
    report("unlockpt", unlockpt(m));
    int s = open(name, O_RDWR | O_NOCTTY);
    report("open slave", s < 0 ? -1 : 0);
    say("isatty slave %d master %d\n", isatty(s), isatty(m));
    const char *tn = ttyname(s);
    say("ttyname is ptsname: %d\n", tn != NULL && strcmp(tn, name) == 0);
    struct stat a, b;
    report("stat", stat(name, &a));
    report("fstat", fstat(s, &b));
    say("same dev %d ino %d rdev %d\n", a.st_dev == b.st_dev,
        a.st_ino == b.st_ino, a.st_rdev == b.st_rdev);
    say("chr %d major %u owner is me %d\n", S_ISCHR(a.st_mode),
        major(a.st_rdev), a.st_uid == getuid());
    report("chmod 0600", chmod(name, 0600));
    report("stat again", stat(name, &a));
    say("mode %o\n", a.st_mode & 0777);
    report("chown", chown(name, getuid(), getgid()));
    int ptn = -1;
    report("TIOCGPTN", ioctl(m, TIOCGPTN, &ptn) < 0 ? -1 : 0);
    char want[64];
    snprintf(want, sizeof(want), "/dev/pts/%d", ptn);
    say("TIOCGPTN names it: %d\n", strcmp(want, name) == 0);
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    report("TIOCGPTPEER", peer < 0 ? -1 : 0);
    report("fstat peer", fstat(peer, &b));
    say("peer is the slave: %d\n",
        a.st_ino == b.st_ino && a.st_rdev == b.st_rdev);
    close(peer);
    int d = open("/", O_RDONLY);
    report("ioctl of a directory", ioctl(d, TCFLSH, 0));
    close(d);
    close(s);
    close(m);
}

static void
part_data(void)
{
    char name[64], buf[256];
    int m = open_pair(name, sizeof(name));
    int s = open(name, O_RDWR | O_NOCTTY);
    report("write slave", write(s, "out\n", 4));
    expect_master(m, "master reads", 5);
    report("write master", write(m, "abc\r", 4));
    expect_master(m, "echo", 5);
    long r = read_some(s, buf, 4); // no hang if the input never comes
    report("read slave", r);
    show("slave got", buf, r > 0 ? r : 0);
    report("write master half", write(m, "xy", 2));
    expect_master(m, "echo half", 2);
    int n = -1;
    ioctl(s, FIONREAD, &n);
    say("FIONREAD half line %d\n", n);
    write(m, "z\n", 2);
    expect_master(m, "echo rest", 3);
    ioctl(s, FIONREAD, &n);
    say("FIONREAD line %d\n", n);
    r = read_some(s, buf, 4);
    show("slave line", buf, r > 0 ? r : 0);
    write(s, "12345", 5);
    usleep(100000);
    ioctl(m, FIONREAD, &n);
    say("master FIONREAD %d\n", n);
    expect_master(m, "master drains", 5);
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    report("raw", tcsetattr(s, TCSANOW, &t));
    write(m, "q\r", 2);
    r = read_some(s, buf, 2);
    show("raw read", buf, r);
    say("raw echo: %d\n", readable(m, 200));
    write(s, "a\nb", 3);
    expect_master(m, "no OPOST", 3);
    report("tcflush", tcflush(s, TCIOFLUSH));
    report("tcdrain", tcdrain(s));
    report("TIOCOUTQ", ioctl(s, TIOCOUTQ, &n));
    close(s);
    close(m);
}

/* In a new session: the slave becomes the controlling terminal. */
static int
take_ctty(const char *name)
{
    setsid();
    return open(name, O_RDWR);
}

/* A process of another session: it sees the slave as not its own. */
static void
other_session(int s)
{
    int v;
    setsid();
    report("other: open /dev/tty", open("/dev/tty", O_RDWR));
    report("other: TIOCGPGRP", ioctl(s, TIOCGPGRP, &v));
    report("other: TIOCGSID", ioctl(s, TIOCGSID, &v));
    report("other: TIOCSCTTY", ioctl(s, TIOCSCTTY, 0));
    report("other: TIOCNOTTY", ioctl(s, TIOCNOTTY));
    exit(0);
}

/* A process of the session, not its leader. */
static void
member(int s)
{
    report("member: TIOCSCTTY", ioctl(s, TIOCSCTTY, 0));
    int v = 0x7ffffff0;
    report("member: TIOCSPGRP nobody", ioctl(s, TIOCSPGRP, &v));
    v = -1;
    report("member: TIOCSPGRP -1", ioctl(s, TIOCSPGRP, &v));
    v = outer_pgrp;
    report("member: TIOCSPGRP other session", ioctl(s, TIOCSPGRP, &v));
    exit(0);
}

static void
run_child(void (*fn)(int), int s)
{
    pid_t pid = fork();
    if (pid == 0)
        fn(s);
    int st;
    waitpid(pid, &st, 0);
}

/* A background group of the session: SIGTTIN and SIGTTOU. */
static void
background(int s)
{
    char c;
    struct termios t;
    setpgid(0, 0);
    catch (SIGTTIN);
    report("bg: read", read(s, &c, 1));
    say("bg: SIGTTIN %d\n", caught[SIGTTIN]);
    ignore(SIGTTIN);
    report("bg: read, SIGTTIN ignored", read(s, &c, 1));
    report("bg: write without TOSTOP", write(s, "w1\n", 3));
    tcgetattr(s, &t);
    catch (SIGTTOU);
    report("bg: tcsetattr", tcsetattr(s, TCSANOW, &t));
    say("bg: SIGTTOU %d\n", caught[SIGTTOU]);
    exit(0);
}

static void
background_tostop(int s)
{
    setpgid(0, 0);
    catch (SIGTTOU);
    report("bg: write with TOSTOP", write(s, "w2\n", 3));
    say("bg: SIGTTOU %d\n", caught[SIGTTOU]);
    ignore(SIGTTOU);
    report("bg: write, SIGTTOU ignored", write(s, "w3\n", 3));
    exit(0);
}

/* A group whose only member's parent is gone: orphaned. */
static void
orphaned(int s)
{
    int p[2];
    pipe(p);
    setpgid(0, 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        read(p[0], &c, 1); // the parent is exiting
        while (getppid() == parent)
            usleep(10000); // until it has: the group is orphaned then
        usleep(50000);
        catch (SIGTTIN);
        report("orphan: read", read(s, &c, 1));
        say("orphan: SIGTTIN %d\n", caught[SIGTTIN]);
        exit(0);
    }
    exit(0); // closing p[1] lets the child go on
}

/* Wait for every process that holds the write end of @p p to end. */
static void
wait_pipe_closed(int p[2])
{
    char c;
    close(p[1]);
    while (read(p[0], &c, 1) > 0)
        ;
    close(p[0]);
}

static void
session_leader(const char *name, int m)
{
    int v, pp[2];
    close(m);
    int s = take_ctty(name);
    report("leader: open slave", s < 0 ? -1 : 0);
    report("leader: TIOCGSID", ioctl(s, TIOCGSID, &v));
    say("leader: sid is me %d\n", v == getpid());
    report("leader: TIOCGPGRP", ioctl(s, TIOCGPGRP, &v));
    say("leader: fg is me %d\n", v == getpid());
    say("leader: tcgetsid is me %d\n", tcgetsid(s) == getpid());
    int t = open("/dev/tty", O_RDWR);
    report("leader: open /dev/tty", t < 0 ? -1 : 0);
    report("leader: write /dev/tty", write(t, "via tty\n", 8));
    report("leader: TIOCSCTTY again", ioctl(s, TIOCSCTTY, 0));
    run_child(other_session, s);
    run_child(member, s);
    run_child(background, s);
    struct termios tio;
    tcgetattr(s, &tio);
    tio.c_lflag |= TOSTOP;
    tcsetattr(s, TCSANOW, &tio);
    run_child(background_tostop, s);
    tio.c_lflag &= ~TOSTOP;
    tcsetattr(s, TCSANOW, &tio);
    pipe(pp);
    if (fork() == 0) {
        close(pp[0]);
        orphaned(s);
    }
    while (wait(NULL) > 0)
        ;
    wait_pipe_closed(pp);
    // Wait for the master's TIOCSWINSZ, then for its close.
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    catch (SIGWINCH);
    catch (SIGHUP);
    catch (SIGCONT);
    write(t, "ready\n", 6);
    while (!caught[SIGWINCH] && !caught[SIGHUP]) // SIGHUP: the master
        sigsuspend(&old);                        // gave up early
    struct winsize ws;
    ioctl(s, TIOCGWINSZ, &ws);
    say("leader: SIGWINCH, size %dx%d\n", ws.ws_row, ws.ws_col);
    write(t, "sized\n", 6);
    while (!caught[SIGHUP])
        sigsuspend(&old);
    say("leader: SIGHUP %d\n", caught[SIGHUP]);
    char c;
    report("leader: read after hang-up", read(s, &c, 1));
    report("leader: write after hang-up", write(s, "x", 1));
    report("leader: TIOCGPGRP after hang-up", ioctl(s, TIOCGPGRP, &v));
    struct stat st;
    report("leader: stat name after hang-up", stat(name, &st));
    report("leader: open /dev/tty after hang-up", open("/dev/tty", O_RDWR));
    exit(0);
}

static void
part_ctty(void)
{
    char name[64], buf[64];
    int m = open_pair(name, sizeof(name));
    pid_t pid = fork();
    if (pid == 0)
        session_leader(name, m);
    // The leader's side prints meanwhile: this side's lines come after.
    char *log = NULL;
    size_t loglen = 0;
    out = open_memstream(&log, &loglen);
    expect_master(m, "master reads /dev/tty", 9);
    // the background writes that went through
    expect_master(m, "background writes", 8);
    expect_master(m, "leader ready", 7);
    int v;
    report("master: TIOCGPGRP", ioctl(m, TIOCGPGRP, &v));
    say("master: fg is the leader %d\n", v == pid);
    struct winsize ws = {.ws_row = 30, .ws_col = 100};
    report("master: TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &ws));
    long n = read_some(m, buf, 7);
    show("master", buf, n);
    close(m);
    int st;
    waitpid(pid, &st, 0);
    fclose(out);
    out = stdout;
    fputs(log, out);
    free(log);
    say("leader exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A session leader's exit hangs up its foreground group. */
static void
part_leader_exit(void)
{
    char name[64];
    int m = open_pair(name, sizeof(name));
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(m);
        int s = take_ctty(name);
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGHUP);
        sigprocmask(SIG_BLOCK, &block, &old);
        catch (SIGHUP);
        if (fork() == 0) { // same group: the foreground
            close(p[0]);
            write(p[1], "r", 1);
            while (!caught[SIGHUP])
                sigsuspend(&old);
            say("member of the fg group: SIGHUP %d\n", caught[SIGHUP]);
            exit(0);
        }
        char c;
        read(p[0], &c, 1);
        (void)s;
        exit(0); // the leader goes
    }
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    wait_pipe_closed(p);
    close(m);
}

/* More output than the pair buffers: the slave's writer waits for the
 * master to read, and everything arrives. Then poll on both ends. */
static void
part_bulk(void)
{
    char name[64];
    static char big[20000];
    int m = open_pair(name, sizeof(name));
    pid_t pid = fork();
    if (pid == 0) {
        close(m);
        int s = open(name, O_RDWR | O_NOCTTY);
        memset(big, 'x', sizeof(big));
        report("bulk: slave write", write(s, big, sizeof(big)));
        exit(0);
    }
    usleep(200000); // let the writer fill the buffer and wait
    long total = 0, r;
    while ((r = read(m, big, sizeof(big))) > 0)
        total += r;
    waitpid(pid, NULL, 0);
    say("bulk: master read %ld, then %s\n", total,
        r < 0 ? errname(errno) : "0");
    int s = open(name, O_RDWR | O_NOCTTY);
    struct pollfd p[2] = {{.fd = m, .events = POLLIN | POLLOUT},
                          {.fd = s, .events = POLLIN | POLLOUT}};
    poll(p, 2, 0);
    say("poll: master OUT %d IN %d, slave OUT %d IN %d\n",
        !!(p[0].revents & POLLOUT), !!(p[0].revents & POLLIN),
        !!(p[1].revents & POLLOUT), !!(p[1].revents & POLLIN));
    write(s, "p\n", 2);
    p[0].revents = 0;
    poll(p, 1, 2000);
    say("poll: master IN after a slave write %d\n", !!(p[0].revents & POLLIN));
    close(s);
    close(m);
}

/* Every slave file closed: the master reads what is left, then EIO. */
static void
part_slave_close(void)
{
    char name[64], buf[64];
    int m = open_pair(name, sizeof(name));
    int s = open(name, O_RDWR | O_NOCTTY);
    write(s, "bye\n", 4);
    close(s);
    usleep(100000);
    struct pollfd p = {.fd = m, .events = POLLIN};
    poll(&p, 1, 1000);
    say("master poll: IN %d HUP %d\n", !!(p.revents & POLLIN),
        !!(p.revents & POLLHUP));
    long n = read(m, buf, sizeof(buf));
    show("master reads the rest", buf, n);
    report("master read after", read(m, buf, sizeof(buf)));
    close(m);
}

/* The System V struct termio (musl has no <termio.h>). */
struct sysv_termio {
    unsigned short c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line;
    unsigned char c_cc[8];
};

/* The System V termio requests and the termios lock. Regression: Keel
 * answered them ENOTTY, and stress-ng's pty stressor gave up. */
static void
part_termio(void)
{
    say("== termio\n");
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
        return;
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    struct sysv_termio o;
    report("TCGETA", ioctl(s, TCGETA, &o));
    say("termio: icanon %d echo %d onlcr %d vmin %d veof %d\n",
        !!(o.c_lflag & ICANON), !!(o.c_lflag & ECHO), !!(o.c_oflag & ONLCR),
        o.c_cc[VMIN], o.c_cc[VEOF]);
    o.c_lflag &= ~(unsigned short)(ICANON | ECHO);
    o.c_cc[VMIN] = 3;
    report("TCSETAW", ioctl(s, TCSETAW, &o));
    struct termios t;
    tcgetattr(s, &t);
    say("termios then: icanon %d echo %d isig %d vmin %d vintr %d\n",
        !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO), !!(t.c_lflag & ISIG),
        t.c_cc[VMIN], t.c_cc[VINTR]);
    report("TCSETAF", ioctl(s, TCSETAF, &o));
    report("TCGETA, a bad pointer", ioctl(s, TCGETA, (void *)16));
    report("TCGETA on the master", ioctl(m, TCGETA, &o));
    struct termios lock;
    memset(&lock, 0xff, sizeof(lock));
    report("TIOCGLCKTRMIOS", ioctl(s, TIOCGLCKTRMIOS, &lock));
    say("nothing locked: %s\n",
        lock.c_iflag == 0 && lock.c_lflag == 0 && lock.c_cc[VMIN] == 0 ? "yes"
                                                                       : "no");
    report("TIOCGLCKTRMIOS, a bad pointer",
           ioctl(s, TIOCGLCKTRMIOS, (void *)16));
    close(s);
    close(m);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    out = stdout;
    signal(SIGTTOU, SIG_IGN); // the test's own terminal, if any
    outer_pgrp = getpgrp();
    pid_t pid = fork();
    if (pid == 0) {
        setsid(); // no controlling terminal from here on
        signal(SIGTTOU, SIG_DFL);
        part_names();
        part_data();
        part_ctty();
        part_leader_exit();
        part_slave_close();
        part_bulk();
        part_termio();
        exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    say("done %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
