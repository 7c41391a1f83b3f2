/*
 * epolltest: eventfd and epoll, compared with Linux.
 *
 * `epolltest PART...` runs the parts named (`all`: every part):
 *
 *   eventfd  the counter: reads take it all (EFD_SEMAPHORE: 1), a read
 *            of 0 gives EAGAIN non-blocking and sleeps otherwise, a write
 *            of 0xffffffffffffffff is EINVAL, a write that would pass it
 *            gives EAGAIN; short buffers, bad flags, EFAULT; poll's
 *            POLLIN and POLLOUT; the /proc/self/fd link.
 *   basics   epoll_create and epoll_create1, the errors of epoll_ctl
 *            (EBADF, EPERM, EINVAL, EEXIST, ENOENT, EFAULT) and of
 *            epoll_wait, the data returned, EPOLLHUP and EPOLLERR
 *            reported unasked, timeouts of 0 and 50 ms, epoll_pwait2.
 *   pipe     level-triggered, EPOLLET and EPOLLONESHOT on a pipe.
 *   fifo     the same on a FIFO, and EPOLLHUP when the writer goes.
 *   pty      a pty's master and slave (raw) in one epoll.
 *   files    eventfd, timerfd and signalfd in epoll.
 *   sockets  TCP over 127.0.0.1 (a listener, a connection, the peer's
 *            shutdown: EPOLLRDHUP) and UDP.
 *   close    the file, not the descriptor, is registered: a dup keeps
 *            it, a forked child keeps it, the last close removes it;
 *            epoll shared with a child.
 *   nested   an epoll inside an epoll, ELOOP, poll() of an epoll.
 *   eintr    a signal ends epoll_wait (EINTR, also with SA_RESTART);
 *            epoll_pwait's mask, in place during the wait only.
 *   echo     a 1000-connection echo server on epoll, in a child, and a
 *            client with all 1000 connections open at once.
 *
 * Only deterministic lines are printed: no descriptors, ports or times.
 * A broken kernel must print a wrong line, never hang: calls that could
 * block run under alarm() and a watchdog that names the call, waits use
 * short timeouts, and each part runs in a child of its own.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

/* Seconds one call may take before the watchdog speaks. */
#define WATCH 10
/* Milliseconds an epoll_wait waits for what must come. */
#define WAITMS 2000
/* Seconds a whole part may take before its parent kills it. */
#define PART_LIMIT 150
/* Connections of the echo part. */
#define CONNS 1000

static void *volatile bad_address = (void *)1;
#define BAD (bad_address)

static const char *volatile where = "start";

static void
watchdog(int sig)
{
    (void)sig;
    char line[160];
    int n = snprintf(line, sizeof(line), "timeout: %s\n", where);
    write(1, line, (size_t)n);
    _exit(3);
}

/* Print a result: the number, or the errno's name. */
static void
report(const char *what, long r, int err)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(err));
    else
        printf("%s: %ld\n", what, r);
}

static void
report_ok(const char *what, long r, int err)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(err));
    else
        printf("%s: ok\n", what);
}

#define R(what, expr)                                                          \
    ({                                                                         \
        where = (what);                                                        \
        alarm(WATCH);                                                          \
        errno = 0;                                                             \
        long r_ = (long)(expr);                                                \
        int e_ = errno;                                                        \
        alarm(0);                                                              \
        report(what, r_, e_);                                                  \
        errno = e_;                                                            \
        r_;                                                                    \
    })
#define OK(what, expr)                                                         \
    ({                                                                         \
        where = (what);                                                        \
        alarm(WATCH);                                                          \
        errno = 0;                                                             \
        long r_ = (long)(expr);                                                \
        int e_ = errno;                                                        \
        alarm(0);                                                              \
        report_ok(what, r_, e_);                                               \
        errno = e_;                                                            \
        r_;                                                                    \
    })

static void
check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "yes" : "no");
}

static void
die(const char *what)
{
    printf("%s: failed: %s\n", what, errname(errno));
    exit(1);
}

/* The names of the bits in @p ev, in a fixed order. */
static const char *
evname(uint32_t ev)
{
    static char buf[128];
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{EPOLLIN, "IN"},         {EPOLLPRI, "PRI"},
                 {EPOLLOUT, "OUT"},       {EPOLLERR, "ERR"},
                 {EPOLLHUP, "HUP"},       {EPOLLRDNORM, "RDNORM"},
                 {EPOLLWRNORM, "WRNORM"}, {EPOLLRDHUP, "RDHUP"}};
    buf[0] = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (ev & names[i].bit) {
            if (buf[0])
                strcat(buf, "|");
            strcat(buf, names[i].name);
            ev &= ~names[i].bit;
        }
    if (ev)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "|0x%x", ev);
    return buf[0] ? buf : "none";
}

