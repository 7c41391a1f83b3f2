/*
 * memhog: when memory runs out, the out-of-memory killer takes the
 * largest process, not the one that asked last.
 *
 * Guards against: a kernel that kills whichever program faults when no
 * frame is left (often a small one, such as a shell), or that hangs or
 * crashes. Two rounds, each with a child that takes memory a MiB at a
 * time while the parent, small, watches:
 *
 * - `grows`: the child never stops; its own fault finds no frame, and it
 *   is the largest: it is killed (SIGKILL);
 * - `sleeps`: the child stops when little memory is left and sleeps
 *   holding it; then the parent asks for 32 MiB. The parent's fault finds
 *   no frame, but the child is the largest: the child is killed, and the
 *   parent gets its memory and goes on.
 *
 * Run under init (`-- /bin/memhog`), which must live on too (init is
 * never chosen). Not compared with Linux: Linux's killer does the same,
 * but when it strikes and what it logs depend on the machine's memory.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define PAGE 4096

/* Write one byte in each page of [p, p + n): the pages are taken then.
 * Through a volatile pointer: a compiler may drop a memset of memory
 * that is never read again. */
static void
touch(char *p, size_t n, char value)
{
    volatile char *v = p;
    for (size_t i = 0; i < n; i += PAGE)
        v[i] = value;
}

/* Free memory now, in MiB (sysinfo). */
static long
free_mib(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return 0;
    return (long)(si.freeram * si.mem_unit / MIB);
}

/* Take memory a MiB at a time; with @p stop_at > 0, stop when less than
 * that many MiB are free, tell @p fd, and sleep. */
static void
hog(long stop_at, int fd)
{
    for (long mib = 1;; mib++) {
        if (stop_at > 0 && free_mib() < stop_at) {
            write(fd, "x", 1);
            for (;;)
                pause();
        }
        char *p = malloc(MIB);
        if (p == NULL) {
            printf("memhog: malloc refused at %ld MiB\n", mib);
            _exit(3);
        }
        touch(p, MIB, (char)mib);
    }
}

/* How the child ended, as a line. */
static void
report(const char *round, int status)
{
    if (WIFSIGNALED(status))
        printf("memhog: %s: the hog was killed by signal %d\n", round,
               WTERMSIG(status));
    else
        printf("memhog: %s: the hog exited with status %d\n", round,
               WEXITSTATUS(status));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("memhog: start\n");

    // round 1: the child's own faults run out
    pid_t child = fork();
    if (child == 0)
        hog(0, -1);
    int status = 0;
    waitpid(child, &status, 0);
    report("grows", status);

    // round 2: the child sleeps on nearly all of it; the parent asks
    int fds[2];
    if (pipe(fds) < 0)
        return 1;
    child = fork();
    if (child == 0)
        hog(6, fds[1]);
    char byte;
    if (read(fds[0], &byte, 1) != 1) {
        printf("memhog: sleeps: the hog did not get there\n");
        return 1;
    }
    char *q = malloc(32 * MIB);
    if (q != NULL)
        touch(q, 32 * MIB, 2); // no frames left: the hog must go
    printf("memhog: sleeps: 32 MiB for the parent: %s\n",
           q != NULL ? "ok" : "refused");
    // killed already, its SIGKILL first; if not, SIGTERM shows it
    kill(child, SIGTERM);
    waitpid(child, &status, 0);
    report("sleeps", status);
    printf("memhog: done\n");
    return 0;
}
