/*
 * fdshare [DIR]: what descriptors share, and what they do not.
 *
 * An open file description holds the offset and the status flags
 * (O_APPEND, O_NONBLOCK); a descriptor is only a number pointing at one,
 * plus its own close-on-exec flag. dup, dup2, dup3, fcntl(F_DUPFD) and
 * fork make new numbers for the same description, so a seek through one
 * moves the others; a second open of the same file makes a new
 * description with its own offset. Then close-on-exec across execve (the
 * program runs itself again with "exec" and checks which descriptors are
 * still open, and where their offsets are), and RLIMIT_NOFILE: EMFILE
 * once the table is full, EINVAL/EBADF for numbers past the limit.
 *
 * Every file is made under DIR (created if missing; relative to the
 * working directory, which is the default), so the host run stays in a
 * temporary folder. The output is the same on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

/* Print a call's result: its value, or the errno's name. */
static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

static long
offset(int fd)
{
    return lseek(fd, 0, SEEK_CUR);
}

/* Read @p n bytes at the current offset of @p fd into a printed string. */
static void
show_read(const char *what, int fd, size_t n)
{
    char buf[64] = {0};
    ssize_t r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %zd \"%.*s\"\n", what, r, (int)r, buf);
}

/* dup, dup2, dup3 and F_DUPFD share the offset and the status flags, not
 * the close-on-exec flag. */
