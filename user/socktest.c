/*
 * socktest: TCP and UDP sockets over the loopback interface, 127.0.0.1.
 *
 * `socktest PART...` runs the parts named (no argument: all but `edge`;
 * `all`: every part):
 *
 *   tcp       socket, bind to port 0, listen, getsockname; connect and
 *             accept; accept4's SOCK_CLOEXEC and SOCK_NONBLOCK as fcntl
 *             sees them; getsockname and getpeername of both ends agree;
 *             send and recv; MSG_PEEK, MSG_DONTWAIT; 1 MiB through an echo
 *             child and back, checksummed; shutdown(SHUT_WR) ends one
 *             direction only; a peer's close: recv gives the data and
 *             then 0, send after the peer is gone fails, MSG_NOSIGNAL
 *             keeps SIGPIPE away.
 *   nonblock  a non-blocking connect, then poll and SO_ERROR; a connect
 *             to a port nobody listens on: ECONNREFUSED, blocking or not.
 *   poll      readiness of a listening socket, of a connected one (data,
 *             room to write, the peer's shutdown and close), and select.
 *   errors    EADDRINUSE, SO_REUSEADDR over TIME_WAIT, ENOTCONN, EISCONN,
 *             EINVAL, EAFNOSUPPORT, EPROTONOSUPPORT, EBADF, ENOTSOCK,
 *             EOPNOTSUPP, EFAULT for bad pointers, EINVAL for bad lengths.
 *   opts      getsockopt and setsockopt: SO_TYPE, SO_REUSEADDR,
 *             SO_KEEPALIVE, SO_RCVBUF/SO_SNDBUF (only that they are > 0:
 *             Linux doubles what it is given), SO_ERROR, SO_ACCEPTCONN,
 *             SO_RCVTIMEO (a recv gives up after 200 ms), SO_LINGER,
 *             TCP_NODELAY, ENOPROTOOPT.
 *   udp       sendto and recvfrom with the sender's address, a connected
 *             UDP socket, datagram boundaries, a short recv (the rest is
 *             dropped; MSG_TRUNC), sendmsg and recvmsg with iovecs, poll.
 *   edge      what Linux answers but a small stack (lwIP) may well not:
 *             the errors of writes to a reset connection, a read of a
 *             connection reset for unread data, a recv of 0 bytes, poll
 *             of a fresh or reset socket, a bind to an address no
 *             interface has, SO_RCVTIMEO's EDOM, the address a connect
 *             gives an unbound UDP socket. Run only when asked.
 *
 * Ports are ephemeral (bind to port 0), so nothing prints a port number:
 * addresses are printed as "AF_INET 127.0.0.1" and ports only compared.
 * A broken kernel must print a wrong line, never hang: each part runs in
 * a child of its own, each call is watched by alarm() and a watchdog that
 * prints where it was stuck ("timeout: accept"); waits for readiness use
 * poll with a timeout. UDP cannot be refused here (ECONNREFUSED after an
 * ICMP port unreachable is not required). The output is the same on Linux.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
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
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

/* Seconds one call may take before the watchdog speaks. */
#define WATCH 10
/* Milliseconds a poll waits for what must come (data, a connection). */
#define WAITMS 3000
/* Seconds a whole part may take before its parent kills it. */
#define PART_LIMIT 120
/* The size of the echoed stream. */
#define ECHO_BYTES (1 << 20)

/* An address no program has mapped (through a volatile, so that the
 * compiler does not reason about it). */
static void *volatile bad_address = (void *)1;
#define BAD (bad_address)

/* What the current call is, for the watchdog. */
static const char *volatile where = "start";
/* A child to kill when the watchdog fires (the echo helpers). */
static volatile pid_t helpers[2];

static void
watchdog(int sig)
{
    (void)sig;
    char line[160];
    int n = snprintf(line, sizeof(line), "timeout: %s\n", where);
    write(1, line, (size_t)n);
    for (int i = 0; i < 2; i++)
        if (helpers[i] > 0)
            kill(helpers[i], SIGKILL);
    _exit(3);
}

/* Print @p what and the result @p r of a call: the number, or the name of
 * the errno it left. */
static void
report(const char *what, long r, int err)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(err));
    else
        printf("%s: %ld\n", what, r);
}

/* The same, with "ok" for any result >= 0 (descriptors, whose numbers
 * are not the point). */
static void
report_ok(const char *what, long r, int err)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(err));
    else
        printf("%s: ok\n", what);
}

/* Run @p expr under the watchdog, named @p what; print its result. */
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
/* Run @p expr under the watchdog without printing (set-up steps). */
#define Q(what, expr)                                                          \
    ({                                                                         \
        where = (what);                                                        \
        alarm(WATCH);                                                          \
        long r_ = (long)(expr);                                                \
        alarm(0);                                                              \
        r_;                                                                    \
    })

static void
check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "yes" : "no");
}

/* A set-up step failed: say which, and end the part (its output is then
 * wrong, which is the point). */
static void
die(const char *what)
{
    printf("%s: failed: %s\n", what, errname(errno));
    exit(1);
}

/* The loopback address with @p port (network order). */
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

/* A socket's own address, as getsockname gives it (dies on failure). */
static struct sockaddr_in
local_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    memset(&a, 0, sizeof(a));
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        die("getsockname");
    return a;
}

/* Describe address @p a of length @p len without its port: "len 16
 * AF_INET 127.0.0.1 port set". */
static const char *
addr_text(const struct sockaddr_in *a, socklen_t len)
{
    static char buf[96];
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    snprintf(buf, sizeof(buf), "len %u %s %s port %s", (unsigned)len,
             a->sin_family == AF_INET ? "AF_INET" : "other", ip,
             a->sin_port ? "set" : "0");
    return buf;
}

static int
same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
    return a->sin_family == b->sin_family && a->sin_port == b->sin_port &&
           a->sin_addr.s_addr == b->sin_addr.s_addr;
}

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks; its
 * address in @p where_to. */
static int
listener(struct sockaddr_in *where_to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo(0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        listen(fd, 8) < 0)
        die("listener");
    *where_to = local_of(fd);
    return fd;
}

/* A connected pair: a client connected to listener @p ls (at @p la) in
 * @p *c, the accepted end returned. */
static int
tcp_pair(int ls, const struct sockaddr_in *la, int *c)
{
    *c = socket(AF_INET, SOCK_STREAM, 0);
    if (*c < 0 || Q("connect (pair)",
                    connect(*c, (const struct sockaddr *)la, sizeof(*la))) < 0)
        die("connect (pair)");
    int a = (int)Q("accept (pair)", accept(ls, NULL, NULL));
    if (a < 0)
        die("accept (pair)");
    return a;
}

