/*
 * failrun: BusyBox and the conformance programs, run while the kernel
 * fails their allocations on purpose; the kernel must survive, end every
 * program, and give every byte back.
 *
 * Guards against: the paths that handle a failed kmalloc or frame
 * allocation, which nothing else runs. A path that dereferences the
 * NULL panics; one that returns ENOMEM without freeing what it took so
 * far leaks; one that forgets a lock or a reference hangs the next
 * caller.
 *
 * The kernel is booted with failslab=N failpage=M (kernel/proc/
 * failinject.c): every Nth kmalloc and every Mth frame allocation of a
 * process whose /proc/self/make-it-fail holds 1 fails. This program
 * (make-it-fail 0: its own calls never fail) checks the file's rules,
 * proves the failures happen, then runs three rounds of workloads, each
 * in a child that sets make-it-fail to 1 before it execs:
 *
 * - BusyBox shell scripts: files in a scratch folder, pipelines, a
 *   loop of short commands;
 * - conformance programs of chapters 3 to 5, their output thrown away.
 *
 * A child that runs for more than RUN_SECONDS is killed with its process
 * group ("killed for time": a program that ignores a failed call may
 * wait forever, which is its own business). After each round every
 * process whose make-it-fail is 1, whatever the workloads left running
 * and wherever it was reparented, gets SIGKILL; one still there after
 * KILL_SECONDS is unkillable, a kernel bug, and its state is printed.
 * Then the scratch folder is removed. MemAvailable is read after the first round (which warms the
 * kernel's caches) and after the last: the grader holds the difference
 * to a few pages. Finally a shell must still answer.
 *
 * The exact outcome of a workload depends on which allocation failed,
 * so the lines name only how each round ended overall; nothing here is
 * compared with Linux (whose fault injection is not in Debian's kernel).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

#define RUN_SECONDS 5
#define KILL_SECONDS 30
#define ROUNDS 3
#define NOBODY 54321
#define SCRATCH "/tmp/failrun"

/* The workloads: argv vectors, run from SCRATCH. */
static const char *const scripts[] = {
    "ls -l /bin > list && wc -l < list && head -3 /proc/meminfo > m && "
    "cp m m2 && sort m2 | uniq > m3 && mkdir -p d/e && echo x > d/e/f && "
    "mv d/e/f d/g && rm -rf d && tr a-z A-Z < m3 > m4 && sed -n 1p m4 && "
    "dd if=/dev/zero of=z bs=4k count=16 2>/dev/null && cmp z z && "
    "tar cf t.tar m m2 && tar tf t.tar && rm -f z m m2 m3 m4 list t.tar",
    "seq 1 3000 | grep 7 | sort -rn | head -5 | xargs echo; "
    "i=0; while [ $i -lt 40 ]; do echo $i > f$i; cat f$i > /dev/null; "
    "i=$((i+1)); done; rm -f f*; find /proc/self -maxdepth 1 | wc -l",
    "mkfifo p && (echo through > p &) && cat p && rm p; "
    "ln -s /bin/busybox bb && ./bb true && rm bb; "
    "(sleep 0.1; echo late) & wait; ps > /dev/null; echo end",
};
static const char *const programs[] = {
    "forktest", "cowtest",  "pipetest",   "filetest", "mmaptest",
    "sigtest",  "fscalls",  "polltest",   "fifotest", "sendfiletest",
    "shmtest",  "pathwalk", "procfstest",
};

