/*
 * syscheck: the bad-input checklist. Every system call the kernel
 * implements, every argument of it given bad values of its kind, one
 * argument at a time, and each answer printed for comparison with Linux.
 *
 * Usage: syscheck CHAPTER [NAME:NAME...]: the calls of chapters up to
 * CHAPTER, less the names listed (the grader lists the calls a chapter's
 * exercises stub out in the handout). `syscheck fuzz SEED SECONDS
 * [CHAPTER]` makes random calls from the same table instead (see
 * fuzz_main(); `make fuzz`).
 *
 * The calls and one good argument list for each come from
 * user/syscheck_cases.h, which tools/gen-syscheck.py generates from the
 * system-call table; this file holds what the good arguments point at
 * (the fixtures) and the bad values of each argument kind:
 *
 *   ptr   null, unmapped, ro (a read-only page of zeros), kernel, noncanon
 *   str   the same, with ro read as the empty string, plus unterm (no NUL
 *         before a guard page) and long (longer than PATH_MAX)
 *   int   -1, closed (fd 990, never open), dir (fd 900, a directory),
 *         max (INT_MAX)
 *   uint  0, huge (~0: wraps when added to any address), 2^31
 *   hex   0, all (every bit), bit31
 *   oct   0, all
 *
 * Each case prints one line, `read 1 ro: EFAULT` (call, argument
 * position from 0, bad value): the errno's name, or the result when it
 * succeeds (a number below 4096; `ok` for larger ones, and for calls whose
 * result differs from run to run, marked SC_VARY).
 *
 * The cases of one call run in a child process, which makes the calls by
 * hand (no C library wrapper checks or changes anything) and then uses
 * only C library functions that need no thread pointer (memset): a case
 * may have changed the thread pointer or blocked signals. Before each
 * case the fixtures are put back as they were (fill()): the structures'
 * contents, the files' offsets, the pages a case may have moved. A shared page tells the parent
 * which case runs. A case that kills its child is reported by the
 * parent (`killed by signal 11`), and one that makes no progress for 2
 * seconds is killed (`blocked`); either way a new child goes on with the
 * next case.
 * The last line, `syscheck: done`, shows that the kernel survived.
 *
 * Descriptors the good arguments use sit at fixed numbers from 900 up,
 * so that a descriptor number tried as a process id names no process,
 * and all files live in /tmp/sc. On Linux the same binary runs from the
 * same initramfs (grading/linuxrec.c), so paths and numbers agree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "errname.h"

#define ARCH_GET_FS 0x1003
#define PAGE 4096

/* ---- the fixtures ---------------------------------------------------- */

/* Descriptors at fixed numbers (see the top of the file). */
enum {
    FD_DIR = 900,     // /tmp/sc, a directory
    FD_RO = 901,      // /tmp/sc/file, read-only
    FD_RW = 902,      // /tmp/sc/data, read-write: the file writes go to
    FD_NULL = 903,    // /dev/null
    FD_PR = 904,      // a pipe's read end (empty)
    FD_PW = 905,      // its write end
    FD_EP = 906,      // an epoll set watching FD_PW for EPOLLOUT (chapter 7)
    FD_US = 907,      // one end of a Unix stream socket pair (chapter 7)
    FD_TCP = 908,     // a TCP socket, neither bound nor connected (chapter 7)
    FD_LISTEN = 909,  // a non-blocking TCP socket listening on 127.0.0.1
    FD_UDP = 910,     // a non-blocking UDP socket bound to 127.0.0.1
    FD_TFD = 911,     // a timerfd, disarmed (chapter 6)
    FD_US_PEER = 912, // the other end of FD_US's pair
    FD_SPARE = 950,   // not open: the target of dup2 and dup3
    FD_CLOSED = 990,  // never open: the `closed` bad value
};

#define PORT_LISTEN 7301
#define PORT_UDP 7302
#define PORT_CLOSED 7303

