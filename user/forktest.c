/*
 * forktest: fork makes a child, wait4 collects it, exit codes arrive.
 *
 * Five children exit with five different codes; the parent collects them
 * with wait4(-1) in whatever order they end and prints them sorted, so
 * the output does not depend on the scheduler. Then 50 children at once,
 * each checking that getppid() is the parent's pid, are forked and
 * reaped: no child may be lost, doubled or left unreaped. Nothing printed
 * depends on pids, so the output on Linux (grading/oracle.py) is the
 * expected output on Keel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define MANY 50

/* Five children, five exit codes, collected in any order. */
static void
distinct_codes(void)
{
    static const int codes[5] = {7, 3, 11, 5, 9};
    for (int i = 0; i < 5; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(codes[i]);
        if (pid < 0) {
            printf("fork failed: errno %d\n", errno);
            exit(1);
        }
    }
    int got[5], n = 0, status;
    while (n < 5 && wait4(-1, &status, 0, NULL) > 0)
        got[n++] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    // insertion sort: the order children end in is the scheduler's choice
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && got[j - 1] > got[j]; j--) {
            int t = got[j];
            got[j] = got[j - 1];
            got[j - 1] = t;
        }
    }
    printf("children reaped: %d\n", n);
    printf("exit codes:");
    for (int i = 0; i < n; i++)
        printf(" %d", got[i]);
    printf("\n");
}

/* MANY children alive (or zombies) at once, each checking its parent. */
static void
many_children(void)
{
    pid_t self = getpid();
    int forked = 0, reaped = 0, good = 0, status;
    for (int i = 0; i < MANY; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(getppid() == self && getpid() != self ? 0 : 1);
        if (pid < 0)
            break;
        forked++;
    }
    while (wait4(-1, &status, 0, NULL) > 0) {
        reaped++;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            good++;
    }
    if (forked == MANY && reaped == MANY && good == MANY)
        printf("forked up to %d children: ok\n", MANY);
    else
        printf("forked up to %d children: forked %d, reaped %d, good %d\n",
               MANY, forked, reaped, good);
}

int
main(void)
{
    // unbuffered: nothing left in a buffer for a forked child to repeat
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("forktest: start\n");
    distinct_codes();
    errno = 0;
    pid_t r = wait4(-1, NULL, 0, NULL);
    printf("wait4 with no children left: %s\n",
           r == -1 && errno == ECHILD ? "ECHILD" : "unexpected");
    many_children();
    printf("forktest: done\n");
    return 0;
}