/* Field @p name of /proc/meminfo, in kB; -1 if it cannot be read. */
static long
meminfo(const char *name)
{
    char line[128], fmt[64];
    long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");

    if (f == NULL)
        return -1;
    snprintf(fmt, sizeof fmt, "%s: %%ld kB", name);
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, fmt, &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* MemAvailable, in kB; -1 if it cannot be read. */
static long
mem_available(void)
{
    return meminfo("MemAvailable");
}

/* Write @p text to /proc/self/make-it-fail: 0, or -errno. */
static int
set_fail(const char *text)
{
    int fd = open("/proc/self/make-it-fail", O_WRONLY);
    if (fd < 0)
        return -errno;
    int r = write(fd, text, strlen(text)) < 0 ? -errno : 0;
    close(fd);
    return r;
}

/* /proc/self/make-it-fail's text, or "?" with the errno. */
static const char *
get_fail(char *buf, size_t size)
{
    int fd = open("/proc/self/make-it-fail", O_RDONLY);
    if (fd < 0) {
        snprintf(buf, size, "? %s", errname(errno));
        return buf;
    }
    ssize_t n = read(fd, buf, size - 1);
    buf[n < 0 ? 0 : n] = 0;
    close(fd);
    return buf;
}

/* The file's rules: it reads 0, refuses 2 and a word, and refuses an
 * ordinary user; it reads 1 after 1 is written. */
static void
check_file(void)
{
    char buf[32];
    printf("failrun: make-it-fail reads '%s'\n", get_fail(buf, sizeof buf));
    printf("failrun: write 2: %s\n", errname(-set_fail("2")));
    printf("failrun: write word: %s\n", errname(-set_fail("yes")));
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(NOBODY) < 0)
            _exit(2);
        // Linux refuses at open (a task that changed its uid is not
        // dumpable: its /proc files are root's), Keel at write; either way
        int err = -set_fail("1");
        printf("failrun: write 1 as a user: %s\n",
               err == EPERM || err == EACCES ? "refused" : errname(err));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    pid = fork();
    if (pid == 0) {
        set_fail(" 1\n");
        printf("failrun: after writing 1 it reads '%s'\n",
               get_fail(buf, sizeof buf));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
}

/* Failures do happen: a make-it-fail child opens /proc/self/stat (each
 * open allocates) 300 times and counts ENOMEM. */
static void
check_injected(void)
{
    int pipefd[2];
    if (pipe(pipefd) < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        int enomem = 0;
        set_fail("1");
        for (int i = 0; i < 300; i++) {
            int fd = open("/proc/self/stat", O_RDONLY);
            if (fd >= 0)
                close(fd);
            else if (errno == ENOMEM)
                enomem++;
        }
        write(pipefd[1], &enomem, sizeof enomem);
        _exit(0);
    }
    int enomem = -1;
    close(pipefd[1]);
    read(pipefd[0], &enomem, sizeof enomem);
    close(pipefd[0]);
    waitpid(pid, NULL, 0);
    printf("failrun: injected: %d of 300 opens failed with ENOMEM\n", enomem);
}

/* The seconds since @p t0. */
static double
since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Say what process @p pid is doing: /proc/PID/stat's pid, name and
 * state, for one that outlived SIGKILL. */
static void
say_stat(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *end = strrchr(line, ')');
        if (end != NULL && end[1] == ' ')
            end[3] = 0; // pid (name) state
        printf("failrun: survives SIGKILL: %s\n", line);
    }
    if (f != NULL)
        fclose(f);
}

/* SIGKILL every process whose make-it-fail is 1 (the workloads and all
 * they started, wherever they were reparented); the count still alive
 * after KILL_SECONDS (unkillable), or 0. */
static int
sweep(void)
{
    struct timespec t0, nap = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int left = 0;
        int last = since(&t0) > KILL_SECONDS;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            char path[64], c = 0;
            int pid = atoi(e->d_name);
            if (pid <= 0)
                continue;
            snprintf(path, sizeof path, "/proc/%d/make-it-fail", pid);
            int fd = open(path, O_RDONLY);
            if (fd < 0)
                continue;
            if (read(fd, &c, 1) == 1 && c == '1') {
                kill(pid, SIGKILL);
                left++;
                if (last)
                    say_stat(pid);
            }
            close(fd);
        }
        if (d != NULL)
            closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0) // ours; init reaps the rest
            ;
        if (left == 0 || last)
            return left;
        nanosleep(&nap, NULL);
    }
}

/* How a run ended: 0 exited, 1 killed by a signal of its own (a
 * failure it could not take), 2 killed here for time, 3 unkillable;
 * 4 is 0 with status 0 (it got through every failure). */
static int
wait_for(pid_t pid)
{
    struct timespec t0, nap = {0, 20 * 1000 * 1000};
    int status = 0;
    pid_t done;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((done = waitpid(pid, &status, WNOHANG)) == 0) {
        if (since(&t0) > RUN_SECONDS) {
            kill(-pid, SIGKILL); // its group: what it started too
            kill(pid, SIGKILL);  // and itself, had it left the group
            clock_gettime(CLOCK_MONOTONIC, &t0);
            while ((done = waitpid(pid, &status, WNOHANG)) == 0) {
                if (since(&t0) > KILL_SECONDS)
                    return 3;
                nanosleep(&nap, NULL);
            }
            return 2;
        }
        nanosleep(&nap, NULL);
    }
    if (done < 0) // not ours any more: nothing to say about it
        return 0;
    if (WIFSIGNALED(status))
        return 1;
    return WEXITSTATUS(status) == 0 ? 4 : 0;
}

