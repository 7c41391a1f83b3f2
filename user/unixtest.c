/*
 * unixtest: AF_UNIX sockets, compared with Linux.
 *
 * `unixtest PART...` runs the parts named (`all`: every part but leak):
 *
 *   stream    socketpair, read and write, MSG_PEEK, MSG_DONTWAIT,
 *             MSG_WAITALL, FIONREAD, shutdown, EPIPE and SIGPIPE
 *             (MSG_NOSIGNAL), SO_SNDBUF making a writer block, SO_TYPE.
 *   conn      bind to a path (a socket inode: stat says so), listen,
 *             connect, accept and accept4's flags, the names of both ends
 *             with their lengths, ECONNREFUSED, ENOENT, EADDRINUSE, a full
 *             backlog (EAGAIN, and a blocking connect that waits), unlink,
 *             EISCONN, EINVAL, EOPNOTSUPP, ENOTCONN.
 *   names     abstract names, autobind, bind's errors, the names an
 *             accepted socket and its peer report.
 *   dgram     sendto a path, the sender's name, record boundaries and
 *             MSG_TRUNC, connected datagram sockets, EPERM, ECONNREFUSED,
 *             ENOENT, a full receive queue.
 *   seqpacket records over a connection, MSG_TRUNC, the end, EPIPE.
 *   rights    SCM_RIGHTS between processes: the passed descriptor works
 *             after the sender closed its own; MSG_CMSG_CLOEXEC; several
 *             at once; MSG_CTRUNC closes what does not fit; MSG_PEEK; a
 *             stream read stops after a message that carried files.
 *   rights_errors  bad control messages: EINVAL, EBADF, EFAULT, 253 fds;
 *             a user's files in flight bounded by RLIMIT_NOFILE
 *             (ETOOMANYREFS).
 *   gc        files in flight when both ends close, sockets passed over
 *             themselves, a chain of 300 pairs each passed inside the
 *             next (a kernel that closes them recursively runs out of
 *             stack): the files they carried are closed (a pipe reader
 *             sees the end).
 *   creds     SO_PEERCRED of a pair and of a connection; SCM_CREDENTIALS
 *             sent and received with SO_PASSCRED; autobind for it.
 *   poll      readiness of pairs, listeners, shut and closed ends.
 *   misc      options' defaults and bounds, fstat, open() of a socket's
 *             path, calls on a listener, SO_RCVTIMEO, a user's false
 *             SCM_CREDENTIALS (EPERM).
 *   leak      (only when named) how many AF_UNIX sockets /proc/net/unix
 *             lists: run last, on Keel, it must be 0.
 *
 * Names live in /tmp and in the abstract space with the pid in them,
 * printed never: lengths are printed, and a name's length does not vary
 * (the pid is formatted to 8 digits). Each part runs in a child; each
 * call is watched by alarm(), a hang prints "timeout: <call>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

#define WATCH 10
#define WAITMS 3000
#define PART_LIMIT 60

static void *volatile bad_address = (void *)1;
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

static void
report(const char *what, long r, int err, int ok)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(err));
    else if (ok)
        printf("%s: ok\n", what);
    else
        printf("%s: %ld\n", what, r);
}

#define CALL(what, expr, ok)                                                   \
    ({                                                                         \
        where = (what);                                                        \
        alarm(WATCH);                                                          \
        errno = 0;                                                             \
        long r_ = (long)(expr);                                                \
        int e_ = errno;                                                        \
        alarm(0);                                                              \
        report(what, r_, e_, ok);                                              \
        errno = e_;                                                            \
        r_;                                                                    \
    })
#define R(what, expr) CALL(what, expr, 0)
#define OK(what, expr) CALL(what, expr, 1)
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

static void
die(const char *what)
{
    printf("%s: failed: %s\n", what, errname(errno));
    exit(1);
}

/* A path name in /tmp, the same length for every pid. */
static socklen_t
path_addr(struct sockaddr_un *a, const char *tag)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    snprintf(a->sun_path, sizeof(a->sun_path), "/tmp/ut%08d.%s", (int)getpid(),
             tag);
    unlink(a->sun_path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                       strlen(a->sun_path) + 1);
}

/* An abstract name, the same length for every pid. */
static socklen_t
abstract_addr(struct sockaddr_un *a, const char *tag)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "ut%08d.%s",
                     (int)getpid(), tag);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int
pair(int type, int sv[2])
{
    if (socketpair(AF_UNIX, type, 0, sv) < 0)
        die("socketpair");
    return 0;
}

/* The revents of @p fd for POLLIN|POLLOUT|POLLRDHUP, as names. */
static const char *
revents(int fd, int ms)
{
    static char buf[80];
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    int n = Q("poll", poll(&p, 1, ms));
    snprintf(buf, sizeof(buf), "%d%s%s%s%s%s", n,
             (p.revents & POLLIN) ? " IN" : "",
             (p.revents & POLLOUT) ? " OUT" : "",
             (p.revents & POLLRDHUP) ? " RDHUP" : "",
             (p.revents & POLLHUP) ? " HUP" : "",
             (p.revents & POLLERR) ? " ERR" : "");
    return buf;
}

/* Wait for @p fd to be readable (up to WAITMS). */
static int
readable(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return Q("poll", poll(&p, 1, WAITMS)) == 1;
}

static volatile int sigpipes;

static void
on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
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

/* ---- stream ----------------------------------------------------------- */