/* Register @p fd in @p ep for @p events with data @p data (dies). */
static void
add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        die("epoll_ctl add");
}

static void
mod(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0)
        die("epoll_ctl mod");
}

/* epoll_wait with @p ms, printed: "what: N [data EVENTS]...". */
static int
waitp(const char *what, int ep, int ms)
{
    struct epoll_event evs[8];
    // a kernel that misses events would make every wait of the part run
    // to its timeout: after one miss, waits only look
    static int misses;
    if (misses >= 1)
        ms = 0;
    where = what;
    alarm(WATCH);
    int n = epoll_wait(ep, evs, 8, ms);
    int e = errno;
    alarm(0);
    if (n < 0) {
        printf("%s: %s\n", what, errname(e));
        return n;
    }
    // sorted by data: the order of events that come together is not
    // the point
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && evs[j].data.u64 < evs[j - 1].data.u64; j--) {
            struct epoll_event t = evs[j];
            evs[j] = evs[j - 1];
            evs[j - 1] = t;
        }
    misses += n == 0 && ms > 0;
    printf("%s: %d", what, n);
    for (int i = 0; i < n; i++)
        printf(" [%llu %s]", (unsigned long long)evs[i].data.u64,
               evname(evs[i].events));
    printf("\n");
    return n;
}

static void
put(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
        die("write");
}

static void
drain(int fd)
{
    char buf[256];
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    fcntl(fd, F_SETFL, fl);
}