/* The names of the bits in @p ev, in a fixed order. */
static const char *
evname(int ev)
{
    static char buf[128];
    static const struct {
        int bit;
        const char *name;
    } names[] = {{POLLIN, "IN"},      {POLLPRI, "PRI"}, {POLLOUT, "OUT"},
                 {POLLERR, "ERR"},    {POLLHUP, "HUP"}, {POLLNVAL, "NVAL"},
                 {POLLRDHUP, "RDHUP"}};
    buf[0] = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (ev & names[i].bit)
            strcat(strcat(buf, buf[0] ? "|" : ""), names[i].name);
    return buf[0] ? buf : "0";
}

/* poll one descriptor for @p events, waiting up to @p ms; print it. */
static void
poll1(const char *what, int fd, int events, int ms)
{
    struct pollfd p = {fd, (short)events, 0};
    where = what;
    alarm(WATCH);
    int r = poll(&p, 1, ms);
    int e = errno;
    alarm(0);
    if (r < 0)
        printf("%s: %s\n", what, errname(e));
    else
        printf("%s: %d %s\n", what, r, evname(p.revents));
}

/* Wait (bounded) until @p fd is readable, printing nothing: loopback
 * delivery may be asynchronous, so a test of what arrived waits first. */
static void
wait_in(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    where = "waiting for data";
    alarm(WATCH);
    poll(&p, 1, WAITMS);
    alarm(0);
}

/* An int socket option, printed as its value or errno. */
static void
getint(const char *what, int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof(v);
    int r = getsockopt(fd, level, name, &v, &len);
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %d (len %u)\n", what, v, (unsigned)len);
}

/* SO_ERROR of @p fd, by name. */
static void
geterr(const char *what, int fd)
{
    int v = -1;
    socklen_t len = sizeof(v);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %s (len %u)\n", what, v ? errname(v) : "0", (unsigned)len);
}

static long
setint(int fd, int level, int name, int v)
{
    return setsockopt(fd, level, name, &v, sizeof(v));
}

static void
ignore(int sig)
{
    signal(sig, SIG_IGN);
}

static long
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
msleep(int ms)
{
    usleep((useconds_t)ms * 1000);
}

/* ------------------------------------------------------------------ tcp */

/* The byte at offset @p i of the echoed stream. */
static unsigned char
pattern(size_t i)
{
    return (unsigned char)(i * 7 + (i >> 9) + (i >> 17));
}

/* An order-sensitive checksum (FNV-1a) of @p n bytes folded into @p h. */
static uint32_t
fnv(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Write all @p n bytes of @p p to @p fd; -1 on an error. */
static long
write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, c + done, n - done);
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return (long)done;
}

/* The echo child: read @p fd to its end, writing everything back, then
 * shut the writing side; exit 0 if it saw the whole pattern. */
static void
echo_child(int fd)
{
    static unsigned char buf[65536];
    uint32_t h = 2166136261u, want = 2166136261u;
    size_t total = 0;
    alarm(60);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0)
            _exit(2);
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            want = (want ^ pattern(total + (size_t)i)) * 16777619u;
        h = fnv(h, buf, (size_t)n);
        total += (size_t)n;
        if (write_all(fd, buf, (size_t)n) < 0)
            _exit(4);
    }
    shutdown(fd, SHUT_WR);
    _exit(total == ECHO_BYTES && h == want ? 0 : 1);
}

/* The writer child: the pattern to @p fd in uneven pieces, then EOF. */
static void
writer_child(int fd)
{
    static unsigned char buf[ECHO_BYTES];
    alarm(60);
    for (size_t i = 0; i < ECHO_BYTES; i++)
        buf[i] = pattern(i);
    size_t done = 0, piece = 1000;
    while (done < ECHO_BYTES) {
        size_t n = piece < ECHO_BYTES - done ? piece : ECHO_BYTES - done;
        if (write_all(fd, buf + done, n) < 0)
            _exit(2);
        done += n;
        piece = piece * 3 % 70001 + 1;
    }
    shutdown(fd, SHUT_WR);
    _exit(0);
}

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

/* 1 MiB from the client through an echo child and back. */
static void
tcp_echo(int ls, const struct sockaddr_in *la)
{
    int c, a = tcp_pair(ls, la, &c);
    if ((helpers[0] = fork()) == 0) {
        close(c);
        echo_child(a);
    }
    if ((helpers[1] = fork()) == 0) {
        close(a);
        writer_child(c);
    }
    close(a);
    static unsigned char buf[65536];
    uint32_t h = 2166136261u, want = 2166136261u;
    size_t total = 0;
    where = "reading the echo";
    alarm(60);
    for (;;) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) {
            if (n < 0)
                printf("echo: read: %s\n", errname(errno));
            break;
        }
        for (ssize_t i = 0; i < n; i++)
            want = (want ^ pattern(total + (size_t)i)) * 16777619u;
        h = fnv(h, buf, (size_t)n);
        total += (size_t)n;
    }
    printf("echo: %zu bytes back, checksum %08x, %s\n", total, h,
           h == want ? "as sent" : "differs");
    for (int i = 0; i < 2; i++) {
        int st;
        waitpid(helpers[i], &st, 0);
        helpers[i] = 0;
        printf("echo: %s child: %s\n", i ? "writer" : "echo", status_text(st));
    }
    alarm(0);
    close(c);
}

/* Both ends' names agree: the client's peer is the server's self. */
static void
tcp_names(int c, int a, const struct sockaddr_in *la,
          const struct sockaddr_in *peer_from_accept)
{
    struct sockaddr_in cs, cp, as, ap;
    socklen_t l1 = sizeof(cs), l2 = sizeof(cp), l3 = sizeof(as),
              l4 = sizeof(ap);
    R("client getsockname", getsockname(c, (struct sockaddr *)&cs, &l1));
    R("client getpeername", getpeername(c, (struct sockaddr *)&cp, &l2));
    R("server getsockname", getsockname(a, (struct sockaddr *)&as, &l3));
    R("server getpeername", getpeername(a, (struct sockaddr *)&ap, &l4));
    printf("client's own address: %s\n", addr_text(&cs, l1));
    printf("client's peer: %s\n", addr_text(&cp, l2));
    printf("server's own address: %s\n", addr_text(&as, l3));
    printf("server's peer: %s\n", addr_text(&ap, l4));
    check("client's peer is the listener's address", same_addr(&cp, la));
    check("server's own address is the listener's", same_addr(&as, la));
    check("server's peer is the client's own address", same_addr(&ap, &cs));
    check("accept's address is the client's own address",
          same_addr(peer_from_accept, &cs));
    check("client's port differs from the listener's",
          cs.sin_port != la->sin_port);
}

