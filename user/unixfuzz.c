/*
 * unixfuzz [SEED [CALLS]]: random AF_UNIX calls; the kernel must live,
 * and free everything afterwards.
 *
 * A seeded generator picks CALLS calls (default 3000) among socketpair
 * and socket of the three types, bind to a few abstract names and
 * paths, listen, connect, accept4, sendmsg with random control
 * messages (SCM_RIGHTS naming random descriptors, the sockets
 * themselves included, so that files travel in cycles; SCM_CREDENTIALS,
 * true or false; lengths that are wrong), recvmsg with random control
 * room and flags (MSG_PEEK, MSG_CMSG_CLOEXEC, MSG_TRUNC, MSG_WAITALL),
 * shutdown, dup, close, poll, setsockopt, and fork-then-exit. Every
 * socket is non-blocking and each call runs under a 30 ms interval
 * timer without SA_RESTART, so nothing waits for long. The output is one
 * line, "unixfuzz: seed S, N calls done", or how the run did not end.
 * At the end every descriptor is closed: a leak check may then count
 * the AF_UNIX sockets left (files in flight in cycles included, which
 * only the kernel's collector frees).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLOTS 12

static uint64_t rng;
static int slot[SLOTS];

static uint64_t
next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned
pick(unsigned n)
{
    return (unsigned)(next() % n);
}

/* A descriptor: usually a slot's, sometimes anything. */
static int
fd_arg(void)
{
    if (pick(20) == 0)
        return (int)pick(40) - 2;
    return slot[pick(SLOTS)];
}

/* Put @p fd in a random slot, closing what was there. */
static void
keep(int fd)
{
    if (fd < 0)
        return;
    int i = (int)pick(SLOTS);
    if (slot[i] >= 0)
        close(slot[i]);
    slot[i] = fd;
}

static int
type_arg(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    return types[pick(3)] | SOCK_NONBLOCK | (pick(2) ? SOCK_CLOEXEC : 0);
}

/* One of a few names: abstract, or a path in /tmp. */
static socklen_t
name_arg(struct sockaddr_un *a)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = pick(30) ? AF_UNIX : (sa_family_t)pick(5);
    unsigned k = pick(4);
    if (pick(2)) {
        int n = snprintf(a->sun_path + 1, 20, "uf%d.%u", (int)getppid(), k);
        return (socklen_t)(2 + 1 + n);
    }
    snprintf(a->sun_path, 40, "/tmp/uf%d.%u", (int)getppid(), k);
    if (pick(8) == 0)
        return (socklen_t)pick(120);
    return (socklen_t)sizeof(*a);
}

static void
op_socket(void)
{
    if (pick(2)) {
        int sv[2];
        if (socketpair(AF_UNIX, type_arg(), 0, sv) == 0) {
            keep(sv[0]);
            keep(sv[1]);
        }
    } else {
        keep(socket(AF_UNIX, type_arg(), 0));
    }
}

static void
op_names(void)
{
    struct sockaddr_un a;
    socklen_t len = name_arg(&a);
    switch (pick(4)) {
    case 0:
        bind(fd_arg(), (struct sockaddr *)&a, pick(10) ? len : 2);
        break;
    case 1:
        connect(fd_arg(), (struct sockaddr *)&a, len);
        break;
    case 2:
        listen(fd_arg(), (int)pick(4));
        break;
    default:
        keep(accept4(fd_arg(), NULL, NULL, SOCK_NONBLOCK));
        break;
    }
}

/* Fill @p ctl with random control messages: its length. */
static size_t
control_arg(unsigned char *ctl, size_t room)
{
    size_t off = 0;
    int n = (int)pick(3);
    for (int i = 0; i < n && off + CMSG_SPACE(sizeof(int) * 4) <= room; i++) {
        struct cmsghdr *c = (struct cmsghdr *)(ctl + off);
        c->cmsg_level = pick(10) ? SOL_SOCKET : (int)pick(300);
        if (pick(3)) {
            int k = 1 + (int)pick(4);
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * k);
            for (int j = 0; j < k; j++) {
                int fd = fd_arg();
                memcpy(CMSG_DATA(c) + j * sizeof(int), &fd, sizeof(fd));
            }
        } else {
            struct ucred u = {getpid(), getuid(), getgid()};
            if (pick(4) == 0)
                u.pid = (pid_t)pick(100);
            c->cmsg_type = SCM_CREDENTIALS;
            c->cmsg_len = CMSG_LEN(sizeof(u));
            memcpy(CMSG_DATA(c), &u, sizeof(u));
        }
        if (pick(10) == 0)
            c->cmsg_len = pick(200);
        off += CMSG_ALIGN(c->cmsg_len > 200 ? 16 : c->cmsg_len);
    }
    return pick(10) ? off : pick((unsigned)room);
}