#define PATH_FILE "/tmp/sc/file"
#define PATH_DATA "/tmp/sc/data"
#define PATH_DIR "/tmp/sc/dir"
#define PATH_NEW "/tmp/sc/new"
#define PATH_LINK "/tmp/sc/link"
#define PATH_FIFO "/tmp/sc/fifo"
#define PATH_MNT "/tmp/sc/mnt"
#define REL_FILE "file"
#define REL_NEW "new2"
#define REL_FIFO "fifo2"
#define REL_NONE "none"
#define REL_LINK "link"
#define NAME "keel"
#define FSTYPE "tmpfs"

/* A page no one maps: low, below where a static program is loaded. */
#define UNMAPPED 0x100000ul
/* The page the memory calls (munmap, mprotect, mremap...) work on: far
 * from every other mapping, so a length of 2^31 from it reaches no other
 * mapping on either kernel. */
#define SPARE_ADDR 0x10000000000ul

/* The kernel's struct sigaction and the timer calls' structures, spelled
 * out: the C library's may differ from what the kernel reads. */
struct ksigaction {
    unsigned long handler, flags, restorer, mask;
};

/* What the good arguments point at; set up by setup(). */
static char *BUF, *BUF2, *BUF3;         // out buffers, a guard page after each
static char *BIG;                       // 1 MiB, for the kernel's log
static char *RO;                        // a read-only page of zeros
static char *UNTERM;                    // 100 bytes up to a guard, no NUL
static char LONGSTR[5000];              // longer than PATH_MAX
static void *SPARE;                     // at SPARE_ADDR
static struct iovec *IOV;               // 2 x 16 bytes of BUF, at a page end
static struct pollfd *POLLFD;           // FD_NULL, POLLIN, at a page end
static gid_t *GROUPS;                   // one gid, 0, at a page end
static fd_set *RSET;                    // FD_NULL, at a page end
static struct timeval *TV, *TV2;        // 0; and two times for utimes
static struct timespec *TS, *TS0, *TS2; // 1 us; 0; two times for utimensat
static struct utimbuf *UTB;
static struct itimerval *ITV;    // disarmed
static struct itimerspec *ITS;   // disarmed
static uint64_t *SET;            // SIGUSR2 alone
static struct ksigaction *ACT;   // SIGUSR1 ignored
static stack_t *SS;              // SS_DISABLE
static struct rlimit *RLIM;      // 0, 0
static struct sigevent *SIGEV;   // SIGEV_NONE
static siginfo_t *SIGINFO;       // SI_QUEUE
static struct epoll_event *EPEV; // EPOLLIN
static struct sockaddr_in *SIN_UDP, *SIN_CLOSED, *SIN_ANY;
static socklen_t *LEN; // 128
static int *OPTVAL;    // 1
static struct msghdr *MSG, *MSG_IN;
static uint64_t *CPUSET;  // CPU 0
static off_t *OFF;        // 0
static uint32_t *CAPHDR;  // capget's header: version 3, pid 0 (the caller)
static uint32_t *CAPDATA; // capset's sets: root's (all effective, permitted)

/* Per child: its pid, and a POSIX timer it made (chapter 6 on). */
static long SELF;
static long TIMER;
static int chapter; // the chapter whose calls are checked (argv[1])

static void fill(void);

/* What the parent sees of its child: the case running. */
static volatile int *running;

/* ---- calling and printing without the C library --------------------- */

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

static long
raw1(long nr, long a0)
{
    long a[6] = {a0};
    return raw(nr, a);
}

/* A line being built, written with one write(2). */
struct line {
    char text[160];
    int len;
};

static void
put(struct line *l, const char *s)
{
    while (*s && l->len < (int)sizeof l->text - 1)
        l->text[l->len++] = *s++;
}

static void
put_num(struct line *l, long v)
{
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        tmp[n++] = '-';
    while (n > 0) {
        char c[2] = {tmp[--n], 0};
        put(l, c);
    }
}

