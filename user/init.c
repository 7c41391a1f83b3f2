/*
 * init: process 1 of the chapter 3 system.
 *
 * Runs each test program in turn: fork, execve in the child, wait4 in the
 * parent, and one line with how the program ended. The programs are the
 * ones named in init's own arguments, or, with none, the list below. When
 * init returns, the kernel powers the machine off with init's exit status.
 *
 * Paths are those of the initramfs ("/bin/hello"). On Linux, where
 * grading/oracle.py runs the same binary to learn the expected output, the
 * environment variable ROOT names a folder laid out like the initramfs;
 * every path is looked up under it and ROOT is passed on to the programs.
 * On Keel ROOT is unset, so the paths are used as they are. Either way the
 * output is the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The programs init runs when it is given none. */
static const char *const programs[] = {
    "/bin/hello",    "/bin/forktest", "/bin/cowtest", "/bin/exectest",
    "/bin/waittest", "/bin/segvtest", "/bin/deeprec",
};

/* The folder the initramfs paths are under: "" on Keel. */
static const char *
root(void)
{
    const char *r = getenv("ROOT");
    return r != NULL ? r : "";
}

/* Run @p path (an initramfs path) in a child; return its wait status. */
static int
run(const char *path)
{
    char file[512], rootvar[512];
    snprintf(file, sizeof(file), "%s%s", root(), path);
    snprintf(rootvar, sizeof(rootvar), "ROOT=%s", root());
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {"HOME=/", getenv("ROOT") != NULL ? rootvar : NULL, NULL};

    pid_t pid = fork();
    if (pid < 0) {
        printf("init: fork failed: errno %d\n", errno);
        return -1;
    }
    if (pid == 0) {
        execve(file, argv, envp);
        printf("init: cannot run %s: errno %d\n", path, errno);
        _exit(127);
    }
    int status;
    if (wait4(pid, &status, 0, NULL) != pid) {
        printf("init: wait4 failed: errno %d\n", errno);
        return -1;
    }
    return status;
}

int
main(int argc, char *argv[])
{
    // unbuffered: nothing left in a buffer for a forked child to repeat
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("init: started\n");
    int n = argc > 1 ? argc - 1 : (int)(sizeof(programs) / sizeof(*programs));
    for (int i = 0; i < n; i++) {
        const char *path = argc > 1 ? argv[i + 1] : programs[i];
        int status = run(path);
        if (status < 0)
            continue;
        if (WIFEXITED(status))
            printf("init: %s exited with status %d\n", path,
                   WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            printf("init: %s killed by signal %d\n", path, WTERMSIG(status));
    }
    printf("init: all done\n");
    return 0;
}