/* -v: name each workload as it starts. */
static int verbose;

/* Run @p argv in a make-it-fail child, in SCRATCH, quietly. */
static int
run_failing(char *const argv[])
{
    if (verbose)
        printf("failrun: running %.40s\n", argv[argv[1] ? 2 : 0]);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (chdir(SCRATCH) < 0 || set_fail("1") < 0)
            _exit(125);
        execv(argv[0], argv);
        _exit(127);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int e = wait_for(pid);
    if (verbose)
        printf("failrun: ended %d after %.1f s, MemAvailable %ld kB\n", e,
               since(&t0), mem_available());
    return e;
}

/* Run @p argv without failures; its exit status, or -1. */
static int
run_plain(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Count an ending of wait_for() in @p ends (a status 0 is also an exit). */
static void
tally(int ends[5], int e)
{
    if (e < 0)
        return;
    ends[e]++;
    if (e == 4)
        ends[0]++;
}

/* One round of every workload; the counts of how each ended. */
static void
round_of(int r, int ends[5])
{
    char path[64];
    memset(ends, 0, 5 * sizeof(int));
    mkdir(SCRATCH, 0777);
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        char *argv[] = {"/bin/sh", "-c", (char *)scripts[i], NULL};
        tally(ends, run_failing(argv));
    }
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        snprintf(path, sizeof path, "/bin/%s", programs[i]);
        char *argv[] = {path, NULL};
        tally(ends, run_failing(argv));
    }
    ends[3] += sweep(); // what the workloads left running
    char *rm[] = {"/bin/rm", "-rf", SCRATCH, NULL};
    run_plain(rm);
    printf("failrun: round %d: %d exited, %d died of a signal, %d killed "
           "for time, %d unkillable (%d got through with status 0)\n",
           r, ends[0], ends[1], ends[2], ends[3], ends[4]);
}

int
main(int argc, char **argv)
{
    int ends[5], unkillable = 0;
    long before = -1;

    setvbuf(stdout, NULL, _IONBF, 0);
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (argc > 2) { // -v NAME...: only these, ten times (debugging)
        for (int i = 2; i < argc; i++) {
            for (int k = 0; k < 10; k++) {
                char path[64];
                snprintf(path, sizeof path, "/bin/%s", argv[i]);
                char *pargv[] = {path, NULL};
                char *sargv[] = {"/bin/sh", "-c", NULL, NULL};
                mkdir(SCRATCH, 0777);
                if (strncmp(argv[i], "sh", 2) == 0 && argv[i][2] >= '1' &&
                    argv[i][2] <= '3') {
                    sargv[2] = (char *)scripts[argv[i][2] - '1'];
                    run_failing(sargv);
                } else {
                    run_failing(pargv);
                }
                char *rm[] = {"/bin/rm", "-rf", SCRATCH, NULL};
                run_plain(rm);
                printf("failrun: %s: MemAvailable %ld kB, Slab %ld kB\n",
                       argv[i], mem_available(), meminfo("Slab"));
            }
        }
        return 0;
    }
    check_file();
    check_injected();
    for (int r = 1; r <= (verbose ? 2 * ROUNDS : ROUNDS); r++) {
        round_of(r, ends);
        unkillable += ends[3];
        if (verbose)
            printf("failrun: MemAvailable %ld kB, Slab %ld kB\n",
                   mem_available(), meminfo("Slab"));
        if (r == 1)
            before = mem_available();
    }
    printf("failrun: memory before %ld kB, after %ld kB\n", before,
           mem_available());
    if (verbose) {
        char *ps[] = {"/bin/sh", "-c", "ps -o pid,ppid,stat,comm; ls /proc",
                      NULL};
        run_plain(ps);
    }
    char *sh[] = {"/bin/sh", "-c", "echo the shell answers", NULL};
    if (run_plain(sh) != 0)
        printf("failrun: the shell did not answer\n");
    printf("failrun: done, %d unkillable\n", unkillable);
    return 0;
}
