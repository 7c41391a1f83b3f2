/*
 * shmtest: shared file mappings, as Linux has them.
 *
 * `shmtest DIR` makes its files under DIR (a fresh name each run) and
 * prints what it sees; Linux is the oracle (the same binary on the host
 * must print the same). Sections:
 *
 *   shared    MAP_SHARED of a tmpfs file: a store through the mapping is
 *             a write to the file (read() sees it), a write() shows in
 *             the mapping, and two mappings of one file are one memory;
 *   fork      a child's stores through an inherited shared mapping reach
 *             the parent and the file; so do those of a program the
 *             child execs, which maps the file anew;
 *   private   MAP_PRIVATE sees the file until its first store, which
 *             copies the page: the file and other mappings keep theirs;
 *   sigbus    a page wholly past the end of the file is SIGBUS
 *             (BUS_ADRERR, si_addr the byte touched), the tail of the
 *             last page reads zeros; growing the file makes pages appear;
 *             a truncate takes mapped pages past the new end away, from
 *             shared and private mappings alike;
 *   access    the open mode limits the mapping: EACCES, ENODEV;
 *   advice    madvise(MADV_DONTNEED) drops a mapping's pages, not the
 *             file's; msync's and mincore's answers;
 *   shm       shm_open / shm_unlink in /dev/shm, across fork;
 *   memfd     memfd_create: a file no directory names, shared by map;
 *   big       a 64 MiB file written through a mapping, read back;
 *   memory    and its memory free again once unlinked and unmapped
 *             (checked on Keel only: a busy host's free memory moves).
 *
 * Regression test: before shared file mappings, mmap(MAP_SHARED) of a
 * file with PROT_WRITE was EACCES (a test suite's harness that maps a
 * file in /dev/shm to share its results broke before its first test),
 * a private mapping was a copy taken at mmap time, and a page wholly
 * past the end of the file read zeros instead of SIGBUS.
 */
#define _GNU_SOURCE // memfd_create
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

#define PAGE 4096

static char dir[256];
static sigjmp_buf jump;
static volatile int got_sig, got_code;
static void *volatile got_addr;

/* The path of file @p name under DIR (a static buffer). */
static const char *
path(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

/* A new file of @p size bytes (zeros), open read-write. */
static int
new_file(const char *name, off_t size)
{
    int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, size) < 0)
        printf("cannot make %s: %s\n", name, errname(errno));
    return fd;
}

/* What pread() gives at @p off: @p n bytes as text. */
static const char *
file_text(int fd, off_t off, size_t n)
{
    static char buf[64];
    memset(buf, 0, sizeof(buf));
    ssize_t r = pread(fd, buf, n < sizeof(buf) ? n : sizeof(buf) - 1, off);
    if (r < 0)
        return errname(errno);
    for (ssize_t i = 0; i < r; i++) {
        if (buf[i] == 0)
            buf[i] = '.';
    }
    return buf;
}

/* Print what mmap returned: the error, or "ok". */
static void *
map(const char *what, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(NULL, len, prot, flags, fd, off);
    printf("%s: %s\n", what, p == MAP_FAILED ? errname(errno) : "ok");
    return p;
}

