/*
 * pipesem: the rules of a pipe, as POSIX and Linux give them.
 *
 * End of file comes only when every write end is closed, including one a
 * forked child still holds; a write with no reader left fails with EPIPE
 * and raises SIGPIPE (whose default action kills the writer; ignored, the
 * write just fails; caught, the handler runs and the write fails). Writes
 * of at most PIPE_BUF bytes are atomic: several writers sending records of
 * PIPE_BUF bytes each are never interleaved inside a record, even when
 * the pipe fills and they block. O_NONBLOCK gives EAGAIN on an empty pipe
 * (reading) and on a full one (writing), and a partial write when only
 * part of a large buffer fits; F_GETPIPE_SZ says 64 KiB, F_SETPIPE_SZ
 * changes it. The output is the same on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

/* How a child ended, as a line. */
static void
show_status(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by %s\n", what,
               WTERMSIG(status) == SIGPIPE ? "SIGPIPE" : "another signal");
}

/* End of file: not while a child holds a write end, as soon as the last
 * write end is closed. */
static void
eof(void)
{
    printf("-- end of file\n");
    int p[2], go[2];
    pipe(p);
    pipe(go);
    pid_t pid = fork();
    if (pid == 0) {
        // hold the write end until the parent says go, then write and go
        close(p[0]);
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(1);
        if (write(p[1], "late", 4) != 4)
            _exit(2);
        _exit(0);
    }
    close(go[0]);
    close(p[1]); // the parent's write end: the child's is still open
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char buf[16];
    report("read while the child holds a writer", read(p[0], buf, 16));
    fcntl(p[0], F_SETFL, 0);
    if (write(go[1], "g", 1) != 1)
        printf("go failed\n");
    ssize_t n = read(p[0], buf, sizeof(buf));
    printf("read from the child: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
    report("read after the child exits (EOF)", read(p[0], buf, 16));
    report("again", read(p[0], buf, 16));
    int status;
    waitpid(pid, &status, 0);
    show_status("child", status);
    close(p[0]);
    close(go[1]);
}

static volatile sig_atomic_t caught;

static void
on_sigpipe(int sig)
{
    (void)sig;
    caught++;
}

/* A writer with no reader: killed by SIGPIPE by default, EPIPE when the
 * signal is ignored or caught. */
static void
epipe(void)
{
    printf("-- EPIPE and SIGPIPE\n");
    for (int mode = 0; mode < 3; mode++) {
        int p[2];
        pipe(p);
        close(p[0]);
        pid_t pid = fork();
        if (pid == 0) {
            if (mode == 1)
                signal(SIGPIPE, SIG_IGN);
            if (mode == 2)
                signal(SIGPIPE, on_sigpipe);
            ssize_t r = write(p[1], "x", 1);
            printf("write: %s, handler ran %d\n",
                   r < 0 ? errname(errno) : "succeeded", (int)caught);
            _exit(7);
        }
        int status;
        waitpid(pid, &status, 0);
        show_status(mode == 0   ? "default action"
                    : mode == 1 ? "SIGPIPE ignored"
                                : "SIGPIPE caught",
                    status);
        close(p[1]);
    }
    // the reader goes away while the writer is blocked on a full pipe
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        static char big[100000];
        ssize_t r = write(p[1], big, sizeof(big));
        // a partial count if the reader took some, else EPIPE
        if (r < 0)
            printf("blocked writer: %s\n", errname(errno));
        else
            r = write(p[1], big, sizeof(big));
        printf("blocked writer, next write: %s\n",
               r < 0 ? errname(errno) : "succeeded");
        _exit(0);
    }
    close(p[1]);
    // wait until the writer has filled the pipe and blocks (10 s at
    // most; 1 s when FIONREAD cannot say how full the pipe is)
    for (int i = 0, n = 0; i < 1000 && n < 65536; i++) {
        usleep(10000);
        if (ioctl(p[0], FIONREAD, &n) < 0) {
            usleep(1000000);
            break;
        }
    }
    usleep(50000);
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    show_status("blocked writer", status);
}