static void
emit(struct line *l)
{
    long a[6] = {1, (long)l->text, l->len + 1};

    l->text[l->len] = '\n';
    raw(SYS_write, a);
}

/* ---- the bad values --------------------------------------------------- */

struct bad {
    const char *name;
    long value;
};

#define NBAD 8

/* The bad values of argument kind k (a letter of sc_call.kinds); the list
 * ends with a NULL name. */
static const struct bad *
bads_of(char k)
{
    static struct bad ptr[NBAD], str[NBAD], num[NBAD], uns[NBAD], hex[NBAD],
        oct[NBAD];
    static int ready;

    if (!ready) {
        const struct bad p[] = {
            {"null", 0},
            {"unmapped", (long)UNMAPPED},
            {"ro", (long)RO},
            {"kernel", (long)0xffffffff81000000ul},
            {"noncanon", (long)0x8000000000000000ul},
            {NULL, 0},
        };
        const struct bad s[] = {
            {"null", 0},
            {"unmapped", (long)UNMAPPED},
            {"kernel", (long)0xffffffff81000000ul},
            {"noncanon", (long)0x8000000000000000ul},
            {"empty", (long)RO},
            {"unterm", (long)UNTERM},
            {"long", (long)LONGSTR},
            {NULL, 0},
        };
        const struct bad i[] = {
            {"-1", -1},      {"closed", FD_CLOSED},
            {"dir", FD_DIR}, {"max", INT_MAX},
            {NULL, 0},
        };
        const struct bad u[] = {
            {"0", 0},
            {"huge", -1L},
            {"2^31", 1L << 31},
            {NULL, 0},
        };
        const struct bad x[] = {
            {"0", 0},
            {"all", -1L},
            {"bit31", 1L << 31},
            {NULL, 0},
        };
        const struct bad o[] = {
            {"0", 0},
            {"all", -1L},
            {NULL, 0},
        };
        memcpy(ptr, p, sizeof p);
        memcpy(str, s, sizeof s);
        memcpy(num, i, sizeof i);
        memcpy(uns, u, sizeof u);
        memcpy(hex, x, sizeof x);
        memcpy(oct, o, sizeof o);
        ready = 1;
    }
    switch (k) {
    case 'p':
        return ptr;
    case 's':
        return str;
    case 'i':
        return num;
    case 'u':
        return uns;
    case 'x':
        return hex;
    default:
        return oct;
    }
}

/* The calls (generated). */
#define SC_VARY 1
struct sc_call {
    int nr;
    const char *name;
    int chapter;
    const char *kinds;
    int flags;
};
#include "syscheck_cases.h"

#define NCALLS ((int)(sizeof sc_calls / sizeof sc_calls[0]))

/* How many cases call c has: the bad values of each argument. */
static int
ncases(int c)
{
    int n = 0;

    for (const char *k = sc_calls[c].kinds; *k; k++)
        for (const struct bad *b = bads_of(*k); b->name && n < 1000; b++)
            n++;
    return n;
}

/* Case `i` of call c: which argument, and which bad value. */
static const struct bad *
case_of(int c, int i, int *arg)
{
    const char *kinds = sc_calls[c].kinds;

    for (int j = 0; kinds[j]; j++)
        for (const struct bad *b = bads_of(kinds[j]); b->name; b++)
            if (i-- == 0) {
                *arg = j;
                return b;
            }
    return NULL;
}

/* The start of case i's line: `read 1 ro: `. */
static void
case_head(struct line *l, int c, int i)
{
    int arg = 0;
    const struct bad *b = case_of(c, i, &arg);

    put(l, sc_calls[c].name);
    put(l, " ");
    put_num(l, arg);
    put(l, " ");
    put(l, b->name);
    put(l, ": ");
}

/* ---- the child: one call's cases ------------------------------------- */

