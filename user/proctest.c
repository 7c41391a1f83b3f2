/*
 * proctest: clone, vfork, waitid, the id calls, resource limits,
 * sysinfo, getrandom, prctl, priorities, affinity and execve's limits.
 *
 * Prints only results that are the same on every Linux run as root (the
 * oracle runs it as the grader's user, root in CI and here): no pids, no
 * times, no memory sizes. Each check guards a rule a C library or a shell
 * relies on: fork through clone with glibc's flags writes the child's
 * tid; vfork's parent waits for the child; waitid reports how a child
 * ended; a process that dropped root cannot take it back, and capget
 * says which capabilities it kept; capset drops capabilities and what
 * they guarded is refused; limits are
 * inherited and checked, RLIMIT_NPROC bounds a user's processes (not
 * root's); execve refuses a string longer than
 * MAX_ARG_STRLEN (131072) but takes one below it.
 *
 * `proctest args` (run by the execve check) prints its argument count
 * and the length of its first argument. `proctest reboot` asks for a
 * restart, `proctest halt` for a halt (the grading test boots them as
 * init and checks QEMU's status).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
err(long r)
{
    static char buf[32];
    if (r >= 0)
        return "ok";
    switch (errno) {
    case EINVAL:
        return "EINVAL";
    case EPERM:
        return "EPERM";
    case EFAULT:
        return "EFAULT";
    case ECHILD:
        return "ECHILD";
    case E2BIG:
        return "E2BIG";
    case ESRCH:
        return "ESRCH";
    case EACCES:
        return "EACCES";
    }
    snprintf(buf, sizeof(buf), "errno %d", errno);
    return buf;
}

/* posix_spawn's child: runs on its own stack, then exits with 9. */
static int
spawn_child(void *msg)
{
    write(1, msg, strlen(msg));
    return 9;
}

static void
clones(void)
{
    // glibc's fork: the child's tid lands in the child's memory
    volatile int tid = 0;
    long pid =
        syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
                0, NULL, &tid, 0);
    if (pid == 0) {
        printf("clone child: tid word is my pid: %s\n",
               tid == getpid() ? "yes" : "no");
        _exit(7);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("clone(glibc fork flags): child exited %d; parent's word: %s\n",
           WEXITSTATUS(st), tid == 0 ? "untouched" : "written");

    int ptid = 0;
    pid = syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid, NULL, 0);
    if (pid == 0)
        _exit(ptid == 0 ? 0 : 1); // the child's copy predates the write
    waitpid(pid, &st, 0);
    printf("clone(PARENT_SETTID): parent's word is the pid: %s, child's "
           "copy untouched: %s\n",
           ptid == pid ? "yes" : "no", WEXITSTATUS(st) == 0 ? "yes" : "no");
    printf("clone(THREAD alone): %s\n",
           err(syscall(SYS_clone, CLONE_THREAD | SIGCHLD, 0, NULL, NULL, 0)));

    // vfork: the child runs (and ends) before the parent goes on
    pid = vfork();
    if (pid == 0) {
        write(1, "vfork child runs first\n", 23);
        _exit(3);
    }
    printf("vfork parent after the child\n");
    waitpid(pid, &st, 0);
    printf("vfork child exited %d\n", WEXITSTATUS(st));

    // posix_spawn's clone: CLONE_VM|CLONE_VFORK and a stack of its own
    static char stack[16384] __attribute__((aligned(16)));
    pid = clone(spawn_child, stack + sizeof(stack),
                CLONE_VM | CLONE_VFORK | SIGCHLD,
                "clone(VM|VFORK) child on its own stack\n");
    printf("clone(VM|VFORK) parent after the child\n");
    waitpid(pid, &st, 0);
    printf("clone(VM|VFORK) child exited %d\n", WEXITSTATUS(st));
}

static void
print_info(const char *what, long r, const siginfo_t *si, pid_t want)
{
    printf("waitid(%s): %s", what, err(r));
    if (r == 0)
        printf(" signo=%d code=%d status=%d pid=%s", si->si_signo, si->si_code,
               si->si_status,
               si->si_pid == want ? "child"
               : si->si_pid == 0  ? "0"
                                  : "other");
    printf("\n");
}