/* Plain data, MSG_PEEK, MSG_DONTWAIT. */
static void
tcp_data(int c, int a)
{
    char buf[64];
    R("send 5 bytes", send(c, "hello", 5, 0));
    wait_in(a);
    long n = R("recv", recv(a, buf, sizeof(buf), 0));
    printf("recv got: %.*s\n", n > 0 ? (int)n : 0, buf);
    R("write 8 bytes back", write(a, "peekaboo", 8));
    wait_in(c);
    memset(buf, 0, sizeof(buf));
    n = R("recv MSG_PEEK 4", recv(c, buf, 4, MSG_PEEK));
    printf("peeked: %.*s\n", n > 0 ? (int)n : 0, buf);
    n = R("recv MSG_PEEK 8", recv(c, buf, 8, MSG_PEEK));
    printf("peeked: %.*s\n", n > 0 ? (int)n : 0, buf);
    memset(buf, 0, sizeof(buf));
    n = R("read after peeking", read(c, buf, sizeof(buf)));
    printf("read got: %.*s\n", n > 0 ? (int)n : 0, buf);
    R("recv MSG_DONTWAIT, nothing there", recv(c, buf, 1, MSG_DONTWAIT));
    R("recv MSG_DONTWAIT|MSG_PEEK, nothing there",
      recv(c, buf, 1, MSG_DONTWAIT | MSG_PEEK));
    R("send 0 bytes", send(c, "", 0, 0));
    // a recv larger than what came gives what came, no more
    R("send 3", send(a, "abc", 3, 0));
    R("send 3 more", send(a, "def", 3, 0));
    msleep(100);
    n = R("recv MSG_WAITALL 6", recv(c, buf, 6, MSG_WAITALL));
    printf("got: %.*s\n", n > 0 ? (int)n : 0, buf);
}

/* accept4's flags, and accept's none. */
static void
tcp_accept4(int ls, const struct sockaddr_in *la, int plain)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    Q("connect", connect(c, (const struct sockaddr *)la, sizeof(*la)));
    check("accepted socket: FD_CLOEXEC", fcntl(plain, F_GETFD) & FD_CLOEXEC);
    check("accepted socket: O_NONBLOCK", fcntl(plain, F_GETFL) & O_NONBLOCK);
    // the raw call: musl's accept4 may retry a refused one as accept
    R("accept4 with a bad flag", syscall(SYS_accept4, ls, NULL, NULL, 0x4000));
    int a = (int)OK("accept4 SOCK_CLOEXEC|SOCK_NONBLOCK",
                    accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK));
    check("accept4'd socket: FD_CLOEXEC", fcntl(a, F_GETFD) & FD_CLOEXEC);
    check("accept4'd socket: O_NONBLOCK", fcntl(a, F_GETFL) & O_NONBLOCK);
    check("O_RDWR", (fcntl(a, F_GETFL) & O_ACCMODE) == O_RDWR);
    char b;
    R("read on it, nothing there", read(a, &b, 1));
    close(a);
    close(c);
    // the listener is not non-blocking: a non-blocking accept asks twice
    fcntl(ls, F_SETFL, O_NONBLOCK);
    R("accept, non-blocking listener, nothing pending", accept(ls, NULL, NULL));
    fcntl(ls, F_SETFL, 0);
}

/* One direction shut: EOF on that side, the other still carries data. */
static void
tcp_shutdown(int c, int a)
{
    char buf[16];
    R("shutdown(client, SHUT_WR)", shutdown(c, SHUT_WR));
    wait_in(a);
    R("server read after it", read(a, buf, sizeof(buf)));
    R("server read again", read(a, buf, sizeof(buf)));
    R("server writes", write(a, "back", 4));
    wait_in(c);
    long n = R("client reads", read(c, buf, sizeof(buf)));
    printf("client got: %.*s\n", n > 0 ? (int)n : 0, buf);
    R("client send after SHUT_WR (SIGPIPE ignored)", send(c, "x", 1, 0));
    R("shutdown(client, SHUT_RD)", shutdown(c, SHUT_RD));
    R("client read after SHUT_RD", read(c, buf, sizeof(buf)));
}

static volatile sig_atomic_t pipes;

static void
on_pipe(int sig)
{
    (void)sig;
    pipes++;
}

/* The peer closes: data first, then 0; writes fail; MSG_NOSIGNAL. */
static void
tcp_close(int ls, const struct sockaddr_in *la)
{
    char buf[16];
    int c, a = tcp_pair(ls, la, &c);
    R("client sends 3 and closes", send(c, "bye", 3, 0));
    close(c);
    wait_in(a);
    long n = R("server recv", recv(a, buf, sizeof(buf), 0));
    printf("server got: %.*s\n", n > 0 ? (int)n : 0, buf);
    R("server recv after the peer's close", recv(a, buf, sizeof(buf), 0));
    R("and again", recv(a, buf, sizeof(buf), 0));
    // the first write goes out and the closed peer answers with a reset;
    // after it, writes fail (which of EPIPE and ECONNRESET: part edge)
    R("server write to the closed peer", write(a, "x", 1));
    msleep(200);
    long r = Q("write", write(a, "y", 1));
    check("the next write fails with EPIPE or ECONNRESET",
          r < 0 && (errno == EPIPE || errno == ECONNRESET));
    close(a);
    // SIGPIPE comes with EPIPE, unless MSG_NOSIGNAL (a socket whose own
    // writing side is shut: EPIPE with no reset involved)
    a = tcp_pair(ls, la, &c);
    shutdown(c, SHUT_WR);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_pipe;
    sigaction(SIGPIPE, &sa, NULL);
    pipes = 0;
    R("send MSG_NOSIGNAL after SHUT_WR", send(c, "z", 1, MSG_NOSIGNAL));
    printf("SIGPIPE caught: %d\n", (int)pipes);
    R("send without it", send(c, "z", 1, 0));
    printf("SIGPIPE caught: %d\n", (int)pipes);
    R("write", write(c, "z", 1));
    printf("SIGPIPE caught: %d\n", (int)pipes);
    ignore(SIGPIPE);
    close(a);
    close(c);
}

