/*
 * badinput: system calls given bad pointers, bad fds, bad flags and
 * numbers that do not exist. Linux answers each with an errno; so must
 * Keel, and it must go on running.
 *
 * Every case calls syscall() directly, so no C library wrapper checks an
 * argument first or hides the kernel's answer, and prints one line:
 * `case: ret=-1 errno=EFAULT` (the errno's name, never its number), or
 * `case: ret=N` when the call succeeds with a value that is the same on
 * every run, or `case: ok` when it succeeds with one that varies (a pid,
 * a clock). grading/oracle.py runs the same binary on Linux for the
 * expected lines.
 *
 * Each group of cases runs in a forked child, so a kernel that kills the
 * process instead of answering loses one group, not the rest; the parent
 * prints how the child ended. The last line, `badinput: done`, shows the
 * kernel survived everything.
 *
 * Paths are initramfs paths; on Linux ROOT names a folder laid out like
 * the initramfs and every path is looked up under it (ROOT is unset on
 * Keel). Only reading is tried on files: on Keel they are read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Numbers spelled out here: they differ in no C library, and some
 * headers do not have them. */
#define ARCH_GET_FS 0x1003
#define TCGETS 0x5401
#define RLIMIT_NOFILE_ 7
#define KSIGSET 8 /* the kernel's sigset_t: 64 signals in 8 bytes */

/* The kernel's struct sigaction (not the C library's). */
struct ksigaction {
    unsigned long handler, flags, restorer, mask;
};

/* A bad user address: a name for the output and the value. */
struct bad {
    const char *name;
    uintptr_t addr;
};

/* The bad addresses each pointer case is tried with; [1] is filled in
 * with a page that was mapped and unmapped again. */
static struct bad bads[] = {
    {"null", 0},
    {"unmapped", 0},
    {"kernel-half", 0xffff800000000000ul},
    {"kernel-text", 0xffffffff80000000ul},
    {"wrapping", 0xfffffffffffff000ul}, /* + 0x2000 wraps to 0x1000 */
    {"past-top", 0x00007ffffffff800ul}, /* + 0x2000 leaves user space */
};
#define NBADS (sizeof(bads) / sizeof(bads[0]))
#define BADLEN 0x2000

static const char *
errname(int e)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},
        {EINTR, "EINTR"},
        {EIO, "EIO"},
        {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"},
        {EBADF, "EBADF"},
        {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EEXIST, "EEXIST"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {EMFILE, "EMFILE"},
        {ENOTTY, "ENOTTY"},
        {ESPIPE, "ESPIPE"},
        {EROFS, "EROFS"},
        {EPIPE, "EPIPE"},
        {ERANGE, "ERANGE"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},
        {ELOOP, "ELOOP"},
        {EOVERFLOW, "EOVERFLOW"},
        {EOPNOTSUPP, "EOPNOTSUPP"},
    };
    static char buf[32];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(buf, sizeof(buf), "errno-%d", e);
    return buf;
}

/* Print case @p name's answer @p r; @p varies: a success value that
 * differs between runs, printed as `ok`. */
static void
show(const char *name, long r, int varies)
{
    if (r == -1)
        printf("%s: ret=-1 errno=%s\n", name, errname(errno));
    else if (varies)
        printf("%s: ok\n", name);
    else
        printf("%s: ret=%ld\n", name, r);
}

/* One case: call, then its name. errno is cleared first so a stale value
 * never shows. */
#define CASE(name, call)                                                       \
    do {                                                                       \
        errno = 0;                                                             \
        long r_ = (call);                                                      \
        show(name, r_, 0);                                                     \
    } while (0)

/* A case with a bad pointer: the call's name, then @ and the pointer's. */
#define PCASE(b, call, expr, varies)                                           \
    do {                                                                       \
        char n_[96];                                                           \
        snprintf(n_, sizeof(n_), "%s@%s", call, (b)->name);                    \
        errno = 0;                                                             \
        long r_ = (expr);                                                      \
        show(n_, r_, varies);                                                  \
    } while (0)