static void
waitids(void)
{
    siginfo_t si;
    pid_t c = fork();
    if (c == 0)
        _exit(5);
    memset(&si, 0xff, sizeof(si));
    long r = waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    print_info("P_PID, WNOWAIT", r, &si, c);
    r = waitid(P_ALL, 0, &si, WEXITED);
    print_info("P_ALL", r, &si, c);
    r = waitid(P_ALL, 0, &si, WEXITED);
    print_info("no children", r, &si, c);

    c = fork();
    if (c == 0) {
        *(volatile int *)0 = 1; // killed by SIGSEGV
        _exit(0);
    }
    r = waitid(P_PID, c, &si, WEXITED);
    print_info("killed child", r, &si, c);

    c = fork();
    if (c == 0) {
        for (volatile unsigned long i = 0; i < 30000000; i++)
            ;
        _exit(1);
    }
    memset(&si, 0xff, sizeof(si));
    r = waitid(P_PID, c, &si, WEXITED | WNOHANG);
    print_info("WNOHANG, running", r, &si, c);
    r = waitid(P_PID, c, &si, 0);
    print_info("no WEXITED", r, &si, c);
    r = waitid(P_PID, c, &si, WEXITED);
    print_info("then", r, &si, c);
}

static void
print_ids(const char *when)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("%s: uid %u %u %u (getuid %u geteuid %u), gid %u %u %u\n", when, r,
           e, s, getuid(), geteuid(), gr, ge, gs);
}

/* capget's header and one 32-bit part of its sets (linux/capability.h). */
struct cap_header {
    unsigned version;
    int pid;
};
struct cap_data {
    unsigned effective, permitted, inheritable;
};

/* The capability sets capget gives for process @p pid (0: the caller). */
static void
print_caps(const char *when, int pid)
{
    struct cap_header h = {0x20080522, pid}; // version 3: two parts
    struct cap_data d[2];
    memset(d, 0xee, sizeof(d));
    long r = syscall(SYS_capget, &h, d);
    if (r < 0) {
        printf("%s: capget: %s\n", when, err(r));
        return;
    }
    printf("%s: caps effective %08x%08x permitted %08x%08x inheritable "
           "%08x%08x\n",
           when, d[1].effective, d[0].effective, d[1].permitted, d[0].permitted,
           d[1].inheritable, d[0].inheritable);
}

/* capget's answers to a wrong header: Linux's order of checks. */
static void
capget_errors(void)
{
    struct cap_header h = {0x12345678, 0};
    struct cap_data d[2];
    printf("capget, unknown version: %s", err(syscall(SYS_capget, &h, d)));
    printf(", version written back %#x\n", h.version);
    h.version = 0x12345678;
    printf("capget, unknown version, no data: %s\n",
           err(syscall(SYS_capget, &h, NULL)));
    h.version = 0x19980330; // version 1: one part
    memset(d, 0xee, sizeof(d));
    long r = syscall(SYS_capget, &h, d);
    printf("capget, version 1: %s, second part %s\n", err(r),
           d[1].effective == 0xeeeeeeee ? "untouched" : "written");
    h.version = 0x20080522;
    h.pid = -1;
    printf("capget, pid -1: %s\n", err(syscall(SYS_capget, &h, d)));
    h.pid = 99999;
    printf("capget, no such pid: %s\n", err(syscall(SYS_capget, &h, d)));
    print_caps("init's", 1);
}

/* capset with version 3: the three sets, 64 bits each. */
static long
capset3(unsigned long eff, unsigned long perm, unsigned long inh, int pid)
{
    struct cap_header h = {0x20080522, pid};
    struct cap_data d[2] = {{eff, perm, inh},
                            {eff >> 32, perm >> 32, inh >> 32}};
    return syscall(SYS_capset, &h, d);
}

#define CAPS_ALL 0x1fffffffffful
#define CAP_BIT(n) (1ul << (n))

/* In a child, as root: drop capabilities with capset and see what they
 * guarded refused; what capset itself refuses; execve gives root's
 * program every capability back. */
