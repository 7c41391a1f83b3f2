/*
 * asynctest: signal-driven I/O (O_ASYNC, F_SETOWN, SIGIO), compared with
 * Linux.
 *
 *   owner    F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX, F_SETSIG and
 *            F_GETSIG on a pipe: the values read back, and their errors
 *            (ESRCH for nobody, EINVAL for a bad type, signal or
 *            INT_MIN, EFAULT, EBADF).
 *   flag     O_ASYNC through F_SETFL and FIOASYNC, as F_GETFL shows it;
 *            FIOASYNC on a regular file is ENOTTY, F_SETFL keeps it.
 *   pipe     a write into a pipe whose read end is O_ASYNC and owned by
 *            this process sends it SIGIO; with O_ASYNC off it does not.
 *   socket   the same on a socketpair, written by a forked child (as
 *            nginx's workers write to their master).
 *   group    an owner that is a process group (F_SETOWN -pgid).
 *   setsig   F_SETSIG's signal (SIGUSR1) comes instead of SIGIO.
 *
 * Only deterministic lines are printed: no pids. A kernel that never
 * signals prints "sigio: 0" and goes on (every wait is 2 s at most);
 * one that hangs is stopped by the watchdog.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

/* Seconds before the watchdog ends a hung program. */
#define WATCH 20

static volatile sig_atomic_t sigio_count;
static volatile sig_atomic_t usr1_count;

static void
on_sigio(int sig)
{
    (void)sig;
    sigio_count++;
}

static void
on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void
watchdog(int sig)
{
    (void)sig;
    static const char line[] = "timeout\n";
    write(1, line, sizeof(line) - 1);
    _exit(3);
}

/* Print what a call answered: the number, or errno's name. */
static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

/* Wait up to 2 s for *count to pass @p before (a signal comes while
 * we sleep in short steps); print whether it did. */
static void
await(const char *what, volatile sig_atomic_t *count, int before)
{
    struct timespec step = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 200 && *count == before; i++)
        nanosleep(&step, NULL);
    printf("%s: %s\n", what, *count > before ? "yes" : "no");
}

/* Wait 200 ms, and print whether a signal came meanwhile (it must not). */
static void
await_none(const char *what, volatile sig_atomic_t *count, int before)
{
    struct timespec wait = {0, 200 * 1000 * 1000};
    nanosleep(&wait, NULL);
    printf("%s: %s\n", what, *count > before ? "yes" : "no");
}

static void
part_owner(void)
{
    int p[2];
    pipe(p);
    pid_t me = getpid();
    struct f_owner_ex ex = {F_OWNER_PID, 0};
    puts("== owner");
    report("getown new", fcntl(p[0], F_GETOWN));
    report("setown self", fcntl(p[0], F_SETOWN, me));
    printf("getown is self: %d\n", fcntl(p[0], F_GETOWN) == me);
    report("getown other end", fcntl(p[1], F_GETOWN));
    report("getown_ex", fcntl(p[0], F_GETOWN_EX, &ex));
    printf("getown_ex: type %d self %d\n", ex.type, ex.pid == me);
    report("setown -pgrp", fcntl(p[0], F_SETOWN, -getpgrp()));
    printf("getown is -pgrp: %d\n", fcntl(p[0], F_GETOWN) == -getpgrp());
    report("getown_ex", fcntl(p[0], F_GETOWN_EX, &ex));
    printf("getown_ex: type %d pgrp %d\n", ex.type, ex.pid == getpgrp());
    report("setown nobody", fcntl(p[0], F_SETOWN, 999999));
    report("setown INT_MIN", fcntl(p[0], F_SETOWN, INT_MIN));
    report("setown 0", fcntl(p[0], F_SETOWN, 0));
    report("getown after 0", fcntl(p[0], F_GETOWN));
    ex = (struct f_owner_ex){7, (int)me};
    report("setown_ex type 7", fcntl(p[0], F_SETOWN_EX, &ex));
    ex = (struct f_owner_ex){F_OWNER_PID, -1};
    report("setown_ex pid -1", fcntl(p[0], F_SETOWN_EX, &ex));
    report("setown_ex bad pointer", fcntl(p[0], F_SETOWN_EX, (void *)8));
    report("getown_ex bad pointer", fcntl(p[0], F_GETOWN_EX, (void *)8));
    report("getsig new", fcntl(p[0], F_GETSIG));
    report("setsig 65", fcntl(p[0], F_SETSIG, 65));
    report("setsig -1", fcntl(p[0], F_SETSIG, -1));
    report("setsig SIGUSR1", fcntl(p[0], F_SETSIG, SIGUSR1));
    report("getsig", fcntl(p[0], F_GETSIG));
    report("setown closed fd", fcntl(99, F_SETOWN, me));
    report("getown closed fd", fcntl(99, F_GETOWN));
    close(p[0]);
    close(p[1]);
}

