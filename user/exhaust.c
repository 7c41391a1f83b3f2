/*
 * exhaust: every limit reached, one at a time and then all at once; the
 * kernel must refuse cleanly, give every byte back, and go on.
 *
 * Guards against: a kernel that crashes or hangs when a table fills, that
 * answers a full table with the wrong errno, or that loses memory on the
 * way (a frame or a kmalloc block not freed when a failed call unwinds).
 *
 * Each exhaustion runs in a child; the parent prints how it ended:
 *
 * - fds: /dev/null opened until open fails (EMFILE at RLIMIT_NOFILE);
 * - tmpfs: a 1 MiB tmpfs written until ENOSPC, then emptied, unmounted;
 * - stack: a recursion 10,000 calls deep with a 1 KiB frame, past the
 *   8 MiB stack limit: SIGSEGV on the guard page;
 * - nproc: as uid 54321 with RLIMIT_NPROC 64, fork until EAGAIN;
 * - hog: memory taken a MiB at a time until the out-of-memory killer
 *   ends the taker (SIGKILL);
 * - nfile: the system's table of open files (fs.file-max), past what
 *   one process may hold: children of uid 54322 open 1000 files each
 *   until an open fails with ENFILE; root may still open one then; once
 *   they are gone, the ordinary user opens again.
 *
 * Then all six at once, in six children (quiet: their lines would come
 * in any order); then the shell runs a command. The whole round runs
 * twice, and these lines are compared with Linux's (the recording).
 *
 * One line is not compared, as it differs from kernel to kernel:
 * `exhaust: memory before N kB, after M kB`, MemAvailable from
 * /proc/meminfo before and after the second round (the first warms the
 * kernel's caches); the grader holds Keel to getting it all back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

#define MIB (1024 * 1024)
#define NPROC_LIMIT 64
#define NOBODY 54321
#define NFILE_USER 54322 /* nfile's children: apart from nproc's kill(-1) */
#define NFILE_EACH 1000  /* files each nfile child opens */
#define NFILE_KIDS 200   /* enough for any fs.file-max of a test machine */

