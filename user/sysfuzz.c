/*
 * sysfuzz: random system calls with random arguments; the kernel must
 * survive them.
 *
 * Usage: sysfuzz [SEED [CALLS]]. A child process makes CALLS (default
 * 3000) system calls, each with a random number and six random
 * arguments drawn from SEED (default 1): small numbers, flags, the
 * child's own file descriptors, pointers into a buffer it mapped, bad
 * pointers (NULL, kernel addresses, wrapping ones) and plain random
 * words. The parent waits and prints how the child ended; that it can
 * print at all, and `sysfuzz: survived`, is the test. Nothing is
 * compared with Linux: the answers depend on the kernel's state.
 *
 * The child must end the test neither by itself nor by harming anything
 * else (when it runs on Linux for the oracle's self-check, it must not
 * touch the host), so a few calls are left out or tamed:
 *
 * - left out: exit and exit_group, execve, reboot, signals to other
 *   processes, waits for a signal (pause, rt_sigsuspend, futex), calls
 *   that change files or the system (unlink, mkdir, mount, settimeofday,
 *   module loading, System V IPC, sockets, ...), others' scheduling;
 * - tamed: fork, clone and vfork become a plain fork whose child exits at
 *   once, at most MAX_FORKS times; sleeps and timeouts become zero;
 *   wait4/waitid get WNOHANG; new pipes and event files are non-blocking
 *   and F_SETFL keeps O_NONBLOCK, so no read can wait forever; open may
 *   only read; mmap with MAP_FIXED, munmap, mprotect, mremap, madvise
 *   stay inside the buffer the child mapped itself, so its code and
 *   stack survive;
 * - the child closes the console first: what it writes goes nowhere.
 *
 * A watchdog in the parent kills the child after WATCHDOG seconds, in
 * case some call blocks after all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARENA_PAGES 64
#define ARENA_SIZE (ARENA_PAGES * 4096ul)
#define MAX_FORKS 8
#define WATCHDOG 60 /* seconds */
#define MAX_NR 470  /* a little past Linux's last system call */

static uint64_t rng;
static char *arena;
static int fds[8];
static pid_t child;

/* xorshift64: the same SEED gives the same calls. */
static uint64_t
next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t
below(uint64_t n)
{
    return next() % n;
}

/* A system call without the C library: no errno to write, nothing the
 * fuzzed calls could have broken in between. */
static long
raw(long nr, const long a[6])
{
    long ret;
    register long r10 __asm__("r10") = a[3];
    register long r8 __asm__("r8") = a[4];
    register long r9 __asm__("r9") = a[5];
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10),
                       "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* One random argument, from a kind picked at random. */
static long
random_arg(void)
{
    static const uint64_t bad[] = {
        0,
        0xffff800000000000ul,
        0xffffffff80000000ul,
        0xfffffffffffff000ul,
        0x00007ffffffff800ul,
        0x1000,
    };
    switch (below(8)) {
    case 0:
        return (long)below(65);
    case 1:
        return fds[below(8)];
    case 2:
        return (long)(arena + below(ARENA_SIZE));
    case 3:
        return (long)bad[below(sizeof(bad) / sizeof(bad[0]))];
    case 4:
        return (long)next();
    case 5:
        return (long)below(3) - 1;
    case 6:
        return 1l << below(64);
    default:
        return (long)(4096 * below(32));
    }
}

/* An address inside the arena (page-aligned when @p aligned) and a
 * length that keeps [addr, addr+len) inside it. */
static void
arena_range(long *addr, long *len, int aligned)
{
    uint64_t page = below(ARENA_PAGES);
    *addr = (long)(arena + page * 4096) + (aligned ? 0 : (long)below(4096));
    *len = (long)(4096 * (1 + below(ARENA_PAGES - page)));
    if (*addr + *len > (long)(arena + ARENA_SIZE))
        *len = (long)(arena + ARENA_SIZE) - *addr;
}

/* Calls the child never makes, by number (see the file comment): each
 * would end the test, wait forever, or reach outside the child. */
