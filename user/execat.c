/*
 * execat: execveat(2), checked against Linux.
 *
 * Dropbear runs itself anew for every connection with fexecve(), which
 * musl makes execveat(fd, "", argv, envp, AT_EMPTY_PATH). This program
 * runs itself the same way and by a name relative to a directory
 * descriptor, and asks for each error Linux gives: a bad flag, a bad
 * descriptor, an empty path without AT_EMPTY_PATH, a path under a file
 * that is not a folder, a symbolic link with AT_SYMLINK_NOFOLLOW, a
 * descriptor without a name (a pipe), a bad pointer. It prints one line
 * per case; grading/tests/ch07_ssh.py compares them with what the same
 * binary prints on Linux. Paths are looked up under $ROOT (unset on
 * Keel), as user/init.c explains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

extern char **environ;

/* The initramfs path @p path, under $ROOT when the host runs us. */
static const char *
at_root(const char *path)
{
    static char buf[4][512];
    static int next;
    const char *r = getenv("ROOT");
    char *b = buf[next++ % 4];
    snprintf(b, sizeof(buf[0]), "%s%s", r != NULL ? r : "", path);
    return b;
}

/* execveat by number: a C library may lack the wrapper. */
static long
execveat_(int dirfd, const char *path, char *const argv[], int flags)
{
    return syscall(SYS_execveat, dirfd, path, argv, environ, flags);
}

/* One case that must fail: print its errno's name (or that it ran). */
static void
fails(const char *what, int dirfd, const char *path, int flags)
{
    static char *const argv[] = {"execat", "never", NULL};
    long r = execveat_(dirfd, path, argv, flags);
    int e = errno;
    printf("%s: %s\n", what,
           r == 0         ? "ran"
           : e == ENOENT  ? "ENOENT"
           : e == EINVAL  ? "EINVAL"
           : e == EBADF   ? "EBADF"
           : e == ENOTDIR ? "ENOTDIR"
           : e == ELOOP   ? "ELOOP"
           : e == EACCES  ? "EACCES"
           : e == EFAULT  ? "EFAULT"
                          : strerror(e));
}

/* One case that must run this program again, as `execat child WHAT`:
 * the child's line and its status. */
static void
runs(const char *what, int dirfd, const char *path, int flags)
{
    char *const argv[] = {"execat", "child", (char *)what, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execveat_(dirfd, path, argv, flags);
        printf("%s: failed with errno %d\n", what, errno);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("%s: status %d\n", what,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "child") == 0) {
        printf("%s: running as %s %s\n", argv[2], argv[0], argv[1]);
        return 7;
    }
    int self = open(at_root("/bin/execat"), O_RDONLY | O_CLOEXEC);
    int bin = open(at_root("/bin"), O_RDONLY | O_DIRECTORY);
    int p[2];
    if (self < 0 || bin < 0 || pipe(p) < 0) {
        printf("execat: setup failed: errno %d\n", errno);
        return 1;
    }
    runs("fexecve", self, "", AT_EMPTY_PATH);
    runs("relative", bin, "execat", 0);
    runs("absolute", bin, at_root("/bin/execat"), 0);
    fails("bad flag", bin, "execat", 0x1);
    fails("bad flag, empty path", self, "", 0x1);
    fails("empty path", self, "", 0);
    fails("bad fd", 999, "execat", 0);
    fails("not a folder", self, "execat", 0);
    fails("missing", bin, "no-such-program", 0);
    fails("nofollow link", bin, "sh", AT_SYMLINK_NOFOLLOW);
    fails("pipe", p[0], "", AT_EMPTY_PATH);
    fails("bad pointer", bin, (const char *)8, 0);
    return 0;
}
