/*
 * sockfuzz [SEED [CALLS [-v]]]: random socket calls; the kernel must live.
 *
 * A seeded generator (xorshift, the same on every system) picks CALLS
 * calls (default 2000) among socket, bind, listen, connect, accept and
 * accept4, send, sendto, sendmsg, recv, recvfrom, recvmsg, shutdown,
 * setsockopt, getsockopt, getsockname, getpeername, poll, dup, close, one
 * call made blocking for once, and fork-then-exit (a child that sends and
 * closes on the descriptors it inherited). They act on a few descriptor
 * slots and a few ports of 127.0.0.1 (ports the kernel handed out at the
 * start, so that binds collide and connects find listeners), with
 * arguments that are sometimes wrong: descriptors that are closed or are
 * pipes, unmapped and read-only pointers, buffers that run into an
 * unmapped page, silly lengths, flags and option names. Well-formed
 * set-ups come in between (a listener on one of the ports, a client
 * connecting to a listener, a bound UDP socket), so that the random calls
 * also meet connections with data in flight.
 *
 * Nothing here may hang: every socket is made with SOCK_NONBLOCK (the
 * "blocking" call clears it for one call), and every call runs under a
 * 30 ms interval timer whose SIGALRM (no SA_RESTART) interrupts a call
 * that waits. The calls run in a child; the parent gives it 90 s and
 * kills it if it is stuck. Results are not compared (a sequence of calls
 * whose outcomes steer the next ones cannot be the same on two stacks):
 * the output is one line that says the run ended, "sockfuzz: seed S,
 * N calls done", or a line that says how it did not. With -v the child
 * prints every call and its result, to find the call that broke things.
 * At the end every descriptor is closed, so a test may compare the free
 * memory before and after.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

#define NSLOTS 8
#define NPORTS 4
#define WATCHDOG 90 /* seconds the parent gives the child */

/* The calls are made raw: C library wrappers may read the arguments
 * themselves (musl copies a msghdr), and the bad pointers are for the
 * kernel. */
#define SYS(name, ...) syscall(SYS_##name, __VA_ARGS__)

static uint64_t state;
static int verbose;
static int slots[NSLOTS];
static in_port_t ports[NPORTS]; /* network order */
static int pipefd[2];
/* A page that is mapped read-write, followed by one that is not, and a
 * read-only page: buffers that end in a fault and buffers that cannot be
 * written. */
static char *page, *rdonly;
static char buf[65536];

static uint64_t
next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}

static unsigned
pick(unsigned n)
{
    return (unsigned)(next() >> 33) % n;
}

/* True one time in @p n. */
static int
one_in(unsigned n)
{
    return pick(n) == 0;
}

static void
on_alarm(int sig)
{
    (void)sig;
}

/* Arm the timer that interrupts a call that waits, for @p us
 * microseconds (0: disarm). */
