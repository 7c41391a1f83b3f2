/*
 * trustsig: the siginfo side of the "trust first" regression tests
 * (user/trustregress.c checks which signal ends a process; this program
 * catches the signals and checks what the handler is told):
 *
 *   - "int3 in user mode gives SIGSEGV, not SIGTRAP (the breakpoint
 *     gate's privilege level)": SIGTRAP, si_code SI_KERNEL, si_addr 0,
 *     the saved rip just past the int3;
 *   - TF set by the program (single-step) gives SIGTRAP with TRAP_TRACE
 *     and si_addr the next instruction, also right after a system call,
 *     never a kernel fault;
 *   - a software interrupt to a kernel-only gate is SIGSEGV, SI_KERNEL;
 *   - "a file-mapped page wholly past EOF reads zeros, not SIGBUS":
 *     SIGBUS, BUS_ADRERR, si_addr the faulting byte.
 *
 * The handlers need exercise 4.3's signal frame, so this program is
 * graded with the signals group. Linux is the oracle (grading/oracle.py).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096ul

static sigjmp_buf back;
static volatile int got_sig, got_code, traps;
static volatile uintptr_t got_addr, got_rip;

/* Record the signal and where it came from; jump back for faults. */
static void
on_signal(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    got_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (sig != SIGTRAP)
        siglongjmp(back, 1);
}

/* Count single-step traps; the third one clears TF in the frame. */
static volatile uintptr_t step_addr[8];

static void
on_step(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig;
    if (traps < 8)
        step_addr[traps] = (uintptr_t)si->si_addr;
    got_code = si->si_code;
    got_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (++traps >= 3)
        uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
}

static void
handle(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(sig, &sa, NULL);
}

extern char after_int3[], after_steps[], step1[], step2[], step3[];
extern char after_syscall[];

static void
int3_case(void)
{
    handle(SIGTRAP, on_signal);
    got_sig = 0;
    __asm__ __volatile__("int3\n\t"
                         ".globl after_int3\n"
                         "after_int3:\n\t"
                         "nop");
    printf("int3: signal %d code %d addr %s rip %s\n", got_sig, got_code,
           got_addr == 0 ? "0" : "set",
           got_rip == (uintptr_t)after_int3 ? "after the int3" : "elsewhere");
}

static void
step_case(void)
{
    handle(SIGTRAP, on_step);
    traps = 0;
    __asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         ".globl step1\n"
                         "step1: nop\n\t"
                         ".globl step2\n"
                         "step2: nop\n\t"
                         ".globl step3\n"
                         "step3: nop\n\t"
                         "nop\n\t"
                         ".globl after_steps\n"
                         "after_steps:" ::
                             : "memory", "cc");
    printf("single-step: %d traps, code %d, at %s %s %s\n", traps, got_code,
           step_addr[0] == (uintptr_t)step2 ? "step2" : "?",
           step_addr[1] == (uintptr_t)step3 ? "step3" : "?",
           step_addr[2] == (uintptr_t)step3 + 1 ? "step3+1" : "?");
}

static void
step_syscall_case(void)
{
    handle(SIGTRAP, on_step);
    traps = 0;
    __asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq\n\t"
                         "movl $39, %%eax\n\t"
                         "syscall\n\t"
                         ".globl after_syscall\n"
                         "after_syscall: nop\n\t"
                         "nop\n\t"
                         "nop\n\t"
                         "nop" ::
                             : "rax", "rcx", "r11", "memory", "cc");
    printf("single-step over a system call: %d traps, code %d, at "
           "after_syscall%+ld %+ld %+ld\n",
           traps, got_code, (long)(step_addr[0] - (uintptr_t)after_syscall),
           (long)(step_addr[1] - (uintptr_t)after_syscall),
           (long)(step_addr[2] - (uintptr_t)after_syscall));
}

static void
gp_case(void)
{
    handle(SIGSEGV, on_signal);
    got_sig = 0;
    if (sigsetjmp(back, 1) == 0)
        __asm__ __volatile__("int $0x81");
    printf("int $0x81: signal %d code %d addr %s\n", got_sig, got_code,
           got_addr == 0 ? "0" : "set");
    got_sig = 0;
    if (sigsetjmp(back, 1) == 0)
        __asm__ __volatile__(".byte 0xcd, 0x04");
    printf("int $4: signal %d code %d addr %s\n", got_sig, got_code,
           got_addr == 0 ? "0" : "set");
}

static void
bus_case(const char *what, int prot, long foff, long at, int write)
{
    const char *r = getenv("ROOT");
    char p[512];
    snprintf(p, sizeof(p), "%s/files/hello.txt", r ? r : "");
    int fd = open(p, O_RDONLY);
    volatile char *m = mmap(NULL, 3 * PAGE, prot, MAP_PRIVATE, fd, foff);
    if (m == MAP_FAILED) {
        printf("%s: mmap failed\n", what);
        return;
    }
    handle(SIGBUS, on_signal);
    got_sig = 0;
    if (sigsetjmp(back, 1) == 0) {
        if (write)
            m[at] = 1;
        else
            (void)m[at];
    }
    printf("%s: signal %d code %d addr %s\n", what, got_sig, got_code,
           got_addr == (uintptr_t)(m + at) ? "the byte" : "elsewhere");
    munmap((void *)m, 3 * PAGE);
    close(fd);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int3_case();
    step_case();
    step_syscall_case();
    gp_case();
    bus_case("read past EOF", PROT_READ, 0, PAGE + 12, 0);
    bus_case("write past EOF", PROT_READ | PROT_WRITE, 0, 2 * PAGE + 1, 1);
    bus_case("offset past EOF", PROT_READ, PAGE, 7, 0);
    printf("trustsig: done\n");
    return 0;
}
