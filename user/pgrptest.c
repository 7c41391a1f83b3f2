/*
 * pgrptest: signals without handlers, process groups and sessions.
 *
 * Default actions (a child killed by SIGUSR2; SIGCHLD ignored), SIGKILL
 * that cannot be caught, the mask (blocked signals stay pending, SIGKILL
 * cannot be blocked, a bad `how`), kill's errors, and the group calls:
 * setsid, setpgid's rules, kill(-pgid) and kill(0) reaching a whole group.
 * Only relations are printed (no pids), so Linux prints the same.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOPID 0x3fffffff

extern char **environ;

static void
show(const char *what, long r)
{
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static void
status(const char *what, int st)
{
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

static void
defaults(void)
{
    int st;
    pid_t c = fork();
    if (c == 0) {
        kill(getpid(), SIGUSR2);
        _exit(0);
    }
    waitpid(c, &st, 0);
    status("SIGUSR2 default", st);
    c = fork();
    if (c == 0) {
        kill(getpid(), SIGCHLD);
        kill(getpid(), SIGWINCH);
        _exit(3);
    }
    waitpid(c, &st, 0);
    status("SIGCHLD, SIGWINCH default", st);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    show("sigaction(SIGKILL, SIG_IGN)", sigaction(SIGKILL, &sa, NULL));
    show("sigaction(SIGSTOP, SIG_IGN)", sigaction(SIGSTOP, &sa, NULL));
    show("sigaction(0)", sigaction(0, &sa, NULL));
    show("sigaction(65)", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
    c = fork();
    if (c == 0) {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        kill(getpid(), SIGKILL);
        _exit(0);
    }
    waitpid(c, &st, 0);
    status("SIGKILL with everything blocked", st);
}

static void
masks(void)
{
    sigset_t s, old, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGKILL);
    sigaddset(&s, SIGSTOP);
    sigprocmask(SIG_SETMASK, &s, &old);
    sigprocmask(SIG_BLOCK, NULL, &s);
    printf("mask: usr1 %d kill %d stop %d\n", sigismember(&s, SIGUSR1),
           sigismember(&s, SIGKILL), sigismember(&s, SIGSTOP));
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    printf("pending: usr1 %d usr2 %d\n", sigismember(&pend, SIGUSR1),
           sigismember(&pend, SIGUSR2));
    // a child inherits the mask, not the pending signal
    pid_t c = fork();
    if (c == 0) {
        sigset_t m, p;
        sigprocmask(SIG_BLOCK, NULL, &m);
        sigpending(&p);
        _exit(sigismember(&m, SIGUSR1) * 10 + sigismember(&p, SIGUSR1));
    }
    int st;
    waitpid(c, &st, 0);
    printf("child: mask usr1 %d pending usr1 %d\n", WEXITSTATUS(st) / 10,
           WEXITSTATUS(st) % 10);
    signal(SIGUSR1, SIG_IGN); // discards the pending one
    sigpending(&pend);
    printf("after SIG_IGN: pending usr1 %d\n", sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
    show("sigprocmask(how 7)", sigprocmask(7, &s, NULL));
    show("rt_sigprocmask(size 4)",
         syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4));
    show("kill(self, 65)", kill(getpid(), 65));
    show("kill(self, 0)", kill(getpid(), 0));
    show("kill(NOPID, 0)", kill(NOPID, 0));
    show("kill(-NOPID, 0)", kill(-NOPID, 0));
    // kill(-1): everybody but init and the caller (a child, here)
    c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    show("kill(-1, 0)", kill(-1, 0));
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    status("a child", st);
    show("tgkill(self, other)", syscall(SYS_tgkill, getpid(), NOPID, SIGUSR1));
    show("tgkill(0, self)", syscall(SYS_tgkill, 0, getpid(), SIGUSR1));
}

/* setpgid on a child that has run execve: EACCES. The child (this very
 * program, with the argument "sleep") tells us with SIGUSR1 once it runs;
 * we keep SIGUSR1 blocked and watch the pending set. */
