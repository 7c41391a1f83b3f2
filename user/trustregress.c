/*
 * trustregress: regression tests for the "trust first" bugs, where bad
 * input from a program crashed the kernel, hung it, or got an answer
 * other than Linux's:
 *
 *   rflags   "a user program panics the kernel by entering it with an
 *            unusual bit set in RFLAGS" (NT, AC, ID, DF set by popf, then
 *            a system call: the return path's iretq faulted); TF set by
 *            the program (single-step) must give SIGTRAP, never a kernel
 *            fault; "int3 in user mode gives SIGSEGV, not SIGTRAP (the
 *            breakpoint gate's privilege level)"; other software
 *            interrupts are SIGSEGV; rt_sigreturn may not load a kernel
 *            code selector.
 *   iovec    "a writev whose iovec lengths overflow when summed hangs
 *            instead of EINVAL": readv, writev, preadv, pwritev with
 *            negative, huge and too many iovecs.
 *   pointers "wait4 with a rusage pointer into kernel memory succeeds
 *            instead of EFAULT" (and waitid's infop and rusage, getrandom
 *            of 0 bytes at a kernel address, an FS base at TASK_SIZE).
 *   ranges   "munmap over the whole address space kills the caller
 *            instead of EINVAL": munmap, mprotect, mmap MAP_FIXED,
 *            madvise, mremap past TASK_SIZE and at kernel addresses.
 *   sigbus   "a file-mapped page wholly past EOF reads zeros, not
 *            SIGBUS" (MAP_PRIVATE, read-only and writable).
 *
 * No signal handlers here (exercise 4.3's signal frame is not needed):
 * each case runs in a child and the parent prints how it ended; the
 * siginfo side is user/trustsig.c. Linux is the oracle: the same binary
 * runs on the host (grading/oracle.py) and its output must be equal.
 *
 * `int $0x80` is not tried: on Linux x86_64 it is the 32-bit system-call
 * entry (getpid for eax 20), which Keel does not have; Keel answers it
 * with SIGSEGV, as Linux does without IA32 emulation.
 */
#define _GNU_SOURCE
#include "errname.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define KHALF 0xffff800000000000ul /* the start of the kernel half */
#define KTEXT 0xffffffff80000000ul /* where kernels put their text */
#define NONCANON 0x0000800000000000ul
#define TASK_SIZE 0x00007ffffffff000ul /* Linux's top of user space */
#define PAGE 4096ul

#define F_NT (1ul << 14)
#define F_AC (1ul << 18)
#define F_ID (1ul << 21)
#define F_DF (1ul << 10)
#define F_TF (1ul << 8)
#define F_IOPL (3ul << 12)

static char buf[PAGE] __attribute__((aligned(4096)));

/* Print case @p name's answer: a return value or the errno's name. */
static void
show(const char *name, long r)
{
    if (r < 0)
        printf("%s: %s\n", name, errname((int)-r));
    else
        printf("%s: %ld\n", name, r);
}

/* A raw system call: -errno on failure, so no C library hides it. */
static long
sys6(long nr, long a, long b, long c, long d, long e, long f)
{
    long r = syscall(nr, a, b, c, d, e, f);
    return r == -1 ? -errno : r;
}
/* sys(nr, up to six arguments): the missing ones are 0. */
#define sys(...) sys_pad(__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_pad(nr, a, b, c, d, e, f, ...)                                     \
    sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* An initramfs path, under ROOT on the host. */
static const char *
path(const char *p)
{
    static char out[512];
    const char *r = getenv("ROOT");
    snprintf(out, sizeof(out), "%s%s", r ? r : "", p);
    return out;
}

