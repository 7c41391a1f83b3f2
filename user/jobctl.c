/*
 * jobctl: stopping and continuing processes, as a shell's job control
 * sees it, without a terminal.
 *
 * Each part runs in a session of its own (a child calls setsid), so the
 * result does not depend on how the program was started: its groups are
 * orphaned or not because the part made them so. Checked: SIGSTOP and
 * SIGTSTP stop, SIGCONT continues; wait4 with WUNTRACED and WCONTINUED
 * and waitid with WSTOPPED, WCONTINUED and WNOWAIT report it with Linux's
 * status words; SIGCHLD carries CLD_STOPPED and CLD_CONTINUED (none with
 * SA_NOCLDSTOP); a signal sent to a stopped process waits for SIGCONT;
 * SIGTSTP does nothing in an orphaned group, SIGSTOP still stops; a
 * group orphaned while stopped gets SIGHUP and SIGCONT; a blocking read
 * goes on after a stop and continue, or fails with EINTR when a SIGCONT
 * handler without SA_RESTART runs. Only relations are printed (no pids),
 * so Linux prints the same.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int chld_code, chld_status, chld_count;

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_count++;
}

static void
nothing(int sig)
{
    (void)sig;
}

/* Sleep @p ms milliseconds. */
static void
msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* The state letter of process @p pid in /proc/PID/stat ('?': none). */
static char
proc_state(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return '?';
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    return paren != NULL && paren[1] == ' ' ? paren[2] : '?';
}

/* Print what a wait status says. */
static void
status(const char *what, int st)
{
    if (WIFSTOPPED(st))
        printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        printf("%s: continued\n", what);
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d\n", what, WTERMSIG(st));
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

/* Show the SIGCHLD that arrived while blocked: unblock, then block. */
static void
show_sigchld(const char *what)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    chld_count = 0;
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    sigprocmask(SIG_BLOCK, &s, NULL);
    if (chld_count == 0)
        printf("%s: no SIGCHLD\n", what);
    else
        printf("%s: SIGCHLD code %d status %d\n", what, chld_code, chld_status);
}

/* A child in a group of its own that waits for signals forever. */
static pid_t
sleeper(void)
{
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(c, c);
    return c;
}

/* Run @p part in a new session (a child that calls setsid); wait for it. */
static void
in_session(const char *name, void (*part)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        setsid();
        part();
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        status(name, st);
}

/* Stop, continue and kill a child; watch it with wait4 and SIGCHLD. */
static void
stop_and_continue(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, NULL);

    int st;
    pid_t c = sleeper();
    kill(c, SIGSTOP);
    printf("wait4 WUNTRACED: %d\n", waitpid(c, &st, WUNTRACED) == c);
    status("after SIGSTOP", st);
    printf("state in /proc: %c\n", proc_state(c));
    show_sigchld("after SIGSTOP");
    printf("again, WNOHANG|WUNTRACED: %d\n",
           waitpid(c, &st, WNOHANG | WUNTRACED));
    kill(c, SIGCONT);
    printf("wait4 WCONTINUED: %d\n", waitpid(c, &st, WCONTINUED) == c);
    status("after SIGCONT", st);
    msleep(100); // Linux's SIGCHLD comes once the child runs again
    printf("state in /proc: %c\n", proc_state(c));
    show_sigchld("after SIGCONT");

    kill(c, SIGTSTP);
    waitpid(c, &st, WUNTRACED);
    status("after SIGTSTP", st);
    show_sigchld("after SIGTSTP");
    // a signal for a stopped process waits for SIGCONT
    kill(c, SIGTERM);
    msleep(50);
    printf("SIGTERM while stopped, WNOHANG: %d\n", waitpid(c, &st, WNOHANG));
    kill(c, SIGCONT);
    printf("after SIGCONT: %d\n", waitpid(c, &st, 0) == c);
    status("SIGTERM then SIGCONT", st);
    show_sigchld("SIGTERM then SIGCONT");

    // SA_NOCLDSTOP: no SIGCHLD for stops and continues, wait4 still knows
    sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    c = sleeper();
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    status("SA_NOCLDSTOP stop", st);
    show_sigchld("SA_NOCLDSTOP stop");
    kill(c, SIGCONT);
    waitpid(c, &st, WCONTINUED);
    status("SA_NOCLDSTOP continue", st);
    msleep(100);
    show_sigchld("SA_NOCLDSTOP continue");
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    status("SIGKILL", st);
}