/* MemAvailable from /proc/meminfo, in kB; -1 if it cannot be read. */
static long
mem_available(void)
{
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* fds: open until refused; the count and the errno. */
static int
fill_fds(void)
{
    int n = 0;

    while (open("/dev/null", O_RDONLY) >= 0)
        n++;
    printf("fds: %s after %d opens\n", errname(errno), n);
    return 0;
}

/* tmpfs: write a 1 MiB instance full; every byte must be refused with
 * ENOSPC only when it is full, and all of it comes back at umount. */
static int
fill_tmpfs(const char *dir)
{
    static char chunk[64 * 1024];
    char path[64];
    long total = 0;
    ssize_t w;

    if (mkdir(dir, 0700) < 0 || mount("none", dir, "tmpfs", 0, "size=1m") < 0) {
        printf("tmpfs: mount: %s\n", errname(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/big", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    while ((w = write(fd, chunk, sizeof chunk)) > 0)
        total += w;
    printf("tmpfs: %s after %ld bytes\n", w == 0 ? "0" : errname(errno), total);
    close(fd);
    unlink(path);
    if (umount(dir) < 0 || rmdir(dir) < 0)
        printf("tmpfs: umount: %s\n", errname(errno));
    return 0;
}

/* stack: deeper than the stack limit allows. */
static int
recurse(int depth)
{
    volatile char frame[1024];

    frame[0] = (char)depth;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[0];
}

static int
fill_stack(void)
{
    return recurse(10000) & 1;
}

/* nproc: a user's processes, up to RLIMIT_NPROC. */
static int
fill_nproc(void)
{
    struct rlimit rl = {NPROC_LIMIT, NPROC_LIMIT};
    int n = 0;

    if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setgid(NOBODY) < 0 ||
        setuid(NOBODY) < 0) {
        printf("nproc: setup: %s\n", errname(errno));
        return 1;
    }
    for (;;) {
        pid_t p = fork();
        if (p == 0) {
            pause();
            _exit(0);
        }
        if (p < 0)
            break;
        n++;
    }
    printf("nproc: %s after %d forks\n", errname(errno), n);
    kill(-1, SIGKILL); // every process of this user but the caller
    while (wait(NULL) > 0)
        ;
    return 0;
}

/* hog: memory until the out-of-memory killer says no more. */
static int
fill_memory(void)
{
    for (;;) {
        char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("hog: mmap: %s\n", errname(errno));
            return 1;
        }
        for (int i = 0; i < MIB; i += 4096)
            p[i] = 1;
    }
}

/* One child of nfile: as NFILE_USER, open up to NFILE_EACH files, tell
 * the parent how many and the errno on @p wfd, and keep them open. */
static void
nfile_child(int wfd)
{
    int r[2] = {0, 0};

    if (setgid(NFILE_USER) < 0 || setuid(NFILE_USER) < 0)
        _exit(1);
    while (r[0] < NFILE_EACH && open("/dev/null", O_RDONLY) >= 0)
        r[0]++;
    r[1] = r[0] < NFILE_EACH ? errno : 0;
    write(wfd, r, sizeof r);
    for (;;)
        pause();
}

/* nfile: the whole system's open files, until ENFILE. */
static int
fill_nfile(void)
{
    pid_t kids[NFILE_KIDS];
    int p[2], nkids = 0, err = 0;
    long total = 0;

    if (pipe(p) < 0) {
        printf("nfile: pipe: %s\n", errname(errno));
        return 1;
    }
    while (nkids < NFILE_KIDS && err == 0) {
        int r[2];
        pid_t c = fork();
        if (c < 0) {
            err = errno;
            break;
        }
        if (c == 0)
            nfile_child(p[1]);
        kids[nkids++] = c;
        if (read(p[0], r, sizeof r) != sizeof r) {
            err = -1; // the child died before it could tell
            break;
        }
        total += r[0];
        err = r[1];
    }
    // Linux's floor for fs.file-max is 8192: the count above it depends
    // on the machine's memory, and is not compared
    if (err > 0)
        printf("nfile: %s after %s opens\n", errname(err),
               total > 8192 ? "more than 8192" : "8192 or fewer");
    else
        printf("nfile: no refusal after %ld opens\n", total);
    int fd = open("/dev/null", O_RDONLY); // root may go past the limit
    printf("nfile: root opens past it: %s\n", fd >= 0 ? "yes" : errname(errno));
    if (fd >= 0)
        close(fd);
    for (int i = 0; i < nkids; i++)
        kill(kids[i], SIGKILL);
    while (wait(NULL) > 0)
        ;
    pid_t c = fork(); // every file closed again: an ordinary user opens
    if (c == 0) {
        if (setgid(NFILE_USER) < 0 || setuid(NFILE_USER) < 0)
            _exit(2);
        _exit(open("/dev/null", O_RDONLY) >= 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(c, &status, 0);
    printf("nfile: then a user opens again: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    return 0;
}

/* The six, by name, each run in a child by run(). */
static const char *const names[] = {"fds",   "tmpfs", "stack",
                                    "nproc", "hog",   "nfile"};
#define NPHASES 6

static int
phase(int i, int copy)
{
    char dir[32];

    switch (i) {
    case 0:
        return fill_fds();
    case 1:
        snprintf(dir, sizeof dir, "/tmp/exhaust%d", copy);
        return fill_tmpfs(dir);
    case 2:
        return fill_stack();
    case 3:
        return fill_nproc();
    case 4:
        return fill_memory();
    default:
        return fill_nfile();
    }
}

/* How a child ended, as a word: "exited N" or "killed by SIGNAME". */
static const char *
ending(int status)
{
    static char buf[48];

    if (WIFEXITED(status))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(status));
    else
        snprintf(buf, sizeof buf, "killed by %s",
                 WTERMSIG(status) == SIGKILL   ? "SIGKILL"
                 : WTERMSIG(status) == SIGSEGV ? "SIGSEGV"
                                               : "another signal");
    return buf;
}

/* Run exhaustion i in a child; copy 1 (all at once) prints nothing: six
 * children's lines would come in any order. */
static pid_t
start(int i, int copy)
{
    fflush(stdout);
    pid_t p = fork();

    if (p == 0) {
        if (copy > 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            close(null);
        }
        _exit(phase(i, copy));
    }
    return p;
}

/* One round: the six alone, then together, then the shell. */
static void
round_of_all(void)
{
    int status;

    printf("exhaust: one at a time\n");
    for (int i = 0; i < NPHASES; i++) {
        pid_t p = start(i, 0);
        waitpid(p, &status, 0);
        printf("%s: %s\n", names[i], ending(status));
    }

    printf("exhaust: all at once\n");
    pid_t kids[NPHASES];
    for (int i = 0; i < NPHASES; i++)
        kids[i] = start(i, 1);
    int ended = 0;
    for (int i = 0; i < NPHASES; i++)
        if (waitpid(kids[i], &status, 0) == kids[i])
            ended++;
    printf("exhaust: %d of %d ended\n", ended, NPHASES);

    fflush(stdout);
    pid_t sh = fork();
    if (sh == 0) {
        execl("/bin/sh", "sh", "-c", "echo the shell answers", (char *)NULL);
        _exit(127);
    }
    waitpid(sh, &status, 0);
    printf("sh: %s\n", ending(status));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int fd = 3; fd < 1024; fd++) // whatever the caller left open
        close(fd);
    // The first round warms what a kernel keeps once it has made it
    // (slab pages, a page-table page); the second must give back all
    // that it takes.
    round_of_all();
    long before = mem_available();
    round_of_all();
    long after = mem_available();
    printf("exhaust: memory before %ld kB, after %ld kB\n", before, after);
    printf("exhaust done\n");
    return 0;
}