/* Run @p fn in a child; print how it ended. */
static void
child(const char *what, void (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        fn();
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

/* ------------------------------------------------------------- rflags */

/* Set rflags bits @p set, make a system call (getppid), read the flags
 * back, clear the bits again; the flags the program saw after the call. */
static unsigned long
syscall_with_flags(unsigned long set)
{
    unsigned long after;
    __asm__ __volatile__("pushfq\n\t"
                         "orq %1, (%%rsp)\n\t"
                         "popfq\n\t"
                         "movl $110, %%eax\n\t"
                         "syscall\n\t"
                         "pushfq\n\t"
                         "popq %0\n\t"
                         "pushfq\n\t"
                         "andq %2, (%%rsp)\n\t"
                         "popfq"
                         : "=&r"(after)
                         : "r"(set), "r"(~set)
                         : "rax", "rcx", "r11", "memory", "cc");
    return after;
}

static void
nt_syscall(void)
{
    unsigned long f = syscall_with_flags(F_NT);
    printf("  NT kept across the call: %s\n", f & F_NT ? "yes" : "no");
}

static void
ac_id_syscall(void)
{
    unsigned long f = syscall_with_flags(F_AC | F_ID);
    printf("  AC kept: %s, ID kept: %s\n", f & F_AC ? "yes" : "no",
           f & F_ID ? "yes" : "no");
}

static void
df_syscall(void)
{
    unsigned long f = syscall_with_flags(F_DF);
    printf("  DF kept: %s\n", f & F_DF ? "yes" : "no");
}

static void
all_syscall(void)
{
    unsigned long f = syscall_with_flags(F_NT | F_AC | F_ID | F_DF | 0xd5);
    printf("  NT %s, AC %s, IOPL %lu\n", f & F_NT ? "yes" : "no",
           f & F_AC ? "yes" : "no", (f & F_IOPL) >> 12);
}

static void
tf_step(void)
{
    __asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq; nop; nop" ::
                             : "memory", "cc");
}

static void
tf_syscall(void)
{
    __asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "movl $39, %%eax\n\t"
                         "syscall\n\t"
                         "nop" ::
                             : "rax", "rcx", "r11", "memory", "cc");
}

static void
do_int3(void)
{
    __asm__ __volatile__("int3");
}

static void
do_int_3(void)
{
    __asm__ __volatile__(".byte 0xcd, 0x03"); // int $3, the long form
}

static void
do_int_4(void)
{
    __asm__ __volatile__(".byte 0xcd, 0x04"); // int $4: #OF's gate
}

static void
do_into(void)
{
    __asm__ __volatile__(".byte 0xce"); // into: invalid in 64-bit mode
}

static void
do_int_0x81(void)
{
    __asm__ __volatile__("int $0x81");
}

static void
do_int_0x20(void)
{
    __asm__ __volatile__("int $0x20");
}

static void
do_int_0x0e(void)
{
    __asm__ __volatile__("int $0x0e");
}

static void
do_int_0x01(void)
{
    __asm__ __volatile__("int $0x01");
}

/* rt_sigreturn from a frame we build, with these selectors and flags. */
static uint64_t uc[64] __attribute__((aligned(16)));
static char stack[16384] __attribute__((aligned(16)));
static uint64_t want_cs, want_ss, want_flags;

static void
landing(void)
{
    uint64_t flags, cs, ss;
    __asm__ __volatile__("pushfq; popq %0; movq %%cs, %1; movq %%ss, %2"
                         : "=r"(flags), "=r"(cs), "=r"(ss));
    printf("  landed: cs 0x%lx ss 0x%lx NT %d IOPL %lu\n", cs, ss,
           !!(flags & F_NT), (flags & F_IOPL) >> 12);
    fflush(stdout);
    _exit(0);
}

static void
forge(void)
{
    uint64_t *mc = uc + 5;
    mc[15] = (uint64_t)(stack + sizeof(stack)) - 8; // rsp
    mc[16] = (uint64_t)landing;                     // rip
    mc[17] = want_flags;                            // eflags
    mc[18] = want_cs | (want_ss << 48);             // cs, gs, fs, ss
    __asm__ __volatile__("movq %0, %%rsp; movl $15, %%eax; syscall"
                         :
                         : "r"(uc)
                         : "memory");
}

static void
forge_case(const char *what, uint64_t cs, uint64_t ss, uint64_t flags)
{
    want_cs = cs, want_ss = ss, want_flags = flags;
    child(what, forge);
}

