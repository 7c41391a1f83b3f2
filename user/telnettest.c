/*
 * telnettest: BusyBox telnetd serving a shell on a pty, without a network.
 *
 * A telnet server is the classic user of a pseudo-terminal: for each
 * client it opens /dev/ptmx, starts a new session whose controlling
 * terminal is the slave (setsid, then an open of the slave without
 * O_NOCTTY, then tcsetpgrp) and runs a shell there; then it copies the
 * client's bytes to the master and the master's output to the client,
 * speaking the telnet protocol (IAC commands) on the client's side.
 *
 * With -i (inetd mode) BusyBox telnetd speaks that protocol on its
 * stdin and stdout, which inetd would make a TCP socket. Here they are
 * two pipes whose other ends this program holds: it plays the client.
 * telnetd first tries socket calls on them (SO_KEEPALIVE with
 * setsockopt, getpeername for the utmp entry), which fail with ENOTSOCK
 * on a pipe and are ignored. The client answers the window size option
 * (IAC SB NAWS: 100 columns, 40 rows, which telnetd hands to the pty
 * with TIOCSWINSZ), types a few commands and `exit`, reads until
 * telnetd closes its stdout (it exits when the shell is gone), and
 * prints what it found, with the pty's number taken out:
 *
 * - setsockopt and getpeername on a pipe fail with ENOTSOCK, a socket
 *   call on a closed descriptor with EBADF;
 * - the negotiation telnetd opened with (DO ECHO, DO NAWS, WILL ECHO,
 *   WILL SGA);
 * - `tty` names the slave, /dev/pts/N; $((6*7)) is 42; `stty size` shows
 *   the size the client sent; the shell leads its process group and
 *   its session, and its group is the terminal's foreground group
 *   (fields 5, 6 and 8 of /proc/$$/stat: "L=111");
 * - telnetd's exit status.
 *
 * The shell and the commands are BusyBox's, the same binary on Keel and
 * on the host: /bin/busybox here, $ROOT/bin/busybox on the host. telnetd
 * runs its "login" program with no arguments, so this program is that
 * program too: started with TELNETTEST_SHELL set, it becomes the shell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

/* The telnet protocol's bytes (RFC 854, 1073). */
enum {
    IAC = 255,
    DONT = 254,
    DO = 253,
    WONT = 252,
    WILL = 251,
    SB = 250,
    SE = 240,
    OPT_ECHO = 1,
    OPT_SGA = 3,
    OPT_NAWS = 31,
};

/** What the client types: each line ends with CR LF, as telnet sends. */
static const char typed[] =
    "echo \"T=$($BB tty)\"\r\n"
    "echo \"A=$((6*7))\"\r\n"
    "echo \"S=$($BB stty size)\"\r\n"
    "set -- $($BB cut -d' ' -f5,6,8 /proc/$$/stat)\r\n"
    "echo \"L=$(($1 == $$))$(($2 == $$))$(($3 == $$))\"\r\n"
    "exit\r\n";

/* Where BusyBox is: $ROOT/bin/busybox on the host, /bin/busybox here. */
static void
staged(char *path, size_t size, const char *name)
{
    const char *root = getenv("ROOT");
    snprintf(path, size, "%s%s", root ? root : "", name);
}

/* Started by telnetd as its login program: become BusyBox's shell. */
static void
become_shell(void)
{
    char bb[512];
    staged(bb, sizeof(bb), "/bin/busybox");
    setenv("BB", bb, 1);
    setenv("PS1", "$ ", 1);
    unsetenv("TELNETTEST_SHELL");
    execl(bb, "sh", (char *)NULL);
    printf("exec %s: %s\n", bb, errname(errno));
    _exit(127);
}

/* The child: telnetd -i on the two pipes, this program as its login. */
static void
run_telnetd(int in, int out)
{
    char bb[512], self[512];
    staged(bb, sizeof(bb), "/bin/busybox");
    staged(self, sizeof(self), "/bin/telnettest");
    dup2(in, 0);
    dup2(out, 1);
    setenv("TELNETTEST_SHELL", "1", 1);
    execl(bb, "telnetd", "-i", "-l", self, "-f", "/dev/null", (char *)NULL);
    fprintf(stderr, "exec %s: %s\n", bb, errname(errno));
    _exit(127);
}

