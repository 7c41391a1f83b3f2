/*
 * linuxrec: the first process of a recording boot of Linux.
 *
 * `make oracle` boots Debian's Linux kernel (the reference of DESIGN.md)
 * in QEMU with a chapter's initramfs and this program as rdinit, to
 * record what one test program prints on Linux (grading/oracle.py). It
 * runs the program the way the grader used to run it on the grading
 * host, so that the recording means the same:
 *
 * - /proc, /sys, /dev (devtmpfs), /dev/pts and /dev/shm are mounted,
 *   /dev/fd and /dev/std{in,out,err} are links into /proc/self/fd, /tmp
 *   exists, and the loopback interface is up, as on any Linux machine
 *   (and as Keel's /init sets up, user/init.c's mount_early());
 * - the program runs in /, the initramfs's root, with HOME=/ as its only
 *   environment (Keel's init passes the same), stdin from /dev/null, and
 *   stdout and stderr on one pipe (not a terminal: as under the grader);
 * - no core files (RLIMIT_CORE 0);
 * - the program's process group and session are the recorder's own,
 *   whose leader it is (pid 1, as Keel's init).
 *
 * Its arguments (the words after `--` on the kernel's command line) are
 * the program's argv, each word in hexadecimal so that no byte is lost to
 * the command line's quoting. What the program writes is sent to the
 * console in hexadecimal lines, so that the serial line's translations
 * (a newline becomes CR LF) cannot change it:
 *
 *     @@out <hex>@@         a piece of the output
 *     @@end <bytes> <status>@@   all of it: its length, and the exit
 *                           status (a negative number: killed by that
 *                           signal)
 *
 * Then the machine powers off. Linux only; static, built with musl by
 * grading/oracle.py.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 64
#define CHUNK 256

/* Print a line to the console, whole or not at all (retrying EINTR). */
static void
say(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Decode the hexadecimal string @p hex into a new string (NULL if bad). */
static char *
unhex(const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 != 0)
        return NULL;
    char *out = malloc(n / 2 + 1);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return NULL;
        out[i] = (char)v;
    }
    out[n / 2] = '\0';
    return out;
}

/* What every Linux machine has mounted, and the loopback interface up. */
static void
machine_setup(void)
{
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    mkdir("/dev", 0755);
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mkdir("/dev/pts", 0755);
    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
          "gid=5,mode=620,ptmxmode=666");
    mkdir("/dev/shm", 01777);
    mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mkdir("/tmp", 01777);
    chmod("/tmp", 01777); // mkdir applies the umask
    // what udev adds to every system's /dev (devtmpfs has no links)
    symlink("/proc/self/fd", "/dev/fd");
    symlink("/proc/self/fd/0", "/dev/stdin");
    symlink("/proc/self/fd/1", "/dev/stdout");
    symlink("/proc/self/fd/2", "/dev/stderr");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    if (s >= 0)
        close(s);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    // Linux starts its first process in session 0, process group 0, which
    // no process leads; a program's own group must be a real one (Keel's
    // init is the leader of session and group 1, as after this)
    setsid();
}

int
main(int argc, char *argv[])
{
    char *args[MAX_ARGS + 1];
    int n = 0;
    for (int i = 1; i < argc && n < MAX_ARGS; i++) {
        args[n] = unhex(argv[i]);
        if (args[n] == NULL) {
            say("@@error bad argument@@\n");
            reboot(RB_POWER_OFF);
        }
        n++;
    }
    args[n] = NULL;
    if (n == 0) {
        say("@@error no program@@\n");
        reboot(RB_POWER_OFF);
    }
    machine_setup();

    int out[2];
    if (pipe(out) < 0) {
        say("@@error pipe@@\n");
        reboot(RB_POWER_OFF);
    }
    pid_t pid = fork();
    if (pid == 0) {
        char *env[] = {"HOME=/", NULL};
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        close(out[0]);
        close(out[1]);
        if (null > 2)
            close(null);
        chdir("/");
        // args[0] is the path on Keel and on this initramfs alike
        execve(args[0], args, env);
        _exit(127);
    }
    close(out[1]);
    unsigned long total = 0;
    unsigned char buf[CHUNK];
    ssize_t r;
    while ((r = read(out[0], buf, sizeof(buf))) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        char line[2 * CHUNK + 16];
        int len = snprintf(line, sizeof(line), "@@out ");
        for (ssize_t i = 0; i < r; i++)
            len += snprintf(line + len, sizeof(line) - (size_t)len, "%02x",
                            buf[i]);
        snprintf(line + len, sizeof(line) - (size_t)len, "@@\n");
        say(line);
        total += (unsigned long)r;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    char end[64];
    snprintf(end, sizeof(end), "@@end %lu %d@@\n", total, code);
    say(end);
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}
