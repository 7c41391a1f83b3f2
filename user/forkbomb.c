/*
 * forkbomb: a chain of processes, each forking the next, until the kernel
 * says no.
 *
 * Guards against: a kernel that dies (or hangs) when a program creates
 * processes without end. Keel, as Linux, allows as many processes as
 * kernel stacks fit in an eighth of memory (2048 in 256 MiB); past that
 * fork must fail with EAGAIN, the chain must unwind with every process
 * reaped, and the kernel must go on. Run as `init=/bin/forkbomb` (it is
 * not in init's list: on Linux the chain would only stop at the bound).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_DEPTH 100000

/* Fork the rest of the chain from @p depth; exit code 1 when some link
 * saw fork fail with EAGAIN, 0 when the bound was reached first. */
static int
chain(int depth)
{
    if (depth == MAX_DEPTH)
        return 0;
    pid_t pid = fork();
    if (pid < 0 && errno == EAGAIN)
        printf("forkbomb: the fork of link %d: EAGAIN\n", depth + 1);
    if (pid < 0)
        return errno == EAGAIN ? 1 : 2;
    if (pid == 0)
        exit(chain(depth + 1));
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 3;
    return WEXITSTATUS(status);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("forkbomb: start\n");
    int r = chain(0);
    if (r == 1)
        printf("forkbomb: fork refused with EAGAIN; chain unwound\n");
    else if (r == 0)
        printf("forkbomb: reached %d processes\n", MAX_DEPTH);
    else
        printf("forkbomb: unexpected failure %d\n", r);
    // the kernel still works: one more child comes and goes
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    int status = 0;
    waitpid(pid, &status, 0);
    printf("forkbomb: after the chain, a child exits with %d\n",
           WEXITSTATUS(status));
    return r <= 1 ? 0 : 1;
}