static void
stream_buffer(void)
{
    int sv[2];
    pair(SOCK_STREAM, sv);
    int small = 8192;
    R("setsockopt SO_SNDBUF",
      setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
    int got = 0;
    socklen_t len = sizeof(got);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &got, &len);
    printf("SO_SNDBUF doubled: %d\n", got);
    char buf[1024];
    memset(buf, 'x', sizeof(buf));
    long total = 0, n;
    while ((n = send(sv[0], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
        total += n;
    printf("full: %s, bytes queued: %s\n", errname(errno),
           total > 0 && total <= 3 * 16384 ? "some" : "wrong");
    pid_t pid = fork();
    if (pid == 0) { // a blocking writer: it waits until the reader reads
        long w = 0;
        for (int i = 0; i < 64; i++)
            w += write(sv[0], buf, sizeof(buf));
        _exit(w == 64 * 1024 ? 0 : 1);
    }
    long r = 0;
    while (r < total + 64 * 1024 && readable(sv[1]))
        r += read(sv[1], buf, sizeof(buf));
    int st;
    waitpid(pid, &st, 0);
    check("blocked writer finished, every byte read",
          r == total + 64 * 1024 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(sv[0]);
    close(sv[1]);
}

static void
part_stream(void)
{
    int sv[2];
    R("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int v = 0;
    socklen_t len = sizeof(v);
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len);
    printf("SO_TYPE: %d len %u\n", v, (unsigned)len);
    getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len);
    printf("SO_DOMAIN: %d\n", v);
    R("write", write(sv[0], "hello", 5));
    R("write", write(sv[0], "world", 5));
    int n = 0;
    ioctl(sv[1], FIONREAD, &n);
    printf("FIONREAD: %d\n", n);
    char buf[64] = {0};
    R("recv MSG_PEEK", recv(sv[1], buf, 3, MSG_PEEK));
    printf("peeked: %.3s\n", buf);
    R("read across writes", read(sv[1], buf, sizeof(buf)));
    R("recv MSG_DONTWAIT", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        write(sv[0], "abc", 3);
        usleep(100000);
        write(sv[0], "defgh", 5);
        _exit(0);
    }
    R("recv MSG_WAITALL 8", recv(sv[1], buf, 8, MSG_WAITALL));
    printf("waitall got: %.8s\n", buf);
    waitpid(pid, NULL, 0);
    R("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
    R("read after peer's SHUT_WR", read(sv[1], buf, sizeof(buf)));
    R("write after own SHUT_WR (MSG_NOSIGNAL)",
      send(sv[0], "x", 1, MSG_NOSIGNAL));
    R("other direction still works", write(sv[1], "back", 4));
    R("read it", read(sv[0], buf, sizeof(buf)));
    signal(SIGPIPE, on_sigpipe);
    R("close", close(sv[1]));
    R("read after peer's close", read(sv[0], buf, sizeof(buf)));
    sigpipes = 0;
    R("write after peer's close", write(sv[0], "x", 1));
    printf("SIGPIPE: %d\n", sigpipes);
    R("send MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
    printf("SIGPIPE: %d\n", sigpipes);
    close(sv[0]);
    pair(SOCK_STREAM, sv);
    write(sv[0], "unread", 6);
    close(sv[1]);
    R("read, the peer closed with bytes unread", read(sv[0], buf, 1));
    R("read again", read(sv[0], buf, 1));
    close(sv[0]);
    R("socketpair nonblock cloexec",
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
    printf("flags: %s %s\n",
           (fcntl(sv[0], F_GETFL) & O_NONBLOCK) ? "nonblock" : "block",
           (fcntl(sv[1], F_GETFD) & FD_CLOEXEC) ? "cloexec" : "-");
    R("read empty nonblocking", read(sv[0], buf, 1));
    close(sv[0]);
    close(sv[1]);
    R("socketpair AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
    R("socketpair AF_INET dgram", socketpair(AF_INET, SOCK_DGRAM, 0, sv));
    R("socketpair family 99", socketpair(99, SOCK_STREAM, 0, sv));
    R("socketpair bad type", socketpair(AF_UNIX, 9, 0, sv));
    R("socketpair bad protocol", socketpair(AF_UNIX, SOCK_STREAM, 7, sv));
    R("socketpair bad pointer",
      socketpair(AF_UNIX, SOCK_STREAM, 0, bad_address));
    stream_buffer();
}

/* ---- connections ------------------------------------------------------ */

static void
print_name(const char *what, int fd, int peer)
{
    struct sockaddr_un a;
    socklen_t len = sizeof(a);
    memset(&a, 0, sizeof(a));
    int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len)
                 : getsockname(fd, (struct sockaddr *)&a, &len);
    if (r < 0) {
        printf("%s: %s\n", what, errname(errno));
        return;
    }
    const char *kind = len <= 2               ? "unnamed"
                       : a.sun_path[0] == 0   ? "abstract"
                       : a.sun_path[0] == '/' ? "path"
                                              : "other";
    printf("%s: family %d len %u %s\n", what, a.sun_family, (unsigned)len,
           kind);
}

static void
conn_backlog(void)
{
    struct sockaddr_un a;
    socklen_t al = path_addr(&a, "b");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(l, (struct sockaddr *)&a, al) < 0 || listen(l, 0) < 0)
        die("bind/listen");
    int c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    R("connect within backlog 0", connect(c1, (struct sockaddr *)&a, al));
    R("connect, backlog full, nonblocking",
      connect(c2, (struct sockaddr *)&a, al));
    pid_t pid = fork();
    if (pid == 0) {
        int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
        int r = connect(c3, (struct sockaddr *)&a, al);
        _exit(r == 0 ? 0 : 1);
    }
    usleep(200000);
    int s1 = accept(l, NULL, NULL);
    int st;
    Q("waitpid", waitpid(pid, &st, 0));
    printf("blocking connect waited for room: %s\n", status_text(st));
    int s2 = accept(l, NULL, NULL);
    check("both accepted", s1 >= 0 && s2 >= 0);
    close(s1);
    close(s2);
    close(c1);
    close(c2);
    close(l);
    unlink(a.sun_path);
}

static void
conn_errors(const struct sockaddr_un *a, socklen_t al)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    char buf[8];
    R("read unconnected", read(s, buf, 1));
    R("send unconnected", send(s, "x", 1, MSG_NOSIGNAL));
    R("sendto unconnected stream",
      sendto(s, "x", 1, MSG_NOSIGNAL, (const struct sockaddr *)a, al));
    R("listen unbound", listen(s, 5));
    R("accept not listening", accept(s, NULL, NULL));
    struct sockaddr_un m;
    socklen_t ml = path_addr(&m, "missing");
    R("connect missing path", connect(s, (struct sockaddr *)&m, ml));
    int fd = open(m.sun_path, O_CREAT | O_WRONLY, 0666);
    close(fd);
    R("connect regular file", connect(s, (struct sockaddr *)&m, ml));
    unlink(m.sun_path);
    R("connect short address", connect(s, (struct sockaddr *)a, 2));
    struct sockaddr_un bad = *a;
    bad.sun_family = AF_INET;
    R("connect AF_INET address", connect(s, (struct sockaddr *)&bad, al));
    R("connect too long", connect(s, (struct sockaddr *)a, sizeof(*a) + 1));
    close(s);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    R("listen dgram", listen(d, 1));
    R("accept dgram", accept(d, NULL, NULL));
    R("connect stream name from dgram", connect(d, (struct sockaddr *)a, al));
    close(d);
}

static void
part_conn(void)
{
    struct sockaddr_un a;
    socklen_t al = path_addr(&a, "s");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    R("bind path", bind(l, (struct sockaddr *)&a, al));
    struct stat st;
    R("stat", stat(a.sun_path, &st));
    check("S_ISSOCK", S_ISSOCK(st.st_mode));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    R("connect before listen", connect(c, (struct sockaddr *)&a, al));
    R("listen", listen(l, 5));
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    R("bind same path", bind(l2, (struct sockaddr *)&a, al));
    close(l2);
    print_name("listener name", l, 0);
    R("connect", connect(c, (struct sockaddr *)&a, al));
    R("connect again", connect(c, (struct sockaddr *)&a, al));
    R("listen connected", listen(c, 5));
    struct sockaddr_un p;
    socklen_t pl = sizeof(p);
    int s =
        OK("accept4 cloexec nonblock", accept4(l, (struct sockaddr *)&p, &pl,
                                               SOCK_CLOEXEC | SOCK_NONBLOCK));
    printf("accept's address: len %u family %d\n", (unsigned)pl, p.sun_family);
    printf("accepted flags: %s %s\n",
           (fcntl(s, F_GETFL) & O_NONBLOCK) ? "nonblock" : "block",
           (fcntl(s, F_GETFD) & FD_CLOEXEC) ? "cloexec" : "-");
    print_name("client name", c, 0);
    print_name("client peer", c, 1);
    print_name("accepted name", s, 0);
    print_name("accepted peer", s, 1);
    print_name("listener peer", l, 1);
    fcntl(l, F_SETFL, O_NONBLOCK);
    R("accept empty O_NONBLOCK", accept(l, NULL, NULL));
    char buf[16] = {0};
    R("client writes", write(c, "ping", 4));
    R("server reads", read(s, buf, sizeof(buf)));
    R("sendto on connected stream",
      sendto(c, "x", 1, 0, (struct sockaddr *)&a, al));
    R("unlink the path", unlink(a.sun_path));
    R("connection still works", write(s, "pong", 4));
    R("client reads", read(c, buf, sizeof(buf)));
    int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    R("connect after unlink", connect(c2, (struct sockaddr *)&a, al));
    R("bind the path again", bind(c2, (struct sockaddr *)&a, al));
    close(c2);
    unlink(a.sun_path);
    close(s);
    close(c);
    int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
    R("connect to a closed listener's path",
      connect(c3, (struct sockaddr *)&a, al));
    close(c3);
    R("shutdown the listener", shutdown(l, SHUT_RDWR));
    R("accept after shutdown, nonblocking", accept(l, NULL, NULL));
    fcntl(l, F_SETFL, 0);
    R("accept after shutdown, blocking", accept(l, NULL, NULL));
    close(l);
    conn_errors(&a, al);
    conn_backlog();
}

/* ---- names ------------------------------------------------------------ */

static void
part_names(void)
{
    struct sockaddr_un a;
    socklen_t al = abstract_addr(&a, "n");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    R("bind abstract", bind(l, (struct sockaddr *)&a, al));
    print_name("abstract name", l, 0);
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    R("bind same abstract", bind(l2, (struct sockaddr *)&a, al));
    R("bind abstract one byte longer", bind(l2, (struct sockaddr *)&a, al + 1));
    print_name("longer name", l2, 0);
    R("bind twice", bind(l, (struct sockaddr *)&a, al));
    close(l2);
    R("listen", listen(l, 5));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    R("connect abstract, length one short",
      connect(c, (struct sockaddr *)&a, al - 1));
    R("connect abstract", connect(c, (struct sockaddr *)&a, al));
    int s = accept(l, NULL, NULL);
    print_name("accepted name", s, 0);
    print_name("accepted peer (unnamed client)", s, 1);
    close(s);
    close(c);
    close(l);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    R("dgram connect abstract stream name",
      connect(d, (struct sockaddr *)&a, al));
    close(d);

    int b = socket(AF_UNIX, SOCK_STREAM, 0);
    print_name("unbound name", b, 0);
    print_name("unbound peer", b, 1);
    sa_family_t fam = AF_UNIX;
    R("autobind", bind(b, (struct sockaddr *)&fam, sizeof(fam)));
    struct sockaddr_un got;
    socklen_t gl = sizeof(got);
    getsockname(b, (struct sockaddr *)&got, &gl);
    int hex = gl == 8 && got.sun_path[0] == 0;
    for (int i = 1; i < 6 && hex; i++)
        hex = strchr("0123456789abcdef", got.sun_path[i]) != NULL;
    printf("autobind name: len %u, NUL and five hex digits: %s\n", (unsigned)gl,
           hex ? "yes" : "no");
    R("connect to the autobound name",
      connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&got, gl));
    close(b);
    int e = socket(AF_UNIX, SOCK_STREAM, 0);
    R("bind length 1", bind(e, (struct sockaddr *)&a, 1));
    struct sockaddr_un bad = a;
    bad.sun_family = AF_INET;
    R("bind AF_INET family", bind(e, (struct sockaddr *)&bad, al));
    R("bind too long", bind(e, (struct sockaddr *)&a, sizeof(a) + 1));
    struct sockaddr_un nodir;
    path_addr(&nodir, "x");
    strcpy(nodir.sun_path, "/nonexistent-dir/sock");
    R("bind in a missing directory",
      bind(e, (struct sockaddr *)&nodir, sizeof(nodir)));
    struct sockaddr_un full;
    socklen_t fl = path_addr(&full, "full");
    R("bind with sizeof(sockaddr_un)",
      bind(e, (struct sockaddr *)&full, sizeof(full)));
    print_name("its name", e, 0);
    printf("expected length: %u\n", (unsigned)fl);
    unlink(full.sun_path);
    close(e);
}

/* ---- datagrams ---------------------------------------------------------- */

static void
dgram_queue(void)
{
    struct sockaddr_un a;
    socklen_t al = path_addr(&a, "q");
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&a, al);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    int n = 0;
    while (n < 100 &&
           sendto(s, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, al) == 1)
        n++;
    printf("queue full after %d datagrams: %s\n", n, errname(errno));
    close(s);
    close(r);
    unlink(a.sun_path);
}

/* A connected datagram socket whose peer's queue is full is not
 * writable; a read there makes it writable, and wakes its poller. */
static void
dgram_poll_full(void)
{
    struct sockaddr_un a;
    socklen_t al = abstract_addr(&a, "pf");
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&a, al);
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    connect(s, (struct sockaddr *)&a, al);
    int n = 0;
    while (n < 100 && send(s, "f", 1, 0) == 1)
        n++;
    printf("connected sender, queue full after %d: %s\n", n, errname(errno));
    printf("its poll: %s\n", revents(s, 0));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(200000);
        char c;
        recv(r, &c, 1, 0);
        _exit(0);
    }
    struct pollfd p = {s, POLLOUT, 0};
    int k = Q("poll", poll(&p, 1, WAITMS));
    printf("a read there wakes its poller: %s\n",
           k == 1 && (p.revents & POLLOUT) ? "yes" : "no");
    waitpid(pid, NULL, 0);
    close(s);
    close(r);
}