static void
run_cases(int c, int from, int n)
{
    SELF = raw1(SYS_getpid, 0);
    if (chapter >= 6) {
        long a[6] = {CLOCK_MONOTONIC, (long)SIGEV, (long)BUF3};
        TIMER = raw(SYS_timer_create, a) == 0 ? *(int *)BUF3 : -1;
    }
    // [syscheck_case]
    for (int i = from; i < n; i++) {
        long a[6] = {0};
        int arg = 0;
        const struct bad *b = case_of(c, i, &arg);
        struct line l = {.len = 0};
        long r;

        *running = i;
        fill();
        sc_good(c, a);
        a[arg] = b->value;
        r = raw(sc_calls[c].nr, a);
        case_head(&l, c, i);
        if (r < 0 && r > -4096)
            put(&l, errname((int)-r));
        else if (r >= 0 && r < 4096 && !(sc_calls[c].flags & SC_VARY))
            put_num(&l, r);
        else
            put(&l, "ok");
        emit(&l);
    }
    // [syscheck_case]
    raw1(SYS_exit_group, 0);
}

/* ---- the parent ------------------------------------------------------- */

/* Wait for child @p pid into *status; kill it when its case has not
 * changed for @p blocked_ms. No alarm(): chapter 5 has none, so the parent
 * looks every POLL_MS. Returns 1 when the child was killed as blocked. */
#define POLL_MS 5
#define BLOCKED_MS 2000
static int
wait_child(pid_t pid, int *status, int blocked_ms)
{
    int seen = *running, still = 0;
    struct timespec nap = {0, POLL_MS * 1000000L};

    while (waitpid(pid, status, WNOHANG) != pid) {
        nanosleep(&nap, NULL);
        if (*running != seen) {
            seen = *running;
            still = 0;
        } else if ((still += POLL_MS) >= blocked_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, status, 0);
            return 1;
        }
    }
    return 0;
}

/* Run call c's cases from `from` in a child; when a case kills the child
 * or blocks, report it and go on after it. */
static void
run_call(int c)
{
    int n = ncases(c);
    int from = 0;

    while (from < n) {
        int status = 0, blocked;
        pid_t pid;

        *running = from;
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
            printf("%s: fork: %s\n", sc_calls[c].name, errname(errno));
            return;
        }
        if (pid == 0)
            run_cases(c, from, n);
        blocked = wait_child(pid, &status, BLOCKED_MS);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !blocked)
            return;
        struct line l = {.len = 0};
        case_head(&l, c, *running);
        if (blocked)
            put(&l, "blocked");
        else if (WIFSIGNALED(status)) {
            put(&l, "killed by signal ");
            put_num(&l, WTERMSIG(status));
        } else {
            put(&l, "exited ");
            put_num(&l, WEXITSTATUS(status));
        }
        emit(&l);
        from = *running + 1;
    }
}

/* ---- setting up the fixtures ------------------------------------------ */

static void
fail(const char *what)
{
    printf("syscheck: setup: %s: %s\n", what, errname(errno));
    exit(1);
}

/* Where the next fixture goes: every fixture is at the same address on
 * every kernel, so that an answer cannot depend on where a kernel puts
 * mappings (a buffer plus 2^31 is inside user space on both). */
#define FIXTURES_ADDR 0x200000000ul
static char *next_fixture = (char *)FIXTURES_ADDR;