static void
group_rflags(void)
{
    printf("== rflags\n");
    child("NT, then a system call", nt_syscall);
    child("AC and ID, then a system call", ac_id_syscall);
    child("DF, then a system call", df_syscall);
    child("every arithmetic flag, NT, AC, ID, DF", all_syscall);
    child("TF: single-step", tf_step);
    child("TF, then a system call", tf_syscall);
    child("int3", do_int3);
    child("int $3", do_int_3);
    child("int $4", do_int_4);
    child("into", do_into);
    child("int $0x81", do_int_0x81);
    child("int $0x20 (a hardware interrupt's vector)", do_int_0x20);
    child("int $0x0e (the page fault's vector)", do_int_0x0e);
    child("int $0x01 (the debug vector)", do_int_0x01);
    forge_case("sigreturn, user selectors", 0x33, 0x2b, 0x202);
    forge_case("sigreturn, kernel code selector", 0x10, 0x2b, 0x202);
    forge_case("sigreturn, null code selector", 0, 0x2b, 0x202);
    forge_case("sigreturn, kernel stack selector", 0x33, 0x18, 0x202);
    forge_case("sigreturn, null stack selector", 0x33, 0, 0x202);
    forge_case("sigreturn, NT, IOPL, VM, no IF", 0x33, 0x2b,
               F_NT | F_IOPL | (1ul << 17) | 0x2);
}

/* -------------------------------------------------------------- iovec */

/* Bytes waiting in pipe @p rfd (nonblocking), read out. */
static long
drain(int rfd)
{
    long total = 0, n;
    static char sink[PAGE];
    while ((n = read(rfd, sink, sizeof(sink))) > 0)
        total += n;
    return total;
}

static void
vec_case(const char *name, long nr, int fd, const struct iovec *v, long cnt,
         long off, int rfd)
{
    long r = sys(nr, fd, (long)v, cnt, off, 0);
    char n[160];
    snprintf(n, sizeof(n), "%s", name);
    show(n, r);
    if (rfd >= 0)
        printf("  %s: %ld bytes in the pipe\n", name, drain(rfd));
}

static struct iovec many[1100];