static void
capsets(void)
{
    // a process of another user, to signal; it ends when the pipe's
    // write end closes (this process may no longer kill it by then)
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        printf("pipe2: %s\n", err(-1));
        return;
    }
    pid_t other = fork();
    if (other == 0) {
        char b;
        close(p[1]);
        setresuid(1000, 1000, 1000);
        read(p[0], &b, 1);
        _exit(0);
    }
    close(p[0]);
    usleep(100000);
    printf("capset, the same sets: %s\n",
           err(capset3(CAPS_ALL, CAPS_ALL, 0, 0)));
    printf("capset, pid 1: %s\n", err(capset3(CAPS_ALL, CAPS_ALL, 0, 1)));
    printf("capset, pid -1: %s\n", err(capset3(CAPS_ALL, CAPS_ALL, 0, -1)));
    printf("capset, effective past permitted: %s\n",
           err(capset3(CAPS_ALL, CAPS_ALL & ~CAP_BIT(5), 0, 0)));
    printf("kill another user's process, CAP_KILL: %s\n", err(kill(other, 0)));
    // CAP_KILL (5) out of effective, then out of permitted
    printf("capset, no CAP_KILL in effective: %s\n",
           err(capset3(CAPS_ALL & ~CAP_BIT(5), CAPS_ALL, 0, 0)));
    print_caps("without CAP_KILL", 0);
    printf("kill another user's process, no CAP_KILL: %s\n",
           err(kill(other, 0)));
    printf("capset, CAP_KILL back in effective: %s\n",
           err(capset3(CAPS_ALL, CAPS_ALL, 0, 0)));
    printf("kill another user's process, CAP_KILL again: %s\n",
           err(kill(other, 0)));
    printf("capset, no CAP_KILL in permitted: %s\n",
           err(capset3(CAPS_ALL & ~CAP_BIT(5), CAPS_ALL & ~CAP_BIT(5), 0, 0)));
    printf("capset, CAP_KILL back in permitted: %s\n",
           err(capset3(CAPS_ALL, CAPS_ALL, 0, 0)));
    // inheritable: only what is permitted, unless CAP_SETPCAP (8)
    unsigned long perm = CAPS_ALL & ~CAP_BIT(5);
    printf("capset, CAP_KILL inheritable with CAP_SETPCAP: %s\n",
           err(capset3(perm, perm, CAP_BIT(5), 0)));
    perm &= ~CAP_BIT(0); // CAP_CHOWN
    unsigned long eff = perm & ~CAP_BIT(8);
    printf("capset, no CAP_SETPCAP, no CAP_CHOWN: %s\n",
           err(capset3(eff, perm, CAP_BIT(5), 0)));
    printf("capset, CAP_CHOWN inheritable without CAP_SETPCAP: %s\n",
           err(capset3(eff, perm, CAP_BIT(5) | CAP_BIT(0), 0)));
    print_caps("after the inheritable ones", 0);
    // CAP_SETUID (7) out of effective: setuid to another user is refused
    printf("capset, no CAP_SETUID: %s\n",
           err(capset3(eff & ~CAP_BIT(7), perm, CAP_BIT(5), 0)));
    printf("setuid(1000) without CAP_SETUID: %s\n", err(setuid(1000)));
    // version 1 sets only the low 32 bits: the high ones are dropped
    struct cap_header h = {0x19980330, 0};
    struct cap_data d = {(unsigned)(eff & ~CAP_BIT(7)), (unsigned)perm, 0};
    printf("capset, version 1: %s\n", err(syscall(SYS_capset, &h, &d)));
    print_caps("after version 1", 0);
    // execve: root's program starts with every capability again
    char self[512];
    const char *root = getenv("ROOT");
    snprintf(self, sizeof(self), "%s/bin/proctest", root ? root : "");
    pid_t c = fork();
    if (c == 0) {
        char *args[] = {"proctest", "caps", NULL};
        execve(self, args, NULL);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    close(p[1]);
    waitpid(other, NULL, 0);
}