/* Writers of PIPE_BUF-byte records through a pipe that fills: each
 * record must arrive whole. */
static void
atomic(void)
{
    printf("-- PIPE_BUF atomicity\n");
    enum { WRITERS = 4, RECORDS = 64 };
    printf("PIPE_BUF %d\n", PIPE_BUF);
    int p[2];
    pipe(p);
    for (int w = 0; w < WRITERS; w++) {
        if (fork() == 0) {
            close(p[0]);
            static char rec[PIPE_BUF];
            for (int i = 0; i < RECORDS; i++) {
                memset(rec, 'A' + w, sizeof(rec));
                snprintf(rec, 16, "%d:%d:", w, i);
                if (write(p[1], rec, sizeof(rec)) != sizeof(rec))
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(p[1]);
    static char rec[PIPE_BUF];
    int whole = 0, broken = 0, next[WRITERS] = {0}, order = 0;
    for (;;) {
        // read exactly one record (a read may return less)
        size_t got = 0;
        ssize_t r = 1;
        while (got < sizeof(rec) &&
               (r = read(p[0], rec + got, sizeof(rec) - got)) > 0)
            got += r;
        if (got == 0)
            break;
        int w, i, ok = got == sizeof(rec);
        if (!ok || sscanf(rec, "%d:%d:", &w, &i) != 2 || w < 0 ||
            w >= WRITERS) {
            broken++;
            continue;
        }
        for (size_t k = strlen(rec) + 1; k < sizeof(rec); k++)
            ok &= rec[k] == 'A' + w;
        whole += ok;
        broken += !ok;
        if (ok && i != next[w]++)
            order++;
    }
    printf("records whole %d, broken %d, out of order %d\n", whole, broken,
           order);
    int status, fine = 1;
    for (int w = 0; w < WRITERS; w++) {
        wait(&status);
        fine &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    printf("writers ended well: %d\n", fine);
    close(p[0]);
}

/* O_NONBLOCK both ways, and the capacity. */
static void
nonblock(void)
{
    printf("-- O_NONBLOCK\n");
    int p[2];
    report("pipe2 O_NONBLOCK", pipe2(p, O_NONBLOCK));
    char buf[4096];
    report("read empty", read(p[0], buf, 1));
    report("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));
    memset(buf, 'z', sizeof(buf));
    long total = 0;
    ssize_t r;
    while ((r = write(p[1], buf, sizeof(buf))) > 0)
        total += r;
    printf("filled with %ld bytes, then %s\n", total, errname(errno));
    report("write 1 to a full pipe", write(p[1], buf, 1));
    report("read 100", read(p[0], buf, 100));
    // 100 bytes free: less than PIPE_BUF, so a small write waits for room
    report("write 200 (<= PIPE_BUF, no room)", write(p[1], buf, 200));
    // drained, then a write larger than the capacity is partial
    while (read(p[0], buf, sizeof(buf)) > 0)
        ;
    static char big[100000];
    report("write 100000 into an empty pipe", write(p[1], big, sizeof(big)));
    report("read 4096", read(p[0], buf, 4096));
    report("write 4096 into the room", write(p[1], buf, 4096));
    report("write 1 when full again", write(p[1], buf, 1));
    report("F_GETFL has O_NONBLOCK", !!(fcntl(p[1], F_GETFL) & O_NONBLOCK));
    report("lseek on a pipe", lseek(p[0], 0, SEEK_CUR));
    report("write to the read end", write(p[0], buf, 1));
    report("read from the write end", read(p[1], buf, 1));
    close(p[1]);
    total = 0;
    while ((r = read(p[0], buf, sizeof(buf))) > 0)
        total += r;
    printf("drained %ld bytes, then %s\n", total,
           r == 0 ? "end of file" : errname(errno));
    close(p[0]);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    eof();
    epipe();
    atomic();
    nonblock();
    printf("pipesem done\n");
    return 0;
}