static void
part_dgram(void)
{
    struct sockaddr_un a, b;
    socklen_t al = path_addr(&a, "da"), bl = path_addr(&b, "db");
    int ra = socket(AF_UNIX, SOCK_DGRAM, 0);
    int rb = socket(AF_UNIX, SOCK_DGRAM, 0);
    R("bind a", bind(ra, (struct sockaddr *)&a, al));
    R("bind b", bind(rb, (struct sockaddr *)&b, bl));
    R("sendto b", sendto(ra, "one", 3, 0, (struct sockaddr *)&b, bl));
    R("sendto b", sendto(ra, "two!", 4, 0, (struct sockaddr *)&b, bl));
    int n = 0;
    ioctl(rb, FIONREAD, &n);
    printf("FIONREAD: %d\n", n);
    struct sockaddr_un f;
    socklen_t fl = sizeof(f);
    char buf[64] = {0};
    R("recvfrom",
      recvfrom(rb, buf, sizeof(buf), 0, (struct sockaddr *)&f, &fl));
    printf("from: len %u same as a: %s\n", (unsigned)fl,
           strcmp(f.sun_path, a.sun_path) == 0 ? "yes" : "no");
    R("recv short", recv(rb, buf, 2, 0));
    R("recv nothing left", recv(rb, buf, sizeof(buf), MSG_DONTWAIT));
    sendto(ra, "truncate-me", 11, 0, (struct sockaddr *)&b, bl);
    struct iovec v = {buf, 4};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    R("recvmsg short", recvmsg(rb, &m, 0));
    printf("msg_flags MSG_TRUNC: %s\n",
           (m.msg_flags & MSG_TRUNC) ? "yes" : "no");
    sendto(ra, "truncate-me", 11, 0, (struct sockaddr *)&b, bl);
    R("recv MSG_TRUNC", recv(rb, buf, 4, MSG_TRUNC));
    int u = socket(AF_UNIX, SOCK_DGRAM, 0);
    sendto(u, "anon", 4, 0, (struct sockaddr *)&b, bl);
    fl = sizeof(f);
    R("recvfrom unnamed sender",
      recvfrom(rb, buf, sizeof(buf), 0, (struct sockaddr *)&f, &fl));
    printf("from len: %u\n", (unsigned)fl);
    R("send unconnected", send(u, "x", 1, 0));
    R("connect a", connect(u, (struct sockaddr *)&a, al));
    R("send connected", send(u, "c", 1, 0));
    R("a receives", recv(ra, buf, sizeof(buf), 0));
    R("sendto b while connected",
      sendto(u, "d", 1, 0, (struct sockaddr *)&b, bl));
    R("b receives", recv(rb, buf, sizeof(buf), 0));
    R("connect b to a", connect(rb, (struct sockaddr *)&a, al));
    R("u to b, b connected elsewhere",
      sendto(u, "e", 1, 0, (struct sockaddr *)&b, bl));
    struct sockaddr_un none = {AF_UNSPEC, ""};
    R("connect AF_UNSPEC", connect(rb, (struct sockaddr *)&none, sizeof(none)));
    R("send after AF_UNSPEC", send(rb, "x", 1, 0));
    struct sockaddr_un m2;
    socklen_t m2l = path_addr(&m2, "nobody");
    R("sendto missing path", sendto(u, "x", 1, 0, (struct sockaddr *)&m2, m2l));
    R("sendto bad length", sendto(u, "x", 1, 0, (struct sockaddr *)&b, 2));
    close(ra);
    R("send to closed peer", send(u, "x", 1, 0));
    R("send again", send(u, "x", 1, 0));
    R("sendto path of a closed socket",
      sendto(u, "x", 1, 0, (struct sockaddr *)&a, al));
    close(u);
    close(rb);
    unlink(a.sun_path);
    unlink(b.sun_path);
    int sv[2];
    pair(SOCK_DGRAM, sv);
    R("pair send", send(sv[0], "p1", 2, 0));
    R("pair send empty", send(sv[0], "", 0, 0));
    R("pair recv", recv(sv[1], buf, sizeof(buf), 0));
    R("pair recv empty datagram", recv(sv[1], buf, sizeof(buf), 0));
    R("shutdown SHUT_RD", shutdown(sv[1], SHUT_RD));
    R("recv shut, nonblocking", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
    R("send to shut reader", send(sv[0], "x", 1, MSG_NOSIGNAL));
    close(sv[0]);
    close(sv[1]);
    char big[300000];
    memset(big, 'b', sizeof(big));
    pair(SOCK_DGRAM, sv);
    R("datagram larger than SO_SNDBUF", send(sv[0], big, sizeof(big), 0));
    close(sv[0]);
    close(sv[1]);
    dgram_queue();
    dgram_poll_full();
}

/* ---- seqpacket ---------------------------------------------------------- */

static void
part_seqpacket(void)
{
    int sv[2];
    R("socketpair seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    char buf[64] = {0};
    R("send", send(sv[0], "first", 5, 0));
    R("send", send(sv[0], "second", 6, 0));
    int n = 0;
    ioctl(sv[1], FIONREAD, &n);
    printf("FIONREAD: %d\n", n);
    R("recv one record", recv(sv[1], buf, sizeof(buf), 0));
    struct iovec v = {buf, 3};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    R("recvmsg short", recvmsg(sv[1], &m, 0));
    printf("MSG_TRUNC: %s\n", (m.msg_flags & MSG_TRUNC) ? "yes" : "no");
    R("recv nothing left", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
    R("close", close(sv[0]));
    R("recv after close", recv(sv[1], buf, sizeof(buf), 0));
    R("recv after close, nonblocking",
      recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
    R("send after close", send(sv[1], "x", 1, MSG_NOSIGNAL));
    close(sv[1]);
    struct sockaddr_un a;
    socklen_t al = abstract_addr(&a, "sp");
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    R("bind", bind(l, (struct sockaddr *)&a, al));
    R("listen", listen(l, 1));
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    R("send unconnected", send(c, "x", 1, 0));
    R("recv unconnected", recv(c, buf, 1, MSG_DONTWAIT));
    R("connect", connect(c, (struct sockaddr *)&a, al));
    R("send before accept", send(c, "early", 5, 0));
    int s = OK("accept", accept(l, NULL, NULL));
    R("recv", recv(s, buf, sizeof(buf), 0));
    R("sendto with an address (ignored)",
      sendto(s, "reply", 5, 0, (struct sockaddr *)&a, al));
    R("recv", recv(c, buf, sizeof(buf), 0));
    close(s);
    close(c);
    close(l);
}

/* ---- passing files ------------------------------------------------------ */

/* Send @p n descriptors with one byte over @p s. */
static long
send_fds(int s, const int *fds, int n, const char *byte)
{
    char ctl[CMSG_SPACE(sizeof(int) * 8)];
    memset(ctl, 0, sizeof(ctl));
    struct iovec v = {(void *)byte, strlen(byte)};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    return syscall(SYS_sendmsg, s, &m, 0);
}

/* Receive with room for @p room bytes of control; the descriptors into
 * @p fds (at most 8), their count into *@p n. */
static long
recv_fds(int s, int *fds, int *n, size_t room, int flags, int *mflags,
         size_t *clen)
{
    char ctl[256] __attribute__((aligned(8)));
    char byte[16];
    struct iovec v = {byte, sizeof(byte)};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = room;
    long r = recvmsg(s, &m, flags);
    *n = 0;
    *mflags = m.msg_flags;
    *clen = m.msg_controllen;
    if (r < 0)
        return r;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL;
         c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < k && *n < 8; i++)
                memcpy(&fds[(*n)++], CMSG_DATA(c) + i * sizeof(int),
                       sizeof(int));
        }
    }
    return r;
}

static void
rights_child(int s)
{
    int fds[8], n, mf;
    size_t clen;
    long r = recv_fds(s, fds, &n, 256, MSG_CMSG_CLOEXEC, &mf, &clen);
    printf("child: recvmsg %ld, %d fd, controllen %zu\n", r, n, clen);
    if (n != 1)
        _exit(1);
    printf("child: FD_CLOEXEC: %s\n",
           (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
    write(s, "k", 1); // the parent closes its own copy now
    char buf[32] = {0};
    readable(s);
    read(s, buf, 1);
    R("child: write to the passed pipe", write(fds[0], "through", 7));
    write(s, "w", 1); // printed: the parent may go on
    close(fds[0]);
    _exit(0);
}

static void
rights_ctrunc(void)
{
    int sv[2], p[3][2];
    pair(SOCK_STREAM, sv);
    for (int i = 0; i < 3; i++)
        pipe(p[i]);
    int w[3] = {p[0][1], p[1][1], p[2][1]};
    R("send 3 fds", send_fds(sv[0], w, 3, "3"));
    for (int i = 0; i < 3; i++)
        close(p[i][1]);
    int fds[8], n, mf;
    size_t clen;
    R("recvmsg with room for CMSG_SPACE(sizeof(int))",
      recv_fds(sv[1], fds, &n, CMSG_SPACE(sizeof(int)), 0, &mf, &clen));
    printf("fds: %d, MSG_CTRUNC: %s, controllen %zu\n", n,
           (mf & MSG_CTRUNC) ? "yes" : "no", clen);
    char c;
    for (int i = 0; i < 3; i++) { // a pipe whose write end was closed: EOF
        struct pollfd pf = {p[i][0], POLLIN, 0};
        poll(&pf, 1, 0);
        printf("pipe %d: %s\n", i,
               (pf.revents & POLLHUP) && read(p[i][0], &c, 1) == 0 ? "closed"
                                                                   : "open");
        close(p[i][0]);
    }
    for (int i = 0; i < n; i++)
        close(fds[i]);
    R("send 1 fd", send_fds(sv[0], w, 1, "1")); // closed by now: EBADF
    int q[2];
    pipe(q);
    send_fds(sv[0], &q[1], 1, "z");
    R("recv without control buffer", recv(sv[1], &c, 1, 0));
    close(q[1]);
    struct pollfd pf = {q[0], POLLIN, 0};
    printf("its fd was closed: %s\n",
           poll(&pf, 1, WAITMS) == 1 && (pf.revents & POLLHUP) ? "yes" : "no");
    close(q[0]);
    close(sv[0]);
    close(sv[1]);
}

static void
rights_peek_stream(void)
{
    int sv[2], q[2];
    pair(SOCK_STREAM, sv);
    pipe(q);
    write(sv[0], "ab", 2);
    send_fds(sv[0], &q[1], 1, "c");
    write(sv[0], "de", 2);
    int fds[8], n, mf;
    size_t clen;
    long r = recv_fds(sv[1], fds, &n, 256, 0, &mf, &clen);
    printf("stream read ends with the fds: %ld bytes, %d fd\n", r, n);
    if (n == 1)
        close(fds[0]);
    r = recv_fds(sv[1], fds, &n, 256, MSG_DONTWAIT, &mf, &clen);
    printf("then: %ld bytes, %d fd\n", r, n);
    send_fds(sv[0], &q[1], 1, "p");
    r = recv_fds(sv[1], fds, &n, 256, MSG_PEEK, &mf, &clen);
    printf("peek: %ld bytes, %d fd\n", r, n);
    if (n == 1)
        close(fds[0]);
    r = recv_fds(sv[1], fds, &n, 256, 0, &mf, &clen);
    printf("read: %ld bytes, %d fd, fd works: %s\n", r, n,
           n == 1 && write(fds[0], "x", 1) == 1 ? "yes" : "no");
    if (n == 1)
        close(fds[0]);
    r = recv_fds(sv[1], fds, &n, 256, MSG_DONTWAIT, &mf, &clen);
    printf("after: %ld bytes, %d fd\n", r, n);
    close(q[0]);
    close(q[1]);
    close(sv[0]);
    close(sv[1]);
}

static void
part_rights(void)
{
    int sv[2], p[2];
    pair(SOCK_STREAM, sv);
    if (pipe(p) < 0)
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        rights_child(sv[1]);
    }
    close(sv[1]);
    long sent = Q("sendmsg", send_fds(sv[0], &p[1], 1, "f"));
    char c;
    readable(sv[0]);
    read(sv[0], &c, 1); // the child printed its lines by now
    report("sendmsg SCM_RIGHTS pipe write end", sent, errno, 0);
    R("close own copy", close(p[1]));
    write(sv[0], "g", 1);
    char buf[32] = {0};
    readable(sv[0]);
    read(sv[0], &c, 1);
    R("read what the child wrote through it", read(p[0], buf, sizeof(buf)));
    printf("got: %s\n", buf);
    int st;
    waitpid(pid, &st, 0);
    printf("child: %s\n", status_text(st));
    R("read after the child closed it", read(p[0], buf, sizeof(buf)));
    close(p[0]);
    close(sv[0]);

    int d[2];
    pair(SOCK_DGRAM, d);
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    int three[3] = {fd, d[0], 1};
    R("send 3 fds over a datagram", send_fds(d[0], three, 3, "3"));
    int fds[8], n, mf;
    size_t clen;
    R("recvmsg", recv_fds(d[1], fds, &n, 256, 0, &mf, &clen));
    printf("fds: %d, controllen %zu, FD_CLOEXEC: %s\n", n, clen,
           n > 0 && (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
    struct stat s1, s2;
    fstat(fd, &s1);
    if (n == 3) {
        fstat(fds[0], &s2);
        check("same directory", s1.st_ino == s2.st_ino);
        int t = 0;
        socklen_t tl = sizeof(t);
        getsockopt(fds[1], SOL_SOCKET, SO_TYPE, &t, &tl);
        printf("passed socket's SO_TYPE: %d\n", t);
        check("new numbers", fds[0] != fd && fds[1] != d[0] && fds[2] != 1);
    }
    for (int i = 0; i < n; i++)
        close(fds[i]);
    close(fd);
    close(d[0]);
    close(d[1]);
    rights_ctrunc();
    rights_peek_stream();
}

static long
send_ctl(int s, void *ctl, size_t len)
{
    struct iovec v = {"x", 1};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = len;
    return syscall(SYS_sendmsg, s, &m, MSG_DONTWAIT); // not libc's: it
                                                      // reads the buffer
}

/* A user who is not root may have no more files in flight than its
 * RLIMIT_NOFILE: then ETOOMANYREFS, until the receiver takes them. */
static void
too_many_refs(void)
{
    int sv[2];
    pair(SOCK_DGRAM, sv);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit r = {16, 16};
        if (setrlimit(RLIMIT_NOFILE, &r) < 0)
            die("setrlimit");
        if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            die("setgid, setuid"); // a grader not root is a user already
        int n = 0, zero = 0;
        while (n < 100 && send_fds(sv[0], &zero, 1, "x") == 1)
            n++;
        printf("as a user, files in flight: %d, then %s\n", n, errname(errno));
        char c;
        while (recv(sv[1], &c, 1, MSG_DONTWAIT) == 1)
            ;
        n = 0;
        while (n < 100 && send_fds(sv[0], &zero, 1, "x") == 1)
            n++;
        printf("once read: %d, then %s\n", n, errname(errno));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    close(sv[0]);
    close(sv[1]);
}

/* How many descriptors are open. */
static int
open_fds(void)
{
    int n = 0;
    for (int i = 0; i < 1024; i++)
        n += fcntl(i, F_GETFD) >= 0;
    return n;
}

static void
part_rights_errors(void)
{
    int before = open_fds();
    int sv[2];
    pair(SOCK_DGRAM, sv);
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int) * 260)];
    } u;
    memset(&u, 0, sizeof(u));
    u.h.cmsg_level = SOL_SOCKET;
    u.h.cmsg_type = SCM_RIGHTS;
    u.h.cmsg_len = CMSG_LEN(sizeof(int));
    int bad = 999;
    memcpy(CMSG_DATA(&u.h), &bad, sizeof(int));
    R("SCM_RIGHTS with a closed fd",
      send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int))));
    int zero = 0;
    memcpy(CMSG_DATA(&u.h), &zero, sizeof(int));
    u.h.cmsg_len = CMSG_SPACE(sizeof(int)) + 1;
    R("cmsg_len past the buffer", send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int))));
    u.h.cmsg_len = 8;
    R("cmsg_len below the header",
      send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int))));
    u.h.cmsg_len = CMSG_LEN(sizeof(int));
    R("control buffer shorter than a header", send_ctl(sv[0], &u, 8));
    R("bad control pointer", send_ctl(sv[0], bad_address, 24));
    u.h.cmsg_type = 77;
    R("unknown SOL_SOCKET type", send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int))));
    u.h.cmsg_level = 99;
    R("another level (ignored)", send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int))));
    u.h.cmsg_level = SOL_SOCKET;
    u.h.cmsg_type = SCM_RIGHTS;
    u.h.cmsg_len = CMSG_LEN(0);
    R("no fds at all", send_ctl(sv[0], &u, CMSG_SPACE(0)));
    int many[260];
    for (int i = 0; i < 260; i++)
        many[i] = 0;
    memcpy(CMSG_DATA(&u.h), many, sizeof(many));
    u.h.cmsg_len = CMSG_LEN(sizeof(int) * 253);
    R("253 fds", send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int) * 253)));
    u.h.cmsg_len = CMSG_LEN(sizeof(int) * 254);
    R("254 fds", send_ctl(sv[0], &u, CMSG_SPACE(sizeof(int) * 254)));
    u.h.cmsg_type = SCM_CREDENTIALS;
    u.h.cmsg_len = CMSG_LEN(4);
    R("SCM_CREDENTIALS of the wrong size", send_ctl(sv[0], &u, CMSG_SPACE(4)));
    int n = 0;
    char c;
    while (recv(sv[1], &c, 1, MSG_DONTWAIT) == 1)
        n++;
    printf("datagrams that arrived: %d\n", n);
    close(sv[0]);
    close(sv[1]);
    printf("descriptors left open: %d\n", open_fds() - before);
    too_many_refs();
}

