/*
 * pipetest: pipes between processes, descriptors, close-on-exec.
 *
 * A pipe in one process and through fork; end-of-file once every writer
 * has closed; 200000 bytes through the 64 KiB ring (both ends block in
 * turn); a child's stdout redirected with dup2; O_NONBLOCK (EAGAIN on an
 * empty pipe, the capacity of a full one); fcntl's flags; dup, dup3 and
 * F_DUPFD; and which descriptors survive execve (the program runs itself
 * again with "exec" and the numbers to check). No SIGPIPE here: that
 * needs signal handlers (a later test). Output is the same on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Read until end of file; the byte count, the content in @p buf. */
static long
drain(int fd, char *buf, size_t size)
{
    long total = 0;
    ssize_t n;
    char tmp[1000];
    while ((n = read(fd, tmp, sizeof(tmp))) > 0) {
        if ((size_t)total + n < size)
            memcpy(buf + total, tmp, n);
        total += n;
    }
    if (n < 0)
        printf("read failed: %s\n", errname(errno));
    return total;
}

static void
basics(void)
{
    int p[2];
    char buf[64];
    report("pipe", pipe(p));
    report("write 5", write(p[1], "hello", 5));
    ssize_t n = read(p[0], buf, sizeof(buf));
    printf("read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    struct stat s;
    fstat(p[0], &s);
    printf("fstat: fifo %d\n", S_ISFIFO(s.st_mode));
    report("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
    report("pread on a pipe", pread(p[0], buf, 1, 0));
    report("read the write end", read(p[1], buf, 1));
    report("write the read end", write(p[0], "x", 1));
    close(p[1]);
    report("read after the writer closed", read(p[0], buf, sizeof(buf)));
    close(p[0]);
}

static void
through_fork(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < 3; i++) {
            char m[32];
            int k = snprintf(m, sizeof(m), "message %d\n", i);
            write(p[1], m, k);
        }
        _exit(0);
    }
    close(p[1]);
    char buf[256];
    long n = drain(p[0], buf, sizeof(buf));
    printf("from the child, %ld bytes:\n%.*s", n, (int)n, buf);
    close(p[0]);
    waitpid(pid, NULL, 0);

    // a big transfer: the writer fills the ring and waits for the reader
    pipe(p);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        static char big[200000];
        for (size_t i = 0; i < sizeof(big); i++)
            big[i] = (char)(i * 7 + i / 251);
        ssize_t w = write(p[1], big, sizeof(big));
        _exit(w == (ssize_t)sizeof(big) ? 0 : 1);
    }
    close(p[1]);
    unsigned long sum = 0, count = 0;
    char tmp[3000];
    ssize_t k;
    while ((k = read(p[0], tmp, sizeof(tmp))) > 0) {
        for (ssize_t i = 0; i < k; i++, count++)
            sum = sum * 31 + (unsigned char)tmp[i];
    }
    int status;
    waitpid(pid, &status, 0);
    printf("200000 bytes: got %lu, checksum %lx, writer status %d\n", count,
           sum, WEXITSTATUS(status));
    close(p[0]);
}

/* Two writers of 4096-byte blocks (PIPE_BUF): no block may be split. */
static void
atomic_writes(void)
{
    int p[2];
    pipe(p);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            static char block[4096];
            memset(block, 'a' + k, sizeof(block));
            close(p[0]);
            for (int i = 0; i < 40; i++)
                write(p[1], block, sizeof(block));
            _exit(0);
        }
    }
    close(p[1]);
    static char stream[2 * 40 * 4096 + 1];
    long n = drain(p[0], stream, sizeof(stream));
    int mixed = 0, blocks[2] = {0, 0};
    for (long b = 0; b + 4096 <= n; b += 4096) {
        char c = stream[b];
        for (int i = 1; i < 4096; i++)
            mixed += stream[b + i] != c;
        if (c == 'a' || c == 'b')
            blocks[c - 'a']++;
    }
    printf("two writers: %ld bytes, blocks %d + %d, bytes out of place %d\n", n,
           blocks[0], blocks[1], mixed);
    close(p[0]);
    waitpid(kids[0], NULL, 0);
    waitpid(kids[1], NULL, 0);
}

