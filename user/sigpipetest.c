/*
 * sigpipetest: writing to a pipe that nobody reads.
 *
 * With SIGPIPE ignored, the write fails with EPIPE; with the default
 * action, the writer is killed by SIGPIPE (signal 13). Both need the
 * signal machinery (rt_sigaction honoured, signals delivered), so this is
 * a program of its own, apart from pipetest. Output is the same on Linux.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a child: write to a pipe whose read end is closed; report. */
static void
write_to_closed(int ignore)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (ignore)
            signal(SIGPIPE, SIG_IGN);
        int p[2];
        pipe(p);
        close(p[0]);
        ssize_t n = write(p[1], "x", 1);
        printf("write: %zd, %s\n", n, n < 0 && errno == EPIPE ? "EPIPE" : "?");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        printf("writer killed by signal %d\n", WTERMSIG(status));
    else
        printf("writer exited with %d\n", WEXITSTATUS(status));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("SIGPIPE ignored:\n");
    write_to_closed(1);
    printf("SIGPIPE default:\n");
    write_to_closed(0);
    printf("sigpipetest: done\n");
    return 0;
}