/* waitid's view: WSTOPPED, WCONTINUED, WNOWAIT leaves the news. */
static void
with_waitid(void)
{
    siginfo_t si;
    pid_t c = sleeper();
    kill(c, SIGSTOP);
    memset(&si, 0, sizeof(si));
    int r = waitid(P_PID, c, &si, WSTOPPED | WNOWAIT);
    printf("waitid WSTOPPED|WNOWAIT: %d code %d status %d pid %d\n", r,
           si.si_code, si.si_status, si.si_pid == c);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, c, &si, WSTOPPED);
    printf("waitid WSTOPPED: %d code %d status %d\n", r, si.si_code,
           si.si_status);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, c, &si, WSTOPPED | WNOHANG);
    printf("waitid again, WNOHANG: %d pid %d\n", r, si.si_pid);
    kill(c, SIGCONT);
    memset(&si, 0, sizeof(si));
    r = waitid(P_ALL, 0, &si, WCONTINUED);
    printf("waitid WCONTINUED: %d code %d status %d\n", r, si.si_code,
           si.si_status);
    kill(c, SIGKILL);
    // Regression: without WEXITED an exited child is not reported (it
    // once was, and reaped, so the WEXITED wait below got ECHILD); a
    // zombie is no child to wait for then, so Linux says ECHILD.
    msleep(100); // a zombie by now
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, c, &si, WSTOPPED | WCONTINUED | WNOHANG);
    printf("waitid without WEXITED, a zombie: %d %s pid %d\n", r,
           r < 0 ? strerror(errno) : "", si.si_pid);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, c, &si, WEXITED);
    printf("waitid WEXITED: %d code %d status %d\n", r, si.si_code,
           si.si_status);
    memset(&si, 0xff, sizeof(si));
    r = waitid(P_ALL, 0, &si, 0);
    printf("waitid no options: %d %s, infop zeroed: %s\n", r, strerror(errno),
           si.si_signo == 0 && si.si_pid == 0 ? "yes" : "no");
    // Regression: infop is written on every path, an error's too (zeros),
    // so a bad infop is EFAULT even where the wait fails (Keel once
    // returned the wait's error and left infop alone).
    memset(&si, 0xff, sizeof(si));
    r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
    printf("waitid no child: %d %s, infop zeroed: %s\n", r, strerror(errno),
           si.si_signo == 0 && si.si_pid == 0 ? "yes" : "no");
    r = waitid(P_ALL, 0, (siginfo_t *)8, WEXITED | WNOHANG);
    printf("waitid no child, bad infop: %d %s\n", r, strerror(errno));
}

/* This session's only group is orphaned: SIGTSTP does nothing to it. */
static void
orphaned_stop(void)
{
    raise(SIGTSTP);
    printf("SIGTSTP in an orphaned group: still running\n");
    raise(SIGTTIN);
    raise(SIGTTOU);
    printf("SIGTTIN, SIGTTOU too\n");
}

/* Our parent stops us with SIGSTOP: that works in an orphaned group. */
static void
orphaned_sigstop(void)
{
    int st;
    pid_t c = fork();
    if (c == 0) {
        setsid();
        for (;;)
            pause();
    }
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    status("SIGSTOP in an orphaned group", st);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
}

static int hup_pipe[2];

static void
on_hup(int sig)
{
    char c = sig == SIGHUP ? 'H' : 'C';
    write(hup_pipe[1], &c, 1);
}

/*
 * A group stopped and then orphaned: its leader's parent (this session's
 * leader, its only link outside the group) exits, and the group gets
 * SIGHUP and SIGCONT. The grandchild reports through a pipe.
 */
static void
orphaned_by_exit(void)
{
    pipe(hup_pipe);
    pid_t link = fork();
    if (link == 0) {
        pid_t c = fork();
        if (c == 0) {
            setpgid(0, 0);
            signal(SIGHUP, on_hup);
            signal(SIGCONT, on_hup);
            raise(SIGSTOP);
            msleep(100); // both signals have arrived by now
            _exit(0);
        }
        setpgid(c, c);
        int st;
        waitpid(c, &st, WUNTRACED);
        status("before the exit", st);
        fflush(stdout);
        _exit(0); // the group loses its link
    }
    close(hup_pipe[1]);
    int st;
    waitpid(link, &st, 0);
    char buf[8];
    ssize_t n, got = 0;
    while ((n = read(hup_pipe[0], buf + got, sizeof(buf) - got)) > 0)
        got += n;
    // the handlers' order is the kernel's business: sort the letters
    int h = memchr(buf, 'H', got) != NULL, c = memchr(buf, 'C', got) != NULL;
    printf("orphaned while stopped: %zd signals, SIGHUP %d, SIGCONT %d\n", got,
           h, c);
}

/* A read waits in a pipe while its reader is stopped and continued. */
static void
read_across_stop(int handler_flags)
{
    int data[2], ready[2];
    pipe(data);
    pipe(ready);
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        if (handler_flags >= 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = nothing;
            sa.sa_flags = handler_flags;
            sigaction(SIGCONT, &sa, NULL);
        }
        char b;
        write(ready[1], "r", 1);
        ssize_t r = read(data[0], &b, 1);
        printf("read after stop and continue (%s): %zd %s\n",
               handler_flags < 0    ? "no handler"
               : handler_flags == 0 ? "handler"
                                    : "handler, SA_RESTART",
               r, r < 0 ? strerror(errno) : "");
        fflush(stdout);
        _exit(0);
    }
    setpgid(c, c);
    char b;
    read(ready[0], &b, 1);
    msleep(100); // the child sleeps in read by now
    int st;
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    kill(c, SIGCONT);
    msleep(100);
    write(data[1], "x", 1);
    waitpid(c, &st, 0);
    close(data[0]), close(data[1]), close(ready[0]), close(ready[1]);
}

static void
reads(void)
{
    read_across_stop(-1);
    read_across_stop(0);
    read_across_stop(SA_RESTART);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    in_session("stop and continue", stop_and_continue);
    in_session("waitid", with_waitid);
    in_session("orphaned stop", orphaned_stop);
    in_session("orphaned SIGSTOP", orphaned_sigstop);
    in_session("orphaned by exit", orphaned_by_exit);
    in_session("reads", reads);
    return 0;
}
