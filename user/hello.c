/*
 * hello: the first program Keel runs in user mode.
 *
 * Prints the name it was run as, its arguments and the HOME variable of
 * its environment: all three travel from execve through the kernel to the
 * new program's stack (kernel/proc/ustack.c), so a wrong argc, a pointer
 * off by a word or a lost environment shows up here first. The output is
 * deterministic; grading/oracle.py runs the same binary on Linux to get
 * the expected output.
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("hello from %s\n", argc > 0 ? argv[0] : "(no argv[0])");
    printf("argc: %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]: %s\n", i, argv[i]);
    const char *home = getenv("HOME");
    printf("HOME: %s\n", home != NULL ? home : "(unset)");
    return 0;
}