/* ---- the collector ------------------------------------------------------- */

/* Close a fresh pair: a release, which runs the collector. */
static void
run_collector(void)
{
    int sv[2];
    pair(SOCK_STREAM, sv);
    close(sv[0]);
    close(sv[1]);
}

static void
part_gc(void)
{
    int sv[2], q[2];
    pair(SOCK_STREAM, sv);
    pipe(q);
    R("send a pipe, both ends then closed", send_fds(sv[0], &q[1], 1, "a"));
    close(q[1]);
    close(sv[0]);
    close(sv[1]);
    struct pollfd pf = {q[0], POLLIN, 0};
    printf("pipe reader sees the end: %s\n",
           poll(&pf, 1, WAITMS) == 1 && (pf.revents & POLLHUP) ? "yes" : "no");
    close(q[0]);

    pair(SOCK_STREAM, sv);
    pipe(q);
    int two[2] = {sv[0], q[1]};
    R("send a socket over itself, with a pipe", send_fds(sv[0], two, 2, "s"));
    R("and the other end over itself", send_fds(sv[1], &sv[1], 1, "t"));
    close(q[1]);
    close(sv[0]);
    close(sv[1]);
    run_collector();
    pf.fd = q[0];
    printf("cycle collected, pipe reader sees the end: %s\n",
           poll(&pf, 1, WAITMS) == 1 && (pf.revents & POLLHUP) ? "yes" : "no");
    close(q[0]);

    // a chain: each pair's queue holds the previous pair, the first the
    // pipe; closing the last pair closes them all, one inside another
    pipe(q);
    int prev[2] = {-1, -1};
    int sent = 0;
    for (int i = 0; i < 300; i++) {
        pair(SOCK_STREAM, sv);
        sent +=
            send_fds(sv[0], i == 0 ? &q[1] : prev, i == 0 ? 1 : 2, "c") == 1;
        if (i == 0)
            close(q[1]);
        else {
            close(prev[0]);
            close(prev[1]);
        }
        prev[0] = sv[0];
        prev[1] = sv[1];
    }
    printf("chain of 300 pairs sent: %d\n", sent);
    close(prev[0]);
    close(prev[1]);
    pf.fd = q[0];
    printf("chain closed, pipe reader sees the end: %s\n",
           poll(&pf, 1, WAITMS) == 1 && (pf.revents & POLLHUP) ? "yes" : "no");
    close(q[0]);

    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a;
    socklen_t al = abstract_addr(&a, "gc");
    bind(l, (struct sockaddr *)&a, al);
    listen(l, 4);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, al);
    pipe(q);
    int lq[2] = {l, q[1]};
    R("send the listener over a connection it has not accepted",
      send_fds(c, lq, 2, "l"));
    close(q[1]);
    close(c);
    close(l);
    run_collector();
    pf.fd = q[0];
    printf("listener cycle collected: %s\n",
           poll(&pf, 1, WAITMS) == 1 && (pf.revents & POLLHUP) ? "yes" : "no");
    close(q[0]);
}