static void
shared(void)
{
    printf("-- shared\n");
    int fd = new_file("shared", 3 * PAGE);
    char *a =
        map("mmap shared", 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = map("mmap shared again", 3 * PAGE, PROT_READ | PROT_WRITE,
                  MAP_SHARED, fd, 0);
    if (a == MAP_FAILED || b == MAP_FAILED)
        return;
    memcpy(a + 100, "through-a", 9);
    printf("pread after a store: %s\n", file_text(fd, 100, 9));
    printf("the other mapping: %.9s\n", b + 100);
    if (pwrite(fd, "by-pwrite", 9, PAGE + 7) != 9)
        printf("pwrite: %s\n", errname(errno));
    printf("mapping after pwrite: %.9s\n", a + PAGE + 7);
    memcpy(b + 2 * PAGE, "last-page", 9);
    printf("a sees b: %.9s\n", a + 2 * PAGE);
    struct stat st;
    fstat(fd, &st);
    printf("size: %lld\n", (long long)st.st_size);
    munmap(a, 3 * PAGE);
    munmap(b, 3 * PAGE);
    printf("after munmap: %s\n", file_text(fd, 2 * PAGE, 9));
    close(fd);
}

static void
fork_shared(void)
{
    printf("-- fork\n");
    int fd = new_file("fork", 2 * PAGE);
    char *a = map("mmap", 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (a == MAP_FAILED)
        return;
    strcpy(a, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        printf("child sees: %s\n", a);
        strcpy(a + PAGE, "child-wrote");
        strcpy(a, "child");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent sees: %s, %s\n", a, a + PAGE);
    printf("file: %s\n", file_text(fd, PAGE, 11));
    // exec drops the child's mappings; the new program maps the file anew
    pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "shmtest", "--exec-writer", path("fork"),
              (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    printf("after an exec'd program's store: %s\n", a + PAGE + 20);
    munmap(a, 2 * PAGE);
    close(fd);
}

/* `shmtest --exec-writer FILE`: map FILE shared, show it, store in it. */
static int
exec_writer(const char *file)
{
    int fd = open(file, O_RDWR);
    char *a = fd < 0 ? MAP_FAILED
                     : mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
                            fd, 0);
    if (a == MAP_FAILED) {
        printf("exec'd program: %s\n", errname(errno));
        return 1;
    }
    printf("the exec'd program sees: %s\n", a);
    strcpy(a + PAGE + 20, "exec-wrote");
    return 0;
}

static void
private_map(void)
{
    printf("-- private\n");
    int fd = new_file("private", 2 * PAGE);
    pwrite(fd, "original", 8, 0);
    char *s =
        map("mmap shared", 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = map("mmap private", 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                  fd, 0);
    if (s == MAP_FAILED || p == MAP_FAILED)
        return;
    printf("private reads: %.8s\n", p);
    pwrite(fd, "changed!", 8, PAGE);
    printf("private sees a later write: %.8s\n", p + PAGE);
    memcpy(s, "sharedst", 8);
    printf("private sees a shared store: %.8s\n", p);
    memcpy(p, "privates", 8);
    printf("after its own store: private %.8s, shared %.8s, file %s\n", p, s,
           file_text(fd, 0, 8));
    pwrite(fd, "rewrite!", 8, 0);
    printf("its copy keeps: %.8s; page 2 still follows: %.8s\n", p, p + PAGE);
    munmap(s, 2 * PAGE);
    munmap(p, 2 * PAGE);
    close(fd);
}

/* SIGBUS and SIGSEGV: note them and jump back. */
static void
on_fault(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(jump, 1);
}

/* Read the byte at @p at; say what happened. */
static void
touch(const char *what, volatile char *at)
{
    got_sig = 0;
    if (sigsetjmp(jump, 1) == 0) {
        char c = *at;
        printf("%s: reads %d\n", what, c);
        return;
    }
    printf("%s: %s, code %s, at the byte touched: %s\n", what,
           got_sig == SIGBUS ? "SIGBUS" : "another signal",
           got_code == BUS_ADRERR ? "BUS_ADRERR" : "other",
           got_addr == (void *)at ? "yes" : "no");
}

static void
sigbus(void)
{
    printf("-- sigbus\n");
    struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO};
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    int fd = new_file("short", 100);
    char *s = map("mmap shared, 3 pages of a 100-byte file", 3 * PAGE,
                  PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = map("mmap private", 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (s == MAP_FAILED || p == MAP_FAILED)
        return;
    touch("shared, byte 99", s + 99);
    touch("shared, byte 4095 (the last page's tail)", s + PAGE - 1);
    touch("shared, byte 4096", s + PAGE);
    touch("shared, byte 8300", s + 2 * PAGE + 108);
    touch("private, byte 5000", p + 5000);
    ftruncate(fd, 2 * PAGE + 1);
    touch("shared, byte 8300 after growing", s + 2 * PAGE + 108);
    touch("private, byte 5000 after growing", p + 5000);
    munmap(s, 3 * PAGE);
    munmap(p, 3 * PAGE);
    close(fd);

    // a truncate under mappings takes their pages past the new end away
    fd = new_file("shrink", 3 * PAGE);
    s = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (s == MAP_FAILED || p == MAP_FAILED) {
        printf("mmap: %s\n", errname(errno));
        return;
    }
    memset(s, 'x', 3 * PAGE);
    p[2 * PAGE] = 'p'; // a private copy of page 2
    printf("private byte 4096 before: %c\n", p[PAGE]); // page 1 mapped
    ftruncate(fd, 100);
    touch("truncated to 100, shared byte 99", s + 99);
    touch("shared byte 200 (the cut tail)", s + 200);
    touch("shared byte 4096", s + PAGE);
    touch("private byte 4096", p + PAGE);
    touch("private byte 8192 (its own copy)", p + 2 * PAGE);
    ftruncate(fd, 3 * PAGE);
    touch("grown again, shared byte 4096", s + PAGE);
    touch("private byte 8192", p + 2 * PAGE);
    munmap(s, 3 * PAGE);
    munmap(p, 3 * PAGE);
    close(fd);
    signal(SIGBUS, SIG_DFL);
    signal(SIGSEGV, SIG_DFL);
}

static void
access_modes(void)
{
    printf("-- access\n");
    int rw = new_file("modes", PAGE);
    close(rw);
    int ro = open(path("modes"), O_RDONLY);
    int wo = open(path("modes"), O_WRONLY);
    map("read-only file, shared, PROT_WRITE", PAGE, PROT_READ | PROT_WRITE,
        MAP_SHARED, ro, 0);
    char *r = map("read-only file, shared, PROT_READ", PAGE, PROT_READ,
                  MAP_SHARED, ro, 0);
    if (r != MAP_FAILED) {
        int e = mprotect(r, PAGE, PROT_READ | PROT_WRITE);
        printf("mprotect it to PROT_WRITE: %s\n", e ? errname(errno) : "ok");
        munmap(r, PAGE);
    }
    char *w = map("read-only file, private, PROT_WRITE", PAGE,
                  PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    if (w != MAP_FAILED) {
        strcpy(w, "mine");
        printf("the file after a private store: %s\n", file_text(ro, 0, 4));
        munmap(w, PAGE);
    }
    map("write-only file, shared", PAGE, PROT_WRITE, MAP_SHARED, wo, 0);
    map("write-only file, private", PAGE, PROT_READ, MAP_PRIVATE, wo, 0);
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    map("a directory", PAGE, PROT_READ, MAP_SHARED, d, 0);
    int pfd[2];
    pipe(pfd);
    map("a pipe", PAGE, PROT_READ, MAP_SHARED, pfd[0], 0);
    map("a closed descriptor", PAGE, PROT_READ, MAP_SHARED, 999, 0);
    close(ro);
    close(wo);
    close(d);
    close(pfd[0]);
    close(pfd[1]);
}

static void
advice(void)
{
    printf("-- advice\n");
    int fd = new_file("advice", 2 * PAGE);
    char *s = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (s == MAP_FAILED || p == MAP_FAILED) {
        printf("mmap: %s\n", errname(errno));
        return;
    }
    strcpy(s, "kept");
    strcpy(p, "dropped");
    int e1 = madvise(s, 2 * PAGE, MADV_DONTNEED);
    int e2 = madvise(p, 2 * PAGE, MADV_DONTNEED);
    printf("madvise DONTNEED: %s, %s\n", e1 ? errname(errno) : "ok",
           e2 ? errname(errno) : "ok");
    printf("shared reads: %s; private reads the file again: %s\n", s, p);
    printf("msync MS_SYNC: %s\n",
           msync(s, 2 * PAGE, MS_SYNC) ? errname(errno) : "ok");
    printf("msync MS_ASYNC|MS_INVALIDATE: %s\n",
           msync(s, PAGE, MS_ASYNC | MS_INVALIDATE) ? errname(errno) : "ok");
    printf("msync MS_SYNC|MS_ASYNC: %s\n",
           msync(s, PAGE, MS_SYNC | MS_ASYNC) ? errname(errno) : "ok");
    printf("msync unaligned: %s\n",
           msync(s + 1, PAGE, MS_SYNC) ? errname(errno) : "ok");
    printf("msync unknown flag: %s\n",
           msync(s, PAGE, 8) ? errname(errno) : "ok");
    munmap(s, 2 * PAGE);
    printf("msync unmapped: %s\n",
           msync(s, PAGE, MS_SYNC) ? errname(errno) : "ok");
    printf("msync length 0: %s\n",
           msync(s, 0, MS_SYNC) ? errname(errno) : "ok");
    munmap(p, 2 * PAGE);
    close(fd);

    // mincore: which pages are in memory
    fd = new_file("resident", 3 * PAGE);
    s = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *anon = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED || anon == MAP_FAILED) {
        printf("mmap: %s\n", errname(errno));
        return;
    }
    s[0] = 1;                     // page 0: written through the mapping
    pwrite(fd, "x", 1, 2 * PAGE); // page 2: in the file, not mapped here
    anon[0] = 1;
    unsigned char vec[3] = {9, 9, 9};
    int e = mincore(s, 3 * PAGE, vec);
    // (not page 1, a hole: a disk file system may have read it ahead)
    printf("mincore of the file: %s, pages 0 and 2: %d %d\n",
           e ? errname(errno) : "ok", vec[0] & 1, vec[2] & 1);
    e = mincore(anon, 2 * PAGE, vec);
    printf("mincore of anonymous memory: %s %d %d\n", e ? errname(errno) : "ok",
           vec[0] & 1, vec[1] & 1);
    printf("mincore unaligned: %s\n",
           mincore(s + 1, PAGE, vec) ? errname(errno) : "ok");
    printf("mincore bad vector: %s\n",
           mincore(s, PAGE, (unsigned char *)8) ? errname(errno) : "ok");
    munmap(anon, 2 * PAGE);
    printf("mincore unmapped: %s\n",
           mincore(anon, PAGE, vec) ? errname(errno) : "ok");
    munmap(s, 3 * PAGE);
    close(fd);
}

static void
shm(void)
{
    printf("-- shm\n");
    char name[300];
    snprintf(name, sizeof(name), "/shmtest-%s",
             strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    printf("shm_open O_CREAT: %s\n", fd < 0 ? errname(errno) : "ok");
    if (fd < 0)
        return;
    ftruncate(fd, PAGE);
    char *a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (a == MAP_FAILED) {
        printf("mmap: %s\n", errname(errno));
        return;
    }
    strcpy(a, "from the parent");
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = shm_open(name, O_RDWR, 0);
        char *c = cfd < 0 ? MAP_FAILED
                          : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
                                 cfd, 0);
        if (c == MAP_FAILED) {
            printf("child: %s\n", errname(errno));
            _exit(1);
        }
        printf("child reads: %s\n", c);
        strcpy(c, "from the child");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent reads: %s\n", a);
    printf("shm_unlink: %s\n", shm_unlink(name) ? errname(errno) : "ok");
    int again = shm_open(name, O_RDWR, 0);
    printf("shm_open after unlink: %s\n", again < 0 ? errname(errno) : "ok");
    printf("the mapping outlives the name: %s\n", a);
    munmap(a, PAGE);
    close(fd);
}

static void
memfd(void)
{
    printf("-- memfd\n");
    int fd = memfd_create("shmtest", MFD_CLOEXEC);
    printf("memfd_create: %s\n", fd < 0 ? errname(errno) : "ok");
    if (fd < 0)
        return;
    struct stat st;
    fstat(fd, &st);
    printf("mode %o, size %lld, links %ld\n", st.st_mode, (long long)st.st_size,
           (long)st.st_nlink);
    char link[64], buf[128];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("its name: %s\n", buf);
    printf("close-on-exec: %s\n",
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
    ftruncate(fd, 2 * PAGE);
    pid_t pid = fork();
    if (pid == 0) {
        char *c =
            mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (c == MAP_FAILED)
            _exit(1);
        strcpy(c + PAGE, "the child's memory");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    char *a = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    printf("the parent maps it: %s\n",
           a == MAP_FAILED ? errname(errno) : a + PAGE);
    printf("read: %s\n", file_text(fd, PAGE, 18));
    char longname[300];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    int e = memfd_create(longname, 0);
    printf("a name of 299 bytes: %s\n", e < 0 ? errname(errno) : "ok");
    e = memfd_create("x", 0x100);
    printf("an unknown flag: %s\n", e < 0 ? errname(errno) : "ok");
    e = memfd_create((const char *)8, 0);
    printf("a bad name pointer: %s\n", e < 0 ? errname(errno) : "ok");
    if (a != MAP_FAILED)
        munmap(a, 2 * PAGE);
    close(fd);
}

static void
big(void)
{
    printf("-- big\n");
    size_t len = 64UL << 20;
    struct sysinfo before, after;
    sysinfo(&before);
    int fd = new_file("big", (off_t)len);
    unsigned char *a =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (a == MAP_FAILED) {
        printf("mmap 64 MiB: %s\n", errname(errno));
        return;
    }
    for (size_t off = 0; off < len; off += PAGE)
        a[off + (off / PAGE) % PAGE] = (unsigned char)(off / PAGE * 7 + 1);
    munmap(a, len);
    unsigned long sum = 0, pages = 0;
    static unsigned char buf[16 * PAGE];
    lseek(fd, 0, SEEK_SET);
    for (size_t off = 0; off < len; off += sizeof(buf)) {
        if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
            printf("read: %s\n", errname(errno));
            break;
        }
        for (size_t i = 0; i < sizeof(buf); i++) {
            sum += buf[i];
            pages += buf[i] != 0;
        }
    }
    printf("64 MiB through a mapping: %lu bytes set, sum %lu\n", pages, sum);
    close(fd);
    unlink(path("big"));
    // the file's 64 MiB come back once it has no name, no descriptor and
    // no mapping (half of that is room for what else the machine does).
    // Its own section: on a busy host, Linux's free memory moves by more
    // than that, so only Keel's answer is graded, against "yes".
    sysinfo(&after);
    printf("-- memory\n");
    unsigned long long was =
        (unsigned long long)before.freeram * before.mem_unit;
    unsigned long long now = (unsigned long long)after.freeram * after.mem_unit;
    printf("free memory back: %s\n", now + (32ULL << 20) >= was ? "yes" : "no");
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "--exec-writer") == 0)
        return exec_writer(argv[2]);
    if (argc < 2) {
        printf("usage: shmtest DIR\n");
        return 0;
    }
    snprintf(dir, sizeof(dir), "%s", argv[1]);
    if (mkdir(dir, 0700) < 0) {
        printf("mkdir %s: %s\n", dir, errname(errno));
        return 1;
    }
    shared();
    fork_shared();
    private_map();
    sigbus();
    access_modes();
    advice();
    shm();
    memfd();
    big();
    printf("-- end\n");
    return 0;
}
