/*
 * cowtest: after fork, parent and child each have their own memory.
 *
 * Keel's fork shares every page read-only and copies a page only when one
 * side writes it (copy-on-write, kernel/mm/uvm.c). The bugs this catches:
 * a write by the child that the parent sees (a page left shared and
 * writable), a child that does not see the parent's data as it was at the
 * fork, and a parent whose own later writes fault or vanish once the
 * child is gone (the last user of a shared page must get it back
 * writable). Data, bss, stack and a page never written after the fork
 * are all checked. The child reports through its exit status and its own
 * lines, printed before the parent waits for it, so the output is fixed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (256 * 1024) /* 64 pages of bss */

static int value = 42;                    /* .data */
static unsigned char big[BIG];            /* .bss */
static unsigned char untouched[3 * 4096]; /* written only before fork */

/* Fill big with pattern @p seed. */
static void
fill(unsigned seed)
{
    for (int i = 0; i < BIG; i++)
        big[i] = (unsigned char)(i * 7 + seed);
}

/* Does big hold pattern @p seed? */
static int
holds(unsigned seed)
{
    for (int i = 0; i < BIG; i++) {
        if (big[i] != (unsigned char)(i * 7 + seed))
            return 0;
    }
    return 1;
}

static unsigned
checksum(const unsigned char *p, int n)
{
    unsigned sum = 0;
    for (int i = 0; i < n; i++)
        sum = sum * 31 + p[i];
    return sum;
}

static const char *
yes(int cond)
{
    return cond ? "yes" : "NO";
}

/* Fork a child that runs @p child_fn(@p arg); its exit status or -1. */
static int
in_child(int (*child_fn)(volatile int *), volatile int *arg)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_fn(arg));
    int status;
    if (pid < 0 || wait4(pid, &status, 0, NULL) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned untouched_sum;

/*
 * Round 1's child: sees the parent's data and the variable @p on_stack in
 * the parent's stack frame, then overwrites them all.
 */
static int
writer_child(volatile int *on_stack)
{
    int saw = value == 42 && holds(1) && *on_stack == 100;
    value = 43;
    fill(2);
    *on_stack = 101;
    int own = value == 43 && holds(2) && *on_stack == 101;
    int same = checksum(untouched, sizeof(untouched)) == untouched_sum;
    printf("child: sees the parent's values: %s\n", yes(saw));
    printf("child: sees its own writes: %s\n", yes(own));
    printf("child: untouched data the same: %s\n", yes(same));
    return saw && own && same ? 0 : 1;
}

/* Round 2's child: sees what the parent wrote after round 1. */
static int
reader_child(volatile int *on_stack)
{
    return value == 44 && holds(3) && *on_stack == 102 ? 0 : 1;
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < (int)sizeof(untouched); i++)
        untouched[i] = (unsigned char)(i ^ 0x5a);
    untouched_sum = checksum(untouched, sizeof(untouched));
    fill(1);
    volatile int on_stack = 100;

    int status = in_child(writer_child, &on_stack);
    printf("parent: child exit status %d\n", status);
    printf("parent: value still 42: %s\n", yes(value == 42));
    printf("parent: big array unchanged: %s\n", yes(holds(1)));
    printf("parent: stack value unchanged: %s\n", yes(on_stack == 100));
    printf("parent: untouched data the same: %s\n",
           yes(checksum(untouched, sizeof(untouched)) == untouched_sum));

    // the child is gone: the parent is the last user of every page again
    value = 44;
    fill(3);
    on_stack = 102;
    printf("parent: own writes after the child: %s\n",
           yes(value == 44 && holds(3) && on_stack == 102));
    status = in_child(reader_child, &on_stack);
    printf("parent: second child saw the new values: %s\n", yes(status == 0));
    return 0;
}