static void
part_tcp(void)
{
    ignore(SIGPIPE);
    int ls = (int)OK("socket", socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in any = lo(0), la, peer;
    R("bind 127.0.0.1 port 0", bind(ls, (struct sockaddr *)&any, sizeof(any)));
    R("listen", listen(ls, 8));
    socklen_t len = sizeof(la);
    R("getsockname", getsockname(ls, (struct sockaddr *)&la, &len));
    printf("listener: %s\n", addr_text(&la, len));
    R("listen again (a new backlog)", listen(ls, 16));
    int c = (int)OK("client socket", socket(AF_INET, SOCK_STREAM, 0));
    R("connect", connect(c, (struct sockaddr *)&la, sizeof(la)));
    len = sizeof(peer);
    memset(&peer, 0, sizeof(peer));
    int a = (int)OK("accept", accept(ls, (struct sockaddr *)&peer, &len));
    printf("accept's address: %s\n", addr_text(&peer, len));
    tcp_names(c, a, &la, &peer);
    tcp_data(c, a);
    tcp_accept4(ls, &la, a);
    tcp_shutdown(c, a);
    close(c);
    close(a);
    tcp_echo(ls, &la);
    tcp_close(ls, &la);
    close(ls);
}

/* ------------------------------------------------------------- nonblock */

static void
nonblock_listening(void)
{
    struct sockaddr_in la;
    int ls = listener(&la);
    int s = (int)OK("socket SOCK_NONBLOCK",
                    socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    where = "non-blocking connect";
    alarm(WATCH);
    int r = connect(s, (struct sockaddr *)&la, sizeof(la));
    alarm(0);
    check("non-blocking connect: 0 or EINPROGRESS",
          r == 0 || errno == EINPROGRESS);
    poll1("poll POLLOUT", s, POLLOUT, WAITMS);
    geterr("SO_ERROR", s);
    R("connect again", connect(s, (struct sockaddr *)&la, sizeof(la)));
    int a = (int)OK("accept", accept(ls, NULL, NULL));
    R("send on it", send(s, "nb", 2, 0));
    wait_in(a);
    char buf[8];
    R("recv on the accepted end", recv(a, buf, sizeof(buf), 0));
    R("recv, nothing there", recv(s, buf, sizeof(buf), 0));
    close(a);
    close(s);
    // the listener itself non-blocking: accept says EAGAIN, then, once a
    // client waits, poll sees it and accept takes it
    fcntl(ls, F_SETFL, O_NONBLOCK);
    R("accept, nothing pending", accept(ls, NULL, NULL));
    s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(s, (struct sockaddr *)&la, sizeof(la));
    poll1("poll the listener", ls, POLLIN, WAITMS);
    a = (int)OK("accept", accept(ls, NULL, NULL));
    check("accepted socket: O_NONBLOCK", fcntl(a, F_GETFL) & O_NONBLOCK);
    close(a);
    close(s);
    close(ls);
}

static void
nonblock_refused(void)
{
    // a port that was just free: bound once, never listened on, closed
    int t = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = lo(0);
    bind(t, (struct sockaddr *)&any, sizeof(any));
    struct sockaddr_in port = local_of(t);
    close(t);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    R("blocking connect to a closed port",
      connect(s, (struct sockaddr *)&port, sizeof(port)));
    geterr("SO_ERROR after it", s);
    close(s);
    s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    where = "non-blocking connect to a closed port";
    alarm(WATCH);
    int r = connect(s, (struct sockaddr *)&port, sizeof(port));
    int e = errno;
    alarm(0);
    check("non-blocking connect: EINPROGRESS or ECONNREFUSED",
          r < 0 && (e == EINPROGRESS || e == ECONNREFUSED));
    if (r < 0 && e == EINPROGRESS) {
        struct pollfd p = {s, POLLOUT, 0};
        where = "poll for the refusal";
        alarm(WATCH);
        int n = poll(&p, 1, WAITMS);
        alarm(0);
        check("poll: ready, POLLERR or POLLOUT set",
              n == 1 && (p.revents & (POLLERR | POLLOUT)));
        geterr("SO_ERROR", s);
    } else {
        // refused at once: the error was the call's, like Linux's SO_ERROR
        printf("poll: ready, POLLERR or POLLOUT set: yes\n");
        printf("SO_ERROR: ECONNREFUSED (len 4)\n");
    }
    geterr("SO_ERROR again (read once, cleared)", s);
    close(s);
}

static void
part_nonblock(void)
{
    ignore(SIGPIPE);
    nonblock_listening();
    nonblock_refused();
}

/* ----------------------------------------------------------------- poll */

static void
poll_stream(int ls, const struct sockaddr_in *la)
{
    int rw = POLLIN | POLLOUT | POLLRDHUP;
    poll1("listener, nothing pending", ls, POLLIN | POLLOUT, 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    Q("connect", connect(c, (const struct sockaddr *)la, sizeof(*la)));
    poll1("listener, a connection pending", ls, POLLIN, WAITMS);
    int a = (int)Q("accept", accept(ls, NULL, NULL));
    poll1("listener, after accept", ls, POLLIN, 0);
    poll1("accepted, idle", a, rw, 0);
    poll1("client, idle", c, rw, 0);
    send(c, "x", 1, 0);
    poll1("accepted, data came", a, POLLIN, WAITMS);
    poll1("accepted, data came, all", a, rw, 0);
    poll1("accepted, data came, only POLLOUT asked", a, POLLOUT, 0);
    char b;
    read(a, &b, 1);
    poll1("accepted, data read", a, rw, 0);
    shutdown(c, SHUT_WR);
    poll1("accepted, peer shut its writing side", a, POLLIN, WAITMS);
    poll1("same, all", a, rw, 0);
    R("read", read(a, &b, 1));
    poll1("client, after its SHUT_WR", c, rw, 0);
    shutdown(a, SHUT_WR);
    poll1("client, both sides shut", c, POLLIN, WAITMS);
    poll1("same, all", c, rw, 0);
    poll1("accepted, both sides shut", a, rw, 0);
    close(a);
    close(c);
}

static void
poll_close(int ls, const struct sockaddr_in *la)
{
    int c, a = tcp_pair(ls, la, &c);
    close(c);
    poll1("accepted, peer closed", a, POLLIN, WAITMS);
    poll1("same, with POLLRDHUP", a, POLLIN | POLLRDHUP, 0);
    char b;
    R("read", read(a, &b, 1));
    // several at once, one of them closed
    int c2, a2 = tcp_pair(ls, la, &c2);
    send(c2, "y", 1, 0);
    wait_in(a2);
    struct pollfd p[3] = {{a, POLLIN, 0}, {a2, POLLIN, 0}, {99, POLLIN, 0}};
    int n = (int)Q("poll 3", poll(p, 3, 0));
    printf("poll three: %d: %s,", n, evname(p[0].revents));
    printf(" %s,", evname(p[1].revents));
    printf(" %s\n", evname(p[2].revents));
    close(a);
    close(a2);
    close(c2);
}

/* A child sends after 100 ms: poll wakes for it (the wait is real). */
static void
poll_wakeup(int ls, const struct sockaddr_in *la)
{
    int c, a = tcp_pair(ls, la, &c);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(WATCH);
        msleep(100);
        send(c, "w", 1, 0);
        _exit(0);
    }
    helpers[0] = pid;
    poll1("accepted, woken by data 100 ms later", a, POLLIN, WAITMS);
    waitpid(pid, NULL, 0);
    helpers[0] = 0;
    // and the listener, by a connection from a child
    pid = fork();
    if (pid == 0) {
        alarm(WATCH);
        msleep(100);
        int s = socket(AF_INET, SOCK_STREAM, 0);
        connect(s, (const struct sockaddr *)la, sizeof(*la));
        _exit(0);
    }
    helpers[0] = pid;
    poll1("listener, woken by a connection 100 ms later", ls, POLLIN, WAITMS);
    waitpid(pid, NULL, 0);
    helpers[0] = 0;
    int x = (int)OK("accept it", accept(ls, NULL, NULL));
    close(x);
    close(a);
    close(c);
}

static void
select1(const char *what, int fd, int ms)
{
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(fd, &r);
    FD_SET(fd, &w);
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    where = what;
    alarm(WATCH);
    int n = select(fd + 1, &r, &w, NULL, &tv);
    alarm(0);
    if (n < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %d read %d write %d\n", what, n, FD_ISSET(fd, &r) != 0,
               FD_ISSET(fd, &w) != 0);
}

static void
poll_select(int ls, const struct sockaddr_in *la)
{
    fd_set r;
    FD_ZERO(&r);
    FD_SET(ls, &r);
    struct timeval tv = {0, 0};
    R("select on the listener, nothing pending",
      select(ls + 1, &r, NULL, NULL, &tv));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    Q("connect", connect(c, (const struct sockaddr *)la, sizeof(*la)));
    FD_ZERO(&r);
    FD_SET(ls, &r);
    tv.tv_sec = WAITMS / 1000;
    R("select on the listener, a connection pending",
      select(ls + 1, &r, NULL, NULL, &tv));
    int a = (int)Q("accept", accept(ls, NULL, NULL));
    select1("select, accepted, idle", a, 0);
    send(c, "s", 1, 0);
    wait_in(a);
    select1("select, accepted, data came", a, 0);
    char b;
    read(a, &b, 1);
    close(c);
    wait_in(a);
    select1("select, accepted, peer closed", a, 0);
    close(a);
}

static void
part_poll(void)
{
    ignore(SIGPIPE);
    struct sockaddr_in la;
    int ls = listener(&la);
    poll_stream(ls, &la);
    poll_close(ls, &la);
    poll_wakeup(ls, &la);
    poll_select(ls, &la);
    close(ls);
}

/* --------------------------------------------------------------- errors */

/* EADDRINUSE while a listener holds the port, SO_REUSEADDR over a
 * connection left in TIME_WAIT once the listener is gone. */
static void
errors_addrinuse(void)
{
    struct sockaddr_in la;
    int ls = listener(&la);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    R("bind the listener's port", bind(s, (struct sockaddr *)&la, sizeof(la)));
    setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
    R("same, SO_REUSEADDR", bind(s, (struct sockaddr *)&la, sizeof(la)));
    close(s);
    close(ls);
    // a listener with SO_REUSEADDR whose accepted end closes first: the
    // port stays in TIME_WAIT (the reuse is allowed when both sockets ask)
    ls = socket(AF_INET, SOCK_STREAM, 0);
    setint(ls, SOL_SOCKET, SO_REUSEADDR, 1);
    R("bind SO_REUSEADDR, the port just freed",
      bind(ls, (struct sockaddr *)&la, sizeof(la)));
    Q("listen", listen(ls, 8));
    int c, a = tcp_pair(ls, &la, &c);
    close(ls);
    close(a);
    char b;
    wait_in(c);
    R("client reads the server's FIN", read(c, &b, 1));
    close(c);
    msleep(100);
    s = socket(AF_INET, SOCK_STREAM, 0);
    R("bind, port in TIME_WAIT", bind(s, (struct sockaddr *)&la, sizeof(la)));
    setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
    R("bind SO_REUSEADDR, port in TIME_WAIT",
      bind(s, (struct sockaddr *)&la, sizeof(la)));
    R("listen on it", listen(s, 1));
    close(s);
}

/* Calls on a socket in the wrong state. */
static void
errors_state(void)
{
    struct sockaddr_in la;
    int ls = listener(&la);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    char buf[4];
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    R("recv, not connected", recv(s, buf, 1, 0));
    R("send, not connected (SIGPIPE ignored)", send(s, "x", 1, 0));
    R("getpeername, not connected",
      getpeername(s, (struct sockaddr *)&sa, &len));
    R("shutdown, not connected", shutdown(s, SHUT_RDWR));
    R("accept, not listening", accept(s, NULL, NULL));
    len = sizeof(sa);
    R("getsockname, unbound", getsockname(s, (struct sockaddr *)&sa, &len));
    printf("unbound: %s\n", addr_text(&sa, len));
    R("getpeername of a listener",
      getpeername(ls, (struct sockaddr *)&sa, &len));
    R("connect a listener", connect(ls, (struct sockaddr *)&la, sizeof(la)));
    R("connect", connect(s, (struct sockaddr *)&la, sizeof(la)));
    R("connect again", connect(s, (struct sockaddr *)&la, sizeof(la)));
    R("listen on a connected socket", listen(s, 1));
    struct sockaddr_in any = lo(0);
    R("bind a connected socket", bind(s, (struct sockaddr *)&any, sizeof(any)));
    R("shutdown, bad how", shutdown(s, 7));
    R("shutdown SHUT_RDWR", shutdown(s, SHUT_RDWR));
    int t = socket(AF_INET, SOCK_STREAM, 0);
    R("bind", bind(t, (struct sockaddr *)&any, sizeof(any)));
    R("bind again", bind(t, (struct sockaddr *)&any, sizeof(any)));
    close(t);
    close(s);
    close(ls);
}

/* Bad families, types and protocols. */
static void
errors_socket(void)
{
    R("socket(12345, SOCK_STREAM, 0)", socket(12345, SOCK_STREAM, 0));
    R("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)",
      socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    R("socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)",
      socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    R("socket(AF_INET, 99, 0)", socket(AF_INET, 99, 0));
    R("socket(AF_INET, SOCK_STREAM | 0x1000, 0)",
      socket(AF_INET, SOCK_STREAM | 0x1000, 0));
    int s = (int)OK("socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)",
                    socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
    close(s);
    s = (int)OK("socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)",
                socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    close(s);
    s = (int)OK("socket SOCK_CLOEXEC",
                socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    check("FD_CLOEXEC", fcntl(s, F_GETFD) & FD_CLOEXEC);
    check("O_NONBLOCK", fcntl(s, F_GETFL) & O_NONBLOCK);
    close(s);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    R("listen on UDP", listen(u, 1));
    R("accept on UDP", accept(u, NULL, NULL));
    close(u);
}

/* Socket calls on what is not a socket. */
static void
errors_notsock(void)
{
    int p[2];
    pipe(p);
    struct sockaddr_in a = lo(0);
    socklen_t len = sizeof(a);
    int v = 1;
    int closed = socket(AF_INET, SOCK_STREAM, 0);
    close(closed);
    const struct {
        const char *name;
        int fd;
    } fds[] = {{"closed fd", closed}, {"pipe", p[0]}};
    char line[80];
    for (int i = 0; i < 2; i++) {
        int fd = fds[i].fd;
#define ON(call, expr)                                                         \
    snprintf(line, sizeof(line), "%s on a %s", call, fds[i].name);             \
    R(line, expr)
        ON("bind", bind(fd, (struct sockaddr *)&a, sizeof(a)));
        ON("listen", listen(fd, 1));
        ON("accept", accept(fd, NULL, NULL));
        ON("connect", connect(fd, (struct sockaddr *)&a, sizeof(a)));
        ON("getsockname", getsockname(fd, (struct sockaddr *)&a, &len));
        ON("getpeername", getpeername(fd, (struct sockaddr *)&a, &len));
        ON("shutdown", shutdown(fd, SHUT_RDWR));
        ON("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, 4));
        ON("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
        ON("sendto", sendto(fd, "x", 1, MSG_DONTWAIT, NULL, 0));
        ON("recvfrom", recvfrom(fd, line, 1, MSG_DONTWAIT, NULL, NULL));
#undef ON
    }
    close(p[0]);
    close(p[1]);
}

/* Bad pointers and lengths. */
static void
errors_args(void)
{
    struct sockaddr_in la;
    int ls = listener(&la);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo(0);
    socklen_t len = sizeof(a);
    R("bind, bad address pointer", bind(s, BAD, sizeof(a)));
    R("bind, addrlen 8", bind(s, (struct sockaddr *)&a, 8));
    R("bind, addrlen 0", bind(s, (struct sockaddr *)&a, 0));
    R("bind, addrlen -1", bind(s, (struct sockaddr *)&a, (socklen_t)-1));
    struct sockaddr_in six = a;
    six.sin_family = AF_INET6;
    R("bind, family AF_INET6", bind(s, (struct sockaddr *)&six, sizeof(six)));
    R("connect, bad address pointer", connect(s, BAD, sizeof(a)));
    R("connect, addrlen 4", connect(s, (struct sockaddr *)&la, 4));
    R("getsockname, bad address pointer", getsockname(s, BAD, &len));
    R("getsockname, bad length pointer",
      getsockname(s, (struct sockaddr *)&a, BAD));
    len = (socklen_t)-1;
    R("getsockname, length -1", getsockname(s, (struct sockaddr *)&a, &len));
    len = 4;
    R("getsockname, length 4 (truncated)",
      getsockname(ls, (struct sockaddr *)&a, &len));
    printf("length after it: %u\n", (unsigned)len);
    R("connect", connect(s, (struct sockaddr *)&la, sizeof(la)));
    int acc = (int)Q("accept", accept(ls, NULL, NULL));
    R("send, bad buffer", send(s, BAD, 10, 0));
    send(acc, "data", 4, 0);
    wait_in(s);
    R("recv, bad buffer", recv(s, BAD, 10, 0));
    long r = sendto(s, "x", 1, 0, BAD, sizeof(a));
    check("sendto, bad address pointer, connected: ignored or EFAULT",
          r == 1 || (r < 0 && errno == EFAULT));
    int v = 1;
    R("setsockopt, bad value pointer",
      setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, BAD, 4));
    R("setsockopt, optlen 2", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 2));
    R("setsockopt, optlen -1",
      setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, (socklen_t)-1));
    len = 4;
    R("getsockopt, bad value pointer",
      getsockopt(s, SOL_SOCKET, SO_TYPE, BAD, &len));
    R("getsockopt, bad length pointer",
      getsockopt(s, SOL_SOCKET, SO_TYPE, &v, BAD));
    len = (socklen_t)-1;
    R("getsockopt, length -1", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
    close(acc);
    close(s);
    close(ls);
}

static void
part_errors(void)
{
    ignore(SIGPIPE);
    errors_addrinuse();
    errors_state();
    errors_socket();
    errors_notsock();
    errors_args();
}

/* ----------------------------------------------------------------- opts */

static void
opts_flags(int s, int u)
{
    getint("SO_TYPE, TCP", s, SOL_SOCKET, SO_TYPE);
    getint("SO_TYPE, UDP", u, SOL_SOCKET, SO_TYPE);
    getint("SO_REUSEADDR", s, SOL_SOCKET, SO_REUSEADDR);
    R("set SO_REUSEADDR 5", setint(s, SOL_SOCKET, SO_REUSEADDR, 5));
    getint("SO_REUSEADDR", s, SOL_SOCKET, SO_REUSEADDR);
    R("set SO_REUSEADDR 0", setint(s, SOL_SOCKET, SO_REUSEADDR, 0));
    getint("SO_REUSEADDR", s, SOL_SOCKET, SO_REUSEADDR);
    getint("SO_KEEPALIVE", s, SOL_SOCKET, SO_KEEPALIVE);
    R("set SO_KEEPALIVE 1", setint(s, SOL_SOCKET, SO_KEEPALIVE, 1));
    getint("SO_KEEPALIVE", s, SOL_SOCKET, SO_KEEPALIVE);
    geterr("SO_ERROR", s);
    getint("SO_ACCEPTCONN, not listening", s, SOL_SOCKET, SO_ACCEPTCONN);
    getint("TCP_NODELAY", s, IPPROTO_TCP, TCP_NODELAY);
    R("set TCP_NODELAY 1", setint(s, IPPROTO_TCP, TCP_NODELAY, 1));
    getint("TCP_NODELAY", s, IPPROTO_TCP, TCP_NODELAY);
    R("set TCP_NODELAY 0", setint(s, IPPROTO_TCP, TCP_NODELAY, 0));
    getint("TCP_NODELAY", s, IPPROTO_TCP, TCP_NODELAY);
    R("getsockopt SOL_SOCKET 9999",
      getsockopt(s, SOL_SOCKET, 9999, &(int){0}, &(socklen_t){4}));
    R("setsockopt SOL_SOCKET 9999", setint(s, SOL_SOCKET, 9999, 1));
    R("getsockopt IPPROTO_TCP 9999",
      getsockopt(s, IPPROTO_TCP, 9999, &(int){0}, &(socklen_t){4}));
    R("setsockopt IPPROTO_TCP 9999", setint(s, IPPROTO_TCP, 9999, 1));
}

static void
opts_buffers(int s)
{
    const int names[] = {SO_RCVBUF, SO_SNDBUF};
    const char *what[] = {"SO_RCVBUF", "SO_SNDBUF"};
    for (int i = 0; i < 2; i++) {
        int v = 0;
        socklen_t len = sizeof(v);
        getsockopt(s, SOL_SOCKET, names[i], &v, &len);
        printf("%s > 0: %s (len %u)\n", what[i], v > 0 ? "yes" : "no",
               (unsigned)len);
        R("set it to 65536", setint(s, SOL_SOCKET, names[i], 65536));
        len = sizeof(v);
        getsockopt(s, SOL_SOCKET, names[i], &v, &len);
        printf("%s > 0: %s\n", what[i], v > 0 ? "yes" : "no");
    }
}

static void
opts_linger(int s)
{
    struct linger l = {7, 7};
    socklen_t len = sizeof(l);
    R("get SO_LINGER", getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
    printf("SO_LINGER: onoff %d linger %d (len %u)\n", l.l_onoff, l.l_linger,
           (unsigned)len);
    l = (struct linger){1, 5};
    R("set SO_LINGER on, 5 s",
      setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
    memset(&l, 0, sizeof(l));
    len = sizeof(l);
    R("get SO_LINGER", getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
    printf("SO_LINGER: onoff %d linger %d (len %u)\n", l.l_onoff != 0,
           l.l_linger, (unsigned)len);
    R("set SO_LINGER, short length",
      setsockopt(s, SOL_SOCKET, SO_LINGER, &l, 4));
}

/* SO_RCVTIMEO: a recv on an idle connection gives up after 200 ms. */
static void
opts_rcvtimeo(int ls, const struct sockaddr_in *la)
{
    int c, a = tcp_pair(ls, la, &c);
    struct timeval tv = {5, 5};
    socklen_t len = sizeof(tv);
    R("get SO_RCVTIMEO", getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    printf("SO_RCVTIMEO: %ld.%06ld (len %u)\n", (long)tv.tv_sec,
           (long)tv.tv_usec, (unsigned)len);
    tv = (struct timeval){0, 200000};
    R("set SO_RCVTIMEO 0.2 s",
      setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    memset(&tv, 0, sizeof(tv));
    len = sizeof(tv);
    R("get SO_RCVTIMEO", getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    printf("SO_RCVTIMEO: %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    long t0 = now_ms();
    char b;
    R("recv on an idle connection", recv(a, &b, 1, 0));
    long dt = now_ms() - t0;
    check("it took 150 ms to 3 s", dt >= 150 && dt <= 3000);
    R("send", send(c, "t", 1, 0));
    R("recv with data there", recv(a, &b, 1, 0));
    tv = (struct timeval){0, 0};
    R("set SO_RCVTIMEO 0 (wait forever)",
      setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    len = sizeof(tv);
    R("get SO_SNDTIMEO", getsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &tv, &len));
    printf("SO_SNDTIMEO: %ld.%06ld (len %u)\n", (long)tv.tv_sec,
           (long)tv.tv_usec, (unsigned)len);
    close(a);
    close(c);
}

static void
part_opts(void)
{
    ignore(SIGPIPE);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    opts_flags(s, u);
    opts_buffers(s);
    opts_linger(s);
    struct sockaddr_in la;
    int ls = listener(&la);
    getint("SO_ACCEPTCONN, listening", ls, SOL_SOCKET, SO_ACCEPTCONN);
    getint("SO_REUSEADDR of a UDP socket", u, SOL_SOCKET, SO_REUSEADDR);
    opts_rcvtimeo(ls, &la);
    close(ls);
    close(s);
    close(u);
}

/* ------------------------------------------------------------------ udp */

static int
udp_bound(struct sockaddr_in *self)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo(0);
    if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof(a)) < 0)
        die("udp socket");
    *self = local_of(u);
    return u;
}

/* Receive one datagram on @p u into @p buf (waiting for it first); print
 * its length, text and whether it came from @p from. */
static void
udp_recv(const char *what, int u, size_t room, const struct sockaddr_in *from)
{
    char buf[2048];
    struct sockaddr_in src;
    socklen_t len = sizeof(src);
    memset(&src, 0, sizeof(src));
    wait_in(u);
    long n = R(what, recvfrom(u, buf, room, MSG_DONTWAIT,
                              (struct sockaddr *)&src, &len));
    if (n < 0)
        return;
    printf("  text: %.*s\n", (int)(n < 40 ? n : 40), buf);
    printf("  from: %s, the sender: %s\n", addr_text(&src, len),
           same_addr(&src, from) ? "yes" : "no");
}

static void
udp_basic(int u1, const struct sockaddr_in *a1, int u2,
          const struct sockaddr_in *a2)
{
    char buf[16];
    printf("socket: %s\n", addr_text(a1, sizeof(*a1)));
    R("recv, nothing there", recv(u1, buf, sizeof(buf), MSG_DONTWAIT));
    poll1("poll, nothing there", u1, POLLIN | POLLOUT, 0);
    R("sendto one",
      sendto(u2, "one", 3, 0, (const struct sockaddr *)a1, sizeof(*a1)));
    R("sendto two",
      sendto(u2, "two!", 4, 0, (const struct sockaddr *)a1, sizeof(*a1)));
    poll1("poll, datagrams there", u1, POLLIN | POLLOUT, WAITMS);
    udp_recv("recvfrom", u1, sizeof(buf), a2);
    udp_recv("recvfrom", u1, sizeof(buf), a2);
    R("recv, nothing left", recv(u1, buf, sizeof(buf), MSG_DONTWAIT));
    R("send, no destination", send(u2, "x", 1, 0));
    R("sendto an empty datagram",
      sendto(u2, "", 0, 0, (const struct sockaddr *)a1, sizeof(*a1)));
    udp_recv("recvfrom it", u1, sizeof(buf), a2);
    // a short read takes the head of the datagram; the rest is dropped
    sendto(u2, "abcdefgh", 8, 0, (const struct sockaddr *)a1, sizeof(*a1));
    sendto(u2, "next", 4, 0, (const struct sockaddr *)a1, sizeof(*a1));
    udp_recv("recvfrom into 3 bytes", u1, 3, a2);
    udp_recv("then the next datagram", u1, sizeof(buf), a2);
    sendto(u2, "peekpeek", 8, 0, (const struct sockaddr *)a1, sizeof(*a1));
    wait_in(u1);
    R("recv MSG_PEEK", recv(u1, buf, sizeof(buf), MSG_PEEK));
    udp_recv("recvfrom after it", u1, sizeof(buf), a2);
    char big[1000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    R("sendto 1000 bytes", sendto(u2, big, sizeof(big), 0,
                                  (const struct sockaddr *)a1, sizeof(*a1)));
    udp_recv("recvfrom", u1, sizeof(buf) + 2000, a2);
}

static void
udp_connected(int u1, const struct sockaddr_in *a1, int u2,
              const struct sockaddr_in *a2)
{
    char buf[16];
    struct sockaddr_in p;
    socklen_t len = sizeof(p);
    R("getpeername, not connected",
      getpeername(u2, (struct sockaddr *)&p, &len));
    R("connect u2 to u1",
      connect(u2, (const struct sockaddr *)a1, sizeof(*a1)));
    len = sizeof(p);
    R("getpeername", getpeername(u2, (struct sockaddr *)&p, &len));
    check("the peer is u1", same_addr(&p, a1));
    R("send", send(u2, "conn", 4, 0));
    udp_recv("u1 recvfrom", u1, sizeof(buf), a2);
    R("u1 sendto u2",
      sendto(u1, "back", 4, 0, (const struct sockaddr *)a2, sizeof(*a2)));
    wait_in(u2);
    long n = R("u2 recv", recv(u2, buf, sizeof(buf), 0));
    printf("  text: %.*s\n", n > 0 ? (int)n : 0, buf);
    // a third socket's datagram is not for a socket connected to u1
    struct sockaddr_in a3;
    int u3 = udp_bound(&a3);
    R("u3 sendto u2",
      sendto(u3, "stranger", 8, 0, (const struct sockaddr *)a2, sizeof(*a2)));
    msleep(200);
    R("u2 recv: not from its peer", recv(u2, buf, sizeof(buf), MSG_DONTWAIT));
    R("u2 write", write(u2, "via write", 9));
    udp_recv("u1 recvfrom", u1, sizeof(buf), a2);
    close(u3);
}

static void
udp_msg(int u1, const struct sockaddr_in *a1, int u2,
        const struct sockaddr_in *a2)
{
    struct iovec out[3] = {{"ab", 2}, {"cde", 3}, {"f", 1}};
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_name = (void *)a1;
    m.msg_namelen = sizeof(*a1);
    m.msg_iov = out;
    m.msg_iovlen = 3;
    R("sendmsg, 3 iovecs", sendmsg(u2, &m, 0));
    char x[4] = {0}, y[4] = {0};
    struct iovec in[2] = {{x, 3}, {y, 3}};
    struct sockaddr_in src;
    memset(&m, 0, sizeof(m));
    memset(&src, 0, sizeof(src));
    m.msg_name = &src;
    m.msg_namelen = sizeof(src);
    m.msg_iov = in;
    m.msg_iovlen = 2;
    wait_in(u1);
    R("recvmsg, 2 iovecs", recvmsg(u1, &m, 0));
    printf("  iovecs: %s %s, flags %#x\n", x, y, (unsigned)m.msg_flags);
    printf("  from: %s, the sender: %s\n", addr_text(&src, m.msg_namelen),
           same_addr(&src, a2) ? "yes" : "no");
    // a datagram longer than the iovecs: MSG_TRUNC in msg_flags
    sendto(u2, "0123456789", 10, 0, (const struct sockaddr *)a1, sizeof(*a1));
    memset(x, 0, sizeof(x));
    memset(y, 0, sizeof(y));
    m.msg_namelen = sizeof(src);
    m.msg_flags = 0;
    wait_in(u1);
    R("recvmsg, 6 of 10 bytes", recvmsg(u1, &m, 0));
    printf("  iovecs: %s %s, MSG_TRUNC %s\n", x, y,
           m.msg_flags & MSG_TRUNC ? "set" : "clear");
    sendto(u2, "0123456789", 10, 0, (const struct sockaddr *)a1, sizeof(*a1));
    wait_in(u1);
    char buf[4];
    R("recv MSG_TRUNC into 4 bytes: the datagram's length",
      recv(u1, buf, sizeof(buf), MSG_TRUNC));
}

static void
part_udp(void)
{
    struct sockaddr_in a1, a2;
    int u1 = udp_bound(&a1), u2 = udp_bound(&a2);
    udp_basic(u1, &a1, u2, &a2);
    udp_msg(u1, &a1, u2, &a2);
    udp_connected(u1, &a1, u2, &a2);
    close(u1);
    close(u2);
}

/* ----------------------------------------------------------------- edge */

static void
part_edge(void)
{
    ignore(SIGPIPE);
    struct sockaddr_in la;
    int ls = listener(&la);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    poll1("poll a fresh TCP socket", s, POLLIN | POLLOUT | POLLRDHUP, 0);
    struct sockaddr_in far = lo(0);
    far.sin_addr.s_addr = htonl(0x0a090909);
    R("bind 10.9.9.9 (no interface has it)",
      bind(s, (struct sockaddr *)&far, sizeof(far)));
    struct timeval tv = {0, 1000000};
    R("SO_RCVTIMEO with tv_usec 1000000",
      setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    close(s);
    // a recv of 0 bytes with nothing there
    int c, a = tcp_pair(ls, &la, &c);
    char b;
    R("recv 0 bytes MSG_DONTWAIT, nothing there", recv(c, &b, 0, MSG_DONTWAIT));
    close(a);
    close(c);
    // writes to a connection the peer closed: the reset comes back
    a = tcp_pair(ls, &la, &c);
    close(c);
    wait_in(a);
    R("write to the closed peer", write(a, "x", 1));
    msleep(200);
    poll1("poll after the reset", a, POLLIN | POLLOUT | POLLRDHUP, 0);
    R("write", write(a, "y", 1));
    R("write", write(a, "y", 1));
    R("read", read(a, &b, 1));
    close(a);
    // unread data at close: the peer is reset, not shut down
    a = tcp_pair(ls, &la, &c);
    send(c, "unread", 6, 0);
    msleep(100);
    close(a);
    wait_in(c);
    R("read after the peer closed with unread data", read(c, &b, 1));
    R("read again", read(c, &b, 1));
    close(c);
    // connect gives an unbound UDP socket a port and the source address
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    R("connect an unbound UDP socket",
      connect(u, (struct sockaddr *)&la, sizeof(la)));
    struct sockaddr_in self = local_of(u);
    printf("its address: %s\n", addr_text(&self, sizeof(self)));
    close(u);
    // the any-address as a destination is this host: Linux routes it to
    // the loopback, for TCP and UDP alike
    struct sockaddr_in any = la;
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    c = socket(AF_INET, SOCK_STREAM, 0);
    R("connect to 0.0.0.0, the listener's port",
      connect(c, (struct sockaddr *)&any, sizeof(any)));
    OK("accept it", a = accept(ls, NULL, NULL));
    close(a);
    close(c);
    struct sockaddr_in ua;
    int u1 = udp_bound(&ua);
    any.sin_port = ua.sin_port;
    u = socket(AF_INET, SOCK_DGRAM, 0);
    R("sendto 0.0.0.0, a bound UDP socket's port",
      sendto(u, "any", 3, 0, (struct sockaddr *)&any, sizeof(any)));
    char got[8] = "";
    wait_in(u1);
    R("recv it", recv(u1, got, sizeof(got) - 1, MSG_DONTWAIT));
    printf("received: %s\n", got);
    close(u);
    close(u1);
    close(ls);
}

/* ----------------------------------------------------------------- main */

static void
part_overdue(int sig)
{
    (void)sig;
}

/* Run @p fn in a child of its own, so that a part that dies or times out
 * leaves the others to run. The child's watchdog names the call that
 * hangs; should the child not even get to run it (a wait that a signal
 * does not end), the parent kills it after PART_LIMIT seconds. */
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
        int always;
    } parts[] = {{"tcp", part_tcp, 1},   {"nonblock", part_nonblock, 1},
                 {"poll", part_poll, 1}, {"errors", part_errors, 1},
                 {"opts", part_opts, 1}, {"udp", part_udp, 1},
                 {"edge", part_edge, 0}};
    // no argument: the usual parts; "all": every part; else the parts named
    int found = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int want = argc < 2 && parts[i].always;
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
        printf("socktest: no part %s\n", argv[1]);
        return 2;
    }
    return 0;
}
