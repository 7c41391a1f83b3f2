/*
 * polltest: poll, ppoll, select and pselect6 on pipes, /dev/null and a
 * regular file.
 *
 * `polltest poll` checks poll and ppoll, `polltest select` checks select
 * and pselect6 (no argument: both). Each part looks at what is ready
 * without waiting (timeout 0), then waits: for a child that writes to a
 * pipe or closes it later, for a timeout (only the order is checked: the
 * call returns 0, and not before its time), for a signal (EINTR, even
 * under SA_RESTART; the mask of ppoll/pselect6 is back afterwards), and
 * tries bad arguments (EBADF/POLLNVAL, EINVAL, EFAULT). The time left
 * that select, pselect6 and ppoll write back is checked with raw system
 * calls (C libraries pass a copy). Output is the same on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

/* fork(), or end the test when it fails (no memory, or fault injection):
 * its -1, handed to kill() later, would signal every process there is. */
static pid_t
fork_or_exit(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        printf("fork: %s\n", strerror(errno));
        exit(1);
    }
    return pid;
}

static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

/* The names of the bits in @p ev, in a fixed order. */
static const char *
evname(int ev)
{
    static char buf[128];
    static const struct {
        int bit;
        const char *name;
    } names[] = {{POLLIN, "IN"},         {POLLPRI, "PRI"},
                 {POLLOUT, "OUT"},       {POLLERR, "ERR"},
                 {POLLHUP, "HUP"},       {POLLNVAL, "NVAL"},
                 {POLLRDNORM, "RDNORM"}, {POLLRDBAND, "RDBAND"},
                 {POLLWRNORM, "WRNORM"}, {POLLWRBAND, "WRBAND"}};
    buf[0] = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (ev & names[i].bit)
            strcat(strcat(buf, buf[0] ? "|" : ""), names[i].name);
    return buf[0] ? buf : "0";
}

/* poll one descriptor for @p events with timeout @p ms; print it all. */
static void
poll1(const char *what, int fd, int events, int ms)
{
    struct pollfd p = {fd, (short)events, 0x7fff};
    int r = poll(&p, 1, ms);
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %d %s\n", what, r, evname(p.revents));
}

static long
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static volatile sig_atomic_t caught;

static void
on_usr1(int sig)
{
    (void)sig;
    caught++;
}

/* A child that sleeps @p ms and then writes "x" to @p wfd (closes it if
 * @p close_it), or, when @p wfd < 0, sends SIGUSR1 to its parent every
 * @p ms until killed (a signal that comes before the parent waits is
 * handled, and the next one ends the wait: no timing assumptions). */
static pid_t
later(int ms, int wfd, int close_it)
{
    pid_t pid = fork_or_exit();
    if (pid == 0) {
        for (;;) {
            usleep(ms * 1000);
            if (wfd >= 0)
                break;
            kill(getppid(), SIGUSR1);
        }
        if (close_it)
            close(wfd);
        else
            write(wfd, "x", 1);
        _exit(0);
    }
    return pid;
}

/* Wait for child @p pid; a signal sender (@p stop) never ends by itself,
 * so it is killed first. */
static void
reap(pid_t pid, int stop)
{
    if (stop)
        kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void
handler(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigaction(SIGUSR1, &sa, NULL);
}

static int
usr1_blocked(void)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, SIGUSR1);
}

/* ------------------------------------------------------------------ poll */

static void
poll_ready(const char *self)
{
    int p[2], null = open("/dev/null", O_RDWR), file = open(self, O_RDONLY);
    pipe(p);
    int all = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLPRI;
    poll1("empty pipe, read end", p[0], all, 0);
    poll1("empty pipe, write end", p[1], all, 0);
    write(p[1], "abc", 3);
    poll1("pipe with data, read end", p[0], all, 0);
    poll1("pipe with data, only POLLOUT asked", p[0], POLLOUT, 0);
    poll1("pipe with data, no events asked", p[0], 0, 0);
    poll1("/dev/null", null, all, 0);
    poll1("a regular file", file, all, 0);
    poll1("a closed descriptor", 99, all, 0);
    poll1("a negative descriptor", -5, all, 0);
    close(p[1]);
    poll1("data, writer gone", p[0], POLLIN, 0);
    char buf[8];
    read(p[0], buf, sizeof(buf));
    poll1("drained, writer gone", p[0], POLLIN, 0);
    poll1("drained, writer gone, no events", p[0], 0, 0);
    pipe(p);
    close(p[0]);
    poll1("write end, reader gone", p[1], POLLOUT, 0);
    close(p[1]);
    // many entries: count the ready ones
    struct pollfd many[100];
    int q[2];
    pipe(q);
    write(q[1], "y", 1);
    for (int i = 0; i < 100; i++)
        many[i] = (struct pollfd){i % 3 == 0 ? q[0] : q[1], POLLIN, 0};
    many[50].fd = 98;
    report("100 entries, some ready", poll(many, 100, 0));
    printf("entry 50: %s,", evname(many[50].revents));
    printf(" entry 1: %s\n", evname(many[1].revents));
    close(q[0]);
    close(q[1]);
    close(null);
    close(file);
}