/* n pages, read-write, with a PROT_NONE guard page after them. */
static char *
guarded(int n)
{
    char *p = mmap(next_fixture, (size_t)(n + 1) * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

    if (p == MAP_FAILED)
        fail("mmap");
    if (mprotect(p + (size_t)n * PAGE, PAGE, PROT_NONE) < 0)
        fail("mprotect");
    next_fixture += (size_t)(n + 2) * PAGE; // and a hole after the guard
    return p;
}

/* size bytes that end where a guard page begins. */
static void *
at_end(size_t size)
{
    return guarded(1) + PAGE - size;
}

/* Open path (or take fd) as descriptor number `at`. */
static void
place(int fd, int at, const char *what)
{
    if (fd < 0)
        fail(what);
    if (dup2(fd, at) < 0)
        fail(what);
    close(fd);
}

/* The pages of the structures the good arguments point at. */
static char *STRUCTS, *STRUCTS2;

/* Where each fixture lives: pages of their own, each with a guard page
 * after it; arrays a call reads a count of end where a guard begins. */
static void
setup_memory(void)
{
    BUF = guarded(1);
    BUF2 = guarded(1);
    BUF3 = guarded(1);
    BIG = guarded(256);
    RO = guarded(1);
    if (mprotect(RO, PAGE, PROT_READ) < 0)
        fail("mprotect");
    UNTERM = at_end(100);
    memset(UNTERM, 'a', 100);
    memset(LONGSTR, 'a', sizeof LONGSTR - 1);
    SPARE = mmap((void *)SPARE_ADDR, PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (SPARE == MAP_FAILED)
        fail("mmap SPARE");
    IOV = at_end(2 * sizeof *IOV);
    POLLFD = at_end(sizeof *POLLFD);
    GROUPS = at_end(sizeof *GROUPS);
    RSET = at_end(sizeof *RSET);

    char *p = STRUCTS = guarded(1);
#define CARVE(var, n)                                                          \
    do {                                                                       \
        var = (void *)p;                                                       \
        p += ((n) * sizeof *var + 15) & ~15ul;                                 \
    } while (0)
    CARVE(TV, 1);
    CARVE(TV2, 2);
    CARVE(TS, 1);
    CARVE(TS0, 1);
    CARVE(TS2, 2);
    CARVE(UTB, 1);
    CARVE(ITV, 1);
    CARVE(ITS, 1);
    CARVE(SET, 1);
    CARVE(ACT, 1);
    CARVE(SS, 1);
    CARVE(RLIM, 1);
    CARVE(CPUSET, 1);
    CARVE(OFF, 1);
    CARVE(OPTVAL, 1);
    CARVE(LEN, 1);
    p = STRUCTS2 = guarded(1);
    CARVE(SIGEV, 1);
    CARVE(SIGINFO, 1);
    CARVE(EPEV, 1);
    CARVE(SIN_UDP, 1);
    CARVE(SIN_CLOSED, 1);
    CARVE(SIN_ANY, 1);
    CARVE(MSG, 1);
    CARVE(MSG_IN, 1);
    CARVE(CAPHDR, 2);
    CARVE(CAPDATA, 6);
#undef CARVE
}

/* The fixtures' contents, written again before every case: a case may
 * have changed them (select clears bits, ppoll writes the time left,
 * accept the address length), and every case starts from the same. */
static void
fill(void)
{
    // the files' offsets and the pages a case may have moved or cut:
    // back where they were (by hand: a case may have broken errno's TLS)
    long seek[6] = {FD_RO, 0, SEEK_SET};
    raw(SYS_lseek, seek);
    seek[0] = FD_DIR;
    raw(SYS_lseek, seek);
    long unmap[6] = {(long)SPARE_ADDR, 1L << 31};
    raw(SYS_munmap, unmap);
    long spare[6] = {(long)SPARE_ADDR,
                     PAGE,
                     PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                     -1,
                     0};
    raw(SYS_mmap, spare);
    long ro[6] = {(long)RO,  PAGE,
                  PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                  -1,        0};
    raw(SYS_mmap, ro);
    memset(STRUCTS, 0, PAGE);
    memset(STRUCTS2, 0, PAGE);
    IOV[0] = (struct iovec){BUF, 16};
    IOV[1] = (struct iovec){BUF + 16, 16};
    *POLLFD = (struct pollfd){.fd = FD_NULL, .events = POLLIN};
    *GROUPS = 0;
    FD_ZERO(RSET);
    FD_SET(FD_NULL, RSET);
    TV2[0].tv_sec = 1;
    TV2[1].tv_sec = 2;
    TS->tv_nsec = 1000;
    TS2[0].tv_sec = 1;
    TS2[1].tv_sec = 2;
    UTB->actime = 1;
    UTB->modtime = 2;
    *SET = 1ul << (SIGUSR2 - 1);
    ACT->handler = (unsigned long)SIG_IGN;
    SS->ss_flags = SS_DISABLE;
    *CPUSET = 1;
    *OPTVAL = 1;
    *LEN = 128;
    CAPHDR[0] = 0x20080522;               // _LINUX_CAPABILITY_VERSION_3
    CAPDATA[0] = CAPDATA[1] = 0xffffffff; // capabilities 0-31
    CAPDATA[3] = CAPDATA[4] = 0x1ff;      // 32-40
    SIGEV->sigev_notify = SIGEV_NONE;
    SIGINFO->si_code = SI_QUEUE;
    EPEV->events = EPOLLIN;
    SIN_UDP->sin_family = SIN_CLOSED->sin_family = AF_INET;
    SIN_ANY->sin_family = AF_INET;
    SIN_UDP->sin_port = htons(PORT_UDP);
    SIN_CLOSED->sin_port = htons(PORT_CLOSED);
    SIN_UDP->sin_addr.s_addr = SIN_CLOSED->sin_addr.s_addr =
        htonl(INADDR_LOOPBACK);
    *MSG = (struct msghdr){.msg_name = SIN_UDP,
                           .msg_namelen = sizeof *SIN_UDP,
                           .msg_iov = IOV,
                           .msg_iovlen = 2};
    *MSG_IN = (struct msghdr){
        .msg_name = BUF2, .msg_namelen = 128, .msg_iov = IOV, .msg_iovlen = 2};
}

static void
setup_files(void)
{
    int fds[2];

    if (mkdir("/tmp/sc", 0755) < 0 || mkdir(PATH_DIR, 0755) < 0 ||
        mkdir(PATH_MNT, 0755) < 0)
        fail("mkdir");
    int fd = open(PATH_FILE, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || write(fd, LONGSTR, 64) != 64)
        fail("file");
    close(fd);
    if (symlink("file", PATH_LINK) < 0)
        fail("symlink");
    place(open("/tmp/sc", O_RDONLY | O_DIRECTORY), FD_DIR, "open dir");
    place(open(PATH_FILE, O_RDONLY), FD_RO, "open ro");
    place(open(PATH_DATA, O_RDWR | O_CREAT, 0644), FD_RW, "open rw");
    place(open("/dev/null", O_RDWR), FD_NULL, "open /dev/null");
    if (pipe(fds) < 0)
        fail("pipe");
    place(fds[0], FD_PR, "pipe");
    place(fds[1], FD_PW, "pipe");
    if (chapter >= 6)
        place(timerfd_create(CLOCK_MONOTONIC, 0), FD_TFD, "timerfd");
    if (chapter < 7)
        return;
    place(epoll_create1(0), FD_EP, "epoll");
    struct epoll_event ev = {.events = EPOLLOUT};
    if (epoll_ctl(FD_EP, EPOLL_CTL_ADD, FD_PW, &ev) < 0)
        fail("epoll_ctl");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
        fail("socketpair");
    place(fds[0], FD_US, "socketpair");
    place(fds[1], FD_US_PEER, "socketpair");
    place(socket(AF_INET, SOCK_STREAM, 0), FD_TCP, "socket");
    place(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), FD_LISTEN, "socket");
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons(PORT_LISTEN),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(FD_LISTEN, (void *)&sin, sizeof sin) < 0 ||
        listen(FD_LISTEN, 4) < 0)
        fail("listen");
    place(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), FD_UDP, "socket");
    if (bind(FD_UDP, (void *)SIN_UDP, sizeof *SIN_UDP) < 0)
        fail("bind");
}

