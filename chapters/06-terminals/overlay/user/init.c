/*
 * init: process 1.
 *
 * Runs each program named in its own arguments in turn: fork, execve in
 * the child, wait4 in the parent, and one line with how the program ended.
 * An argument is one program with its arguments, separated by commas, as
 * the kernel command line has no quoting: `-- /bin/sh,/test/accept.sh,42`
 * runs `/bin/sh /test/accept.sh 42`; a word without commas is a program
 * without arguments, as in chapter 3.
 *
 * With no arguments, init starts an interactive login shell on the
 * console if the initramfs has BusyBox (chapter 4), in a session of its
 * own (see shell_or_tests), with PATH=/sbin:/usr/sbin:/bin:/usr/bin,
 * HOME=/ and TERM=vt100, and waits for it and for the orphans it is
 * given. Without BusyBox (chapter 3) that execve fails with ENOENT and
 * the list below runs, chapter 3's tests. When init returns, the kernel
 * powers the machine off with its exit status, so `exit` in the shell
 * ends the session.
 *
 * Paths are those of the initramfs ("/bin/hello"). On Linux, where
 * grading/oracle.py runs the same binary to learn the expected output, the
 * environment variable ROOT names a folder laid out like the initramfs;
 * every path is looked up under it and ROOT is passed on to the programs.
 * On Keel ROOT is unset, so the paths are used as they are. Either way the
 * output is the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The programs init runs when it is given none and there is no shell. */
static const char *const programs[] = {
    "/bin/hello",    "/bin/forktest", "/bin/cowtest", "/bin/exectest",
    "/bin/waittest", "/bin/segvtest", "/bin/deeprec",
};

/* The most arguments one program may have (the rest are dropped). */
#define MAX_ARGS 32

/* The folder the initramfs paths are under: "" on Keel. */
static const char *
root(void)
{
    const char *r = getenv("ROOT");
    return r != NULL ? r : "";
}

/* Run the program at initramfs path @p path with arguments @p argv
 * (NULL-terminated) and environment @p env in a child; return its wait
 * status, or -1. */
static int
run(const char *path, char *const argv[], const char *const env[])
{
    char file[512], rootvar[512];
    snprintf(file, sizeof(file), "%s%s", root(), path);
    snprintf(rootvar, sizeof(rootvar), "ROOT=%s", root());
    // env, then ROOT when the oracle runs us on Linux
    char *envp[8];
    int n = 0;
    for (; env[n] != NULL && n < 6; n++)
        envp[n] = (char *)env[n];
    envp[n++] = getenv("ROOT") != NULL ? rootvar : NULL;
    envp[n] = NULL;

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
    // wait for the program, reaping the orphans given to init meanwhile
    // (a zombie nobody reaps keeps its process slot and its kernel stack)
    int status;
    pid_t done;
    while ((done = wait4(-1, &status, 0, NULL)) != pid) {
        if (done < 0 && errno != EINTR) {
            printf("init: wait4 failed: errno %d\n", errno);
            return -1;
        }
    }
    return status;
}