/* ---- credentials --------------------------------------------------------- */

static void
print_cred(const char *what, const struct ucred *c, pid_t pid)
{
    printf("%s: pid %s uid %s gid %s\n", what, c->pid == pid ? "ok" : "wrong",
           c->uid == getuid() ? "ok" : "wrong",
           c->gid == getgid() ? "ok" : "wrong");
}

/* Receive one message and print its SCM_CREDENTIALS, if any. */
static void
recv_cred(int s, pid_t pid)
{
    char ctl[64] __attribute__((aligned(8)));
    char byte[8];
    struct iovec v = {byte, sizeof(byte)};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof(ctl);
    long r = Q("recvmsg", recvmsg(s, &m, 0));
    printf("recvmsg: %ld, controllen %zu\n", r, (size_t)m.msg_controllen);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (r >= 0 && c != NULL && c->cmsg_type == SCM_CREDENTIALS) {
        struct ucred u;
        memcpy(&u, CMSG_DATA(c), sizeof(u));
        printf("cmsg_len %zu ", (size_t)c->cmsg_len);
        print_cred("SCM_CREDENTIALS", &u, pid);
    }
}

static void
part_creds(void)
{
    int sv[2];
    pair(SOCK_STREAM, sv);
    struct ucred c;
    socklen_t len = sizeof(c);
    R("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, &len));
    printf("len %u ", (unsigned)len);
    print_cred("pair", &c, getpid());
    R("setsockopt SO_PEERCRED",
      setsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, sizeof(c)));
    int one = 1;
    R("SO_PASSCRED",
      setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
    write(sv[0], "a", 1);
    recv_cred(sv[1], getpid());
    char ctl[CMSG_SPACE(sizeof(struct ucred))];
    memset(ctl, 0, sizeof(ctl));
    struct iovec v = {"b", 1};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof(ctl);
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_CREDENTIALS;
    h->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred me = {getpid(), getuid(), getgid()};
    memcpy(CMSG_DATA(h), &me, sizeof(me));
    R("sendmsg SCM_CREDENTIALS", sendmsg(sv[1], &m, 0));
    recv_cred(sv[0], getpid()); // no SO_PASSCRED there: no credentials
    close(sv[0]);
    close(sv[1]);

    struct sockaddr_un a;
    socklen_t al = abstract_addr(&a, "cr");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&a, al);
    listen(l, 1);
    pid_t server = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        int k = socket(AF_UNIX, SOCK_STREAM, 0);
        connect(k, (struct sockaddr *)&a, al);
        struct ucred p;
        socklen_t pl = sizeof(p);
        getsockopt(k, SOL_SOCKET, SO_PEERCRED, &p, &pl);
        print_cred("client sees the listener", &p, server);
        write(k, "x", 1);
        char b;
        read(k, &b, 1);
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    char b;
    readable(s);
    read(s, &b, 1);
    len = sizeof(c);
    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len);
    print_cred("server sees the client", &c, pid);
    write(s, "y", 1);
    waitpid(pid, NULL, 0);
    close(s);
    close(l);

    int d = socket(AF_UNIX, SOCK_DGRAM, 0), r = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un ra;
    socklen_t ral = abstract_addr(&ra, "dr");
    bind(r, (struct sockaddr *)&ra, ral);
    setsockopt(d, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
    R("sendto with SO_PASSCRED, unnamed",
      sendto(d, "z", 1, 0, (struct sockaddr *)&ra, ral));
    struct sockaddr_un f;
    socklen_t fl = sizeof(f);
    recvfrom(r, &b, 1, 0, (struct sockaddr *)&f, &fl);
    printf("sender autobound: len %u\n", (unsigned)fl);
    print_name("sender's name", d, 0);
    close(d);
    close(r);
}