/* Whether call c is checked: its chapter is in, and `skip` (names
 * separated by colons) does not name it. */
static int
wanted(int c, const char *skip)
{
    size_t len = strlen(sc_calls[c].name);

    if (sc_calls[c].chapter > chapter)
        return 0;
    for (const char *s = skip; *s;) {
        size_t n = strcspn(s, ":");
        if (n == len && strncmp(s, sc_calls[c].name, n) == 0)
            return 0;
        s += n + (s[n] == ':');
    }
    return 1;
}

/* ---- fuzz: the same calls and values, at random, for a while --------- */

/*
 * `syscheck fuzz SEED SECONDS [CHAPTER]` (make fuzz): children that make
 * random calls with typed arguments (each argument good, a bad value of
 * its kind, or a random number) as uid FUZZ_UID, one after another for
 * SECONDS; the parent restarts each child that dies or blocks and counts
 * how they ended. Running as an ordinary user keeps the fuzzer from
 * killing its parent or init (kill(-1) reaches only its own processes)
 * and from remounting or renaming the machine; RLIMIT_NPROC bounds what
 * fork-like calls can start. At the end every process of the user is
 * killed, /tmp/sc removed, and MemAvailable compared with the start.
 */
#define FUZZ_UID 54321
#define FUZZ_CALLS 2000 /* per child: a fresh child clears what it broke */
#define UNKILLABLE_MS 10000
/* A call that blocks this long (pause, a read of an empty pipe) ends its
 * child: a fresh one makes more calls than one that waits. */