static void
group_iovec(void)
{
    printf("== iovec\n");
    int p[2];
    if (pipe2(p, O_NONBLOCK) < 0)
        return;
    struct iovec wrap[2] = {{buf, 16}, {buf, 0x7ffffffffffffff0ul}};
    struct iovec neg[2] = {{buf, 16}, {buf, (size_t)-1}};
    struct iovec neg1[1] = {{buf, 0x8000000000000000ul}};
    struct iovec sum[3] = {
        {buf, 16}, {buf, 0x7ffffffffffffff0ul}, {buf, 0x7ffffffffffffff0ul}};
    struct iovec kern[2] = {{buf, 16}, {(void *)KHALF, 16}};
    struct iovec kzero[2] = {{buf, 16}, {(void *)KHALF, 0}};
    struct iovec huge[2] = {{NULL, 0x7ffff000}, {NULL, 0x7ffff000}};
    vec_case("writev, lengths that wrap when summed", SYS_writev, p[1], wrap, 2,
             0, p[0]);
    vec_case("writev, three lengths past SSIZE_MAX", SYS_writev, p[1], sum, 3,
             0, p[0]);
    vec_case("writev, a length of -1", SYS_writev, p[1], neg, 2, 0, p[0]);
    vec_case("writev, a length of 2^63", SYS_writev, p[1], neg1, 1, 0, p[0]);
    vec_case("writev, a kernel buffer second", SYS_writev, p[1], kern, 2, 0,
             p[0]);
    vec_case("writev, a kernel buffer of 0 bytes", SYS_writev, p[1], kzero, 2,
             0, p[0]);
    for (int i = 0; i < 1100; i++)
        many[i] = (struct iovec){buf, 1};
    vec_case("writev, 1024 iovecs", SYS_writev, p[1], many, 1024, 0, p[0]);
    vec_case("writev, 1025 iovecs", SYS_writev, p[1], many, 1025, 0, p[0]);
    vec_case("writev, -1 iovecs", SYS_writev, p[1], many, -1, 0, p[0]);
    vec_case("writev, 0 iovecs at a kernel address", SYS_writev, p[1],
             (struct iovec *)KHALF, 0, 0, p[0]);
    vec_case("writev, iovecs at a kernel address", SYS_writev, p[1],
             (struct iovec *)KHALF, 1, 0, p[0]);
    vec_case("readv, lengths that wrap", SYS_readv, p[0], wrap, 2, 0, -1);
    vec_case("readv, a length of -1", SYS_readv, p[0], neg, 2, 0, -1);
    vec_case("readv, 1025 iovecs", SYS_readv, p[0], many, 1025, 0, -1);
    int fd = open(path("/files/hello.txt"), O_RDONLY);
    vec_case("preadv, lengths that wrap", SYS_preadv, fd, wrap, 2, 0, -1);
    vec_case("preadv, a length of -1", SYS_preadv, fd, neg, 2, 0, -1);
    vec_case("preadv, 1025 iovecs", SYS_preadv, fd, many, 1025, 0, -1);
    vec_case("preadv, a kernel buffer second", SYS_preadv, fd, kern, 2, 0, -1);
    vec_case("pwritev, a length of -1", SYS_pwritev, p[1], neg, 2, 0, -1);
    vec_case("pwritev on a read-only file, a length of -1", SYS_pwritev, fd,
             neg, 2, 0, -1);
    vec_case("writev on a read-only file, 1025 iovecs", SYS_writev, fd, many,
             1025, 0, -1);
    vec_case("readv on a write-only pipe end, a length of -1", SYS_readv, p[1],
             neg, 2, 0, -1);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0)
        vec_case("writev to /dev/null, 2 x MAX_RW_COUNT at NULL", SYS_writev,
                 null, huge, 2, 0, -1);
    show("read 0 bytes into a kernel address",
         sys(SYS_read, fd, KHALF, 0, 0, 0));
    show("read 0 bytes into kernel text", sys(SYS_read, fd, KTEXT, 0, 0, 0));
    show("read 0 bytes into a non-canonical address",
         sys(SYS_read, fd, NONCANON, 0, 0, 0));
    show("write 0 bytes from a kernel address",
         sys(SYS_write, p[1], KHALF, 0, 0, 0));
    show("pread64 ending past the largest offset",
         sys(SYS_pread64, fd, (long)buf, 16, 0x7ffffffffffffff8l));
    show("pread64 of 0 bytes at the largest offset",
         sys(SYS_pread64, fd, (long)buf, 0, 0x7fffffffffffffffl));
    struct iovec two[2] = {{buf, 8}, {buf, 8}};
    show("preadv ending past the largest offset",
         sys(SYS_preadv, fd, (long)two, 2, 0x7ffffffffffffff8l));
    show("read -1 bytes", sys(SYS_read, fd, (long)buf, -1, 0, 0));
    show("write -1 bytes", sys(SYS_write, p[1], (long)buf, -1, 0, 0));
    printf("  %ld bytes in the pipe\n", drain(p[0]));
    close(fd);
}

/* ----------------------------------------------------------- pointers */

/* A child that exits at once; its pid. */
static pid_t
quick_child(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(7);
    return c;
}

static void
wait4_case(const char *name, long status, long rusage)
{
    pid_t c = quick_child();
    long r = sys(SYS_wait4, c, status, 0, rusage, 0);
    printf("%s: %s", name, r == c ? "the pid" : "");
    if (r != c)
        printf("%s", r < 0 ? errname((int)-r) : "another value");
    // was the child reaped anyway?
    long again = sys(SYS_wait4, c, 0, WNOHANG, 0, 0);
    printf(", then %s\n", again < 0 ? errname((int)-again) : "still there");
}

static void
waitid_case(const char *name, long infop, long rusage, int opts)
{
    pid_t c = quick_child();
    if (opts & WNOHANG) {
        // wait until it is a zombie, without reaping it
        siginfo_t si;
        waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    }
    long r = sys(SYS_waitid, P_PID, c, infop, opts, rusage);
    printf("%s: %s", name, r < 0 ? errname((int)-r) : "0");
    long again = sys(SYS_wait4, c, 0, WNOHANG, 0, 0);
    printf(", then %s\n", again < 0 ? errname((int)-again) : "still there");
}