static void
link_name(const char *what, int fd)
{
    char path[64], target[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = 0;
    printf("%s: %s\n", what, n > 0 ? target : errname(errno));
}

/* ---- eventfd ------------------------------------------------------------ */

static void
eventfd_poll(const char *what, int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    int n = poll(&p, 1, 0);
    printf("%s: %d %s\n", what, n, evname((uint32_t)p.revents));
}

static void
part_eventfd(void)
{
    uint64_t v = 0;
    int fd = (int)OK("eventfd(3, 0)", eventfd(3, 0));
    link_name("link", fd);
    R("read 8", read(fd, &v, 8));
    printf("value: %llu\n", (unsigned long long)v);
    v = 5;
    R("write 5", write(fd, &v, 8));
    v = 7;
    R("write 7", write(fd, &v, 8));
    R("read 16", read(fd, &v, 16));
    printf("value: %llu\n", (unsigned long long)v);
    R("read 4", read(fd, &v, 4));
    R("write 4", write(fd, &v, 4));
    v = UINT64_MAX;
    R("write max", write(fd, &v, 8));
    R("write bad pointer", write(fd, BAD, 8));
    R("eventfd2 bad flags", eventfd(0, 0x10));
    R("fcntl O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK));
    R("read at 0", read(fd, &v, 8));
    eventfd_poll("poll at 0", fd);
    v = UINT64_MAX - 1;
    R("write max-1", write(fd, &v, 8));
    eventfd_poll("poll at max-1", fd);
    v = 1;
    R("write 1 more", write(fd, &v, 8));
    v = 0;
    R("write 0", write(fd, &v, 8));
    R("read bad pointer", read(fd, BAD, 8));
    R("read after", read(fd, &v, 8));
    close(fd);

    fd = (int)OK("eventfd semaphore", eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
    for (int i = 0; i < 3; i++) {
        v = 0;
        long r = R("sem read", read(fd, &v, 8));
        if (r > 0)
            printf("value: %llu\n", (unsigned long long)v);
    }
    close(fd);

    fd = eventfd(0, EFD_CLOEXEC);
    check("EFD_CLOEXEC", fcntl(fd, F_GETFD) == FD_CLOEXEC);
    check("O_RDWR", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    // a blocking read sleeps until a child writes
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        v = 9;
        write(fd, &v, 8);
        _exit(0);
    }
    v = 0;
    R("blocking read", read(fd, &v, 8));
    printf("value: %llu\n", (unsigned long long)v);
    waitpid(pid, NULL, 0);
    // and a blocking write sleeps until the child reads
    v = UINT64_MAX - 1;
    write(fd, &v, 8);
    pid = fork();
    if (pid == 0) {
        usleep(100000);
        read(fd, &v, 8);
        _exit(0);
    }
    v = 3;
    R("blocking write", write(fd, &v, 8));
    waitpid(pid, NULL, 0);
    R("read it", read(fd, &v, 8));
    printf("value: %llu\n", (unsigned long long)v);
    close(fd);
}

/* ---- basics ------------------------------------------------------------- */

static void
part_basics(void)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
    struct epoll_event out[4];
    R("epoll_create(0)", syscall(SYS_epoll_create, 0));
    R("epoll_create(-1)", syscall(SYS_epoll_create, -1));
    int ep0 = (int)OK("epoll_create(1)", syscall(SYS_epoll_create, 1));
    R("epoll_create1(bad flags)", syscall(SYS_epoll_create1, 1));
    int ep =
        (int)OK("epoll_create1(EPOLL_CLOEXEC)", epoll_create1(EPOLL_CLOEXEC));
    check("FD_CLOEXEC", fcntl(ep, F_GETFD) == FD_CLOEXEC);
    link_name("link", ep);
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    mkdir("/tmp", 01777);
    int reg = open("/tmp/epolltest.reg", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (reg < 0)
        die("open /tmp/epolltest.reg");
    unlink("/tmp/epolltest.reg");

    R("ctl bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, p[0], &ev));
    R("ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev));
    R("ctl regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev));
    R("ctl epfd == fd", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
    R("ctl on a pipe", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev));
    R("ctl bad op", epoll_ctl(ep, 99, p[0], &ev));
    R("ctl bad event", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], BAD));
    R("ctl mod missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    R("ctl del missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    R("ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    R("ctl add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    R("ctl del, bad event", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], BAD));
    struct epoll_event ex = {.events = EPOLLIN | EPOLLEXCLUSIVE};
    R("ctl add exclusive", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ex));
    R("ctl mod exclusive", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ex));
    ev.events = EPOLLIN;
    R("ctl mod of exclusive", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    R("ctl del exclusive", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    ex.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    R("ctl exclusive oneshot", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ex));
    ex.events = EPOLLIN | EPOLLEXCLUSIVE;
    R("ctl exclusive epoll", epoll_ctl(ep, EPOLL_CTL_ADD, ep0, &ex));

    R("wait maxevents 0", epoll_wait(ep, out, 0, 0));
    R("wait maxevents -1", epoll_wait(ep, out, -1, 0));
    R("wait bad epfd", epoll_wait(99, out, 4, 0));
    R("wait on a pipe", epoll_wait(p[0], out, 4, 0));
    R("wait NULL events", epoll_wait(ep, NULL, 4, 0));
    R("wait kernel events", epoll_wait(ep, (void *)0xffff800000000000UL, 4, 0));
    R("wait empty, 0 ms", epoll_wait(ep, out, 4, 0));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    R("wait empty, 50 ms", epoll_wait(ep, out, 4, 50));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms =
        (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    check("waited 40 ms or more", ms >= 40);

    // the data comes back as given; the write end is writable
    add(ep, p[0], EPOLLIN, 0x1122334455667788ULL);
    add(ep, p[1], EPOLLIN | EPOLLOUT, 2);
    waitp("write end", ep, 0);
    put(p[1], "x");
    struct epoll_event one;
    R("wait both", epoll_wait(ep, out, 4, WAITMS));
    R("wait maxevents 1", epoll_wait(ep, &one, 1, 0));
    R("events to bad memory", epoll_wait(ep, BAD, 4, 0));
    R("data",
      (long)(one.data.u64 == 0x1122334455667788ULL || one.data.u64 == 2));
    drain(p[0]);
    // EPOLLHUP and EPOLLERR come unasked
    mod(ep, p[1], 0, 2);
    mod(ep, p[0], 0, 1);
    waitp("nothing asked", ep, 0);
    close(p[1]);
    waitp("writer gone", ep, WAITMS);
    close(p[0]);
    if (pipe(p) < 0)
        die("pipe");
    add(ep, p[1], EPOLLOUT, 3);
    close(p[0]);
    waitp("reader gone", ep, WAITMS);
    close(p[1]);
    waitp("all gone", ep, 0);

    struct timespec ts = {0, 20000000};
    R("epoll_pwait2 20 ms",
      syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8));
    ts.tv_nsec = 1000000000;
    R("epoll_pwait2 bad time",
      syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8));
    R("epoll_pwait2 bad pointer",
      syscall(SYS_epoll_pwait2, ep, out, 4, BAD, NULL, 8));
    close(reg);
    close(ep);
    close(ep0);
}

/* ---- level, edge, one-shot ---------------------------------------------- */

/* LT, ET and ONESHOT on a reader @p rd fed by writer @p wr (a pipe or a
 * FIFO; @p name prefixes the lines). */
static void
modes(const char *name, int rd, int wr)
{
    char what[64];
    int ep = epoll_create1(0);
#define W(label, ms)                                                           \
    (snprintf(what, sizeof(what), "%s %s", name, label), waitp(what, ep, ms))
    add(ep, rd, EPOLLIN, 1);
    W("LT empty", 0);
    put(wr, "a");
    W("LT data", WAITMS);
    W("LT again", 0);
    drain(rd);
    W("LT drained", 0);
    mod(ep, rd, EPOLLIN | EPOLLET, 2);
    W("ET empty", 0);
    put(wr, "b");
    W("ET data", WAITMS);
    W("ET again", 0);
    put(wr, "c");
    W("ET more data", WAITMS);
    W("ET again", 0);
    mod(ep, rd, EPOLLIN | EPOLLET, 3);
    W("ET after mod", 0);
    drain(rd);
    mod(ep, rd, EPOLLIN | EPOLLONESHOT, 4);
    W("ONESHOT empty", 0);
    put(wr, "d");
    W("ONESHOT data", WAITMS);
    W("ONESHOT again", 0);
    put(wr, "e");
    W("ONESHOT more data", 0);
    mod(ep, rd, EPOLLIN | EPOLLONESHOT, 5);
    W("ONESHOT re-armed", 0);
    W("ONESHOT again", 0);
    drain(rd);
    mod(ep, rd, EPOLLIN, 6);
    close(wr);
    W("writer closed", WAITMS);
#undef W
    close(ep);
}

static void
part_pipe(void)
{
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    modes("pipe", p[0], p[1]);
    close(p[0]);
}

static void
part_fifo(void)
{
    mkdir("/tmp", 01777);
    const char *path = "/tmp/epolltest.fifo";
    unlink(path);
    R("mkfifo", mkfifo(path, 0600));
    int rd = (int)OK("open reader", open(path, O_RDONLY | O_NONBLOCK));
    int wr = (int)OK("open writer", open(path, O_WRONLY));
    unlink(path);
    int ep = epoll_create1(0);
    add(ep, wr, EPOLLOUT, 7);
    waitp("fifo writer", ep, 0);
    close(ep);
    modes("fifo", rd, wr);
    close(rd);
}

/* ---- pty ---------------------------------------------------------------- */

static void
part_pty(void)
{
    int m = (int)OK("open /dev/ptmx", posix_openpt(O_RDWR | O_NOCTTY));
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
        die("ptmx");
    int s = (int)OK("open slave", open(ptsname(m), O_RDWR | O_NOCTTY));
    if (s < 0)
        die("slave");
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    int ep = epoll_create1(0);
    add(ep, m, EPOLLIN, 1);
    add(ep, s, EPOLLIN, 2);
    waitp("pty idle", ep, 0);
    put(m, "k");
    waitp("typed on master", ep, WAITMS);
    drain(s);
    waitp("slave read", ep, 0);
    put(s, "o");
    waitp("slave wrote", ep, WAITMS);
    drain(m);
    waitp("master read", ep, 0);
    mod(ep, m, EPOLLIN | EPOLLET, 3);
    put(s, "p");
    waitp("ET slave wrote", ep, WAITMS);
    waitp("ET again", ep, 0);
    put(s, "q");
    waitp("ET slave wrote more", ep, WAITMS);
    drain(m);
    mod(ep, m, EPOLLOUT, 4);
    mod(ep, s, EPOLLOUT, 5);
    waitp("both writable", ep, WAITMS);
    close(ep);
    close(s);
    close(m);
}

/* ---- eventfd, timerfd, signalfd ----------------------------------------- */

static void
part_files(void)
{
    int ep = epoll_create1(0);
    int efd = eventfd(0, EFD_NONBLOCK);
    add(ep, efd, EPOLLIN | EPOLLOUT, 1);
    waitp("eventfd at 0", ep, 0);
    uint64_t v = 2;
    write(efd, &v, 8);
    waitp("eventfd at 2", ep, WAITMS);
    read(efd, &v, 8);
    mod(ep, efd, EPOLLIN | EPOLLET, 2);
    waitp("eventfd ET at 0", ep, 0);
    v = 1;
    write(efd, &v, 8);
    waitp("eventfd ET write", ep, WAITMS);
    waitp("eventfd ET again", ep, 0);
    write(efd, &v, 8);
    waitp("eventfd ET write again", ep, WAITMS);
    v = UINT64_MAX - 3;
    write(efd, &v, 8);
    mod(ep, efd, EPOLLOUT, 3);
    waitp("eventfd full", ep, 0);
    read(efd, &v, 8);
    waitp("eventfd emptied", ep, WAITMS);
    close(efd);

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    add(ep, tfd, EPOLLIN, 4);
    waitp("timerfd disarmed", ep, 0);
    struct itimerspec its = {{0, 0}, {0, 30000000}};
    timerfd_settime(tfd, 0, &its, NULL);
    waitp("timerfd armed", ep, 0);
    waitp("timerfd fired", ep, WAITMS);
    R("timerfd read", read(tfd, &v, 8));
    printf("expirations: %llu\n", (unsigned long long)v);
    waitp("timerfd read", ep, 0);
    mod(ep, tfd, EPOLLIN | EPOLLONESHOT, 5);
    struct itimerspec per = {{0, 20000000}, {0, 20000000}};
    timerfd_settime(tfd, 0, &per, NULL);
    waitp("timerfd oneshot", ep, WAITMS);
    usleep(100000);
    waitp("timerfd disarmed item", ep, 0);
    close(tfd);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK);
    add(ep, sfd, EPOLLIN, 6);
    waitp("signalfd none", ep, 0);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    waitp("signalfd sent", ep, WAITMS);
    waitpid(pid, NULL, 0);
    struct signalfd_siginfo si;
    R("signalfd read", read(sfd, &si, sizeof(si)));
    printf("signal: %s\n", si.ssi_signo == SIGUSR1 ? "SIGUSR1" : "other");
    waitp("signalfd taken", ep, 0);
    close(sfd);
    close(ep);
}

/* ---- sockets ------------------------------------------------------------ */

static struct sockaddr_in
lo(in_port_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = port;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A socket of @p type bound to 127.0.0.1 at a port the kernel picks. */
static int
bound(int type, struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in a = lo(0);
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)addr, &len) < 0)
        die("bind");
    return fd;
}