static void
redirect(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        printf("this went through stdout");
        fflush(stdout);
        _exit(0);
    }
    close(p[1]);
    char buf[128];
    long n = drain(p[0], buf, sizeof(buf));
    printf("dup2 onto stdout: [%.*s]\n", (int)n, buf);
    close(p[0]);
    waitpid(pid, NULL, 0);
}

static void
nonblocking(void)
{
    int p[2];
    char buf[4096];
    report("pipe2 O_NONBLOCK", pipe2(p, O_NONBLOCK));
    report("read an empty pipe", read(p[0], buf, 1));
    memset(buf, 'z', sizeof(buf));
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], buf, sizeof(buf))) > 0)
        total += n;
    printf("a full pipe holds %ld bytes, then: %s\n", total, errname(errno));
    report("a small write to a full pipe", write(p[1], "x", 1));
    close(p[0]);
    close(p[1]);
    report("pipe2 bad flags", pipe2(p, O_APPEND));
}

static void
flags(void)
{
    int p[2];
    pipe(p);
    report("F_GETFL read end & O_ACCMODE", fcntl(p[0], F_GETFL) & O_ACCMODE);
    report("F_GETFL write end & O_ACCMODE", fcntl(p[1], F_GETFL) & O_ACCMODE);
    report("F_SETFL O_NONBLOCK", fcntl(p[0], F_SETFL, O_NONBLOCK));
    printf("O_NONBLOCK now set: %d\n",
           (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    char c;
    report("read, now non-blocking", read(p[0], &c, 1));
    report("F_GETFD", fcntl(p[0], F_GETFD));
    report("F_SETFD FD_CLOEXEC", fcntl(p[0], F_SETFD, FD_CLOEXEC));
    report("F_GETFD", fcntl(p[0], F_GETFD));
    report("F_DUPFD 10", fcntl(p[1], F_DUPFD, 10));
    report("F_DUPFD 10 again", fcntl(p[1], F_DUPFD, 10));
    report("F_DUPFD_CLOEXEC 20", fcntl(p[1], F_DUPFD_CLOEXEC, 20));
    report("F_GETFD of 20", fcntl(20, F_GETFD));
    report("F_GETFD of 10", fcntl(10, F_GETFD));
    report("bad command", fcntl(p[0], 9999));
    report("F_GETFD fd 99", fcntl(99, F_GETFD));
    report("dup", dup(p[1]));
    report("dup3 same fd", dup3(p[1], p[1], 0));
    report("dup2 same fd", dup2(p[1], p[1]));
    report("dup2 from fd 99", dup2(99, 30));
    report("write through fd 10", write(10, "!", 1));
    report("read it", read(p[0], &c, 1));
    printf("got %c\n", c);
    for (int fd = 3; fd < 32; fd++)
        close(fd);
}

/* Which of these descriptors are open after execve. */
static void
after_exec(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        int fd = atoi(argv[i]);
        printf("after exec, fd %s: %s\n", i == 2 ? "(no cloexec)" : "(cloexec)",
               fcntl(fd, F_GETFD) < 0 ? errname(errno) : "open");
    }
}

static void
cloexec(void)
{
    int a[2], b[2];
    pipe(a);
    pipe2(b, O_CLOEXEC);
    char fa[16], fb[16], file[512];
    snprintf(fa, sizeof(fa), "%d", a[1]);
    snprintf(fb, sizeof(fb), "%d", b[1]);
    const char *r = getenv("ROOT");
    snprintf(file, sizeof(file), "%s/bin/pipetest", r ? r : "");
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"/bin/pipetest", "exec", fa, fb, NULL};
        execv(file, argv);
        printf("exec failed\n");
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("exec child status %d\n", WEXITSTATUS(status));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        after_exec(argc, argv);
        return 0;
    }
    basics();
    through_fork();
    atomic_writes();
    redirect();
    nonblocking();
    flags();
    cloexec();
    printf("pipetest: done\n");
    return 0;
}