/* In a child: drop root and try to get it back. */
static void
drop_root(void)
{
    gid_t groups[2] = {5, 6}, got[4];
    printf("setgroups(5 6): %s\n", err(setgroups(2, groups)));
    int n = getgroups(4, got);
    printf("getgroups: %d:%s%s\n", n, n > 0 && got[0] == 5 ? " 5" : "",
           n > 1 && got[1] == 6 ? " 6" : "");
    printf("getgroups(1): %s\n", err(getgroups(1, got)));
    printf("setresuid(1000, 2000, 0): %s\n", err(setresuid(1000, 2000, 0)));
    print_ids("after setresuid");
    print_caps("after setresuid", 0);
    printf("seteuid(0) (saved): %s\n", err(seteuid(0)));
    printf("setresuid(-1, 1000, 1000): %s\n", err(setresuid(-1, 1000, 1000)));
    printf("setgid(1000): %s\n", err(setgid(1000)));
    printf("setuid(1000): %s\n", err(setuid(1000)));
    print_ids("after setuid(1000)");
    print_caps("after setuid(1000)", 0);
    printf("setuid(0): %s\n", err(setuid(0)));
    printf("setresuid(0, -1, -1): %s\n", err(setresuid(0, -1, -1)));
    printf("setreuid(-1, 0): %s\n", err(setreuid(-1, 0)));
    printf("setgid(0): %s\n", err(setgid(0)));
    printf("setgroups as uid 1000: %s\n", err(setgroups(0, NULL)));
    printf("reboot as uid 1000: %s\n", err(reboot(RB_POWER_OFF)));
    struct rlimit lim = {100, 300};
    printf("raise NOFILE hard as uid 1000: %s\n",
           err(setrlimit(RLIMIT_NOFILE, &lim)));
    lim.rlim_max = 150;
    printf("lower NOFILE hard as uid 1000: %s\n",
           err(setrlimit(RLIMIT_NOFILE, &lim)));
    printf("setpriority(-5) as uid 1000: %s\n",
           err(setpriority(PRIO_PROCESS, 0, -5)));
}

static void
ids(void)
{
    print_ids("at start");
    print_caps("at start", 0);
    capget_errors();
    pid_t c = fork();
    if (c == 0) {
        capsets();
        _exit(0);
    }
    waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) {
        drop_root();
        _exit(0);
    }
    waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) {
        // setreuid: a new effective id also becomes the saved one
        printf("setreuid(-1, 1000): %s\n", err(setreuid(-1, 1000)));
        print_ids("after setreuid");
        printf("setuid(0) (real is 0): %s\n", err(setuid(0)));
        print_ids("after setuid(0)");
        _exit(0);
    }
    waitpid(c, NULL, 0);
    print_ids("parent unchanged");
}

static void
limits(void)
{
    struct rlimit lim = {100, 200}, got;
    printf("setrlimit(NOFILE, 100/200): %s\n",
           err(setrlimit(RLIMIT_NOFILE, &lim)));
    getrlimit(RLIMIT_NOFILE, &got);
    printf("getrlimit(NOFILE): %llu/%llu\n", (unsigned long long)got.rlim_cur,
           (unsigned long long)got.rlim_max);
    lim.rlim_cur = 300;
    printf("soft above hard: %s\n", err(setrlimit(RLIMIT_NOFILE, &lim)));
    printf("resource 99: %s\n", err(syscall(SYS_getrlimit, 99, &got)));
    printf("getrlimit(bad pointer): %s\n",
           err(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)8)));
    struct rlimit core = {0, 0}, old;
    printf("prlimit(CORE): %s\n", err(prlimit(0, RLIMIT_CORE, &core, &old)));
    getrlimit(RLIMIT_CORE, &got);
    printf("getrlimit(CORE): %llu/%llu\n", (unsigned long long)got.rlim_cur,
           (unsigned long long)got.rlim_max);
    pid_t c = fork();
    if (c == 0) {
        getrlimit(RLIMIT_NOFILE, &got);
        printf("child's NOFILE: %llu/%llu\n", (unsigned long long)got.rlim_cur,
               (unsigned long long)got.rlim_max);
        _exit(0);
    }
    waitpid(c, NULL, 0);
}

/*
 * RLIMIT_NPROC: a user may have that many processes, and fork past it is
 * EAGAIN. In a child that becomes an unused user (uid 54321) with a
 * limit of 3: it is one process of that user, so two forks succeed and
 * the third fails. Root is not bound: the same limit as root forks on.
 */