static void
after_exec(void)
{
    sigset_t u, old, pend;
    sigemptyset(&u);
    sigaddset(&u, SIGUSR1);
    sigprocmask(SIG_BLOCK, &u, &old);
    pid_t c = fork();
    if (c == 0) {
        char path[512];
        const char *root = getenv("ROOT");
        snprintf(path, sizeof(path), "%s/bin/pgrptest", root ? root : "");
        char *argv[] = {"/bin/pgrptest", "sleep", NULL};
        sigprocmask(SIG_SETMASK, &old, NULL);
        execve(path, argv, environ);
        _exit(127);
    }
    do {
        sched_yield();
        sigpending(&pend);
    } while (!sigismember(&pend, SIGUSR1));
    show("setpgid(child after execve)", setpgid(c, c));
    kill(c, SIGKILL);
    int st;
    waitpid(c, &st, 0);
    status("exec'd child", st);
    signal(SIGUSR1, SIG_IGN); // drop the pending one
    signal(SIGUSR1, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* SIGCHLD set to SIG_IGN: children are never zombies; wait4 waits for
 * them all to end and answers ECHILD. */
static void
no_zombies(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t c = fork();
    if (c == 0)
        _exit(4);
    int st;
    show("waitpid with SIGCHLD ignored", waitpid(-1, &st, 0));
    signal(SIGCHLD, SIG_DFL);
}

static void
groups(void)
{
    pid_t me = getpid();
    printf("same group as parent: %d\n", getpgid(0) == getpgid(getppid()));
    printf("same session as parent: %d\n", getsid(0) == getsid(getppid()));
    printf("getpgrp == getpgid(0): %d\n", getpgrp() == getpgid(0));
    show("getpgid(NOPID)", getpgid(NOPID));
    show("getsid(NOPID)", getsid(NOPID));
    show("setpgid(0, -1)", setpgid(0, -1));
    show("setpgid(parent)", setpgid(getppid(), getppid()));
    pid_t s = setsid();
    printf("setsid: %s, pgid %d sid %d\n", s == me ? "self" : "?",
           getpgid(0) == me, getsid(0) == me);
    show("setsid again", setsid());
    show("setpgid(self) as session leader", setpgid(0, 0));
    // a child in a group of its own, killed through the group
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    show("setpgid(child, child)", setpgid(c, c) == 0 ? 0 : -1);
    printf("child's group is its pid: %d\n", getpgid(c) == c);
    show("setpgid(child, NOPID)", setpgid(c, NOPID));
    int st;
    show("waitpid(0) with the child in another group",
         waitpid(0, &st, WNOHANG));
    show("kill(-child, SIGTERM)", kill(-c, SIGTERM));
    printf("waitpid(-child) finds it: %d\n", waitpid(-c, &st, 0) == c);
    status("group member", st);
    // kill(0): a child leads a group of three, blocks SIGTERM, kills it
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        sigset_t t;
        sigemptyset(&t);
        sigaddset(&t, SIGTERM);
        sigprocmask(SIG_BLOCK, &t, NULL);
        pid_t g[2];
        for (int i = 0; i < 2; i++) {
            g[i] = fork();
            if (g[i] == 0) {
                sigprocmask(SIG_UNBLOCK, &t, NULL);
                for (;;)
                    pause();
            }
        }
        kill(0, SIGTERM);
        int code = 0;
        for (int i = 0; i < 2; i++) {
            waitpid(g[i], &st, 0);
            code = code * 10 + (WIFSIGNALED(st) ? WTERMSIG(st) % 10 : 0);
        }
        _exit(code);
    }
    waitpid(c, &st, 0);
    printf("kill(0) in a group: leader exited %d (55: both killed by 15)\n",
           WEXITSTATUS(st));
}

int
main(int argc, char *argv[])
{
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        kill(getppid(), SIGUSR1);
        for (;;)
            pause();
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    defaults();
    masks();
    groups();
    after_exec();
    no_zombies();
    printf("pgrptest: done\n");
    return 0;
}