static void
arm(long us)
{
    struct itimerval t = {{0, 0}, {us / 1000000, us % 1000000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

/* Catch SIGALRM without SA_RESTART, so that a waiting call ends (musl's
 * signal() would restart it). */
static void
catch_alarm(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
}

/* Print the call's result with -v; the result itself is not kept. */
static void
done(const char *what, long r)
{
    if (verbose)
        printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "",
               r < 0 ? errname(errno) : "");
}

/* A descriptor: usually a slot (open or not), sometimes something else. */
static int
fd_arg(void)
{
    switch (pick(16)) {
    case 0:
        return -1;
    case 1:
        return 1000;
    case 2:
        return pipefd[pick(2)];
    default:
        break;
    }
    // an open slot, mostly: a closed one only gives EBADF
    for (int tries = 0; tries < 4; tries++) {
        int fd = slots[pick(NSLOTS)];
        if (fd >= 0)
            return fd;
    }
    return slots[pick(NSLOTS)];
}

/* A free slot's index, or -1. */
static int
free_slot(void)
{
    for (int i = 0; i < NSLOTS; i++)
        if (slots[i] < 0)
            return i;
    return -1;
}

/* Keep a new descriptor @p fd in a slot, or close it if none is free. */
static void
keep(int fd)
{
    if (fd < 0)
        return;
    int i = free_slot();
    if (i < 0)
        close(fd);
    else
        slots[i] = fd;
}

/* A pointer for the kernel to read from or write to: good mostly. */
static void *
ptr_arg(void *good)
{
    switch (pick(20)) {
    case 0:
        return NULL;
    case 1:
        return (void *)1;
    case 2:
        return (void *)0xffff800000000000UL;
    case 3:
        return page + 4096 - pick(8); /* runs into the unmapped page */
    case 4:
        return rdonly;
    default:
        return good;
    }
}

/* A length: usually right, sometimes off by a little or by a lot. */
static socklen_t
len_arg(socklen_t right)
{
    static const socklen_t odd[] = {0,  1,  2,  4,          8,
                                    15, 17, 64, 0x7fffffff, (socklen_t)-1};
    return one_in(6) ? odd[pick(sizeof(odd) / sizeof(odd[0]))] : right;
}

/* An address for bind, connect or sendto, in @p a. */
static void
addr_arg(struct sockaddr_in *a)
{
    memset(a, 0, sizeof(*a));
    a->sin_family = one_in(10) ? (sa_family_t)pick(12) : AF_INET;
    a->sin_port = one_in(6) ? 0 : ports[pick(NPORTS)];
    static const uint32_t hosts[] = {0x7f000001, 0x7f000001, 0x7f000001,
                                     0,          0x7f000002, 0xffffffff};
    a->sin_addr.s_addr = htonl(hosts[pick(sizeof(hosts) / sizeof(hosts[0]))]);
}

static int
flags_arg(int usual)
{
    static const int f[] = {0,         MSG_DONTWAIT, MSG_PEEK, MSG_OOB,
                            MSG_TRUNC, MSG_WAITALL,  MSG_MORE, MSG_NOSIGNAL};
    if (one_in(12))
        return (int)next();
    return usual | f[pick(sizeof(f) / sizeof(f[0]))];
}

static void
do_socket(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
                                SOCK_SEQPACKET};
    static const int protos[] = {0, 0, 0, 0, 0, IPPROTO_TCP, IPPROTO_UDP, 255};
    int domain = one_in(10) ? (int)pick(50) : AF_INET;
    int type = types[pick(5)] | SOCK_NONBLOCK | (one_in(2) ? SOCK_CLOEXEC : 0);
    if (free_slot() < 0) {
        int i = (int)pick(NSLOTS);
        close(slots[i]);
        slots[i] = -1;
    }
    int fd = (int)SYS(socket, domain, type, protos[pick(8)]);
    done("socket", fd);
    keep(fd);
}

static void
do_bind_connect(int connecting)
{
    struct sockaddr_in a;
    addr_arg(&a);
    int fd = fd_arg();
    void *p = ptr_arg(&a);
    socklen_t len = len_arg(sizeof(a));
    long r = connecting ? SYS(connect, fd, p, len) : SYS(bind, fd, p, len);
    done(connecting ? "connect" : "bind", r);
}

static void
do_listen(void)
{
    static const int backlogs[] = {0, 1, 5, 128, -1, 100000};
    done("listen", SYS(listen, fd_arg(), backlogs[pick(6)]));
}

/* A listening slot if there is one (half of the time), else any. */
static int
listener_arg(void)
{
    int start = (int)pick(NSLOTS);
    int scan = one_in(2) ? NSLOTS : 0;
    for (int k = 0; k < scan; k++) {
        int fd = slots[(start + k) % NSLOTS], v = 0;
        socklen_t len = sizeof(v);
        if (fd >= 0 &&
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v)
            return fd;
    }
    return fd_arg();
}

static void
do_accept(void)
{
    struct sockaddr_in a;
    socklen_t len = len_arg(sizeof(a));
    int fd = listener_arg();
    int flags = one_in(8) ? (int)pick(0x100000) : SOCK_NONBLOCK;
    if (one_in(3))
        flags |= SOCK_CLOEXEC;
    long r;
    if (one_in(3))
        r = SYS(accept4, fd, NULL, NULL, flags);
    else
        r = SYS(accept4, fd, ptr_arg(&a), one_in(10) ? ptr_arg(&len) : &len,
                flags);
    done("accept4", r);
    if (r >= 0 && !(flags & SOCK_NONBLOCK))
        fcntl((int)r, F_SETFL, O_NONBLOCK);
    keep((int)r);
}

static void
do_send(void)
{
    int fd = fd_arg();
    size_t len = one_in(5) ? pick(sizeof(buf)) : pick(200);
    int flags = flags_arg(MSG_NOSIGNAL);
    void *p = ptr_arg(buf);
    long r;
    if (one_in(2)) {
        r = SYS(sendto, fd, p, len, flags, NULL, 0);
    } else {
        struct sockaddr_in a;
        addr_arg(&a);
        r = SYS(sendto, fd, p, len, flags, one_in(4) ? NULL : ptr_arg(&a),
                len_arg(sizeof(a)));
    }
    done("send", r);
}

static void
do_recv(void)
{
    int fd = fd_arg();
    size_t len = pick(sizeof(buf));
    int flags = flags_arg(0);
    void *p = ptr_arg(buf);
    long r;
    if (one_in(2)) {
        r = SYS(recvfrom, fd, p, len, flags, NULL, NULL);
    } else {
        struct sockaddr_in a;
        socklen_t alen = len_arg(sizeof(a));
        r = SYS(recvfrom, fd, p, len, flags, ptr_arg(&a),
                one_in(8) ? ptr_arg(&alen) : &alen);
    }
    done("recv", r);
}

/* sendmsg or recvmsg, with iovecs that may point anywhere. */
static void
do_msg(void)
{
    struct iovec iov[3];
    for (int i = 0; i < 3; i++) {
        iov[i].iov_base = ptr_arg(buf + i * 1000);
        iov[i].iov_len = one_in(8) ? (size_t)-1 : pick(1000);
    }
    struct sockaddr_in a;
    addr_arg(&a);
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_name = one_in(2) ? NULL : ptr_arg(&a);
    m.msg_namelen = m.msg_name ? len_arg(sizeof(a)) : 0;
    m.msg_iov = one_in(10) ? ptr_arg(iov) : iov;
    m.msg_iovlen = one_in(10) ? 5000 : pick(4);
    if (one_in(10)) {
        m.msg_control = ptr_arg(buf);
        m.msg_controllen = pick(64);
    }
    struct msghdr *mp = one_in(12) ? ptr_arg(&m) : &m;
    if (one_in(2))
        done("sendmsg", SYS(sendmsg, fd_arg(), mp, flags_arg(MSG_NOSIGNAL)));
    else
        done("recvmsg", SYS(recvmsg, fd_arg(), mp, flags_arg(0)));
}

static void
do_sockopt(void)
{
    static const int levels[] = {SOL_SOCKET, SOL_SOCKET,  IPPROTO_TCP,
                                 IPPROTO_IP, IPPROTO_UDP, 12345};
    static const int names[] = {
        SO_REUSEADDR, SO_KEEPALIVE, SO_RCVBUF,   SO_SNDBUF,   SO_TYPE,
        SO_ERROR,     SO_LINGER,    SO_RCVTIMEO, SO_SNDTIMEO, SO_ACCEPTCONN,
        SO_BROADCAST, SO_RCVLOWAT,  TCP_NODELAY, TCP_MAXSEG,  TCP_KEEPIDLE,
        IP_TTL,       IP_TOS,       9999};
    int level = levels[pick(6)];
    int name = names[pick(sizeof(names) / sizeof(names[0]))];
    union {
        int i;
        struct linger l;
        struct timeval tv;
        char raw[32];
    } v;
    memset(&v, 0, sizeof(v));
    v.i = one_in(3) ? (int)next() : (int)pick(4);
    if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
        v.tv = (struct timeval){0, (long)pick(1100000)};
    if (name == SO_LINGER) /* a linger of 0 or 1 s: close may wait */
        v.l = (struct linger){(int)pick(2), (int)pick(2)};
    socklen_t len = len_arg(
        name == SO_LINGER || name == SO_RCVTIMEO || name == SO_SNDTIMEO ? 16
                                                                        : 4);
    if (one_in(2)) {
        done("setsockopt",
             SYS(setsockopt, fd_arg(), level, name, ptr_arg(&v), len));
    } else {
        done("getsockopt", SYS(getsockopt, fd_arg(), level, name, ptr_arg(&v),
                               one_in(8) ? ptr_arg(&len) : &len));
    }
}

static void
do_names(void)
{
    struct sockaddr_in a;
    socklen_t len = len_arg(sizeof(a));
    void *p = ptr_arg(&a);
    socklen_t *lp = one_in(8) ? ptr_arg(&len) : &len;
    if (one_in(2))
        done("getsockname", SYS(getsockname, fd_arg(), p, lp));
    else
        done("getpeername", SYS(getpeername, fd_arg(), p, lp));
}

static void
do_shutdown(void)
{
    done("shutdown", SYS(shutdown, fd_arg(), (int)pick(5) - 1));
}

static void
do_poll(void)
{
    struct pollfd p[NSLOTS + 1];
    for (int i = 0; i < NSLOTS; i++)
        p[i] = (struct pollfd){slots[i], (short)pick(0x2000), 0};
    p[NSLOTS] = (struct pollfd){fd_arg(), POLLIN | POLLOUT, 0};
    nfds_t n = one_in(10) ? 100000 : pick(NSLOTS + 2);
    done("poll", SYS(poll, one_in(15) ? ptr_arg(p) : p, n, (int)pick(20)));
}

static void
do_close_dup(void)
{
    int i = (int)pick(NSLOTS);
    if (one_in(3)) {
        int fd = SYS(dup, fd_arg());
        done("dup", fd);
        if (fd >= 0 && fd != pipefd[0] && fd != pipefd[1])
            keep(fd);
        else if (fd >= 0)
            close(fd);
        return;
    }
    done("close", SYS(close, slots[i]));
    slots[i] = -1;
}

/* One call on a socket made blocking for it (the timer ends the wait). */
static void
do_blocking(void)
{
    int i = (int)pick(NSLOTS);
    if (slots[i] < 0)
        return;
    fcntl(slots[i], F_SETFL, 0);
    struct sockaddr_in a;
    addr_arg(&a);
    long r;
    switch (pick(4)) {
    case 0:
        r = recv(slots[i], buf, pick(5000), 0);
        break;
    case 1:
        r = send(slots[i], buf, pick(sizeof(buf)), MSG_NOSIGNAL);
        break;
    case 2:
        r = connect(slots[i], (struct sockaddr *)&a, sizeof(a));
        break;
    default:
        r = accept4(slots[i], NULL, NULL, SOCK_NONBLOCK);
        keep((int)r);
        break;
    }
    done("blocking call", r);
    fcntl(slots[i], F_SETFL, O_NONBLOCK);
}

/* A child that sends on and closes what it inherited, then exits. */
static void
do_fork(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(5);
        for (int i = 0; i < NSLOTS; i++) {
            if (slots[i] < 0)
                continue;
            send(slots[i], "child", 5, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (one_in(2))
                shutdown(slots[i], SHUT_RDWR);
            close(slots[i]);
        }
        _exit(0);
    }
    done("fork", pid);
    if (pid < 0)
        return;
    arm(500000); /* the child's few calls, on a slow machine */
    if (waitpid(pid, NULL, 0) < 0) { /* the timer ended the wait */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

/* A well-formed socket, for the random calls to find: a TCP listener on
 * one of the ports, a TCP client connecting to one, or a bound UDP
 * socket. */
static void
do_setup(void)
{
    int kind = (int)pick(3);
    int fd = socket(AF_INET,
                    (kind == 2 ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return;
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = ports[pick(NPORTS)];
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    long r;
    if (kind == 1) {
        // to a listener's port when there is one, mostly
        int ls = listener_arg();
        socklen_t len = sizeof(a);
        struct sockaddr_in b;
        if (getsockname(ls, (struct sockaddr *)&b, &len) == 0 &&
            b.sin_family == AF_INET && b.sin_port)
            a.sin_port = b.sin_port;
        r = connect(fd, (struct sockaddr *)&a, sizeof(a));
    } else {
        r = bind(fd, (struct sockaddr *)&a, sizeof(a));
        if (r == 0 && kind == 0)
            r = listen(fd, 4);
    }
    done(kind == 0   ? "setup listener"
         : kind == 1 ? "setup client"
                     : "setup udp",
         r);
    if (r < 0 && errno != EINPROGRESS) {
        close(fd);
        return;
    }
    if (free_slot() < 0) {
        int i = (int)pick(NSLOTS);
        close(slots[i]);
        slots[i] = -1;
    }
    keep(fd);
}

/* One random call. */
static void
step(void)
{
    static void (*const ops[])(void) = {
        do_setup,  do_setup,    do_setup,  do_socket,   do_socket,
        do_socket, do_listen,   do_accept, do_accept,   do_send,
        do_send,   do_recv,     do_recv,   do_msg,      do_sockopt,
        do_names,  do_shutdown, do_poll,   do_close_dup};
    unsigned n = sizeof(ops) / sizeof(ops[0]);
    unsigned k = pick(n + 6);
    arm(30000);
    if (k < n)
        ops[k]();
    else if (k < n + 2)
        do_bind_connect(0);
    else if (k < n + 4)
        do_bind_connect(1);
    else if (k == n + 4)
        one_in(4) ? do_fork() : do_blocking();
    else
        do_close_dup();
    arm(0);
}

/* Ports the kernel hands out now, to be fought over later. */
static void
take_ports(void)
{
    for (int i = 0; i < NPORTS; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a;
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
            getsockname(s, (struct sockaddr *)&a, &len) < 0)
            ports[i] = htons((in_port_t)(40000 + i));
        else
            ports[i] = a.sin_port;
        if (s >= 0)
            close(s);
    }
}

static void
fuzz(long calls)
{
    catch_alarm();
    signal(SIGPIPE, SIG_IGN);
    page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    rdonly = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || rdonly == MAP_FAILED || pipe(pipefd) < 0)
        _exit(2);
    munmap(page + 4096, 4096);
    for (int i = 0; i < NSLOTS; i++)
        slots[i] = -1;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)i;
    take_ports();
    for (long i = 0; i < calls; i++)
        step();
    for (int i = 0; i < NSLOTS; i++)
        if (slots[i] >= 0)
            close(slots[i]);
    close(pipefd[0]);
    close(pipefd[1]);
    _exit(0);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    long calls = argc > 2 ? atol(argv[2]) : 2000;
    verbose = argc > 3 && strcmp(argv[3], "-v") == 0;
    state = seed * 0x9e3779b97f4a7c15ULL | 1;
    pid_t child = fork();
    if (child < 0) {
        printf("sockfuzz: fork: %s\n", errname(errno));
        return 1;
    }
    if (child == 0)
        fuzz(calls);
    int st;
    catch_alarm();
    alarm(WATCHDOG);
    pid_t r = waitpid(child, &st, 0);
    alarm(0);
    if (r != child) {
        kill(child, SIGKILL);
        waitpid(child, &st, 0);
        printf("sockfuzz: seed %llu: stuck, killed after %d s\n", seed,
               WATCHDOG);
        return 1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("sockfuzz: seed %llu: the child ended badly: %s %d\n", seed,
               WIFEXITED(st) ? "exit" : "signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        return 1;
    }
    printf("sockfuzz: seed %llu, %ld calls done\n", seed, calls);
    return 0;
}
