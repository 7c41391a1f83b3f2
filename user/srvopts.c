/*
 * srvopts: the socket options real servers set, checked against Linux.
 *
 * Dropbear sets SO_PRIORITY on every connection and TCP_FASTOPEN on its
 * listening socket, and goes on if either fails, so a kernel that
 * refuses them only shows in a trace. This program sets and reads them
 * back as Linux answers: SO_PRIORITY within 0..6 (what any user may
 * set; beyond that Linux asks for a capability, so the answer depends
 * on who runs the oracle), TCP_FASTOPEN on a fresh and a listening
 * socket, a negative length, and a UDP socket. Nothing here connects:
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
#include <sys/socket.h>
#include <unistd.h>

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
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
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
    return 0;
}
