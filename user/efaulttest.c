/*
 * efaulttest: a bad pointer handed to a system call gives EFAULT, not a
 * kernel crash.
 *
 * Guards the chapter-4 user access (kernel/mm/uaccess.c): the kernel only
 * checks that a pointer is below the top of user space and then touches
 * it directly, so a pointer into a hole of the address space makes the
 * kernel itself fault. The page-fault handler must find the faulting copy
 * instruction in the exception table and make the call fail with EFAULT
 * (kernel/arch/x86_64/mm/extable.c). Without that, the first call below
 * stops the machine.
 *
 * Each bad address is in user space but not usable: a page that munmap
 * took away, a PROT_NONE page, a page well past the end of the heap, and
 * (for a write by the kernel) a read-only page. Each is passed to calls
 * that read user memory (write, writev, execve) and calls that write it
 * (rt_sigprocmask, rt_sigaction, arch_prctl, wait4). Two good cases check
 * that the kernel's own faults are still resolved: an untouched fresh page
 * (demand zero) and, in a child after fork, a shared copy-on-write page.
 * And a failed read keeps its data: a pipe read into a bad buffer is
 * EFAULT, and the bytes are still in the pipe for the next read.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define ARCH_GET_FS 0x1003

/* Print what a raw system call returned: "ok N" or the errno's name. */
static void
report(const char *what, long r)
{
    if (r >= 0)
        printf("%s: ok %ld\n", what, r);
    else if (errno == EFAULT)
        printf("%s: EFAULT\n", what);
    else
        printf("%s: errno %d\n", what, errno);
}

/* Try every call on one bad address; the kernel must say EFAULT. */
static void
try_bad(const char *name, char *bad, int readable)
{
    char what[96];
    struct iovec iov = {bad, 16};
    char *argv[] = {NULL};

    if (readable)
        goto writes; // reading a read-only page is fine
    snprintf(what, sizeof(what), "%s: write", name);
    report(what, syscall(SYS_write, 1, bad, 16));
    snprintf(what, sizeof(what), "%s: writev of the iovec", name);
    report(what, syscall(SYS_writev, 1, bad, 1));
    snprintf(what, sizeof(what), "%s: writev of the buffer", name);
    report(what, syscall(SYS_writev, 1, &iov, 1));
    snprintf(what, sizeof(what), "%s: execve path", name);
    report(what, syscall(SYS_execve, bad, argv, argv));
writes:
    snprintf(what, sizeof(what), "%s: rt_sigprocmask old set", name);
    report(what, syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, 8));
    snprintf(what, sizeof(what), "%s: rt_sigaction old action", name);
    report(what, syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8));
    snprintf(what, sizeof(what), "%s: arch_prctl get fs", name);
    report(what, syscall(SYS_arch_prctl, ARCH_GET_FS, bad));
}

/* wait4 with a bad status pointer: EFAULT (the child is reaped anyway). */
static void
wait_bad(char *bad)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(3);
    report("wait4 into an unmapped page",
           syscall(SYS_wait4, pid, bad, 0, NULL) == pid ? 0 : -1);
    report("wait4 again: nothing left", syscall(SYS_wait4, pid, NULL, 0, 0));
}

/* A pipe's bytes survive a read into a bad buffer (Linux takes them out
 * only once they are copied). */
static void
pipe_keeps(char *bad)
{
    int p[2];
    char buf[16] = "";
    pipe(p);
    write(p[1], "still here", 10);
    report("pipe read into an unmapped page", syscall(SYS_read, p[0], bad, 10));
    report("pipe read again", syscall(SYS_read, p[0], buf, sizeof(buf)));
    printf("the bytes: %s\n", buf);
    close(p[0]);
    close(p[1]);
}

/* The kernel's own faults on good memory are still resolved. */
static void
good_cases(void)
{
    char *fresh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(fresh + 8, 'x', 8);
    report("old set into an untouched page",
           syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, fresh + 8, 8));
    printf("untouched page reads back zero: %s\n",
           fresh[8] == 0 && fresh[15] == 0 ? "yes" : "no");

    static unsigned long shared_cow[PAGE / 8] = {1};
    pid_t pid = fork();
    if (pid == 0) {
        long r = syscall(SYS_arch_prctl, ARCH_GET_FS, &shared_cow[7]);
        _exit(r == 0 && shared_cow[7] != 0 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    printf("kernel write to a copy-on-write page in a child: %s\n",
           WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed");
    printf("parent's copy unchanged: %s\n", shared_cow[7] == 0 ? "yes" : "no");
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char *three = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(three, 'a', 3 * PAGE);
    munmap(three + PAGE, PAGE);
    try_bad("munmapped page", three + PAGE, 0);

    char *none =
        mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    try_bad("PROT_NONE page", none, 0);

    char *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(ro, 'r', PAGE);
    mprotect(ro, PAGE, PROT_READ);
    try_bad("read-only page", ro, 1);
    printf("read-only page unchanged: %s\n", ro[0] == 'r' ? "yes" : "no");

    unsigned long brk = syscall(SYS_brk, 0);
    char *past = (char *)((brk + PAGE - 1) / PAGE * PAGE + 64 * PAGE);
    try_bad("page past brk", past, 0);

    wait_bad(three + PAGE);
    pipe_keeps(three + PAGE);
    good_cases();
    printf("efaulttest: the kernel survived\n");
    return 0;
}