/* A thread pointer past user space: refused (EPERM), or the C library's
 * thread-local storage would be gone (the child would die printing). */
static void
set_fs_at(unsigned long where)
{
    long r = sys(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, where);
    printf("  %s\n", r < 0 ? errname((int)-r) : "accepted");
}

static void
set_fs_top(void)
{
    set_fs_at(TASK_SIZE);
}

static void
set_fs_noncanon(void)
{
    set_fs_at(NONCANON);
}

static void
group_pointers(void)
{
    printf("== pointers\n");
    static char ru[256];
    static siginfo_t si;
    wait4_case("wait4, rusage NULL", 0, 0);
    wait4_case("wait4, rusage in user memory", 0, (long)ru);
    wait4_case("wait4, rusage at the kernel half", 0, KHALF);
    wait4_case("wait4, rusage at kernel text", 0, KTEXT);
    wait4_case("wait4, rusage non-canonical", 0, NONCANON);
    wait4_case("wait4, rusage at the top page", 0, TASK_SIZE - 8);
    wait4_case("wait4, rusage unmapped", 0, 0x1000);
    wait4_case("wait4, status at the kernel half", KHALF, 0);
    long w = sys(SYS_wait4, -1, 0, WNOHANG, KHALF, 0);
    show("wait4 WNOHANG, no child, rusage at the kernel half", w);
    pid_t c = fork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    show("wait4 WNOHANG, a running child, rusage at the kernel half",
         sys(SYS_wait4, c, 0, WNOHANG, KHALF, 0));
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    waitid_case("waitid, infop at the kernel half", KHALF, 0, WEXITED);
    waitid_case("waitid, infop at kernel text", KTEXT, 0, WEXITED);
    waitid_case("waitid, infop non-canonical", NONCANON, 0, WEXITED);
    waitid_case("waitid, rusage at the kernel half", (long)&si, KHALF, WEXITED);
    waitid_case("waitid, rusage unmapped", (long)&si, 0x1000, WEXITED);
    waitid_case("waitid, rusage in user memory", (long)&si, (long)ru, WEXITED);
    waitid_case("waitid WNOHANG, rusage at the kernel half", (long)&si, KHALF,
                WEXITED | WNOHANG);
    waitid_case("waitid WNOWAIT, rusage at the kernel half", (long)&si, KHALF,
                WEXITED | WNOWAIT);
    sys(SYS_wait4, -1, 0, 0, 0, 0); // the one WNOWAIT left
    show("getrandom, 0 bytes at the kernel half",
         sys(SYS_getrandom, KHALF, 0, 0));
    show("getrandom, 0 bytes non-canonical",
         sys(SYS_getrandom, NONCANON, 0, 0));
    child("arch_prctl ARCH_SET_FS at TASK_SIZE", set_fs_top);
    child("arch_prctl ARCH_SET_FS non-canonical", set_fs_noncanon);
}

/* ------------------------------------------------------------- ranges */

static void
munmap_all(void)
{
    show("munmap(0, 1 << 47)", sys(SYS_munmap, 0, 1l << 47, 0, 0, 0));
    show("munmap(0, -1)", sys(SYS_munmap, 0, -1, 0, 0, 0));
    show("munmap(0, -4096)", sys(SYS_munmap, 0, -4096, 0, 0, 0));
    show("munmap(4096, TASK_SIZE)", sys(SYS_munmap, PAGE, TASK_SIZE, 0, 0, 0));
}