static void
part_sockets(void)
{
    struct sockaddr_in la, ua;
    int ls = bound(SOCK_STREAM, &la);
    if (listen(ls, 8) < 0)
        die("listen");
    int ep = epoll_create1(0);
    add(ep, ls, EPOLLIN, 1);
    waitp("listener idle", ep, 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    add(ep, c, EPOLLOUT | EPOLLET, 2);
    waitp("unconnected", ep, 0);
    if (connect(c, (struct sockaddr *)&la, sizeof(la)) < 0)
        die("connect");
    waitp("connected", ep, WAITMS);
    waitp("connected, ET again", ep, 0);
    int a = accept(ls, NULL, NULL);
    if (a < 0)
        die("accept");
    waitp("accepted", ep, 0);
    mod(ep, c, EPOLLIN | EPOLLRDHUP, 2);
    add(ep, a, EPOLLIN | EPOLLRDHUP, 3);
    waitp("idle", ep, 0);
    put(c, "hello");
    waitp("data", ep, WAITMS);
    drain(a);
    waitp("data read", ep, 0);
    put(a, "back");
    waitp("reply", ep, WAITMS);
    drain(c);
    shutdown(c, SHUT_WR);
    waitp("peer shut down", ep, WAITMS);
    waitp("peer shut down, again", ep, 0);
    epoll_ctl(ep, EPOLL_CTL_DEL, a, NULL);
    epoll_ctl(ep, EPOLL_CTL_DEL, ls, NULL);
    close(a);
    waitp("server closed", ep, WAITMS);
    close(c);
    close(ls);

    int u = bound(SOCK_DGRAM, &ua);
    int us = socket(AF_INET, SOCK_DGRAM, 0);
    add(ep, u, EPOLLIN, 4);
    waitp("udp idle", ep, 0);
    if (sendto(us, "d1", 2, 0, (struct sockaddr *)&ua, sizeof(ua)) != 2)
        die("sendto");
    waitp("datagram", ep, WAITMS);
    sendto(us, "d2", 2, 0, (struct sockaddr *)&ua, sizeof(ua));
    char buf[8];
    recv(u, buf, sizeof(buf), 0);
    waitp("one left", ep, WAITMS);
    recv(u, buf, sizeof(buf), 0);
    waitp("none left", ep, 0);
    mod(ep, u, EPOLLOUT, 5);
    waitp("udp writable", ep, 0);
    close(u);
    close(us);
    close(ep);
}

/* ---- close and fork ----------------------------------------------------- */

/*
 * Regression: a signalfd's poll watches the queue of signals sent to the
 * process that polls it, which goes when that process does. A child
 * makes an epoll with its signalfd in it and exits; its own child keeps
 * both, then sends itself a signal and closes them, which must not touch
 * the freed queue.
 */
static void
orphaned_signalfd(void)
{
    int sync[2];
    if (pipe(sync) < 0)
        die("pipe");
    pid_t child = fork();
    if (child == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        int ep = epoll_create1(0), sfd = signalfd(-1, &set, SFD_NONBLOCK);
        add(ep, sfd, EPOLLIN, 1);
        if (fork() == 0) {
            char c;
            close(sync[1]);
            read(sync[0], &c, 1); // its parent has exited and been reaped
            struct epoll_event e;
            raise(SIGUSR1);
            epoll_wait(ep, &e, 1, 100);
            close(sfd);
            epoll_wait(ep, &e, 1, 0);
            close(ep);
            _exit(0);
        }
        _exit(0);
    }
    close(sync[0]);
    waitpid(child, NULL, 0);
    close(sync[1]); // the grandchild goes on
    usleep(300000);
    check("the epoll outlived its process", 1);
}

static void
part_close(void)
{
    int ep = epoll_create1(0);
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    add(ep, p[0], EPOLLIN, 1);
    int d = dup(p[0]);
    int rd = p[0];
    close(p[0]);
    put(p[1], "x");
    waitp("dup open, fd closed", ep, WAITMS);
    struct epoll_event ev = {.events = EPOLLIN};
    R("del by the dup", epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL));
    R("del by the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, rd, NULL));
    R("add the dup", epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev));
    R("del the dup", epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL));
    close(d);
    waitp("last close", ep, 0);
    close(p[1]);
    if (pipe(p) < 0)
        die("pipe");
    // the same numbers again: a new file, not registered
    R("add the new pipe", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    R("del it", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));

    // a forked child holds the file: it stays registered until it exits
    int sync[2];
    if (pipe(sync) < 0)
        die("pipe");
    add(ep, p[0], EPOLLIN, 2);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(sync[1]);
        put(p[1], "y");
        read(sync[0], &c, 1);
        _exit(0);
    }
    close(sync[0]);
    close(p[0]);
    close(p[1]);
    waitp("child holds it", ep, WAITMS);
    close(sync[1]);
    waitpid(pid, NULL, 0);
    waitp("child gone", ep, 0);

    // the epoll itself is shared with a child: it sees the parent's event
    if (pipe(p) < 0)
        die("pipe");
    add(ep, p[0], EPOLLIN, 3);
    pid = fork();
    if (pid == 0) {
        struct epoll_event e;
        alarm(WATCH);
        int n = epoll_wait(ep, &e, 1, WAITMS);
        _exit(n == 1 && e.data.u64 == 3 ? 0 : 1);
    }
    usleep(50000);
    put(p[1], "z");
    int st;
    waitpid(pid, &st, 0);
    check("child saw the event", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(p[0]);
    close(p[1]);
    close(ep);
    orphaned_signalfd();
}

