/*
 * shebangtest: execve of `#!` scripts (user/rootfs/scripts/).
 *
 * Without arguments it runs each script in a child, with the arguments
 * "a" and "b", and prints what happened. The scripts name this program
 * as their interpreter; run with arguments it prints its argv, one line
 * per argument, so the output shows the argv the kernel built.
 *
 * Not compared with Linux: the scripts name /bin/shebangtest, which on
 * the host is not this program (the oracle runs programs from a folder,
 * not from /). grading/tests/ch04_proc.py checks the output against
 * fixed expectations instead: Linux's rules (fs/binfmt_script.c) for the
 * argv, ENOEXEC for an empty line or one longer than 256 bytes, ENOENT
 * for a missing interpreter, ELOOP past four nested scripts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const scripts[] = {
    "arg",  "noarg", "blanks", "nest1",   "nest3", "nest4",
    "loop", "empty", "blank",  "missing", "long",
};

static void
run(const char *name)
{
    char path[64];
    snprintf(path, sizeof(path), "/scripts/%s", name);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {path, "a", "b", NULL};
        char *envp[] = {NULL};
        execve(path, argv, envp);
        const char *e = errno == ENOEXEC  ? "ENOEXEC"
                        : errno == ENOENT ? "ENOENT"
                        : errno == ELOOP  ? "ELOOP"
                                          : "other";
        printf("%s: execve failed: %s\n", name, e);
        _exit(1);
    }
    int st;
    waitpid(pid, &st, 0);
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1) {
        for (int i = 0; i < argc; i++)
            printf("  argv[%d] = '%s'\n", i, argv[i]);
        return 0;
    }
    for (size_t i = 0; i < sizeof(scripts) / sizeof(*scripts); i++) {
        printf("script %s:\n", scripts[i]);
        run(scripts[i]);
    }
    printf("shebangtest: done\n");
    return 0;
}