/* ---- poll ------------------------------------------------------------------ */

static void
part_poll(void)
{
    int sv[2];
    pair(SOCK_STREAM, sv);
    printf("fresh pair: %s\n", revents(sv[0], 0));
    write(sv[1], "x", 1);
    printf("data waiting: %s\n", revents(sv[0], 0));
    shutdown(sv[1], SHUT_WR);
    printf("peer shut writing: %s\n", revents(sv[0], 0));
    printf("the shut one: %s\n", revents(sv[1], 0));
    close(sv[1]);
    printf("peer closed: %s\n", revents(sv[0], 0));
    close(sv[0]);

    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("unconnected stream: %s\n", revents(s, 0));
    struct sockaddr_un a;
    socklen_t al = abstract_addr(&a, "po");
    bind(s, (struct sockaddr *)&a, al);
    listen(s, 1);
    printf("listener: %s\n", revents(s, 0));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, al);
    printf("listener with a connection: %s\n", revents(s, 0));
    printf("connected client: %s\n", revents(c, 0));
    close(c);
    close(s);

    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("fresh datagram socket: %s\n", revents(d, 0));
    close(d);
    pair(SOCK_SEQPACKET, sv);
    printf("seqpacket pair: %s\n", revents(sv[0], 0));
    close(sv[1]);
    printf("seqpacket peer closed: %s\n", revents(sv[0], 0));
    close(sv[0]);

    pair(SOCK_STREAM, sv);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(200000);
        write(sv[1], "late", 4);
        _exit(0);
    }
    check("poll waits for a write", readable(sv[0]));
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(sv[0], &rd);
    struct timeval tv = {0, 0};
    R("select readable", select(sv[0] + 1, &rd, NULL, NULL, &tv));
    waitpid(pid, NULL, 0);
    close(sv[0]);
    close(sv[1]);
}