/* ---- nested ------------------------------------------------------------- */

static void
part_nested(void)
{
    int inner = epoll_create1(0), outer = epoll_create1(0);
    int third = epoll_create1(0);
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    add(inner, p[0], EPOLLIN, 1);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 2};
    R("add inner to outer", epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev));
    R("add outer to inner", epoll_ctl(inner, EPOLL_CTL_ADD, outer, &ev));
    R("add outer to third", epoll_ctl(third, EPOLL_CTL_ADD, outer, &ev));
    R("add third to inner", epoll_ctl(inner, EPOLL_CTL_ADD, third, &ev));
    waitp("outer idle", outer, 0);
    struct pollfd pf = {outer, POLLIN, 0};
    R("poll outer idle", poll(&pf, 1, 0));
    put(p[1], "x");
    waitp("outer", outer, WAITMS);
    waitp("outer again", outer, 0);
    waitp("third", third, 0);
    R("poll outer", poll(&pf, 1, 0));
    printf("revents: %s\n", evname((uint32_t)pf.revents));
    waitp("inner", inner, 0);
    drain(p[0]);
    waitp("outer drained", outer, 0);
    waitp("inner drained", inner, 0);
    mod(outer, inner, EPOLLIN | EPOLLET, 4);
    put(p[1], "y");
    waitp("outer ET", outer, WAITMS);
    drain(p[0]);
    close(p[0]);
    waitp("outer after close", outer, 0);
    close(p[1]);
    close(inner);
    close(outer);
    close(third);
}