static void
dups(void)
{
    printf("-- dup\n");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    report("write", write(fd, "abcdefghij", 10));
    int d = dup(fd);
    printf("dup is a new number: %d\n", d > fd);
    report("lseek(fd, 2)", lseek(fd, 2, SEEK_SET));
    report("offset via dup", offset(d));
    show_read("read 3 via dup", d, 3);
    report("offset via fd", offset(fd));
    report("dup2(fd, 10)", dup2(fd, 10));
    report("dup2(fd, fd)", dup2(fd, fd));
    report("dup3(fd, fd)", dup3(fd, fd, 0));
    report("dup2(99, 11)", dup2(99, 11));
    report("dup2(fd, -1)", dup2(fd, -1));
    report("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
    report("F_DUPFD 20 again", fcntl(fd, F_DUPFD, 20));
    report("F_DUPFD_CLOEXEC 30", fcntl(fd, F_DUPFD_CLOEXEC, 30));
    report("fd 30 FD_CLOEXEC", fcntl(30, F_GETFD) & FD_CLOEXEC);
    report("fd 20 FD_CLOEXEC", fcntl(20, F_GETFD) & FD_CLOEXEC);
    report("dup3(fd, 31, O_CLOEXEC)", dup3(fd, 31, O_CLOEXEC));
    report("fd 31 FD_CLOEXEC", fcntl(31, F_GETFD) & FD_CLOEXEC);
    report("lseek(10, 7)", lseek(10, 7, SEEK_SET));
    report("offset via 20", offset(20));
    report("offset via 31", offset(31));
    // status flags live in the description: O_APPEND set through one
    report("F_SETFL O_APPEND via 10", fcntl(10, F_SETFL, O_APPEND));
    report("O_APPEND via fd", !!(fcntl(fd, F_GETFL) & O_APPEND));
    report("write via 20 (appends)", write(20, "KL", 2));
    report("offset via fd", offset(fd));
    report("F_SETFL 0 via 30", fcntl(30, F_SETFL, 0));
    report("O_APPEND via d", !!(fcntl(d, F_GETFL) & O_APPEND));
    // the close-on-exec flag belongs to the number
    report("F_SETFD CLOEXEC via fd", fcntl(fd, F_SETFD, FD_CLOEXEC));
    report("d FD_CLOEXEC", fcntl(d, F_GETFD) & FD_CLOEXEC);
    // closing one number leaves the description to the others
    report("close fd", close(fd));
    report("read via closed fd", read(fd, (char[4]){0}, 1));
    report("lseek(d, 0)", lseek(d, 0, SEEK_SET));
    show_read("read 12 via d", d, 12);
    report("close 10", close(10));
    report("close 10 again", close(10));
    close(20);
    close(30);
    close(31);
    close(d);
}

/* fork copies the table: the child's numbers point at the parent's
 * descriptions, so the child's reads and seeks move the parent's offset,
 * while its close does not close the parent's. */
static void
forks(void)
{
    printf("-- fork\n");
    int fd = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
    report("write", write(fd, "0123456789", 10));
    lseek(fd, 0, SEEK_SET);
    pid_t pid = fork();
    if (pid == 0) {
        char b[4];
        ssize_t r = read(fd, b, 4);
        printf("child read %zd, offset %ld\n", r, offset(fd));
        close(fd);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    report("parent offset after child read 4", offset(fd));
    show_read("parent reads on", fd, 3);
    pid = fork();
    if (pid == 0) {
        lseek(fd, 1, SEEK_SET);
        fcntl(fd, F_SETFL, O_APPEND);
        if (write(fd, "X", 1) != 1)
            printf("child write failed\n");
        _exit(0);
    }
    waitpid(pid, &status, 0);
    report("parent offset after child append", offset(fd));
    report("O_APPEND set by the child", !!(fcntl(fd, F_GETFL) & O_APPEND));
    // two processes reading turn by turn from one description
    lseek(fd, 0, SEEK_SET);
    fcntl(fd, F_SETFL, 0);
    pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++) {
            char c;
            if (read(fd, &c, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    waitpid(pid, &status, 0);
    show_read("after the child took 3", fd, 2);
    close(fd);
}

/* A second open is a second description: its own offset and flags. */
static void
second_open(void)
{
    printf("-- second open\n");
    int a = open("h", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int b = open("h", O_RDWR);
    int c = open("h", O_WRONLY | O_APPEND);
    report("write via a", write(a, "hello world", 11));
    report("offset a", offset(a));
    report("offset b", offset(b));
    show_read("read via b", b, 5);
    report("offset a", offset(a));
    report("write via c (appends)", write(c, "!", 1));
    report("offset c", offset(c));
    // Linux's pwrite on an O_APPEND description appends too (pwrite(2),
    // BUGS), and leaves the offset alone
    report("pwrite via c at 0 (appends)", pwrite(c, "?", 1, 0));
    report("offset c", offset(c));
    report("offset a", offset(a));
    report("O_APPEND via a", !!(fcntl(a, F_GETFL) & O_APPEND));
    report("pwrite via b at 0", pwrite(b, "J", 1, 0));
    report("offset b (pwrite leaves it)", offset(b));
    lseek(a, 0, SEEK_SET);
    show_read("read via a", a, 20);
    struct stat sa, sb;
    fstat(a, &sa);
    fstat(b, &sb);
    printf("same inode: %d, size %ld\n", sa.st_ino == sb.st_ino,
           (long)sa.st_size);
    report("fcntl F_GETFL accmode b", fcntl(b, F_GETFL) & O_ACCMODE);
    report("fcntl F_GETFL accmode c", fcntl(c, F_GETFL) & O_ACCMODE);
    close(a);
    close(b);
    close(c);
}

/* In the program run again by execve: which of the numbers are open, and
 * at which offsets. */
static int
after_exec(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        int fd = atoi(argv[i]);
        int fl = fcntl(fd, F_GETFD);
        if (fl < 0) {
            printf("after exec fd %d: %s\n", fd, errname(errno));
            continue;
        }
        printf("after exec fd %d: open, cloexec %d, offset %ld\n", fd,
               fl & FD_CLOEXEC, offset(fd));
    }
    return 0;
}

/* Descriptors with close-on-exec set (by O_CLOEXEC, F_SETFD, dup3,
 * F_DUPFD_CLOEXEC) are closed by execve; the others stay open with their
 * offsets. */
static void
cloexec(void)
{
    printf("-- close-on-exec\n");
    int a = open("f", O_RDONLY | O_CLOEXEC);
    int b = open("f", O_RDONLY);
    int c = open("f", O_RDONLY);
    fcntl(c, F_SETFD, FD_CLOEXEC);
    int d = dup(a);
    int e = fcntl(b, F_DUPFD_CLOEXEC, 0);
    int p[2];
    pipe2(p, O_CLOEXEC);
    lseek(b, 3, SEEK_SET);
    lseek(d, 5, SEEK_SET);
    printf("fds: %d %d %d %d %d %d %d\n", a, b, c, d, e, p[0], p[1]);
    pid_t pid = fork();
    if (pid == 0) {
        char file[512], s[7][12];
        const char *r = getenv("ROOT");
        snprintf(file, sizeof(file), "%s/bin/fdshare", r ? r : "");
        int fds[7] = {a, b, c, d, e, p[0], p[1]};
        char *argv[10] = {"/bin/fdshare", "exec"};
        for (int i = 0; i < 7; i++) {
            snprintf(s[i], sizeof(s[i]), "%d", fds[i]);
            argv[2 + i] = s[i];
        }
        argv[9] = NULL;
        execv(file, argv);
        printf("execv: %s\n", errname(errno));
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("exec child status %d\n", WEXITSTATUS(status));
    for (int fd = a; fd <= p[1]; fd++)
        close(fd);
}

/* RLIMIT_NOFILE bounds the numbers: the table is full at the limit. Run in
 * a child so the limit does not stay. */
static void
nofile(void)
{
    printf("-- RLIMIT_NOFILE\n");
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = {12, 64};
        report("setrlimit 12 (hard 64)", setrlimit(RLIMIT_NOFILE, &rl));
        int last = -1, fd;
        while ((fd = open("f", O_RDONLY)) >= 0)
            last = fd;
        printf("last fd opened %d, then %s\n", last, errname(errno));
        report("dup(0)", dup(0));
        int p[2];
        report("pipe", pipe(p));
        report("F_DUPFD 12", fcntl(0, F_DUPFD, 12));
        report("dup2(0, 12)", dup2(0, 12));
        report("close 5", close(5));
        report("dup(0) takes the lowest free", dup(0));
        report("F_DUPFD 3 when full", fcntl(0, F_DUPFD, 3));
        close(7);
        close(9);
        report("F_DUPFD 8 finds 9", fcntl(0, F_DUPFD, 8));
        struct rlimit big = {64, 64};
        report("raise the soft limit to 64", setrlimit(RLIMIT_NOFILE, &big));
        report("F_DUPFD 40", fcntl(0, F_DUPFD, 40));
        report("open once more", open("f", O_RDONLY));
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child status %d\n", WEXITSTATUS(status));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "exec") == 0)
        return after_exec(argc, argv);
    // the folder for the files: DIR, or the working directory
    const char *dir = argc > 1 ? argv[1] : ".";
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        printf("mkdir %s\n", errname(errno));
    if (chdir(dir) < 0) {
        printf("chdir: %s\n", errname(errno));
        return 1;
    }
    dups();
    forks();
    second_open();
    cloexec();
    nofile();
    unlink("f");
    unlink("g");
    unlink("h");
    printf("fdshare done\n");
    return 0;
}