static void
nproc_limit(void)
{
    pid_t c = fork();
    if (c == 0) {
        struct rlimit three = {3, 3};
        setrlimit(RLIMIT_NPROC, &three);
        pid_t kid = fork(); // root: past the limit, and allowed
        if (kid == 0)
            _exit(0);
        printf("root, NPROC 3, 4th process: %s\n", kid < 0 ? "refused" : "ok");
        waitpid(kid, NULL, 0);
        if (setresuid(54321, 54321, 54321) < 0) {
            printf("setresuid(54321): %s\n", err(-1));
            _exit(1);
        }
        int fds[2];
        pipe(fds);
        int forked = 0;
        long r = 0;
        for (int i = 0; i < 5 && r >= 0; i++) {
            r = fork();
            if (r == 0) { // wait for the pipe to close, then go
                char byte;
                close(fds[1]);
                read(fds[0], &byte, 1);
                _exit(0);
            }
            forked += r > 0;
        }
        printf("uid 54321, NPROC 3: %d forks, then %s\n", forked, err(r));
        close(fds[1]);
        while (wait(NULL) > 0)
            ;
        _exit(0);
    }
    waitpid(c, NULL, 0);
}

/*
 * kill's permission rule: a user signals only processes whose real or
 * saved uid is its own real or effective uid; root signals any; SIGCONT
 * also reaches any process of the caller's session. A root process (the
 * victim, in a group of its own) and a user process (uid 54321) of the
 * same session: the user may signal itself and its own child, not the
 * victim nor init, except with SIGCONT. kill(-1) is 0 even when every
 * process refused (Linux's answer), a group that refuses all is EPERM.
 */
