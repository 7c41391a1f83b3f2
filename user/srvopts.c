/*
 * srvopts: the socket options real servers set, checked against Linux.
 *
 * Dropbear sets SO_PRIORITY on every connection and TCP_FASTOPEN on its
 * listening socket, and goes on if either fails, so a kernel that
 * refuses them only shows in a trace. This program sets and reads them
 * back as Linux answers: SO_PRIORITY within 0..6 (what any user may
 * set; beyond that Linux asks for a capability, so the answer depends
 * on who runs the oracle), TCP_FASTOPEN on a fresh and a listening
 * socket, a negative length, and a UDP socket. And prctl's dumpable
 * flag, which nginx's workers set back to 1 after they change user: its
 * values, EINVAL for 2 and 3, a forked child's copy and execve's reset
 * (srvopts runs /proc/self/exe with the argument "exec"). Nothing here connects:
 * the handout, whose accept queue is a stub, must pass it too. One
 * line per case; grading/tests/ch07_ssh.py compares them with what the
 * same binary prints on Linux.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Print prctl's answer to (@p opt, @p arg): the value, or errno. */
static void
pr(const char *what, int opt, long arg)
{
    int r = prctl(opt, arg, 0, 0, 0);
    printf("%s: %d%s%s\n", what, r, r < 0 ? " " : "",
           r < 0 ? strerror(errno) : "");
}

/* The dumpable flag: set, read, inherited by fork, reset by execve. */
static void
dumpable(const char *self)
{
    pr("dumpable at start", PR_GET_DUMPABLE, 0);
    pr("set dumpable 0", PR_SET_DUMPABLE, 0);
    pr("dumpable now", PR_GET_DUMPABLE, 0);
    pr("set dumpable 2", PR_SET_DUMPABLE, 2);
    pr("set dumpable 3", PR_SET_DUMPABLE, 3);
    pid_t child = fork();
    if (child == 0) {
        pr("dumpable in a child", PR_GET_DUMPABLE, 0);
        execl(self, self, "exec", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    pr("set dumpable 1", PR_SET_DUMPABLE, 1);
    pr("dumpable again", PR_GET_DUMPABLE, 0);
}

/* Set option (@p level, @p name) of @p fd to @p v; print the answer and
 * what getsockopt reads back. */
static void
set_get(const char *what, int fd, int level, int name, int v)
{
    int r = setsockopt(fd, level, name, &v, sizeof v);
    int e = errno;
    int got = -1;
    socklen_t len = sizeof got;
    int g = getsockopt(fd, level, name, &got, &len);
    int ge = errno;
    printf("%s: set %s, get ", what, r == 0 ? "0" : strerror(e));
    if (g == 0)
        printf("%d (len %u)\n", got, (unsigned)len);
    else
        printf("%s\n", strerror(ge));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    (void)argv;
    if (argc > 1) { // run again by dumpable(): what execve left
        pr("dumpable after execve", PR_GET_DUMPABLE, 0);
        return 0;
    }
    int t = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (t < 0 || u < 0 || bind(t, (void *)&a, sizeof a) < 0 ||
        getsockname(t, (void *)&a, &alen) < 0) {
        printf("srvopts: setup failed: %s\n", strerror(errno));
        return 1;
    }
    set_get("priority 6", t, SOL_SOCKET, SO_PRIORITY, 6);
    set_get("priority 0", t, SOL_SOCKET, SO_PRIORITY, 0);
    set_get("udp priority 3", u, SOL_SOCKET, SO_PRIORITY, 3);
    set_get("fastopen fresh", t, IPPROTO_TCP, TCP_FASTOPEN, 3);
    listen(t, 4);
    set_get("fastopen listening", t, IPPROTO_TCP, TCP_FASTOPEN, 5);
    set_get("fastopen negative", t, IPPROTO_TCP, TCP_FASTOPEN, -1);
    set_get("fastopen udp", u, IPPROTO_TCP, TCP_FASTOPEN, 5);
    dumpable("/proc/self/exe");
    return 0;
}