static void
poll_wait(void)
{
    int a[2], b[2];
    pipe(a);
    pipe(b);
    struct pollfd two[2] = {{a[0], POLLIN, 0}, {b[0], POLLIN, 0}};
    pid_t c = later(100, b[1], 0);
    int r = poll(two, 2, -1);
    printf("woken by a write to the second pipe: %d %s", r,
           evname(two[0].revents));
    printf(" %s\n", evname(two[1].revents));
    reap(c, 0);
    c = later(100, a[1], 1);
    close(a[1]);
    r = poll(two, 1, 10000);
    printf("woken by the last writer closing: %d %s\n", r,
           evname(two[0].revents));
    reap(c, 0);
    char buf[4];
    fcntl(b[0], F_SETFL, O_NONBLOCK); // never blocks, whatever poll did
    read(b[0], buf, sizeof(buf));
    long t0 = now_ms();
    r = poll(&two[1], 1, 150);
    printf("timeout 150 ms: %d, waited long enough: %d\n", r,
           now_ms() - t0 >= 149);
    t0 = now_ms();
    report("no entries, 100 ms", poll(NULL, 0, 100));
    printf("waited long enough: %d\n", now_ms() - t0 >= 99);
    close(a[0]);
    close(b[0]);
    close(b[1]);
}

static void
poll_signals(void)
{
    int p[2];
    pipe(p);
    struct pollfd e = {p[0], POLLIN, 0};
    for (int restart = 0; restart < 2; restart++) {
        handler(restart ? SA_RESTART : 0);
        caught = 0;
        pid_t c = later(100, -1, 0);
        report(restart ? "poll, SIGUSR1 with SA_RESTART"
                       : "poll, SIGUSR1 with a handler",
               poll(&e, 1, -1));
        printf("handler ran: %d\n", caught > 0);
        reap(c, 1);
    }
    // ppoll: SIGUSR1 blocked, let through only while waiting
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigemptyset(&wait_mask);
    caught = 0;
    pid_t c = later(100, -1, 0);
    report("ppoll, SIGUSR1 let through", ppoll(&e, 1, NULL, &wait_mask));
    printf("handler ran: %d, SIGUSR1 blocked again: %d\n", caught > 0,
           usr1_blocked());
    reap(c, 1);
    caught = 0;
    kill(getpid(), SIGUSR1); // pending while blocked
    struct timespec ts = {5, 0};
    report("ppoll, SIGUSR1 already pending", ppoll(&e, 1, &ts, &wait_mask));
    printf("handler ran: %d, SIGUSR1 blocked again: %d\n", caught > 0,
           usr1_blocked());
    write(p[1], "z", 1);
    report("ppoll, ready, with the mask", ppoll(&e, 1, &ts, &wait_mask));
    printf("SIGUSR1 blocked again: %d\n", usr1_blocked());
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(p[0]);
    close(p[1]);
}