/* Run one program word, `path[,arg...]`, and say how it ended. */
static void
run_word(const char *word)
{
    static const char *const env[] = {"HOME=/", NULL};
    char copy[1024];
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    snprintf(copy, sizeof(copy), "%s", word);
    // split at the commas, in place: "/bin/sh,-c" -> "/bin/sh" "-c"
    for (char *p = copy; argc < MAX_ARGS;) {
        argv[argc++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = 0;
    }
    argv[argc] = NULL;
    int status = run(argv[0], argv, env);
    if (status < 0)
        return;
    if (WIFEXITED(status))
        printf("init: %s exited with status %d\n", argv[0],
               WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("init: %s killed by signal %d\n", argv[0], WTERMSIG(status));
}

/* The interactive shell runs in a session of its own whose controlling
 * terminal is the console: BusyBox's `setsid -c` makes it so (setsid,
 * then TIOCSCTTY on stdin), then execs a login shell, which reads
 * /etc/profile. The shell then has job control, and ^C reaches the
 * foreground job. */
#define SETSID "/usr/bin/setsid"

/* The environment of a login shell on terminal @p term ("vt100" for the
 * serial line, "linux" for the screen, as Linux's own console says). */
static char **
shell_env(const char *term)
{
    static char termvar[32];
    static char *env[] = {"PATH=/sbin:/usr/sbin:/bin:/usr/bin", "HOME=/",
                          termvar, NULL};
    snprintf(termvar, sizeof(termvar), "TERM=%s", term);
    return env;
}

/* Does the kernel command line hold the word @p word? (/proc/cmdline;
 * false when it cannot be read.) */
static int
cmdline_has(const char *word)
{
    char line[1024];
    FILE *f = fopen("/proc/cmdline", "r");
    if (f == NULL)
        return 0;
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = 0;
    for (char *w = strtok(line, " \n"); w != NULL; w = strtok(NULL, " \n"))
        if (strcmp(w, word) == 0)
            return 1;
    return 0;
}

/* A login shell on the screen's terminal, /dev/tty1 (chapter 6): in a
 * session of its own, where opening the terminal, as a session leader
 * without O_NOCTTY, makes it the controlling terminal (Linux's rule).
 * Returns its pid, or -1. */
static pid_t
start_vt_shell(void)
{
    static char *const argv[] = {"sh", "-l", NULL};
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setsid();
    int fd = open("/dev/tty1", O_RDWR);
    if (fd < 0) {
        printf("init: cannot open /dev/tty1: errno %d\n", errno);
        _exit(127);
    }
    for (int i = 0; i < 3; i++)
        dup2(fd, i);
    if (fd > 2)
        close(fd);
    execve("/bin/sh", argv, shell_env("linux"));
    _exit(127);
}

/* Start the shell in a child and wait until every child has ended (the
 * shell and the orphans given to init meanwhile). Without BusyBox the
 * child runs chapter 3's test programs instead. With the word `vtshell`
 * on the kernel command line (`make run GRAPHIC=1` puts it there), a
 * second shell runs on the screen, started again when it exits, and
 * hung up when the console's shell ends the session. */
static void
shell_or_tests(void)
{
    static char *const argv[] = {"setsid", "-c", "/bin/sh", "-l", NULL};
    pid_t pid = fork();
    if (pid < 0) {
        printf("init: fork failed: errno %d\n", errno);
        return;
    }
    if (pid == 0) {
        char file[512];
        snprintf(file, sizeof(file), "%s%s", root(), SETSID);
        execve(file, argv, shell_env("vt100"));
        if (errno != ENOENT) {
            printf("init: cannot run %s: errno %d\n", SETSID, errno);
            _exit(127);
        }
        // no BusyBox on this initramfs (chapter 3): the test programs
        for (size_t i = 0; i < sizeof(programs) / sizeof(*programs); i++)
            run_word(programs[i]);
        _exit(0);
    }
    int vt = cmdline_has("vtshell");
    pid_t vt_pid = vt ? start_vt_shell() : -1;
    int status;
    pid_t done;
    while ((done = wait4(-1, &status, 0, NULL)) > 0 || errno == EINTR) {
        if (done == pid && vt_pid > 0) {
            kill(-vt_pid, SIGHUP); // the session is over: hang tty1 up
            kill(vt_pid, SIGHUP);
            vt = 0;
        } else if (done == vt_pid && vt) {
            vt_pid = start_vt_shell(); // `exit` on the screen: a new one
        }
    }
}

/*
 * Mount what a Linux system's init mounts early: procfs at /proc (ps, top,
 * free read it) and, when the kernel did not mount one (Linux does not for
 * an initramfs), a devtmpfs at /dev, with the links /dev/fd, stdin, stdout
 * and stderr that systemd adds; /tmp, sticky and writable by all, as
 * every Linux system has (the initramfs has no empty folders); and a
 * tmpfs at /dev/shm for POSIX shared memory, as systemd mounts, and the
 * devpts at /dev/pts where pseudo-terminals' slaves appear. Errors are
 * ignored: a kernel without them (Keel's chapter 4, whose root is
 * read-only) simply goes on without.
 */
static void
mount_early(void)
{
    struct stat st;
    if (stat("/proc/self", &st) != 0) {
        mkdir("/proc", 0555);
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    }
    if (stat("/dev/zero", &st) != 0)
        mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    // the links systemd makes in /dev (Keel's devtmpfs has them already)
    static const char *const links[][2] = {
        {"/proc/self/fd", "/dev/fd"},
        {"/proc/self/fd/0", "/dev/stdin"},
        {"/proc/self/fd/1", "/dev/stdout"},
        {"/proc/self/fd/2", "/dev/stderr"},
    };
    for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++)
        symlink(links[i][0], links[i][1]);
    if (mkdir("/tmp", 01777) == 0)
        chmod("/tmp", 01777); // mkdir applies the umask; /tmp wants all bits
    // POSIX shared memory: shm_open() is a file in a tmpfs at /dev/shm
    if (mkdir("/dev/shm", 01777) == 0 &&
        mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") <
            0)
        chmod("/dev/shm", 01777); // no tmpfs there: a sticky folder will do
    // pseudo-terminals: their slaves are named in a devpts at /dev/pts
    if (mkdir("/dev/pts", 0755) == 0 || errno == EEXIST)
        mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "gid=5,mode=620,ptmxmode=666");
}

int
main(int argc, char *argv[])
{
    // unbuffered: nothing left in a buffer for a forked child to repeat
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getpid() == 1 && getenv("ROOT") == NULL) // not on the host
        mount_early();
    printf("init: started\n");
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_word(argv[i]);
    } else {
        shell_or_tests();
    }
    printf("init: all done\n");
    return 0;
}