/* ---- EINTR -------------------------------------------------------------- */

static volatile int handled;

static void
on_signal(int sig)
{
    (void)sig;
    handled++;
}

static void
part_eintr(void)
{
    int ep = epoll_create1(0);
    struct epoll_event ev;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    pid_t me = getpid(), pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(me, SIGUSR1);
        usleep(100000);
        kill(me, SIGUSR2);
        _exit(0);
    }
    R("wait, SIGUSR1", epoll_wait(ep, &ev, 1, 5000));
    R("wait, SIGUSR2 with SA_RESTART", epoll_wait(ep, &ev, 1, 5000));
    waitpid(pid, NULL, 0);
    printf("handled: %d\n", handled);

    // epoll_pwait: SIGUSR1 blocked, but not during the wait
    sigset_t block, none, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &block, NULL);
    R("pwait bad sigsetsize",
      syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &none, 7));
    R("pwait bad mask", syscall(SYS_epoll_pwait, ep, &ev, 1, 0, BAD, 8));
    R("pwait, 0 ms", epoll_pwait(ep, &ev, 1, 0, &none));
    pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    handled = 0;
    R("pwait, SIGUSR1 unblocked", epoll_pwait(ep, &ev, 1, 5000, &none));
    waitpid(pid, NULL, 0);
    printf("handled: %d\n", handled);
    sigprocmask(SIG_BLOCK, NULL, &now);
    check("SIGUSR1 blocked again", sigismember(&now, SIGUSR1));
    kill(me, SIGUSR1);
    R("pwait, SIGUSR1 pending and masked", epoll_pwait(ep, &ev, 1, 20, &block));
    R("pwait, SIGUSR1 pending, unmasked", epoll_pwait(ep, &ev, 1, 5000, &none));
    printf("handled: %d\n", handled);
    close(ep);
}