static const short skipped[] = {
    15, /* rt_sigreturn: a random frame */
    29,  30,  31,  64,  65,  66,  67,  68,  69,  70,  71, /* System V IPC */
    34,                                                   /* pause */
    37,  38,  222, 223, /* alarm, setitimer, timer_create/settime */
    41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,
    54,  55,  288, 299, 307,      /* sockets */
    59,  322,                     /* execve, execveat */
    60,  231,                     /* exit, exit_group */
    62,  200, 234, 129, 297, 424, /* signals to processes */
    76,  82,  83,  84,  85,  86,  87,  88,  90,  91,  92,  93,  94,
    132, 133, 235, 258, 259, 260, 261, 263, 264, 265, 266, 268, 280,
    316, 452, 188, 189, 190, 197, 198, 199, 463, 466, 469, /* change files */
    101, 310, 311, 256, 279, 438, 440, 448, /* other processes' memory */
    103, 153, 155, 156, 159, 161, 163, 164, 165, 166, 167, 168, 169,
    170, 171, 172, 173, 175, 176, 179, 227, 246, 305, 313, 320, 428,
    429, 430, 431, 432, 433, 442, 443, /* the whole system */
    141, 142, 144, 203, 251, 314,      /* others' scheduling */
    130, 202, 449, 454, 455, 456,      /* rt_sigsuspend, futexes */
    151, 237, 285, 162,                /* mlockall, mbind, fallocate, sync */
    206, 207, 208, 209, 210, 220, 333, 425, 426, 427, /* aio, io_uring */
    240, 241, 248, 249, 250, /* persistent queues and keys */
    329, 330, 331,           /* memory protection keys */
    335, 336, /* some vendor kernels' own calls (one ends its caller) */
    334,      /* rseq: the kernel writes its area on every return */
    467,      /* open_tree_attr: the mount API */
    253, 282, 289, 300, 301, 304, 323, /* fds that block, handles */
    272, 308, 317, 321, 298, 437, 460, /* namespaces, seccomp, bpf, ... */
};

static unsigned char skip[MAX_NR];

/* The struct sigaction the fuzzer gives rt_sigaction. */
static unsigned long act[4];

/* A zero timeout, rewritten before each use (a call may change it). */
static long zero_ts[2];

static long
zero_timeout(void)
{
    zero_ts[0] = zero_ts[1] = 0;
    return (long)zero_ts;
}

/* Fork for the fuzzer: the child exits at once; at most MAX_FORKS. */
static long
bounded_fork(void)
{
    static int forks;
    const long none[6] = {0};
    if (forks++ >= MAX_FORKS)
        return -EAGAIN;
    long pid = raw(SYS_fork, none);
    if (pid == 0) {
        raw(SYS_exit_group, none);
    }
    return pid;
}

/* Make call @p nr with arguments @p a safe for the test (see the file
 * comment); return 0 to leave it out. */
static int
tame(long nr, long a[6])
{
    switch (nr) {
    case SYS_open:
    case SYS_openat: {
        // only reading, never creating or truncating; never blocking
        long *flags = &a[nr == SYS_open ? 1 : 2];
        *flags &= ~(long)(O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_EXCL |
                          0x400000 /* __O_TMPFILE */);
        *flags |= O_NONBLOCK;
        return 1;
    }
    case SYS_mmap:
        if (a[3] & (MAP_FIXED | 0x100000 /* MAP_FIXED_NOREPLACE */))
            arena_range(&a[0], &a[1], below(8) != 0);
        else if ((unsigned long)a[1] > (4ul << 20))
            a[1] = (long)below(4ul << 20);
        return 1;
    case SYS_madvise:
        // not MADV_HWPOISON and MADV_SOFT_OFFLINE: they take a page of
        // the machine out of service
        if (a[2] >= 100)
            return 0;
        arena_range(&a[0], &a[1], below(8) != 0);
        return 1;
    case SYS_munmap:
    case SYS_mprotect:
    case SYS_msync:
    case SYS_mlock:
    case SYS_munlock:
    case 325: /* mlock2 */
    case 462: /* mseal */
        arena_range(&a[0], &a[1], below(8) != 0);
        return 1;
    case SYS_mremap:
        // the old range and, with MREMAP_FIXED, the new one in the arena
        arena_range(&a[0], &a[1], below(8) != 0);
        a[2] = (long)(4096 * (1 + below(ARENA_PAGES)));
        if (a[3] & 2 /* MREMAP_FIXED */)
            arena_range(&a[4], &a[2], 1);
        return 1;
    case SYS_fork:
    case SYS_vfork:
    case SYS_clone:
    case 435: /* clone3 */
        bounded_fork();
        return 0;
    case SYS_pipe:
        a[1] = O_NONBLOCK;
        raw(SYS_pipe2, a);
        return 0;
    case SYS_pipe2:
    case SYS_eventfd2:
    case SYS_timerfd_create:
        a[1] |= O_NONBLOCK;
        return 1;
    case SYS_eventfd:
        a[1] = O_NONBLOCK;
        raw(SYS_eventfd2, a);
        return 0;
    case SYS_inotify_init1:
        a[0] |= O_NONBLOCK;
        return 1;
    case SYS_fcntl:
        // keep O_NONBLOCK; locks that would wait become locks that fail
        if (a[1] == F_SETFL)
            a[2] |= O_NONBLOCK;
        if (a[1] == F_SETLKW || a[1] == 38 /* F_OFD_SETLKW */)
            a[1]--;
        return 1;
    case SYS_flock:
        a[1] |= LOCK_NB;
        return 1;
    case SYS_ioctl:
        // small command numbers only: no file-system ioctls (those carry
        // size bits), and never FIONBIO, which could make a pipe blocking
        a[1] = (long)below(0x10000);
        return a[1] != 0x5421;
    case SYS_splice:
    case SYS_tee:
    case SYS_vmsplice:
        a[nr == SYS_splice ? 5 : 3] |= 2; /* SPLICE_F_NONBLOCK */
        return 1;
    case SYS_wait4:
        a[2] |= WNOHANG;
        return 1;
    case SYS_waitid:
        a[3] |= WNOHANG;
        return 1;
    case SYS_nanosleep:
        a[0] = zero_timeout();
        return 1;
    case SYS_clock_nanosleep:
        a[1] = 0;
        a[2] = zero_timeout();
        return 1;
    case SYS_poll:
    case SYS_epoll_wait:
    case SYS_epoll_pwait:
        a[nr == SYS_poll ? 2 : 3] = 0;
        return 1;
    case SYS_select:
    case SYS_pselect6:
        a[4] = zero_timeout();
        return 1;
    case SYS_ppoll:
    case SYS_rt_sigtimedwait:
        a[2] = zero_timeout();
        return 1;
    case 441: /* epoll_pwait2 */
        a[3] = zero_timeout();
        return 1;
    case SYS_rt_sigaction:
        // handlers are SIG_IGN: a random handler address would end the
        // child at its first signal; sometimes the pointer is bad instead
        act[0] = 1;
        act[1] = next();
        act[2] = 0;
        act[3] = next();
        a[1] = below(4) ? (long)act : random_arg();
        return 1;
    case SYS_prlimit64:
        a[0] = 0; /* this process only */
        return 1;
    case SYS_arch_prctl:
        // the C library's thread pointer stays (stack protector, errno)
        return a[0] != 0x1002 /* ARCH_SET_FS */ &&
               (a[0] & ~0xfffl) != 0x5000; /* shadow stack */
    }
    return nr < 0 || nr >= MAX_NR || !skip[nr];
}

