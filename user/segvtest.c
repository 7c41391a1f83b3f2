/*
 * segvtest: a program's memory error kills it with SIGSEGV, not the kernel.
 *
 * Four children each make one kind of bad access: a write through a NULL
 * pointer (no region there), a write into the program's own code (a
 * read-only region), a read of a kernel address (present, but not for
 * user mode), and a jump into the stack (writable, never executable: the
 * NX bit). Each must end killed by signal 11 while the parent, and the
 * kernel, carry on; a fifth child that touches only good memory must
 * exit normally. The page-fault handler (kernel/mm/uvm.c's mm_fault and
 * its caller) is what is being tested.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void
null_write(void)
{
    *(volatile int *)0 = 42;
}

static void
code_write(void)
{
    *(volatile unsigned char *)(void *)null_write = 0xc3;
}

static void
kernel_read(void)
{
    (void)*(volatile unsigned long *)0xffff800000000000UL;
}

static void
stack_exec(void)
{
    volatile unsigned char code[16] = {0xc3}; /* ret */
    void (*fn)(void) = (void (*)(void))(void *)code;
    fn();
}

static volatile int data[1024];

static void
good_access(void)
{
    volatile int on_stack[1024];
    for (int i = 0; i < 1024; i++)
        data[i] = on_stack[i] = i;
}

/* Run @p fn in a child and say how the child ended. */
static void
expect(const char *what, void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status;
    if (pid < 0 || wait4(pid, &status, 0, NULL) != pid) {
        printf("%s: fork or wait4 failed\n", what);
        return;
    }
    if (WIFSIGNALED(status))
        printf("%s: child killed by signal %d\n", what, WTERMSIG(status));
    else
        printf("%s: child exited with status %d\n", what, WEXITSTATUS(status));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    expect("null pointer write", null_write);
    expect("write to code", code_write);
    expect("read of kernel memory", kernel_read);
    expect("jump into the stack", stack_exec);
    expect("good accesses", good_access);
    printf("segvtest: parent still alive\n");
    return 0;
}