/* ---- echo: 1000 connections --------------------------------------------- */

/* The server: accept every connection, echo what comes, count the
 * connections closed by the client; exit 0 after CONNS of them, 1 when
 * nothing happens for 10 s. Level-triggered throughout. */
static void
echo_server(int ls)
{
    int ep = epoll_create1(0), closed = 0;
    fcntl(ls, F_SETFL, O_NONBLOCK);
    add(ep, ls, EPOLLIN, (uint64_t)-1);
    struct epoll_event evs[64];
    while (closed < CONNS) {
        int n = epoll_wait(ep, evs, 64, 10000);
        if (n <= 0) {
            printf("server: epoll_wait: %s, %d closed\n",
                   n == 0 ? "timeout" : errname(errno), closed);
            _exit(1);
        }
        for (int i = 0; i < n; i++) {
            int fd = (int)evs[i].data.u64;
            if (fd < 0) {
                int a;
                while ((a = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0)
                    add(ep, a, EPOLLIN, (uint64_t)a);
                continue;
            }
            char buf[64];
            ssize_t got = read(fd, buf, sizeof(buf));
            if (got > 0 && write(fd, buf, (size_t)got) != got)
                printf("server: short echo\n");
            if (got == 0) {
                close(fd); // leaves the epoll with its file
                closed++;
            }
        }
    }
    _exit(0);
}

/** The client's state of one connection. */
struct conn {
    int fd;
    int state; /* 0 connecting, 1 sent, 2 echoed */
    char line[16];
};

/* Start connection @p i: a non-blocking connect, watched for EPOLLOUT. */
static void
echo_connect(int ep, struct conn *c, int i, const struct sockaddr_in *la)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0)
        die("socket");
    snprintf(c->line, sizeof(c->line), "line %d\n", i);
    c->state = 0;
    int r = connect(c->fd, (const struct sockaddr *)la, sizeof(*la));
    if (r < 0 && errno != EINPROGRESS)
        die("connect");
    add(ep, c->fd, EPOLLOUT | EPOLLONESHOT, (uint64_t)i);
}

/* One event of connection @p c: connected (send the line, then wait for
 * the echo) or the echo (check it). Returns 1 when it was echoed. */
