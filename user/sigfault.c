/*
 * sigfault: faults become signals a handler can catch.
 *
 * A SIGSEGV handler sees si_code SEGV_MAPERR and the faulting address and
 * leaves with siglongjmp (twice: the mask must be back after the first);
 * a divide by zero is SIGFPE (FPE_INTDIV), ud2 is SIGILL (ILL_ILLOPN).
 * A fault whose signal is blocked or ignored kills the process anyway,
 * with that signal, as on Linux.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf env;
/* Addresses nothing is mapped at (volatile: the compiler cannot know). */
static volatile long bad_base = 16;
static volatile int got_sig, got_code;
static volatile void *got_addr;

static void
on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(env, 1);
}

static void
catch_fault(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void
segv(int round)
{
    if (sigsetjmp(env, 1) == 0) {
        *(volatile int *)(bad_base + round * 8) = 1;
        printf("segv %d: not caught\n", round);
        return;
    }
    printf("segv %d: signal %d code %s addr %s\n", round, got_sig,
           got_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other",
           got_addr == (void *)(bad_base + round * 8) ? "right" : "wrong");
}

static volatile int zero;

static void
fpe(void)
{
    if (sigsetjmp(env, 1) == 0) {
        volatile int x = 100 / zero;
        printf("fpe: not caught %d\n", x);
        return;
    }
    printf("fpe: signal %d code %s\n", got_sig,
           got_code == FPE_INTDIV ? "FPE_INTDIV" : "other");
}

static void
ill(void)
{
    if (sigsetjmp(env, 1) == 0) {
        __asm__ __volatile__("ud2");
        printf("ill: not caught\n");
        return;
    }
    printf("ill: signal %d code %s\n", got_sig,
           got_code == ILL_ILLOPN ? "ILL_ILLOPN" : "other");
}

/* A child that faults with SIGSEGV blocked (mode 0) or ignored (1). */
static void
refused(int mode)
{
    pid_t c = fork();
    if (c == 0) {
        if (mode == 0) {
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGSEGV);
            sigprocmask(SIG_BLOCK, &s, NULL);
        } else {
            signal(SIGSEGV, SIG_IGN);
        }
        *(volatile int *)bad_base = 1;
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("SIGSEGV %s: child %s %d\n", mode == 0 ? "blocked" : "ignored",
           WIFSIGNALED(st) ? "killed by" : "exited", WTERMSIG(st));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    catch_fault(SIGSEGV);
    segv(0);
    segv(1);
    catch_fault(SIGFPE);
    fpe();
    catch_fault(SIGILL);
    ill();
    refused(0);
    refused(1);
    printf("sigfault: done\n");
    return 0;
}