static void
poll_errors(void)
{
    int p[2];
    pipe(p);
    struct pollfd e = {p[1], POLLOUT, 0};
    report("poll, bad array", poll((struct pollfd *)1, 1, 0));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    report("poll, nfds past RLIMIT_NOFILE", poll(&e, rl.rlim_cur + 1, 0));
    struct timespec bad = {0, 1000000000};
    report("ppoll, nanoseconds out of range", ppoll(&e, 1, &bad, NULL));
    bad = (struct timespec){-1, 0};
    report("ppoll, negative seconds", ppoll(&e, 1, &bad, NULL));
    sigset_t m;
    sigemptyset(&m);
    report("ppoll, sigsetsize 4", syscall(SYS_ppoll, &e, 1, NULL, &m, 4));
    report("ppoll, bad mask", syscall(SYS_ppoll, &e, 1, NULL, (void *)1, 8));
    report("ppoll, bad timeout", syscall(SYS_ppoll, &e, 1, (void *)1, NULL, 8));
    // the time left, written back
    struct timespec ts = {5, 0};
    report("ppoll ready, timeout 5 s", syscall(SYS_ppoll, &e, 1, &ts, NULL, 8));
    printf("time left in (4 s, 5 s]: %d\n",
           ts.tv_sec == 4 || (ts.tv_sec == 5 && ts.tv_nsec == 0));
    e.fd = p[0];
    e.events = POLLIN;
    ts = (struct timespec){0, 50000000};
    report("ppoll empty, timeout 50 ms",
           syscall(SYS_ppoll, &e, 1, &ts, NULL, 8));
    printf("time left: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    close(p[0]);
    close(p[1]);
}

/* ---------------------------------------------------------------- select */

/* Which of descriptors 0..31 are in @p s, as a string. */
static const char *
setname(const fd_set *s)
{
    static char buf[3][128];
    static int which;
    char *b = buf[which++ % 3];
    b[0] = 0;
    for (int fd = 0; fd < 32; fd++)
        if (FD_ISSET(fd, s))
            sprintf(b + strlen(b), "%s%d", b[0] ? "," : "", fd);
    return b[0] ? b : "-";
}

/* select with timeout @p ms (-1: none); print the count and the sets,
 * with the descriptors renamed r (read end), w (write end) by number. */
static void
select3(const char *what, int nfds, fd_set *r, fd_set *w, fd_set *x, int ms)
{
    struct timeval tv = {ms / 1000, ms % 1000 * 1000};
    int n = select(nfds, r, w, x, ms < 0 ? NULL : &tv);
    if (n < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %d in=%s out=%s ex=%s\n", what, n, r ? setname(r) : "-",
               w ? setname(w) : "-", x ? setname(x) : "-");
}

static void
select_ready(const char *self)
{
    // fixed descriptor numbers, so the printed sets are the same anywhere
    int p[2], q[2];
    pipe(p);
    dup2(p[0], 10);
    dup2(p[1], 11);
    close(p[0]);
    close(p[1]);
    pipe(q);
    dup2(q[0], 12);
    dup2(q[1], 13);
    close(q[0]);
    close(q[1]);
    int null = open("/dev/null", O_RDWR), file = open(self, O_RDONLY);
    dup2(null, 14);
    dup2(file, 15);
    close(null);
    close(file);
    fd_set r, w, x;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&x);
    for (int fd = 10; fd <= 15; fd++)
        FD_SET(fd, &r), FD_SET(fd, &w), FD_SET(fd, &x);
    select3("all, nothing written", 16, &r, &w, &x, 0);
    write(11, "abc", 3);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(10, &r), FD_SET(12, &r), FD_SET(11, &w), FD_SET(10, &w);
    select3("data in the first pipe", 16, &r, &w, NULL, 0);
    FD_ZERO(&r);
    FD_SET(12, &r);
    select3("empty pipe, timeout 0", 13, &r, NULL, NULL, 0);
    FD_ZERO(&r);
    FD_SET(10, &r), FD_SET(12, &r);
    select3("nfds 11 leaves out 12", 11, &r, NULL, NULL, 0);
    FD_ZERO(&r);
    FD_SET(10, &r);
    select3("nfds 5000", 5000, &r, NULL, NULL, 0);
    close(13);
    FD_ZERO(&r);
    FD_SET(12, &r);
    select3("writer gone: readable", 13, &r, NULL, NULL, 0);
    close(10);
    FD_ZERO(&w);
    FD_SET(11, &w);
    select3("reader gone: writable", 12, NULL, &w, NULL, 0);
    FD_ZERO(&r);
    FD_SET(10, &r);
    select3("a closed descriptor", 11, &r, NULL, NULL, 0);
    select3("negative nfds", -1, NULL, NULL, NULL, 0);
    select3("no sets, timeout 0", 0, NULL, NULL, NULL, 0);
    errno = 0;
    report("bad set pointer", select(16, (fd_set *)1, NULL, NULL, NULL));
    // Regression test of "select with nfds 0 and set pointers into the
    // kernel is EFAULT instead of 0": nfds 0 covers no word of a set, so
    // Linux reads none of them.
    struct timeval tv0 = {0, 0};
    long kset = (long)0xffff800000000000ul;
    errno = 0;
    report("nfds 0, sets in the kernel half",
           syscall(SYS_select, 0, kset, kset, kset, &tv0));
    for (int fd = 11; fd <= 15; fd++)
        close(fd);
}