static void
part_flag(void)
{
    int p[2], on = 1, off = 0;
    pipe(p);
    puts("== flag");
    printf("new: async %d\n", (fcntl(p[0], F_GETFL) & O_ASYNC) != 0);
    report("fioasync on", ioctl(p[0], FIOASYNC, &on));
    printf("after fioasync: async %d\n", (fcntl(p[0], F_GETFL) & O_ASYNC) != 0);
    report("fioasync off", ioctl(p[0], FIOASYNC, &off));
    printf("after off: async %d\n", (fcntl(p[0], F_GETFL) & O_ASYNC) != 0);
    report("setfl async", fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK));
    printf("after setfl: async %d nonblock %d\n",
           (fcntl(p[0], F_GETFL) & O_ASYNC) != 0,
           (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    report("setfl none", fcntl(p[0], F_SETFL, 0));
    report("fioasync bad pointer", ioctl(p[0], FIOASYNC, (void *)8));
    int f = open("/tmp/asynctest.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
    report("fioasync regular file", ioctl(f, FIOASYNC, &on));
    report("setfl async regular file", fcntl(f, F_SETFL, O_ASYNC));
    printf("regular file: async %d\n", (fcntl(f, F_GETFL) & O_ASYNC) != 0);
    close(f);
    unlink("/tmp/asynctest.txt");
    close(p[0]);
    close(p[1]);
}

static void
part_pipe(void)
{
    int p[2];
    pipe(p);
    puts("== pipe");
    fcntl(p[0], F_SETOWN, getpid());
    report("setfl async", fcntl(p[0], F_SETFL, O_ASYNC));
    int before = sigio_count;
    write(p[1], "x", 1);
    await("sigio after write", &sigio_count, before);
    char c;
    read(p[0], &c, 1);
    fcntl(p[0], F_SETFL, 0);
    before = sigio_count;
    write(p[1], "y", 1);
    await_none("sigio with O_ASYNC off", &sigio_count, before);
    close(p[0]);
    close(p[1]);
}

static void
part_socket(void)
{
    int sv[2], on = 1;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    puts("== socket");
    report("setown self", fcntl(sv[0], F_SETOWN, getpid()));
    report("fioasync on", ioctl(sv[0], FIOASYNC, &on));
    int before = sigio_count;
    pid_t child = fork();
    if (child == 0) {
        close(sv[0]);
        struct timespec wait = {0, 50 * 1000 * 1000};
        nanosleep(&wait, NULL);
        write(sv[1], "hello", 5);
        _exit(0);
    }
    await("sigio from the child's write", &sigio_count, before);
    char buf[8] = {0};
    report("read", read(sv[0], buf, sizeof(buf)));
    waitpid(child, NULL, 0);
    close(sv[0]);
    close(sv[1]);
}

static void
part_group(void)
{
    int p[2];
    pipe(p);
    puts("== group");
    report("setown -pgrp", fcntl(p[0], F_SETOWN, -getpgrp()));
    report("setfl async", fcntl(p[0], F_SETFL, O_ASYNC));
    int before = sigio_count;
    write(p[1], "x", 1);
    await("sigio to the group", &sigio_count, before);
    close(p[0]);
    close(p[1]);
}

static void
part_setsig(void)
{
    int p[2];
    pipe(p);
    puts("== setsig");
    fcntl(p[0], F_SETOWN, getpid());
    report("setsig SIGUSR1", fcntl(p[0], F_SETSIG, SIGUSR1));
    report("setfl async", fcntl(p[0], F_SETFL, O_ASYNC));
    int io = sigio_count, usr1 = usr1_count;
    write(p[1], "x", 1);
    await("SIGUSR1", &usr1_count, usr1);
    printf("SIGIO too: %s\n", sigio_count > io ? "yes" : "no");
    close(p[0]);
    close(p[1]);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    // a group of our own: part group's SIGIO must reach no one else (on
    // Keel, init shares our parent's group; fails harmlessly when we
    // lead a session already)
    setpgid(0, 0);
    signal(SIGALRM, watchdog);
    alarm(WATCH);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigio;
    sigaction(SIGIO, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    part_owner();
    part_flag();
    part_pipe();
    part_socket();
    part_group();
    part_setsig();
    puts("== end");
    return 0;
}