static int
echo_event(int ep, struct conn *c, int i, uint32_t events, int *bad)
{
    if (c->state == 0) {
        if (events & (EPOLLERR | EPOLLHUP)) {
            (*bad)++;
            c->state = 2;
            return 0;
        }
        put(c->fd, c->line);
        c->state = 1;
        mod(ep, c->fd, EPOLLIN, (uint64_t)i);
        return 0;
    }
    char buf[32];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    c->state = 2;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    if (n != (ssize_t)strlen(c->line) || memcmp(buf, c->line, (size_t)n)) {
        (*bad)++;
        return 0;
    }
    return 1;
}

/* Open files enough for CONNS sockets: the soft limit up to the hard. */
static void
raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* The client: all CONNS connections open at once (at most 64 still
 * connecting at a time), one line each, every echo checked. */
static int
echo_client(const struct sockaddr_in *la, int *bad)
{
    struct conn *conns = calloc(CONNS, sizeof(*conns));
    struct epoll_event evs[64];
    int ep = epoll_create1(0), started = 0, connecting = 0, echoed = 0;
    if (conns == NULL || ep < 0)
        die("client");
    while (echoed + *bad < CONNS) {
        for (; started < CONNS && connecting < 64; started++, connecting++)
            echo_connect(ep, &conns[started], started, la);
        int n = epoll_wait(ep, evs, 64, 5000);
        if (n <= 0) {
            printf("client: epoll_wait: %s after %d echoes\n",
                   n == 0 ? "timeout" : errname(errno), echoed);
            break;
        }
        for (int k = 0; k < n; k++) {
            int i = (int)evs[k].data.u64;
            connecting -= conns[i].state == 0;
            echoed += echo_event(ep, &conns[i], i, evs[k].events, bad);
        }
    }
    for (int i = 0; i < started; i++)
        close(conns[i].fd);
    close(ep);
    free(conns);
    return echoed;
}

static void
part_echo(void)
{
    raise_nofile();
    struct sockaddr_in la;
    int ls = bound(SOCK_STREAM, &la);
    if (listen(ls, 128) < 0)
        die("listen");
    pid_t server = fork();
    if (server == 0)
        echo_server(ls);
    close(ls);
    int bad = 0;
    int echoed = echo_client(&la, &bad);
    if (echoed + bad < CONNS)
        kill(server, SIGKILL); // it would wait for them
    printf("echo: %d connections, %d echoes\n", CONNS, echoed);
    if (bad > 0)
        printf("echo: %d connections failed\n", bad);
    int st;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGALRM, &sa, NULL);
    alarm(20);
    if (waitpid(server, &st, 0) < 0) {
        kill(server, SIGKILL);
        waitpid(server, &st, 0);
    }
    alarm(0);
    check("server done", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- main --------------------------------------------------------------- */

static const char *
status_text(int st)
{
    static char buf[40];
    if (WIFEXITED(st))
        snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
    else
        snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
    return buf;
}

static void
part_overdue(int sig)
{
    (void)sig;
}

static void
run_part(const char *name, void (*fn)(void))
{
    printf("== %s\n", name);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGALRM, watchdog);
        fn();
        exit(0);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = part_overdue; /* no SA_RESTART: waitpid ends */
    sigaction(SIGALRM, &sa, NULL);
    alarm(PART_LIMIT);
    int st;
    if (waitpid(pid, &st, 0) < 0) {
        printf("part %s: stuck for %d s, killed\n", name, PART_LIMIT);
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return;
    }
    alarm(0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        printf("part %s: %s\n", name, status_text(st));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    static const struct {
        const char *name;
        void (*fn)(void);
    } parts[] = {{"eventfd", part_eventfd}, {"basics", part_basics},
                 {"pipe", part_pipe},       {"fifo", part_fifo},
                 {"pty", part_pty},         {"files", part_files},
                 {"sockets", part_sockets}, {"close", part_close},
                 {"nested", part_nested},   {"eintr", part_eintr},
                 {"echo", part_echo}};
    int found = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int want = 0;
        for (int a = 1; a < argc; a++)
            if (strcmp(argv[a], parts[i].name) == 0 ||
                strcmp(argv[a], "all") == 0)
                want = 1;
        if (want) {
            run_part(parts[i].name, parts[i].fn);
            found = 1;
        }
    }
    if (!found) {
        printf("epolltest: no part named\n");
        return 2;
    }
    printf("epolltest: done\n");
    return 0;
}