/* Names of the negotiation commands and options this test knows. */
static const char *
telnet_name(int c)
{
    switch (c) {
    case DO:
        return "DO";
    case DONT:
        return "DONT";
    case WILL:
        return "WILL";
    case WONT:
        return "WONT";
    case OPT_ECHO:
        return "ECHO";
    case OPT_SGA:
        return "SGA";
    case OPT_NAWS:
        return "NAWS";
    default:
        return "?";
    }
}

/* Take the IAC commands out of @p buf (in place), printing the
 * negotiation ones; return the length of the data left. */
static size_t
strip_iac(unsigned char *buf, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != IAC) {
            buf[k++] = buf[i];
        } else if (i + 1 < n && buf[i + 1] == IAC) {
            buf[k++] = IAC;
            i++;
        } else if (i + 2 < n && buf[i + 1] >= WILL) {
            printf("telnetd: IAC %s %s\n", telnet_name(buf[i + 1]),
                   telnet_name(buf[i + 2]));
            i += 2;
        } else {
            printf("telnetd: IAC %d\n", i + 1 < n ? buf[i + 1] : -1);
            i++;
        }
    }
    return k;
}

/* Print the value after @p key in @p text up to the line's end, the
 * first that is not the echo of the typed command (which starts with
 * '$'); the digits of a /dev/pts/N are shown as N. */
static void
show_value(const char *text, const char *key, const char *what)
{
    const char *at = text;
    while ((at = strstr(at, key)) != NULL && at[strlen(key)] == '$')
        at++;
    if (at == NULL) {
        printf("%s: not seen\n", what);
        return;
    }
    at += strlen(key);
    int len = (int)strcspn(at, "\r\n");
    bool pts = strncmp(at, "/dev/pts/", 9) == 0 && len > 9 &&
               (int)strspn(at + 9, "0123456789") == len - 9;
    printf("%s: %.*s%s\n", what, pts ? 9 : len, at, pts ? "N" : "");
}

/* Read telnetd's output until it closes it (or 20 s of silence). */
static size_t
read_all(int fd, unsigned char *buf, size_t size)
{
    size_t len = 0;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 20000) <= 0) {
            printf("telnetd stayed silent for 20 s\n");
            break;
        }
        long r = read(fd, buf + len, size - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    return len;
}

/* Wait for telnetd: the end of its input (the client hung up) makes it
 * exit if it has not; if even that does not, it is killed after 5 s. */
static int
reap(pid_t pid, int input)
{
    int st;
    close(input);
    for (int i = 0; i < 50; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return st;
        usleep(100000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return st;
}

int
main(void)
{
    static unsigned char log[65536];
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("TELNETTEST_SHELL") != NULL)
        become_shell();
    signal(SIGPIPE, SIG_IGN);
    int to[2], from[2];
    pipe(to);
    pipe(from);
    pid_t pid = fork();
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        run_telnetd(to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    // What telnetd's socket calls on its pipes get.
    int one = 1;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    printf("setsockopt on a pipe: %s\n",
           setsockopt(to[1], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0
               ? errname(errno)
               : "ok");
    printf("getpeername on a pipe: %s\n",
           getpeername(from[0], (struct sockaddr *)&ss, &sl) < 0
               ? errname(errno)
               : "ok");
    printf("getsockopt on a closed descriptor: %s\n",
           getsockopt(99, SOL_SOCKET, SO_KEEPALIVE, &one, &sl) < 0
               ? errname(errno)
               : "ok");
    // The client's window: it will send it, and telnetd sets it on the pty.
    static const unsigned char naws[] = {
        IAC, WILL, OPT_NAWS, IAC, SB, OPT_NAWS, 0, 100, 0, 40, IAC, SE};
    write(to[1], naws, sizeof(naws));
    write(to[1], typed, sizeof(typed) - 1);
    size_t len = read_all(from[0], log, sizeof(log));
    len = strip_iac(log, len);
    log[len] = 0;
    if (getenv("TELNETTEST_DEBUG") != NULL)
        fwrite(log, 1, len, stdout);
    show_value((char *)log, "T=", "tty");
    show_value((char *)log, "A=", "6*7");
    show_value((char *)log, "S=", "stty size");
    show_value((char *)log, "L=", "leader, foreground");
    int st = reap(pid, to[1]);
    if (WIFEXITED(st))
        printf("telnetd exited with status %d\n", WEXITSTATUS(st));
    else
        printf("telnetd killed by signal %d\n", WTERMSIG(st));
    return 0;
}