static void
group_ranges(void)
{
    printf("== ranges\n");
    child("munmap of the whole address space", munmap_all);
    long m = sys(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m < 0)
        return;
    show("munmap at TASK_SIZE", sys(SYS_munmap, TASK_SIZE, PAGE, 0, 0, 0));
    show("munmap of the top page",
         sys(SYS_munmap, TASK_SIZE - PAGE, 2 * PAGE, 0, 0, 0));
    show("munmap at the kernel half", sys(SYS_munmap, KHALF, PAGE, 0, 0, 0));
    show("munmap at kernel text", sys(SYS_munmap, KTEXT, PAGE, 0, 0, 0));
    show("munmap non-canonical", sys(SYS_munmap, NONCANON, PAGE, 0, 0, 0));
    show("munmap, length 0", sys(SYS_munmap, m, 0, 0, 0, 0));
    show("munmap, unaligned", sys(SYS_munmap, m + 1, PAGE, 0, 0, 0));
    show("munmap, wrapping", sys(SYS_munmap, m, -m, 0, 0, 0));
    show("mprotect at TASK_SIZE",
         sys(SYS_mprotect, TASK_SIZE, PAGE, PROT_READ, 0, 0));
    show("mprotect at the kernel half",
         sys(SYS_mprotect, KHALF, PAGE, PROT_READ, 0, 0));
    show("mprotect non-canonical",
         sys(SYS_mprotect, NONCANON, PAGE, PROT_READ, 0, 0));
    show("mprotect, wrapping", sys(SYS_mprotect, m, -m, PROT_READ, 0, 0));
    show("mprotect, length -1", sys(SYS_mprotect, m, -1, PROT_READ, 0, 0));
    show("mprotect, length 0, bad prot", sys(SYS_mprotect, m, 0, 0x100, 0, 0));
    show("mprotect, PROT_SEM",
         sys(SYS_mprotect, m, PAGE, PROT_READ | PROT_WRITE | 0x8, 0, 0));
    show("mprotect, PROT_GROWSDOWN",
         sys(SYS_mprotect, m, PAGE, PROT_READ | PROT_WRITE | 0x01000000, 0, 0));
    show("mprotect, PROT_GROWSDOWN | PROT_GROWSUP",
         sys(SYS_mprotect, m, PAGE, PROT_READ | PROT_WRITE | 0x03000000, 0, 0));
    show("mprotect, bad prot, unmapped",
         sys(SYS_mprotect, TASK_SIZE, PAGE, 0x100, 0, 0));
    long fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    show("mmap MAP_FIXED at TASK_SIZE",
         sys(SYS_mmap, TASK_SIZE, PAGE, PROT_READ, fixed, -1));
    show("mmap MAP_FIXED across TASK_SIZE",
         sys(SYS_mmap, TASK_SIZE - PAGE, 2 * PAGE, PROT_READ, fixed, -1));
    show("mmap MAP_FIXED at the kernel half",
         sys(SYS_mmap, KHALF, PAGE, PROT_READ, fixed, -1));
    show("mmap MAP_FIXED non-canonical",
         sys(SYS_mmap, NONCANON, PAGE, PROT_READ, fixed, -1));
    show("mmap MAP_FIXED, unaligned, past TASK_SIZE",
         sys(SYS_mmap, TASK_SIZE + 1, PAGE, PROT_READ, fixed, -1));
    show("mmap MAP_FIXED_NOREPLACE at the kernel half",
         sys(SYS_mmap, KHALF, PAGE, PROT_READ,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1));
    long h =
        sys(SYS_mmap, KHALF, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    printf("mmap, a kernel-half hint: %s\n", h < 0 ? errname((int)-h)
                                             : (unsigned long)h < TASK_SIZE
                                                 ? "placed in user space"
                                                 : "placed in the kernel half");
    show("mmap, length -4096",
         sys(SYS_mmap, 0, -PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1));
    show("madvise at TASK_SIZE",
         sys(SYS_madvise, TASK_SIZE, PAGE, MADV_DONTNEED, 0, 0));
    show("madvise at the kernel half",
         sys(SYS_madvise, KHALF, PAGE, MADV_DONTNEED, 0, 0));
    show("madvise non-canonical",
         sys(SYS_madvise, NONCANON, PAGE, MADV_DONTNEED, 0, 0));
    show("madvise, length -1", sys(SYS_madvise, m, -1, MADV_DONTNEED, 0, 0));
    show("madvise, wrapping", sys(SYS_madvise, m, -m, MADV_DONTNEED, 0, 0));
    show("madvise, unaligned",
         sys(SYS_madvise, m + 1, PAGE, MADV_DONTNEED, 0, 0));
    show("madvise, length 0 at the kernel half",
         sys(SYS_madvise, KHALF, 0, MADV_DONTNEED, 0, 0));
    show("mremap at the kernel half", sys(SYS_mremap, KHALF, PAGE, PAGE, 0, 0));
    show("mremap non-canonical", sys(SYS_mremap, NONCANON, PAGE, PAGE, 0, 0));
    show("mremap, grow to past TASK_SIZE",
         sys(SYS_mremap, m, PAGE, 1l << 47, 0, 0));
    show("mremap, MREMAP_FIXED to TASK_SIZE",
         sys(SYS_mremap, m, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
             TASK_SIZE));
    show("mremap, MREMAP_FIXED to the kernel half",
         sys(SYS_mremap, m, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, KHALF));
    show("mremap, MREMAP_FIXED across TASK_SIZE",
         sys(SYS_mremap, m, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
             TASK_SIZE - PAGE));
    show("mremap, length -4096", sys(SYS_mremap, m, PAGE, -PAGE, 0, 0));
    ((volatile char *)m)[0] = 1;
    printf("the region still works\n");
    munmap((void *)m, 2 * PAGE);
}

/* -------------------------------------------------------------- sigbus */

static volatile char *map;
static long map_off;

static void
touch(void)
{
    printf("  read 0x%02x\n", map[map_off]);
}

static void
poke(void)
{
    map[map_off] = 'x';
    printf("  wrote\n");
}

static void
sigbus_map(const char *what, int prot, long foff)
{
    int fd = open(path("/files/hello.txt"), O_RDONLY);
    map = mmap(NULL, 3 * PAGE, prot, MAP_PRIVATE, fd, foff);
    if (map == MAP_FAILED) {
        printf("%s: mmap %s\n", what, errname(errno));
        close(fd);
        return;
    }
    char n[128];
    long offs[] = {0, 100, PAGE - 1, PAGE, 2 * PAGE + 5};
    for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        map_off = offs[i];
        snprintf(n, sizeof(n), "%s, read at +%ld", what, map_off);
        child(n, touch);
        if (prot & PROT_WRITE) {
            snprintf(n, sizeof(n), "%s, write at +%ld", what, map_off);
            child(n, poke);
        }
    }
    // the kernel meets the page past EOF: EFAULT, not a signal
    int p[2];
    pipe(p);
    snprintf(n, sizeof(n), "%s, write() from the page past EOF", what);
    show(n, sys(SYS_write, p[1], (long)map + PAGE, 8, 0, 0));
    if (prot & PROT_WRITE) {
        snprintf(n, sizeof(n), "%s, read() into the page past EOF", what);
        show(n, sys(SYS_read, fd, (long)map + PAGE, 8, 0, 0));
    }
    close(p[0]);
    close(p[1]);
    munmap((void *)map, 3 * PAGE);
    close(fd);
}

static void
group_sigbus(void)
{
    printf("== sigbus\n");
    sigbus_map("read-only", PROT_READ, 0);
    sigbus_map("writable", PROT_READ | PROT_WRITE, 0);
    sigbus_map("offset past EOF", PROT_READ, PAGE);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *only = argc > 1 ? argv[1] : NULL;
    struct {
        const char *name;
        void (*fn)(void);
    } groups[] = {{"rflags", group_rflags},
                  {"iovec", group_iovec},
                  {"pointers", group_pointers},
                  {"ranges", group_ranges},
                  {"sigbus", group_sigbus}};
    for (unsigned i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (only && strcmp(only, groups[i].name) != 0)
            continue;
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            groups[i].fn();
            fflush(stdout);
            _exit(0);
        }
        int st;
        waitpid(c, &st, 0);
        if (WIFSIGNALED(st))
            printf("== %s: killed by signal %d\n", groups[i].name,
                   WTERMSIG(st));
        else
            printf("== %s: exited %d\n", groups[i].name, WEXITSTATUS(st));
    }
    printf("trustregress: done\n");
    return 0;
}