/* ---- misc ------------------------------------------------------------------ */

static int
getint(int fd, int name)
{
    int v = -7;
    socklen_t len = sizeof(v);
    if (getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0)
        return -errno;
    return v;
}

/* A user's SCM_CREDENTIALS must be true: another pid is EPERM. */
static void
misc_false_creds(void)
{
    int sv[2];
    pair(SOCK_DGRAM, sv);
    pid_t pid = fork();
    if (pid == 0) {
        if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            die("setgid, setuid");
        char ctl[CMSG_SPACE(sizeof(struct ucred))];
        memset(ctl, 0, sizeof(ctl));
        struct iovec v = {"c", 1};
        struct msghdr m = {0};
        m.msg_iov = &v;
        m.msg_iovlen = 1;
        m.msg_control = ctl;
        m.msg_controllen = sizeof(ctl);
        struct cmsghdr *h = CMSG_FIRSTHDR(&m);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_CREDENTIALS;
        h->cmsg_len = CMSG_LEN(sizeof(struct ucred));
        struct ucred me = {getpid(), getuid(), getgid()};
        memcpy(CMSG_DATA(h), &me, sizeof(me));
        R("user sends its own credentials", sendmsg(sv[0], &m, 0));
        me.pid = getppid();
        memcpy(CMSG_DATA(h), &me, sizeof(me));
        R("user sends another pid", sendmsg(sv[0], &m, 0));
        me.pid = getpid();
        me.uid = 0;
        memcpy(CMSG_DATA(h), &me, sizeof(me));
        R("user sends uid 0", sendmsg(sv[0], &m, 0));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    close(sv[0]);
    close(sv[1]);
}

static void
part_misc(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct ucred c = {1, 2, 3};
    socklen_t len = sizeof(c);
    R("SO_PEERCRED unconnected",
      getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len));
    printf("pid %d uid %u gid %u len %u\n", c.pid, c.uid, c.gid, (unsigned)len);
    printf("SO_SNDBUF %d SO_RCVBUF %d\n", getint(s, SO_SNDBUF),
           getint(s, SO_RCVBUF));
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
    printf("smallest: SO_SNDBUF %d SO_RCVBUF %d\n", getint(s, SO_SNDBUF),
           getint(s, SO_RCVBUF));
    printf("SO_PROTOCOL %d SO_DOMAIN %d SO_ACCEPTCONN %d SO_PASSCRED %d\n",
           getint(s, SO_PROTOCOL), getint(s, SO_DOMAIN),
           getint(s, SO_ACCEPTCONN), getint(s, SO_PASSCRED));
    printf("SO_ERROR %d\n", getint(s, SO_ERROR));
    int v;
    len = sizeof(v);
    R("getsockopt SOL_IP", getsockopt(s, IPPROTO_IP, 1, &v, &len));
    R("setsockopt SOL_IP", setsockopt(s, IPPROTO_IP, 1, &one, sizeof(one)));
    R("setsockopt unknown", setsockopt(s, SOL_SOCKET, 9999, &one, sizeof(one)));
    R("shutdown bad how", shutdown(s, 7));
    R("shutdown unconnected", shutdown(s, SHUT_RDWR));
    struct stat st;
    fstat(s, &st);
    printf("fstat: socket %s, mode %o\n", S_ISSOCK(st.st_mode) ? "yes" : "no",
           st.st_mode & 07777);
    close(s);

    struct sockaddr_un a;
    socklen_t al = path_addr(&a, "m");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&a, al);
    listen(l, 2);
    printf("listener SO_ACCEPTCONN %d\n", getint(l, SO_ACCEPTCONN));
    R("open the socket's path", open(a.sun_path, O_RDWR));
    char buf[8];
    R("recv on a listener", recv(l, buf, 1, MSG_DONTWAIT));
    R("send on a listener", send(l, "x", 1, MSG_NOSIGNAL));
    int n = 0;
    R("FIONREAD on a listener", ioctl(l, FIONREAD, &n));
    close(l);
    unlink(a.sun_path);

    int sv[2];
    pair(SOCK_STREAM, sv);
    struct timeval tv = {0, 100000};
    R("SO_RCVTIMEO",
      setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    R("recv times out", recv(sv[0], buf, 1, 0));
    write(sv[1], "n", 1);
    struct sockaddr_un f;
    struct iovec io = {buf, 1};
    struct msghdr m = {0};
    m.msg_name = &f;
    m.msg_namelen = sizeof(f);
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    R("recvmsg on a pair", recvmsg(sv[0], &m, 0));
    printf("msg_namelen %u\n", (unsigned)m.msg_namelen);
    close(sv[0]);
    close(sv[1]);
    misc_false_creds();
}