static void
select_wait(void)
{
    int a[2], b[2];
    pipe(a);
    pipe(b);
    dup2(a[0], 20), dup2(a[1], 21), dup2(b[0], 22), dup2(b[1], 23);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(20, &r), FD_SET(22, &r);
    pid_t c = later(100, 23, 0);
    select3("woken by a write to the second pipe", 23, &r, NULL, NULL, -1);
    reap(c, 0);
    c = later(100, 21, 1);
    close(21);
    FD_ZERO(&r);
    FD_SET(20, &r);
    select3("woken by the last writer closing", 21, &r, NULL, NULL, 10000);
    reap(c, 0);
    long t0 = now_ms();
    FD_ZERO(&r);
    FD_SET(22, &r);
    char buf[4];
    fcntl(22, F_SETFL, O_NONBLOCK); // never blocks, whatever select did
    read(22, buf, sizeof(buf));
    select3("timeout 150 ms", 23, &r, NULL, NULL, 150);
    printf("waited long enough: %d\n", now_ms() - t0 >= 149);
    t0 = now_ms();
    select3("no sets, 100 ms", 0, NULL, NULL, NULL, 100);
    printf("waited long enough: %d\n", now_ms() - t0 >= 99);
    // the time left, written back (raw system calls: no copy)
    struct timeval tv = {5, 0};
    fd_set w;
    FD_ZERO(&w);
    FD_SET(23, &w);
    report("select ready, timeout 5 s",
           syscall(SYS_select, 24, NULL, &w, NULL, &tv));
    printf("time left in (4 s, 5 s]: %d\n",
           tv.tv_sec == 4 || (tv.tv_sec == 5 && tv.tv_usec == 0));
    tv = (struct timeval){0, 50000};
    report("select empty, timeout 50 ms",
           syscall(SYS_select, 23, &r, NULL, NULL, &tv));
    printf("time left: %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    struct timespec ts = {0, 50000000};
    FD_ZERO(&r);
    FD_SET(22, &r);
    report("pselect6 empty, timeout 50 ms",
           syscall(SYS_pselect6, 23, &r, NULL, NULL, &ts, NULL));
    printf("time left: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    tv = (struct timeval){0, 1500000};
    report("select, 1500000 microseconds",
           syscall(SYS_select, 24, NULL, &w, NULL, &tv));
    tv = (struct timeval){0, -1};
    report("select, negative microseconds",
           syscall(SYS_select, 24, NULL, &w, NULL, &tv));
    tv = (struct timeval){-1, 0};
    report("select, negative seconds",
           syscall(SYS_select, 24, NULL, &w, NULL, &tv));
    report("select, bad timeout",
           syscall(SYS_select, 24, NULL, &w, NULL, (void *)1));
    ts = (struct timespec){0, 1000000000};
    report("pselect6, nanoseconds out of range",
           syscall(SYS_pselect6, 24, NULL, &w, NULL, &ts, NULL));
    sigset_t m;
    sigemptyset(&m);
    long pair[2] = {(long)&m, 4};
    report("pselect6, sigsetsize 4",
           syscall(SYS_pselect6, 24, NULL, &w, NULL, NULL, pair));
    pair[0] = 0;
    report("pselect6, NULL mask with size 4",
           syscall(SYS_pselect6, 24, NULL, &w, NULL, NULL, pair));
    report("pselect6, bad pair",
           syscall(SYS_pselect6, 24, NULL, &w, NULL, NULL, (void *)1));
    for (int fd = 20; fd <= 23; fd++)
        close(fd);
}

static void
select_signals(void)
{
    int p[2];
    pipe(p);
    dup2(p[0], 30), dup2(p[1], 31);
    close(p[0]), close(p[1]);
    fd_set r;
    for (int restart = 0; restart < 2; restart++) {
        handler(restart ? SA_RESTART : 0);
        caught = 0;
        pid_t c = later(100, -1, 0);
        FD_ZERO(&r);
        FD_SET(30, &r);
        select3(restart ? "select, SIGUSR1 with SA_RESTART"
                        : "select, SIGUSR1 with a handler",
                31, &r, NULL, NULL, -1);
        printf("handler ran: %d\n", caught > 0);
        reap(c, 1);
    }
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigemptyset(&wait_mask);
    caught = 0;
    pid_t c = later(100, -1, 0);
    FD_ZERO(&r);
    FD_SET(30, &r);
    report("pselect, SIGUSR1 let through",
           pselect(31, &r, NULL, NULL, NULL, &wait_mask));
    printf("handler ran: %d, SIGUSR1 blocked again: %d\n", caught > 0,
           usr1_blocked());
    reap(c, 1);
    write(31, "z", 1);
    FD_ZERO(&r);
    FD_SET(30, &r);
    report("pselect, ready, with the mask",
           pselect(31, &r, NULL, NULL, NULL, &wait_mask));
    printf("SIGUSR1 blocked again: %d\n", usr1_blocked());
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(30);
    close(31);
}

int
main(int argc, char **argv)
{
    char self[4096];
    const char *root = getenv("ROOT");
    const char *part = argc > 1 ? argv[1] : "all";
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(self, sizeof(self), "%s/bin/polltest", root ? root : "");
    if (strcmp(part, "select") != 0) {
        printf("-- poll\n");
        poll_ready(self);
        poll_wait();
        poll_signals();
        poll_errors();
    }
    if (strcmp(part, "poll") != 0) {
        printf("-- select\n");
        select_ready(self);
        select_wait();
        select_signals();
    }
    printf("done\n");
    return 0;
}