/* Fill the arena with random bytes, with NULs between (so strings are
 * short) and a few real paths. */
static void
fill_arena(void)
{
    static const char *const paths[] = {"/",          ".",          "..",
                                        "bin",        "notelf.txt", "/init",
                                        "/bin/hello", "/dev/null"};
    for (size_t i = 0; i < ARENA_SIZE; i++)
        arena[i] = below(8) ? (char)next() : 0;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        strcpy(arena + 4096 * (i + 1), paths[i]);
}

/* Open the files the fuzzer's descriptor arguments name: the console
 * is closed first, so nothing can read it or write to it. */
static void
open_fds(void)
{
    const char *r = getenv("ROOT");
    char file[512], dir[512], top[512];
    snprintf(file, sizeof(file), "%s/notelf.txt", r != NULL ? r : "");
    snprintf(dir, sizeof(dir), "%s/bin", r != NULL ? r : "");
    snprintf(top, sizeof(top), "%s/", r != NULL ? r : "");
    close(0);
    close(1);
    close(2);
    int p[2] = {-1, -1};
    fds[0] = open(file, O_RDONLY);
    fds[1] = open(dir, O_RDONLY | O_DIRECTORY);
    fds[2] = open(top, O_RDONLY | O_DIRECTORY);
    pipe2(p, O_NONBLOCK);
    fds[3] = p[0];
    fds[4] = p[1];
    fds[5] = -1;
    fds[6] = 1000;
    fds[7] = AT_FDCWD;
}

/* The child: CALLS random system calls, then exit. */
static void
fuzz(long calls)
{
    // a kernel without mmap yet: the arena is a page-aligned static array
    static char static_arena[ARENA_SIZE] __attribute__((aligned(4096)));
    arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED)
        arena = static_arena;
    fill_arena();
    open_fds();
    for (size_t i = 0; i < MAX_NR; i++)
        skip[i] = 0;
    for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
        skip[skipped[i]] = 1;
    // a write to a pipe without readers must not end the child
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    for (long i = 0; i < calls; i++) {
        long nr = below(32) ? (long)below(MAX_NR) : (long)next();
        long a[6];
        for (int k = 0; k < 6; k++)
            a[k] = random_arg();
        if (tame(nr, a))
            raw(nr, a);
    }
    const long none[6] = {0};
    raw(SYS_exit_group, none);
}

/* SIGALRM in the parent: the child has run too long. */
static void
watchdog(int sig)
{
    (void)sig;
    kill(child, SIGKILL);
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    long calls = argc > 2 ? atol(argv[2]) : 3000;
    printf("sysfuzz: seed %llu, %ld calls\n", seed, calls);
    rng = seed * 0x9e3779b97f4a7c15ull | 1;
    child = fork();
    if (child < 0) {
        printf("sysfuzz: fork failed: errno %d\n", errno);
        return 1;
    }
    if (child == 0)
        fuzz(calls);
    signal(SIGALRM, watchdog);
    alarm(WATCHDOG);
    int status;
    pid_t r;
    while ((r = waitpid(child, &status, 0)) < 0 && errno == EINTR)
        ;
    alarm(0);
    if (r != child)
        printf("sysfuzz: waitpid failed: errno %d\n", errno);
    else if (WIFEXITED(status))
        printf("sysfuzz: the child exited\n");
    else
        printf("sysfuzz: the child was killed by a signal\n");
    printf("sysfuzz: survived\n");
    return 0;
}