/* ---- leak ------------------------------------------------------------------ */

static void
part_leak(void)
{
    FILE *f = fopen("/proc/net/unix", "r");
    if (f == NULL)
        die("/proc/net/unix");
    char line[256];
    int n = -1; // the header
    while (fgets(line, sizeof(line), f) != NULL)
        n++;
    fclose(f);
    printf("unix sockets: %d\n", n);
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
    sa.sa_handler = part_overdue;
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
    } parts[] = {{"stream", part_stream, 1},
                 {"conn", part_conn, 1},
                 {"names", part_names, 1},
                 {"dgram", part_dgram, 1},
                 {"seqpacket", part_seqpacket, 1},
                 {"rights", part_rights, 1},
                 {"rights_errors", part_rights_errors, 1},
                 {"gc", part_gc, 1},
                 {"creds", part_creds, 1},
                 {"poll", part_poll, 1},
                 {"misc", part_misc, 1},
                 {"leak", part_leak, 0}};
    int found = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int want = 0;
        for (int a = 1; a < argc; a++)
            if (strcmp(argv[a], parts[i].name) == 0 ||
                (strcmp(argv[a], "all") == 0 && parts[i].always))
                want = 1;
        if (want) {
            run_part(parts[i].name, parts[i].fn);
            found = 1;
        }
    }
    if (!found) {
        printf("unixtest: no part %s\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    return 0;
}
