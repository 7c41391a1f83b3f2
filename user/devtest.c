/*
 * devtest: the device files, compared with Linux.
 *
 *   devtest            the nodes of /dev and what their reads and writes do
 *   devtest nxio DIR   mknod a character device no driver has, in DIR,
 *                      and open it: ENXIO (Keel only: mknod needs root)
 *   devtest kmsg TOKEN write a line to /dev/kmsg and find it again in a
 *                      read of /dev/kmsg (Keel only: the host's log is
 *                      not ours to read)
 *
 * Why: every shell script redirects to /dev/null, reads /dev/zero or
 * /dev/urandom; a device with the wrong number, mode or semantics breaks
 * programs that check them (stat of /dev/null is how many tools tell a
 * terminal from a file). The first form prints only what is the same on
 * any Linux, so grading compares it with the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The errno name of the last failure, for the few this program expects. */
static const char *
err_name(int e)
{
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case ENOSPC:
        return "ENOSPC";
    case ENXIO:
        return "ENXIO";
    case EAGAIN:
        return "EAGAIN";
    case EINVAL:
        return "EINVAL";
    case EPERM:
        return "EPERM";
    case EACCES:
        return "EACCES";
    default:
        return "other";
    }
}

/* stat /dev/NAME: type, numbers, and (if @p mode) permissions. */
static void
show_node(const char *name, int mode)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/dev/%s", name);
    if (stat(path, &st) != 0) {
        printf("%s: stat %s\n", name, err_name(errno));
        return;
    }
    printf("%s: %s %u,%u", name, S_ISCHR(st.st_mode) ? "char" : "not-char",
           major(st.st_rdev), minor(st.st_rdev));
    if (mode)
        printf(" %04o", st.st_mode & 07777);
    printf("\n");
}

/* Read @p n bytes of /dev/NAME: how many came, and were they all zero? */
static void
read_dev(const char *name, size_t n)
{
    char path[64], buf[8192];
    snprintf(path, sizeof(path), "/dev/%s", name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: open %s\n", name, err_name(errno));
        return;
    }
    memset(buf, 'x', sizeof(buf));
    ssize_t got = read(fd, buf, n);
    int zeros = 1;
    for (ssize_t i = 0; i < got; i++)
        zeros &= buf[i] == 0;
    printf("%s: read %zd zeros %s\n", name, got, zeros ? "yes" : "no");
    close(fd);
}

/* Write 5 bytes to /dev/NAME and seek it: the results. */
static void
write_dev(const char *name)
{
    char path[64];
    snprintf(path, sizeof(path), "/dev/%s", name);
    int fd = open(path, O_WRONLY);
    if (fd < 0) {
        printf("%s: open %s\n", name, err_name(errno));
        return;
    }
    ssize_t w = write(fd, "hello", 5);
    printf("%s: write %zd %s\n", name, w, w < 0 ? err_name(errno) : "");
    off_t off = lseek(fd, 100, SEEK_SET);
    printf("%s: lseek %lld\n", name, (long long)off);
    close(fd);
}

/* /dev/urandom: full reads, not all zero, two reads differ. */
static void
random_dev(const char *name)
{
    char path[64];
    unsigned char a[64], b[64];
    snprintf(path, sizeof(path), "/dev/%s", name);
    int fd = open(path, O_RDONLY);
    ssize_t n1 = read(fd, a, sizeof(a)), n2 = read(fd, b, sizeof(b));
    int nonzero = 0;
    for (size_t i = 0; i < sizeof(a); i++)
        nonzero |= a[i];
    printf("%s: read %zd %zd nonzero %s differ %s\n", name, n1, n2,
           nonzero ? "yes" : "no", memcmp(a, b, sizeof(a)) ? "yes" : "no");
    close(fd);
}

/* The links a Linux /dev has beside the devices. */
static void
show_link(const char *name)
{
    char path[64], target[256];
    snprintf(path, sizeof(path), "/dev/%s", name);
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("%s -> %s\n", name, n < 0 ? err_name(errno) : target);
}

static void
nodes(void)
{
    static const char *const mem[] = {"null",    "zero", "full", "random",
                                      "urandom", "tty",  "kmsg"};
    for (size_t i = 0; i < sizeof(mem) / sizeof(*mem); i++)
        show_node(mem[i], 1);
    show_node("console", 0); // its mode changes when a getty takes it
    read_dev("null", 100);
    read_dev("zero", 8192);
    read_dev("full", 100);
    write_dev("null");
    write_dev("zero");
    write_dev("full");
    random_dev("urandom");
    random_dev("random");
    show_link("fd");
    show_link("stdin");
    show_link("stdout");
    show_link("stderr");
    // /dev/stdout leads to our own fd 1, whatever it is
    int fd = open("/dev/stdout", O_WRONLY);
    printf("open /dev/stdout: %s\n", fd >= 0 ? "ok" : err_name(errno));
    if (fd >= 0)
        close(fd);
}

/* mknod 240:7 (a number for local use, which no driver takes) in DIR. */
static void
nxio(const char *dir)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/nodev", dir);
    mkdir(dir, 0755);
    unlink(path);
    if (mknod(path, S_IFCHR | 0666, makedev(240, 7)) != 0) {
        printf("mknod: %s\n", err_name(errno));
        return;
    }
    struct stat st;
    stat(path, &st);
    printf("mknod: ok %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
    int fd = open(path, O_RDWR);
    printf("open unknown device: %s\n", fd < 0 ? err_name(errno) : "opened");
    // a node made anywhere for a known number works as /dev's does
    unlink(path);
    mknod(path, S_IFCHR | 0666, makedev(1, 5));
    fd = open(path, O_RDONLY);
    char c = 'x';
    ssize_t n = fd >= 0 ? read(fd, &c, 1) : -1;
    printf("zero made by mknod: read %zd byte %d\n", n, c);
    unlink(path);
}

/* Write TOKEN to /dev/kmsg, then look for it among the records. */
static void
kmsg(const char *token)
{
    char line[512];
    int fd = open("/dev/kmsg", O_WRONLY);
    snprintf(line, sizeof(line), "<5>devtest %s\n", token);
    printf("kmsg write: %zd\n", fd < 0 ? -1 : write(fd, line, strlen(line)));
    close(fd);
    fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    int found = 0, records = 0, small = 0;
    ssize_t n;
    while ((n = read(fd, line, sizeof(line) - 1)) > 0) {
        line[n] = 0;
        records++;
        unsigned prio;
        unsigned long long seq, usec;
        char flag;
        int pos = 0;
        if (sscanf(line, "%u,%llu,%llu,%c;%n", &prio, &seq, &usec, &flag,
                   &pos) == 4 &&
            pos > 0 && strstr(line + pos, token) != NULL)
            found = (prio & 7) == 5 &&
                    strcmp(line + pos + strlen(line + pos) - 1, "\n") == 0;
    }
    printf("kmsg read: records %s, end %s, token %s\n",
           records > 1 ? "many" : "few", n < 0 ? err_name(errno) : "eof",
           found ? "found" : "missing");
    lseek(fd, 0, SEEK_SET);
    small = read(fd, line, 4) < 0 ? errno : 0;
    printf("kmsg small buffer: %s\n", small ? err_name(small) : "no error");
    close(fd);
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && strcmp(argv[1], "nxio") == 0)
        nxio(argv[2]);
    else if (argc > 2 && strcmp(argv[1], "kmsg") == 0)
        kmsg(argv[2]);
    else
        nodes();
    return 0;
}
