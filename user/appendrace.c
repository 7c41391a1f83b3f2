/*
 * appendrace [DIR [N]]: several processes write one file at the same time.
 *
 * With O_APPEND every write goes to the end of the file as the file is at
 * that moment: moving the offset to the end and copying the bytes are one
 * step, so writers racing each other never overwrite each other's records
 * and never tear one (2 writers, then 4, N records each, one write per
 * record). A description shared through fork (no O_APPEND) must also lose
 * nothing: the shared offset advances under a lock. Without O_APPEND and
 * with one open each, the writers share no offset: every one writes from
 * 0, so the file ends N records long and each record's place holds that
 * record of one writer or another (which one is up to the scheduler: only
 * what does not depend on it is printed).
 *
 * The writers start together (they wait on a pipe their parent closes).
 * Every file is made under DIR (created if missing; default: the working
 * directory); N defaults to 500. The output is the
 * same on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* One record: "w<writer> r<seq, 6 digits> <check letter> <filler>\n". */
#define REC 32
#define MAXW 4
#define MAXN 20000

static void
make_record(char *r, int w, int seq)
{
    char check = 'a' + (w * 7 + seq) % 26;
    // "w1 r000042 x " is 13 bytes; filler up to the newline
    snprintf(r, REC + 1, "w%d r%06d %c ", w % 10, seq % 1000000, check);
    int fill = 1 + seq % 17;
    memset(r + 13, '=', REC - 14);
    memset(r + 13 + fill, '.', REC - 14 - fill);
    r[REC - 1] = '\n';
}

/* Parse record @p r; its writer and sequence number, or -1 if torn. */
static int
parse_record(const char *r, int *seq)
{
    int w;
    char check;
    if (sscanf(r, "w%d r%6d %c", &w, seq, &check) != 3 || w < 0 || w >= MAXW ||
        *seq < 0 || *seq >= MAXN)
        return -1;
    char want[REC + 1];
    make_record(want, w, *seq);
    return memcmp(want, r, REC) == 0 ? w : -1;
}

/* Writer @p w: wait for the start, then write @p n records to @p fd (or,
 * when fd < 0, to its own open of @p path with @p flags). */
static void
writer(int w, int n, int fd, const char *path, int flags, int start)
{
    char c;
    if (read(start, &c, 1) < 0)
        _exit(3);
    if (fd < 0)
        fd = open(path, flags);
    if (fd < 0)
        _exit(2);
    for (int i = 0; i < n; i++) {
        char r[REC + 1];
        make_record(r, w, i);
        if (write(fd, r, REC) != REC)
            _exit(1);
        if (i % 64 == 63)
            sched_yield();
    }
    _exit(0);
}

/* Run @p nw writers at once; 1 if all ended with status 0. */
static int
race(int nw, int n, int fd, const char *path, int flags)
{
    int start[2];
    if (pipe(start) < 0)
        return 0;
    pid_t pids[MAXW];
    for (int w = 0; w < nw; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            close(start[1]);
            writer(w, n, fd, path, flags, start[0]);
        }
    }
    close(start[0]);
    close(start[1]); // go: every writer's read returns 0
    int ok = 1;
    for (int w = 0; w < nw; w++) {
        int status;
        waitpid(pids[w], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            ok = 0;
    }
    return ok;
}

/* Read the whole of @p path; its size, the bytes in a malloc'ed buffer. */
static long
slurp(const char *path, char **out)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return -1;
    char *buf = malloc(st.st_size + 1);
    long got = 0;
    ssize_t r;
    while (buf && (r = read(fd, buf + got, st.st_size - got)) > 0)
        got += r;
    close(fd);
    *out = buf;
    return got == st.st_size ? got : -1;
}

/* Check a file that must hold every record of every writer exactly once,
 * each writer's in its own order. */
static void
check_all(const char *what, const char *path, int nw, int n)
{
    char *buf = NULL;
    long size = slurp(path, &buf);
    printf("%s: size %s\n", what,
           size == (long)nw * n * REC ? "= writers x N x record" : "WRONG");
    static unsigned char seen[MAXW][MAXN];
    memset(seen, 0, sizeof(seen));
    int next[MAXW] = {0}, torn = 0, dup = 0, order = 0;
    for (long off = 0; size > 0 && off + REC <= size; off += REC) {
        int seq, w = parse_record(buf + off, &seq);
        if (w < 0) {
            torn++;
            continue;
        }
        if (seen[w][seq]++)
            dup++;
        if (seq != next[w])
            order++;
        next[w] = seq + 1;
    }
    int lost = 0;
    for (int w = 0; w < nw; w++)
        for (int i = 0; i < n; i++)
            lost += !seen[w][i];
    printf("%s: torn %d, lost %d, twice %d, out of order %d\n", what, torn,
           lost, dup, order);
    free(buf);
}

/* Check the file the writers each wrote from offset 0: N records long,
 * the record at place i is record i of one of them. */
static void
check_overwrite(const char *what, const char *path, int nw, int n)
{
    char *buf = NULL;
    long size = slurp(path, &buf);
    printf("%s: size %s\n", what,
           size == (long)n * REC ? "= N x record" : "WRONG");
    int bad = 0;
    for (long i = 0; size > 0 && i < n; i++) {
        int seq, w = parse_record(buf + i * REC, &seq);
        if (w < 0 || w >= nw || seq != i)
            bad++;
    }
    printf("%s: places holding their own record: %s\n", what,
           bad ? "NOT ALL" : "all");
    free(buf);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    // DIR and N, or the working directory and 500
    const char *dir = argc > 1 ? argv[1] : ".";
    int n = argc > 2 ? atoi(argv[2]) : 500;
    if (n <= 0 || n > MAXN) {
        printf("usage: appendrace [DIR [N (1..%d)]]\n", MAXN);
        return 2;
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        printf("mkdir: errno %d\n", errno);
    if (chdir(dir) < 0)
        return 1;
    const int creat = O_WRONLY | O_CREAT | O_TRUNC;
    for (int nw = 2; nw <= 4; nw += 2) {
        char what[64];
        // O_APPEND, one open per writer
        close(open("a", creat, 0644));
        snprintf(what, sizeof(what), "O_APPEND, %d writers", nw);
        printf("%s: writers ok %d\n", what,
               race(nw, n, -1, "a", O_WRONLY | O_APPEND));
        check_all(what, "a", nw, n);
        // one description shared through fork, no O_APPEND
        int fd = open("s", creat, 0644);
        snprintf(what, sizeof(what), "shared offset, %d writers", nw);
        printf("%s: writers ok %d\n", what, race(nw, n, fd, NULL, 0));
        close(fd);
        check_all(what, "s", nw, n);
        // no O_APPEND, one open each: no shared offset
        close(open("o", creat, 0644));
        snprintf(what, sizeof(what), "own offsets, %d writers", nw);
        printf("%s: writers ok %d\n", what, race(nw, n, -1, "o", O_WRONLY));
        check_overwrite(what, "o", nw, n);
    }
    unlink("a");
    unlink("s");
    unlink("o");
    printf("appendrace done\n");
    return 0;
}
