/*
 * waittest: wait4's options, its choice of child, its errors, its status.
 *
 * wait4(-1) with no children says ECHILD at once (never sleeps); WNOHANG
 * on a child that is still running says 0; wait4(pid) waits for that
 * child and no other, even when others have ended; a pid that is not a
 * child is ECHILD; a NULL status pointer is allowed; the status word
 * encodes the low 8 bits of the exit code (WIFEXITED, WEXITSTATUS).
 *
 * The WNOHANG check needs a child that is still running when the parent
 * asks: the child counts for a while (tens of milliseconds on a PC, more
 * under emulation) and the parent asks right after fork returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
result(pid_t r, pid_t want)
{
    static char buf[48];
    if (r == -1 && errno == ECHILD)
        return "ECHILD";
    if (r == -1) {
        snprintf(buf, sizeof(buf), "errno %d", errno);
        return buf;
    }
    if (r == want)
        return want == 0 ? "0" : "the child";
    return "unexpected";
}

/* Fork a child that exits with @p code, after counting to @p spin. */
static pid_t
child(int code, unsigned long spin)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (volatile unsigned long i = 0; i < spin; i++)
            ;
        _exit(code);
    }
    if (pid < 0) {
        printf("fork failed: errno %d\n", errno);
        exit(1);
    }
    return pid;
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int status = 0;
    errno = 0;
    printf("no children: %s\n", result(wait4(-1, &status, 0, NULL), 0));
    errno = 0;
    printf("no children, WNOHANG: %s\n",
           result(wait4(-1, &status, WNOHANG, NULL), 0));

    pid_t pid = child(7, 30000000);
    pid_t r = wait4(pid, &status, WNOHANG, NULL);
    printf("WNOHANG on a running child: %s\n", result(r, 0));
    r = wait4(pid, &status, 0, NULL);
    printf("wait4(pid): %s, WIFEXITED %d, WEXITSTATUS %d\n", result(r, pid),
           WIFEXITED(status) ? 1 : 0, WEXITSTATUS(status));

    // three children; the middle one is waited for first, by pid
    pid_t a = child(1, 0), b = child(2, 0), c = child(3, 0);
    r = wait4(b, &status, 0, NULL);
    printf("wait4 for the second of three: %s, status %d\n", result(r, b),
           WEXITSTATUS(status));
    int sum = 0;
    for (int i = 0; i < 2; i++) {
        r = wait4(-1, &status, 0, NULL);
        if (r == a || r == c)
            sum += WEXITSTATUS(status);
    }
    printf("then the other two: exit codes sum to %d\n", sum);

    errno = 0;
    r = wait4(getpid(), &status, 0, NULL);
    printf("wait4 for a pid that is not a child: %s\n", result(r, 0));

    pid = child(256 + 5, 0);
    r = wait4(pid, NULL, 0, NULL);
    printf("NULL status pointer: %s\n", result(r, pid));
    pid = child(256 + 5, 0);
    r = wait4(pid, &status, 0, NULL);
    printf("exit(261) gives WEXITSTATUS %d\n", WEXITSTATUS(status));
    return 0;
}