static void
kill_permission(void)
{
    pid_t victim = fork();
    if (victim == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(victim, victim);
    pid_t c = fork();
    if (c == 0) {
        if (setresuid(54321, 54321, 54321) < 0) {
            printf("setresuid(54321): %s\n", err(-1));
            _exit(1);
        }
        pid_t own = fork();
        if (own == 0) {
            for (;;)
                pause();
        }
        printf("user: kill(root's, 0): %s\n", err(kill(victim, 0)));
        printf("user: kill(root's, SIGTERM): %s\n", err(kill(victim, SIGTERM)));
        printf("user: kill(init, 0): %s\n", err(kill(1, 0)));
        printf("user: kill(root's group, 0): %s\n", err(kill(-victim, 0)));
        printf("user: kill(root's, SIGCONT), same session: %s\n",
               err(kill(victim, SIGCONT)));
        printf("user: kill(own child, 0): %s\n", err(kill(own, 0)));
        printf("user: kill(-1, 0): %s\n", err(kill(-1, 0)));
        kill(own, SIGKILL);
        waitpid(own, NULL, 0);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    int status = 0;
    kill(victim, SIGKILL);
    waitpid(victim, &status, 0);
    printf("root's process: %s\n",
           WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL
               ? "lived until root killed it"
               : "was killed by the user");
}

static void
info(void)
{
    struct sysinfo si;
    long r = sysinfo(&si);
    printf("sysinfo: %s, sane: %s\n", err(r),
           si.totalram > 0 && si.freeram <= si.totalram && si.procs >= 1 &&
                   si.mem_unit >= 1 && si.uptime < 100000000
               ? "yes"
               : "no");
    unsigned char a[16], b[16];
    printf("getrandom(16): %ld\n", (long)getrandom(a, 16, 0));
    printf("getrandom(NONBLOCK): %ld\n", (long)getrandom(b, 16, GRND_NONBLOCK));
    printf("two answers differ: %s\n", memcmp(a, b, 16) ? "yes" : "no");
    printf("getrandom(INSECURE): %ld\n", (long)getrandom(b, 16, 4));
    printf("getrandom(flags 8): %s\n", err(getrandom(b, 16, 8)));
    printf("getrandom(RANDOM|INSECURE): %s\n",
           err(getrandom(b, 16, GRND_RANDOM | 4)));
    printf("getrandom(bad pointer): %s\n", err(getrandom((void *)8, 16, 0)));

    char name[16] = "";
    printf("prctl(SET_NAME): %s\n",
           err(prctl(PR_SET_NAME, "renamed-proc", 0, 0, 0)));
    prctl(PR_GET_NAME, name, 0, 0, 0);
    printf("prctl(GET_NAME): %s\n", name);
    unsigned long mask[16];
    r = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
    printf("sched_getaffinity: %s\n", r > 0 ? "some CPU" : err(r));
    printf("sched_getaffinity(len 3): %s\n",
           err(syscall(SYS_sched_getaffinity, 0, 3, mask)));
    // Regression test for "BusyBox testsuite: taskset -p 1 fails": any
    // process may be asked about, not only the caller (ESRCH before).
    r = syscall(SYS_sched_getaffinity, 1, sizeof(mask), mask);
    printf("sched_getaffinity(pid 1): %s\n", r > 0 ? "some CPU" : err(r));
    unsigned cpu = 99;
    printf("getcpu: %s\n", err(syscall(SYS_getcpu, &cpu, NULL, NULL)));
    pid_t c = fork();
    if (c == 0) {
        errno = 0;
        setpriority(PRIO_PROCESS, 0, 5);
        printf("nice after setpriority(5): %d\n", getpriority(PRIO_PROCESS, 0));
        _exit(0);
    }
    waitpid(c, NULL, 0);
    long head[3];
    printf("set_robust_list(len 24): %s\n",
           err(syscall(SYS_set_robust_list, head, 24)));
    printf("set_robust_list(len 8): %s\n",
           err(syscall(SYS_set_robust_list, head, 8)));
    printf("reboot(bad magic): %s\n",
           err(syscall(SYS_reboot, 1, 2, RB_POWER_OFF, 0)));
}

/* Exec ourselves with one argument of @p len bytes (a static buffer:
 * malloc of this size needs mmap). */
static void
exec_big(const char *self, size_t len)
{
    static char big[200001];
    memset(big, 'x', len);
    big[len] = '\0';
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {"proctest", big, NULL};
        char *envp[] = {NULL};
        execve(self, argv, envp);
        printf("execve(%zu-byte argument): %s\n", len, err(-1));
        _exit(1);
    }
    waitpid(c, NULL, 0);
}

/*
 * Regression test for "BusyBox testsuite: xargs says argument line too
 * long": execve refused more than 1024 arguments, where Linux takes as
 * many as its byte limit holds; xargs passes thousands of short ones.
 */
static void
exec_many(const char *self, int n)
{
    static char *argv[6002];
    for (int i = 0; i < n; i++)
        argv[i] = i == 0 ? "proctest" : "x";
    argv[n] = NULL;
    pid_t c = fork();
    if (c == 0) {
        char *envp[] = {NULL};
        execve(self, argv, envp);
        printf("execve(%d arguments): %s\n", n, err(-1));
        _exit(1);
    }
    waitpid(c, NULL, 0);
}

static void
execs(void)
{
    char self[512];
    const char *root = getenv("ROOT");
    snprintf(self, sizeof(self), "%s/bin/proctest", root ? root : "");
    exec_big(self, 100000);
    exec_big(self, 131071);
    exec_big(self, 131072);
    exec_big(self, 200000);
    exec_many(self, 6000);
    printf("execve(argv = bad pointer): %s\n",
           err(syscall(SYS_execve, self, 8L, 0L)));
    char *argv[] = {"proctest", (char *)8, NULL};
    printf("execve(argv[1] = bad pointer): %s\n",
           err(execve(self, argv, NULL)));
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "halt") == 0) {
        printf("proctest: asking for a halt\n");
        reboot(RB_HALT_SYSTEM);
        printf("reboot: %s\n", err(-1));
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "reboot") == 0) {
        printf("proctest: asking for a restart\n");
        reboot(RB_AUTOBOOT);
        printf("reboot: %s\n", err(-1));
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "caps") == 0) {
        print_caps("after execve", 0);
        return 0;
    }
    if (argc == 2) {
        printf("proctest: exec'd with %d arguments, the first %zu bytes\n",
               argc, strlen(argv[1]));
        return 0;
    }
    if (argc > 2) {
        printf("proctest: exec'd with %d arguments\n", argc);
        return 0;
    }
    clones();
    waitids();
    limits();
    nproc_limit();
    kill_permission();
    ids();
    info();
    execs();
    printf("proctest: done\n");
    return 0;
}