#define FUZZ_BLOCKED_MS 300

static uint64_t rng;

static uint64_t
next_random(void)
{
    rng ^= rng >> 12; // xorshift64*
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

/* A random value for an argument of kind k whose good value is good. */
static long
fuzz_value(char k, long good)
{
    const struct bad *b = bads_of(k);
    int n = 0;

    while (b[n].name != NULL)
        n++;
    switch (next_random() % 6) {
    case 0:
        return b[next_random() % n].value;
    case 1:
        return (long)next_random();
    case 2:
        return (long)(next_random() % 2048) - 16; // small numbers, fds
    case 3:
        return good ^ (1L << (next_random() % 64)); // one bit flipped
    default:
        return good;
    }
}

/* A child: FUZZ_CALLS random calls, then exit; the shared page counts. */
static void
fuzz_child(const int *pool, int npool, uint64_t seed)
{
    volatile long *calls = (volatile long *)(running + 16);

    // splitmix64 of the seed: neighbouring seeds (child n and n + 1) give
    // unrelated streams, and the state is never 0
    seed += 0x9e3779b97f4a7c15ull;
    seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ull;
    seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebull;
    rng = (seed ^ (seed >> 31)) | 1;
    SELF = raw1(SYS_getpid, 0);
    for (int i = 0; i < FUZZ_CALLS; i++) {
        int c = pool[next_random() % (uint64_t)npool];
        long a[6] = {0};

        fill();
        sc_good(c, a);
        for (int j = 0; sc_calls[c].kinds[j]; j++)
            a[j] = fuzz_value(sc_calls[c].kinds[j], a[j]);
        (*running)++;
        raw(sc_calls[c].nr, a);
        (*calls)++;
    }
    raw1(SYS_exit_group, 0);
}

/* Remove @p path and everything under it (the fuzzer's files). */
static void
remove_tree(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        char sub[512];
        DIR *d = opendir(path);
        struct dirent *e;
        chmod(path, 0700);
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                remove_tree(sub);
            }
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else
        unlink(path);
}

/* MemAvailable in kB, or -1. */
static long
mem_available(void)
{
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");

    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb;
}

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Kill every process of FUZZ_UID: a helper of that uid does kill(-1). */
static void
kill_fuzz_user(void)
{
    struct timespec nap = {0, 100 * 1000000L};

    for (int round = 0; round < 5; round++) {
        pid_t p = fork();
        if (p == 0) {
            if (setuid(FUZZ_UID) == 0)
                kill(-1, SIGKILL);
            _exit(0);
        }
        while (waitpid(-1, NULL, 0) > 0) // ours; init reaps the orphans
            ;
        nanosleep(&nap, NULL);
    }
}