/* An initramfs path, under ROOT on the host. */
static const char *
path(const char *p)
{
    static char buf[4][512];
    static int next;
    const char *r = getenv("ROOT");
    char *out = buf[next++ % 4];
    snprintf(out, sizeof(buf[0]), "%s%s", r != NULL ? r : "", p);
    return out;
}

/* Map three pages and unmap the middle one: an address inside a hole of
 * the address space, between two mappings. */
static uintptr_t
unmapped_address(void)
{
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("badinput: mmap failed: %s\n", errname(errno));
        return 0x1000;
    }
    munmap(p + 4096, 4096);
    return (uintptr_t)p + 4096 + 100;
}

/* Run @p group in a child; print how it ended. */
static void
run_group(const char *name, void (*group)(void))
{
    printf("== %s\n", name);
    pid_t pid = fork();
    if (pid < 0) {
        printf("badinput: fork failed: %s\n", errname(errno));
        return;
    }
    if (pid == 0) {
        group();
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        printf("badinput: waitpid failed: %s\n", errname(errno));
    else if (WIFEXITED(status))
        printf("== %s: exited %d\n", name, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("== %s: killed by signal %d\n", name, WTERMSIG(status));
}

/*
 * Bad pointers. Linux's rule: the kernel never dereferences a user
 * address directly; every copy checks that the whole range [p, p+len)
 * lies in user space (access_ok, without wrapping around) and catches the
 * page fault of an unmapped page; either way the call returns EFAULT and
 * nothing else happens. NULL is just an unmapped address, except where a
 * call defines NULL as "not wanted" (gettimeofday's tv, rt_sigaction's
 * act, wait4's status...): those succeed.
 */
static void
pointer_io(const struct bad *b)
{
    void *p = (void *)b->addr;
    int fd = open(path("/notelf.txt"), O_RDONLY);
    int pfd[2];
    if (fd < 0 || pipe(pfd) < 0)
        printf("badinput: open or pipe failed: %s\n", errname(errno));
    struct iovec bad_base = {p, BADLEN};
    PCASE(b, "read-buf", syscall(SYS_read, fd, p, BADLEN), 0);
    PCASE(b, "write-buf", syscall(SYS_write, pfd[1], p, BADLEN), 0);
    PCASE(b, "readv-iov", syscall(SYS_readv, fd, p, 1), 0);
    PCASE(b, "readv-base", syscall(SYS_readv, fd, &bad_base, 1), 0);
    PCASE(b, "writev-iov", syscall(SYS_writev, pfd[1], p, 1), 0);
    PCASE(b, "writev-base", syscall(SYS_writev, pfd[1], &bad_base, 1), 0);
    PCASE(b, "fstat-buf", syscall(SYS_fstat, fd, p), 0);
    close(fd);
    close(pfd[0]);
    close(pfd[1]);
}

/* Path pointers: the kernel copies the string in before anything else. */
static void
pointer_paths(const struct bad *b)
{
    void *p = (void *)b->addr;
    char buf[64];
    struct stat st;
    char *argv[] = {"/bin/hello", NULL};
    PCASE(b, "open-path", syscall(SYS_open, p, O_RDONLY), 0);
    PCASE(b, "openat-path", syscall(SYS_openat, AT_FDCWD, p, O_RDONLY), 0);
    PCASE(b, "stat-path", syscall(SYS_stat, p, &st), 0);
    PCASE(b, "lstat-path", syscall(SYS_lstat, p, &st), 0);
    PCASE(b, "access-path", syscall(SYS_access, p, F_OK), 0);
    PCASE(b, "chdir-path", syscall(SYS_chdir, p), 0);
    PCASE(b, "readlink-path", syscall(SYS_readlink, p, buf, sizeof(buf)), 0);
    PCASE(b, "execve-path", syscall(SYS_execve, p, argv, NULL), 0);
}

/* Buffers the kernel fills with a structure or a string. */
static void
pointer_outputs(const struct bad *b)
{
    void *p = (void *)b->addr;
    int null = b->addr == 0;
    // uname's bad buffer is checked by unametest (exercise 4.1)
    PCASE(b, "clock_gettime-ts", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p),
          0);
    PCASE(b, "gettimeofday-tv", syscall(SYS_gettimeofday, p, NULL), 0);
    PCASE(b, "sysinfo-buf", syscall(SYS_sysinfo, p), 0);
    PCASE(b, "times-buf", syscall(SYS_times, p), null);
    PCASE(b, "getrandom-buf", syscall(SYS_getrandom, p, BADLEN, 0), 0);
    PCASE(b, "pipe-fds", syscall(SYS_pipe, p), 0);
    PCASE(b, "pipe2-fds", syscall(SYS_pipe2, p, 0), 0);
    PCASE(b, "arch_prctl-get-fs", syscall(SYS_arch_prctl, ARCH_GET_FS, p), 0);
    PCASE(b, "prlimit64-new",
          syscall(SYS_prlimit64, 0, RLIMIT_NOFILE_, p, NULL), 0);
    PCASE(b, "prlimit64-old",
          syscall(SYS_prlimit64, 0, RLIMIT_NOFILE_, NULL, p), 0);
    int dfd = open(path("/bin"), O_RDONLY | O_DIRECTORY);
    PCASE(b, "getdents64-buf", syscall(SYS_getdents64, dfd, p, 4096), 0);
    close(dfd);
}

/* Signals, sleeping, waiting: structures read in, or written out. */
static void
pointer_process(const struct bad *b)
{
    void *p = (void *)b->addr;
    PCASE(b, "nanosleep-req", syscall(SYS_nanosleep, p, NULL), 0);
    PCASE(b, "rt_sigaction-act",
          syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, KSIGSET), 0);
    PCASE(b, "rt_sigaction-oldact",
          syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, KSIGSET), 0);
    PCASE(b, "rt_sigprocmask-set",
          syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, KSIGSET), 0);
    PCASE(b, "rt_sigprocmask-oldset",
          syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, p, KSIGSET), 0);
    // wait4 reaps the child, then fails to store its status: the child is
    // gone all the same, so a second wait4 finds nothing
    pid_t pid = fork();
    if (pid == 0)
        _exit(3);
    long r;
    PCASE(b, "wait4-status",
          (r = syscall(SYS_wait4, pid, p, 0, NULL)) == pid ? 0 : r, 0);
    PCASE(b, "wait4-again", syscall(SYS_wait4, pid, NULL, WNOHANG, NULL), 0);
    // set_robust_list only records the pointer; the kernel reads the list
    // when the process exits, and must survive a bad one then
    pid = fork();
    if (pid == 0) {
        PCASE(b, "set_robust_list",
              syscall(SYS_set_robust_list, p, 3 * sizeof(long)), 0);
        _exit(0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    printf("set_robust_list@%s: child exit status 0x%x\n", b->name, status);
}

/* Try each bad pointer with the cases of @p cases. */
static void
each_bad(void (*cases)(const struct bad *))
{
    bads[1].addr = unmapped_address();
    for (size_t i = 0; i < NBADS; i++)
        cases(&bads[i]);
}

static void
group_pointers_io(void)
{
    each_bad(pointer_io);
}

static void
group_pointers_paths(void)
{
    each_bad(pointer_paths);
}

static void
group_pointers_outputs(void)
{
    each_bad(pointer_outputs);
}

static void
group_pointers_process(void)
{
    each_bad(pointer_process);
}

/*
 * Bad file descriptors. Linux's rule: a number that names no open file
 * (negative, past the table, closed) is EBADF for every call that takes
 * one; an open file of the wrong kind has its own errno: read of a
 * directory EISDIR, write to a file open only for reading EBADF, a
 * terminal ioctl on a file ENOTTY, getdents64 or fchdir on a file ENOTDIR.
 */
static void
fd_cases(const char *what, int fd)
{
    char buf[64], name[64];
    struct stat st;
#define FCASE(call, expr)                                                      \
    do {                                                                       \
        snprintf(name, sizeof(name), "%s(%s)", call, what);                    \
        CASE(name, expr);                                                      \
    } while (0)
    FCASE("read", syscall(SYS_read, fd, buf, sizeof(buf)));
    FCASE("write", syscall(SYS_write, fd, "x", 1));
    FCASE("fstat", syscall(SYS_fstat, fd, &st));
    FCASE("lseek", syscall(SYS_lseek, fd, 0, SEEK_CUR));
    FCASE("dup", syscall(SYS_dup, fd));
    FCASE("dup2", syscall(SYS_dup2, fd, 20));
    FCASE("fcntl-getfd", syscall(SYS_fcntl, fd, F_GETFD));
    FCASE("ioctl-tcgets", syscall(SYS_ioctl, fd, TCGETS, buf));
    FCASE("getdents64", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
    FCASE("fchdir", syscall(SYS_fchdir, fd));
    FCASE("close", syscall(SYS_close, fd));
#undef FCASE
}

static void
group_fds(void)
{
    // a number above those opened below, so none of them reuses it
    int closed = dup2(1, 50);
    close(closed);
    fd_cases("-1", -1);
    fd_cases("1000", 1000);
    fd_cases("closed", closed);
    // open files of the wrong kind: only the calls that must fail
    char buf[64];
    int dir = open(path("/bin"), O_RDONLY | O_DIRECTORY);
    int file = open(path("/notelf.txt"), O_RDONLY);
    CASE("read(directory)", syscall(SYS_read, dir, buf, sizeof(buf)));
    CASE("write(directory)", syscall(SYS_write, dir, "x", 1));
    CASE("write(read-only file)", syscall(SYS_write, file, "x", 1));
    CASE("ioctl-tcgets(directory)", syscall(SYS_ioctl, dir, TCGETS, buf));
    CASE("ioctl-tcgets(file)", syscall(SYS_ioctl, file, TCGETS, buf));
    CASE("getdents64(file)", syscall(SYS_getdents64, file, buf, sizeof(buf)));
    CASE("fchdir(file)", syscall(SYS_fchdir, file));
    CASE("dup2(1, -1)", syscall(SYS_dup2, 1, -1));
    CASE("dup2(closed, closed)", syscall(SYS_dup2, closed, closed));
}

/* Files and paths: numbers and flags out of range, the wrong file type. */
static void
group_flags_files(void)
{
    char buf[64];
    int fd = open(path("/notelf.txt"), O_RDONLY);
    int pfd[2];
    pipe(pfd);
    struct iovec iov = {"x", 1};
    // lseek: whence is SEEK_SET..SEEK_HOLE (4); a negative result EINVAL
    CASE("lseek-whence-7", syscall(SYS_lseek, fd, 0, 7));
    CASE("lseek-negative", syscall(SYS_lseek, fd, -100L, SEEK_SET));
    CASE("lseek-pipe", syscall(SYS_lseek, pfd[0], 0, SEEK_SET));
    // fcntl: an unknown command is EINVAL
    CASE("fcntl-cmd-9999", syscall(SYS_fcntl, fd, 9999));
    // pipe2: flags other than O_CLOEXEC, O_NONBLOCK, O_DIRECT are EINVAL
    CASE("pipe2-flags-1", syscall(SYS_pipe2, pfd, 0x1));
    // readv/writev: iovcnt is 0..UIO_MAXIOV (1024)
    CASE("writev-iovcnt--1", syscall(SYS_writev, pfd[1], &iov, -1L));
    CASE("writev-iovcnt-1025", syscall(SYS_writev, pfd[1], &iov, 1025));
    CASE("readv-iovcnt--1", syscall(SYS_readv, fd, &iov, -1L));
    CASE("writev-iovcnt-0", syscall(SYS_writev, pfd[1], &iov, 0));
    // path walk: O_DIRECTORY on a file, a file as a directory, "" and a
    // missing name
    CASE("open-odirectory-file",
         syscall(SYS_open, path("/notelf.txt"), O_RDONLY | O_DIRECTORY));
    CASE("open-file-as-dir",
         syscall(SYS_open, path("/notelf.txt/x"), O_RDONLY));
    CASE("open-empty", syscall(SYS_open, "", O_RDONLY));
    CASE("open-missing", syscall(SYS_open, path("/nonexistent"), O_RDONLY));
    CASE("open-directory-write", syscall(SYS_open, path("/bin"), O_WRONLY));
    CASE("chdir-file", syscall(SYS_chdir, path("/notelf.txt")));
    // access: mode is F_OK or a mix of R_OK, W_OK, X_OK
    CASE("access-mode-8", syscall(SYS_access, path("/notelf.txt"), 8));
    // getcwd's cases are in filetest's cwd part (exercise 4.2)
    // readlink: bufsiz must be positive; a file that is no link EINVAL
    CASE("readlink-bufsiz-0",
         syscall(SYS_readlink, path("/notelf.txt"), buf, 0));
    CASE("readlink-not-link",
         syscall(SYS_readlink, path("/notelf.txt"), buf, sizeof(buf)));
    close(fd);
}

/* Memory: mmap, munmap, mprotect. Linux's rules: a length of 0, an
 * offset or fixed address not page-aligned, or flags without exactly one
 * of MAP_SHARED/MAP_PRIVATE are EINVAL; a file mapping of fd -1 EBADF;
 * munmap/mprotect want a page-aligned start; unknown prot bits EINVAL. */
static void
group_flags_memory(void)
{
    long a = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
    CASE("mmap-length-0", syscall(SYS_mmap, 0, 0, a, anon, -1, 0));
    CASE("mmap-flags-0", syscall(SYS_mmap, 0, 4096, a, 0, -1, 0));
    CASE("mmap-flags-anon-only",
         syscall(SYS_mmap, 0, 4096, a, MAP_ANONYMOUS, -1, 0));
    CASE("mmap-offset-unaligned", syscall(SYS_mmap, 0, 4096, a, anon, -1, 1));
    CASE("mmap-fixed-unaligned",
         syscall(SYS_mmap, 0x10000001, 4096, a, anon | MAP_FIXED, -1, 0));
    char *p = mmap(NULL, 2 * 4096, a, anon, -1, 0);
    CASE("munmap-unaligned", syscall(SYS_munmap, p + 1, 4096));
    CASE("munmap-length-0", syscall(SYS_munmap, p, 0));
    CASE("mprotect-unaligned", syscall(SYS_mprotect, p + 1, 4096, PROT_READ));
    CASE("mprotect-prot-0x80", syscall(SYS_mprotect, p, 4096, 0x80));
    CASE("munmap-ok", syscall(SYS_munmap, p, 2 * 4096));
}

/* Time, signals, waiting, identity: numbers out of their ranges. */
static void
group_flags_process(void)
{
    struct timespec ts;
    struct ksigaction act = {0};
    unsigned long set = 0;
    char buf[16];
    // clocks: an id Linux does not have is EINVAL; nanosleep wants
    // 0 <= tv_nsec < 1e9 and tv_sec >= 0
    CASE("clock_gettime-clock-99", syscall(SYS_clock_gettime, 99, &ts));
    struct timespec big = {0, 1000000000}, neg = {0, -1}, negs = {-1, 0};
    CASE("nanosleep-nsec-1e9", syscall(SYS_nanosleep, &big, NULL));
    CASE("nanosleep-nsec--1", syscall(SYS_nanosleep, &neg, NULL));
    CASE("nanosleep-sec--1", syscall(SYS_nanosleep, &negs, NULL));
    // rt_sigprocmask: how is checked only when a set is given; the set
    // size must be the kernel's (8 bytes)
    CASE("rt_sigprocmask-how-9",
         syscall(SYS_rt_sigprocmask, 9, &set, NULL, KSIGSET));
    CASE("rt_sigprocmask-how-9-no-set",
         syscall(SYS_rt_sigprocmask, 9, NULL, NULL, KSIGSET));
    CASE("rt_sigprocmask-size-4",
         syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
    // rt_sigaction: signals are 1..64; SIGKILL and SIGSTOP can be asked
    // about but not changed
    CASE("rt_sigaction-sig-0", syscall(SYS_rt_sigaction, 0, &act, NULL, 8));
    CASE("rt_sigaction-sig-65", syscall(SYS_rt_sigaction, 65, &act, NULL, 8));
    CASE("rt_sigaction-sigkill",
         syscall(SYS_rt_sigaction, SIGKILL, &act, NULL, 8));
    CASE("rt_sigaction-sigstop",
         syscall(SYS_rt_sigaction, SIGSTOP, &act, NULL, 8));
    CASE("rt_sigaction-sigkill-query",
         syscall(SYS_rt_sigaction, SIGKILL, NULL, &act, 8));
    CASE("rt_sigaction-size-4",
         syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 4));
    // kill: signal 0 only checks; past 64 EINVAL
    CASE("kill-sig-0", syscall(SYS_kill, getpid(), 0));
    CASE("kill-sig-99", syscall(SYS_kill, getpid(), 99));
    CASE("kill-sig--1", syscall(SYS_kill, getpid(), -1));
    // wait4: options beyond WNOHANG, WUNTRACED, WCONTINUED, __WNOTHREAD,
    // __WCLONE, __WALL (0x40000000, valid: no child then is ECHILD) are
    // EINVAL, WNOWAIT among them (it is waitid's)
    CASE("wait4-options-0x100", syscall(SYS_wait4, -1, NULL, 0x100, NULL));
    CASE("wait4-options-wnowait",
         syscall(SYS_wait4, -1, NULL, 0x01000000, NULL));
    CASE("wait4-options-wall-no-child",
         syscall(SYS_wait4, -1, NULL, 0x40000000, NULL));
    CASE("wait4-no-child", syscall(SYS_wait4, -1, NULL, 0, NULL));
    // getrandom: flags other than GRND_NONBLOCK, GRND_RANDOM,
    // GRND_INSECURE are EINVAL; a good call returns the length
    CASE("getrandom-flags-0x100",
         syscall(SYS_getrandom, buf, sizeof(buf), 0x100));
    CASE("getrandom-ok", syscall(SYS_getrandom, buf, sizeof(buf), 0));
    // arch_prctl: an unknown code is EINVAL; prlimit64: resources 0..15
    CASE("arch_prctl-code-0x9999", syscall(SYS_arch_prctl, 0x9999, 0));
    CASE("prlimit64-resource-99", syscall(SYS_prlimit64, 0, 99, NULL, buf));
    // set_robust_list: the length must be the size of the list head
    CASE("set_robust_list-len-23", syscall(SYS_set_robust_list, buf, 23));
}

/*
 * Numbers that name no system call. Linux's rule: ENOSYS, for holes in
 * the table (335..423 were left free for the 32-bit calls' numbers,
 * 512..547 are the x32 ABI's, not a 64-bit program's), numbers far past
 * its end and -1 (all bits set), which must not index the table as a
 * huge unsigned number. 335 and 336 are left out: some vendor kernels
 * put calls of their own there; 463 and up are Linux's newest calls.
 */
static void
group_unknown(void)
{
    static const long numbers[] = {400, 423, 511, 1000, 100000, -1};
    char name[64];
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        snprintf(name, sizeof(name), "syscall-%ld", numbers[i]);
        CASE(name, syscall(numbers[i], 0, 0, 0, 0, 0, 0));
    }
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("badinput: start\n");
    run_group("pointers-io", group_pointers_io);
    run_group("pointers-paths", group_pointers_paths);
    run_group("pointers-outputs", group_pointers_outputs);
    run_group("pointers-process", group_pointers_process);
    run_group("fds", group_fds);
    run_group("flags-files", group_flags_files);
    run_group("flags-memory", group_flags_memory);
    run_group("flags-process", group_flags_process);
    run_group("unknown", group_unknown);
    printf("badinput: done\n");
    return 0;
}
