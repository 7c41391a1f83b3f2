/*
 * udpecho PORT [COUNT]: a UDP echo server.
 *
 * Binds a UDP socket to PORT on every address (0.0.0.0, so that a
 * datagram from the host through QEMU's user network reaches it as well
 * as one over 127.0.0.1), prints "udpecho: listening on PORT" once the
 * socket is bound, then sends every datagram back to where it came from,
 * unchanged. It runs until killed, or, with COUNT, until it has echoed
 * COUNT datagrams, when it prints "udpecho: COUNT echoed" and exits 0.
 * A test starts it in the background, waits for the first line and talks
 * to it with BusyBox's nc -u or a program of its own.
 *
 * Errors: a bad PORT prints the usage and exits 2; a socket or bind that
 * fails prints the call and its errno name and exits 1; a send that fails
 * is printed and the server goes on (the client may be gone).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errname.h"

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long port = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    if (argc < 2 || argc > 3 || port <= 0 || port > 65535) {
        printf("usage: udpecho PORT [COUNT]\n");
        return 2;
    }
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    if (u < 0) {
        printf("udpecho: socket: %s\n", errname(errno));
        return 1;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((in_port_t)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(u, (struct sockaddr *)&a, sizeof(a)) < 0) {
        printf("udpecho: bind: %s\n", errname(errno));
        return 1;
    }
    printf("udpecho: listening on %ld\n", port);
    static char buf[65536];
    for (long done = 0; count < 0 || done < count; done++) {
        struct sockaddr_in from;
        socklen_t len = sizeof(from);
        ssize_t n =
            recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
        if (n < 0) {
            printf("udpecho: recvfrom: %s\n", errname(errno));
            return 1;
        }
        if (sendto(u, buf, (size_t)n, 0, (struct sockaddr *)&from, len) < 0)
            printf("udpecho: sendto: %s\n", errname(errno));
    }
    printf("udpecho: %ld echoed\n", count);
    return 0;
}