static void
op_send(void)
{
    static unsigned char data[70000];
    unsigned char ctl[256] __attribute__((aligned(8)));
    memset(ctl, 0, sizeof(ctl));
    struct iovec v = {data, pick(4) ? pick(200) : pick(sizeof(data))};
    struct msghdr m = {0};
    struct sockaddr_un a;
    if (pick(4) == 0) {
        m.msg_namelen = name_arg(&a);
        m.msg_name = &a;
    }
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = pick(20) ? (void *)ctl : (void *)1;
    m.msg_controllen = control_arg(ctl, sizeof(ctl));
    int flags = MSG_DONTWAIT | (pick(2) ? MSG_NOSIGNAL : 0);
    syscall(SYS_sendmsg, fd_arg(), &m, flags);
}

static void
op_recv(void)
{
    static unsigned char data[70000];
    unsigned char ctl[1200] __attribute__((aligned(8)));
    struct iovec v = {data, pick(4) ? pick(300) : sizeof(data)};
    struct sockaddr_un a;
    struct msghdr m = {0};
    m.msg_name = pick(2) ? &a : NULL;
    m.msg_namelen = sizeof(a);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = pick(3) ? pick(64) : sizeof(ctl);
    static const int fl[] = {0,         MSG_PEEK,    MSG_CMSG_CLOEXEC,
                             MSG_TRUNC, MSG_WAITALL, MSG_OOB};
    int flags = MSG_DONTWAIT | fl[pick(6)];
    if (syscall(SYS_recvmsg, fd_arg(), &m, flags) < 0)
        return;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL;
         c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int j = 0; j < k; j++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + j * sizeof(int), sizeof(fd));
            if (pick(2))
                keep(fd);
            else
                close(fd);
        }
    }
}

static void
op_misc(void)
{
    int one = (int)pick(2), fd = fd_arg();
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    switch (pick(7)) {
    case 0:
        shutdown(fd, (int)pick(4));
        break;
    case 1:
        keep(dup(fd));
        break;
    case 2:
        close(fd);
        break;
    case 3:
        poll(&p, 1, 0);
        break;
    case 4:
        setsockopt(fd, SOL_SOCKET, pick(2) ? SO_PASSCRED : SO_SNDBUF, &one,
                   sizeof(one));
        break;
    case 5:
        fcntl(fd, F_SETFL, pick(4) ? O_NONBLOCK : 0); // rarely blocking
        break;
    default:
        if (fork() == 0) {
            for (int i = 0; i < 5; i++)
                pick(2) ? op_send() : op_recv();
            _exit(0);
        }
        break;
    }
}

static void
on_alarm(int sig)
{
    (void)sig;
}

static void
fuzz(long calls)
{
    for (int i = 0; i < SLOTS; i++)
        slot[i] = -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; // no SA_RESTART: a blocked call ends
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct itimerval it = {{0, 30000}, {0, 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    static void (*const ops[])(void) = {op_socket, op_names, op_send, op_send,
                                        op_recv,   op_recv,  op_misc};
    for (long i = 0; i < calls; i++) {
        ops[pick(sizeof(ops) / sizeof(ops[0]))]();
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    while (wait(NULL) > 0)
        ;
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    // the last close may have left a cycle of sockets in flight without
    // releasing any socket, and the collector runs when one is released
    // (on Linux as on Keel): release one
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
        close(sv[0]);
        close(sv[1]);
    }
    for (unsigned k = 0; k < 4; k++) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/uf%d.%u", (int)getppid(), k);
        unlink(path);
    }
    _exit(0);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long seed = argc > 1 ? atol(argv[1]) : 1;
    long calls = argc > 2 ? atol(argv[2]) : 3000;
    rng = (uint64_t)seed * 0x9e3779b97f4a7c15ULL + 1;
    pid_t pid = fork();
    if (pid == 0)
        fuzz(calls);
    for (int t = 0; t < 900; t++) { // 90 s
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                printf("unixfuzz: seed %ld, %ld calls done\n", seed, calls);
            else
                printf("unixfuzz: seed %ld: child ended with status %d\n", seed,
                       st);
            return 0;
        }
        usleep(100000);
    }
    kill(pid, SIGKILL);
    printf("unixfuzz: seed %ld: stuck, killed\n", seed);
    return 1;
}