static int
fuzz_main(uint64_t seed, int seconds)
{
    static int pool[sizeof sc_calls / sizeof sc_calls[0]];
    int npool = 0, children = 0, exited = 0, blocked = 0, unkillable = 0;
    int by_signal[65] = {0};
    volatile long *calls = (volatile long *)(running + 16);

    for (int c = 0; c < NCALLS; c++)
        if (wanted(c, ""))
            pool[npool++] = c;
    // the fuzzer's user may use the fixtures' files
    const char *owned[] = {"/tmp/sc", PATH_FILE, PATH_DATA, PATH_DIR, PATH_MNT};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (chown(owned[i], FUZZ_UID, FUZZ_UID) < 0)
            fail("chown");
    struct rlimit nproc = {64, 64};
    setrlimit(RLIMIT_NPROC, &nproc);
    long before = mem_available();
    printf("fuzz: seed %llu, %d s, chapter %d, %d calls to choose from\n",
           (unsigned long long)seed, seconds, chapter, npool);

    double end = now_s() + seconds;
    while (now_s() < end) {
        int status = 0;
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            printf("fuzz: fork: %s\n", errname(errno));
            break;
        }
        if (pid == 0) {
            if (setgid(FUZZ_UID) < 0 || setuid(FUZZ_UID) < 0)
                _exit(99);
            fuzz_child(pool, npool, seed * 0x9e3779b97f4a7c15ull + children);
        }
        children++;
        if (wait_child(pid, &status, FUZZ_BLOCKED_MS)) {
            blocked++;
            continue;
        }
        if (WIFEXITED(status))
            exited++;
        else if (WIFSIGNALED(status) && WTERMSIG(status) < 65)
            by_signal[WTERMSIG(status)]++;
    }
    kill_fuzz_user();
    // a child SIGKILL cannot end within UNKILLABLE_MS: the kernel's fault
    struct timespec nap = {0, 100 * 1000000L};
    for (int waited = 0; waited < UNKILLABLE_MS; waited += 100) {
        if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
            break;
        nanosleep(&nap, NULL);
    }
    if (waitpid(-1, NULL, WNOHANG) == 0)
        unkillable++;
    remove_tree("/tmp/sc");
    nanosleep(&nap, NULL);
    long after = mem_available();

    printf("fuzz: %ld calls in %d children\n", *calls, children);
    printf("fuzz: children that ended: %d exited", exited);
    for (int sig = 1; sig < 65; sig++)
        if (by_signal[sig])
            printf(", %d killed by signal %d", by_signal[sig], sig);
    printf("\nfuzz: blocked %d, unkillable %d\n", blocked, unkillable);
    printf("fuzz: memory before %ld kB, after %ld kB\n", before, after);
    printf("fuzz: done\n");
    return 0;
}

int
main(int argc, char **argv)
{
    const char *skip = argc > 2 ? argv[2] : "";
    int calls = 0, cases = 0;
    int fuzz = argc > 3 && strcmp(argv[1], "fuzz") == 0;

    chapter = fuzz ? (argc > 4 ? atoi(argv[4]) : 99)
                   : (argc > 1 ? atoi(argv[1]) : 99);
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    setup_memory();
    fill();
    setup_files();
    running = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (running == MAP_FAILED)
        fail("mmap shared");
    if (fuzz)
        return fuzz_main(strtoull(argv[2], NULL, 10), atoi(argv[3]));

    for (int c = 0; c < NCALLS; c++)
        if (wanted(c, skip)) {
            calls++;
            cases += ncases(c);
        }
    printf("syscheck: chapter %d, %d calls, %d cases\n", chapter, calls, cases);
    for (int c = 0; c < NCALLS; c++)
        if (wanted(c, skip))
            run_call(c);
    printf("syscheck: done\n");
    return 0;
}
