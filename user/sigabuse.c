/*
 * sigabuse: what a program cannot do with signals.
 *
 * rt_sigreturn takes the registers from user memory, so a program can
 * call it with a frame it made up: the kernel must take only what a user
 * may set. Here a forged frame asks for I/O privilege (IOPL 3 in rflags):
 * the program lands where the frame says, but without the privilege. A
 * forged frame with a non-canonical rip, or on unreadable memory, kills
 * the process with SIGSEGV (the kernel must not fault on its way out).
 * A handler outside user space, or an action without SA_RESTORER (the
 * x86_64 ABI requires one), also ends in SIGSEGV when the signal comes.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t uc[64] __attribute__((aligned(16)));
static char stack[16384] __attribute__((aligned(16)));

/* Where the forged frame lands: report IOPL and the marker in rbx (the
 * frame sets arithmetic flags too, not DF: C code needs it clear). */
static void
landing(void)
{
    uint64_t flags, rbx;
    __asm__ __volatile__("movq %%rbx, %0; pushfq; popq %1"
                         : "=r"(rbx), "=r"(flags));
    printf("landed: iopl %lu marker %s\n", (flags >> 12) & 3,
           rbx == 0x5eed ? "ok" : "lost");
    _exit(0);
}

/* rt_sigreturn with rsp at a frame we built (mcontext at word 5). */
static void
forge(uint64_t rip, uint64_t rsp, uint64_t rflags, uint64_t *where)
{
    uint64_t *mc = uc + 5;
    mc[11] = 0x5eed;                 // rbx
    mc[15] = rsp;                    // rsp
    mc[16] = rip;                    // rip
    mc[17] = rflags;                 // eflags
    mc[18] = 0x33 | (0x2bULL << 48); // cs, gs, fs, ss
    __asm__ __volatile__("movq %0, %%rsp; movl $15, %%eax; syscall"
                         :
                         : "r"(where)
                         : "memory");
}

/* Run @p test in a child and print how it ended. */
static void
run(const char *what, int test)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        uint64_t top = (uint64_t)(stack + sizeof(stack)) - 8;
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        switch (test) {
        case 0:
            forge((uint64_t)landing, top, 0x3202 | 0x8d5, uc);
            break;
        case 1:
            forge(0x800000000000ULL, top, 0x202, uc);
            break;
        case 2:
            forge((uint64_t)landing, top, 0x202, (uint64_t *)16);
            break;
        case 3:
            sa.sa_handler = (void (*)(int))0xffff800000100000ULL;
            sigaction(SIGUSR1, &sa, NULL);
            kill(getpid(), SIGUSR1);
            break;
        case 4: {
            uint64_t ka[4] = {(uint64_t)landing, 0, 0, 0}; // no SA_RESTORER
            syscall(SYS_rt_sigaction, SIGUSR1, ka, NULL, 8);
            kill(getpid(), SIGUSR1);
            break;
        }
        }
        printf("%s: still here\n", what);
        _exit(1);
    }
    int st;
    waitpid(c, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    run("forged frame asking for IOPL 3", 0);
    run("forged frame, non-canonical rip", 1);
    run("frame on unmapped memory", 2);
    run("handler at a kernel address", 3);
    run("handler without SA_RESTORER", 4);
    printf("sigabuse: done\n");
    return 0;
}
