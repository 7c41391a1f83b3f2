/*
 * filetest: files, directories and links of the initramfs, read-only.
 *
 * Opens, reads, seeks and stats the small tree user/rootfs/files/ (a
 * file, an empty file, a subdirectory, links to a file, to a directory,
 * upwards, dangling, and a loop), lists it with getdents64, reads links,
 * moves the working directory, and checks the errors Linux gives. Linux
 * is the oracle: the same binary runs on the host with ROOT set to the
 * staged initramfs (and the working directory there), so every path is
 * built with root() in front, and nothing printed may differ between two
 * machines: no inode or device numbers (only whether two are equal), no
 * times, no directory sizes.
 *
 * `filetest cwd` runs only the working-directory part (chdir, fchdir,
 * getcwd), which exercise 4.2 grades on its own; plain `filetest` runs
 * all the rest.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

/* The folder the initramfs paths are under: "" on Keel. */
static const char *
root(void)
{
    const char *r = getenv("ROOT");
    return r != NULL ? r : "";
}

/* root() + @p p, in one of four rotating buffers. */
static const char *
P(const char *p)
{
    static char bufs[4][1024];
    static int i;
    char *b = bufs[i++ % 4];
    snprintf(b, 1024, "%s%s", root(), p);
    return b;
}

/* Print "what: value" or "what: ENAME". */
static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

static const char *
type(mode_t m)
{
    return S_ISREG(m)    ? "file"
           : S_ISDIR(m)  ? "directory"
           : S_ISLNK(m)  ? "symlink"
           : S_ISCHR(m)  ? "character device"
           : S_ISFIFO(m) ? "fifo"
                         : "other";
}

static void
reading(void)
{
    char buf[128];
    int fd = open(P("/files/hello.txt"), O_RDONLY);
    report("open hello.txt", fd < 0 ? -1 : 0);
    ssize_t n = read(fd, buf, sizeof(buf));
    printf("read %zd bytes: %.*s", n, (int)(n > 0 ? n : 0), buf);
    report("read at the end", read(fd, buf, sizeof(buf)));
    report("lseek SEEK_SET 7", lseek(fd, 7, SEEK_SET));
    n = read(fd, buf, 5);
    printf("then 5 bytes: %.*s\n", (int)(n > 0 ? n : 0), buf);
    report("lseek SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
    report("lseek SEEK_END -10", lseek(fd, -10, SEEK_END));
    n = read(fd, buf, sizeof(buf));
    printf("the last 10: %.*s", (int)(n > 0 ? n : 0), buf);
    report("lseek past the end", lseek(fd, 1000, SEEK_SET));
    report("read past the end", read(fd, buf, 4));
    report("lseek to -1", lseek(fd, -1, SEEK_SET));
    report("lseek whence 7", lseek(fd, 0, 7));
    n = pread(fd, buf, 6, 13);
    printf("pread 6 at 13: %.*s\n", (int)(n > 0 ? n : 0), buf);
    report("offset after pread", lseek(fd, 0, SEEK_CUR));
    report("pread at -1", pread(fd, buf, 1, -1));
    char a[6], b[7];
    struct iovec iov[2] = {{a, 5}, {b, 6}};
    report("preadv 5+6 at 0", preadv(fd, iov, 2, 0));
    printf("  [%.5s] [%.6s]\n", a, b);
    lseek(fd, 0, SEEK_SET);
    report("readv 5+6", readv(fd, iov, 2));
    printf("  [%.5s] [%.6s]\n", a, b);
    report("write to a read-only fd", write(fd, "x", 1));
    report("ioctl TCGETS on a file", ioctl(fd, 0x5401, buf));
    report("close", close(fd));
    report("close again", close(fd));
    report("read fd 99", read(99, buf, 1));
    int e = open(P("/files/empty.txt"), O_RDONLY);
    report("read an empty file", read(e, buf, sizeof(buf)));
    close(e);
}

static void
stats(void)
{
    struct stat s, l, h;
    report("stat hello.txt", stat(P("/files/hello.txt"), &h));
    printf("  %s, %lld bytes, mode %o, nlink %ld\n", type(h.st_mode),
           (long long)h.st_size, (unsigned)(h.st_mode & 0444),
           (long)h.st_nlink);
    report("stat link", stat(P("/files/link"), &s));
    printf("  %s, %lld bytes, same inode as hello.txt: %s\n", type(s.st_mode),
           (long long)s.st_size,
           s.st_ino == h.st_ino && s.st_dev == h.st_dev ? "yes" : "no");
    report("lstat link", lstat(P("/files/link"), &l));
    printf("  %s, %lld bytes, same inode: %s\n", type(l.st_mode),
           (long long)l.st_size, l.st_ino == h.st_ino ? "yes" : "no");
    int fd = open(P("/files/link"), O_RDONLY);
    report("fstat on the opened link", fstat(fd, &s));
    printf("  %s, same inode: %s\n", type(s.st_mode),
           s.st_ino == h.st_ino ? "yes" : "no");
    close(fd);
    report("stat sub", stat(P("/files/sub"), &s));
    printf("  %s\n", type(s.st_mode));
    report("lstat dirlink/", lstat(P("/files/dirlink/"), &s));
    printf("  %s\n", type(s.st_mode));
    report("stat dangling", stat(P("/files/dangling"), &s));
    report("lstat dangling", lstat(P("/files/dangling"), &s));
    printf("  %s, %lld bytes\n", type(s.st_mode), (long long)s.st_size);
    report("stat loop1", stat(P("/files/loop1"), &s));
    report("stat uplink", stat(P("/files/uplink"), &s));
    printf("  %lld bytes\n", (long long)s.st_size);
    int dfd = open(P("/files"), O_RDONLY | O_DIRECTORY);
    report("fstatat sub/deep.txt", fstatat(dfd, "sub/deep.txt", &s, 0));
    printf("  %lld bytes\n", (long long)s.st_size);
    report("fstatat link NOFOLLOW",
           fstatat(dfd, "link", &s, AT_SYMLINK_NOFOLLOW));
    printf("  %s\n", type(s.st_mode));
    report("fstatat AT_EMPTY_PATH", fstatat(dfd, "", &s, AT_EMPTY_PATH));
    printf("  %s\n", type(s.st_mode));
    report("fstatat bad flags", fstatat(dfd, "link", &s, 0x4));
    report("fstatat fd 99", fstatat(99, "link", &s, 0));
    // struct statx by hand (older C libraries lack it): mask at 0, mode
    // (16 bits) at 28, size at 40; 0x7ff asks for the basic fields
    union {
        unsigned char b[256];
        unsigned long long q[32];
    } x;
    memset(&x, 0, sizeof(x));
    report("statx hello.txt",
           syscall(SYS_statx, dfd, "hello.txt", 0, 0x7ffu, &x));
    unsigned mask, mode16 = 0;
    unsigned long long size;
    memcpy(&mask, x.b, 4);
    memcpy(&mode16, x.b + 28, 2);
    memcpy(&size, x.b + 40, 8);
    printf("  %s, %llu bytes, mask has SIZE: %s\n", type(mode16), size,
           (mask & 0x200) ? "yes" : "no");
    report("statx reserved mask bit",
           syscall(SYS_statx, dfd, "hello.txt", 0, 0x80000000u, &x));
    close(dfd);
    report("stat /dev/null", stat("/dev/null", &s));
    printf("  %s %u:%u\n", type(s.st_mode), major(s.st_rdev), minor(s.st_rdev));
    report("stat /dev/zero", stat("/dev/zero", &s));
    printf("  %s %u:%u\n", type(s.st_mode), major(s.st_rdev), minor(s.st_rdev));
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
listing(void)
{
    int fd = open(P("/files"), O_RDONLY | O_DIRECTORY);
    char buf[4096];
    char *names[64];
    int count = 0;
    long n;
    char tiny[8];
    report("getdents64 with 8 bytes", syscall(SYS_getdents64, fd, tiny, 8));
    while ((n = syscall(SYS_getdents64, fd, buf, 64)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            if (count < 64) {
                names[count] = malloc(300);
                snprintf(names[count++], 300, "%s (type %d)", d->d_name,
                         d->d_type);
            }
            off += d->d_reclen;
        }
    }
    report("getdents64 at the end", n);
    qsort(names, count, sizeof(*names), cmp);
    printf("files/ has %d entries:\n", count);
    for (int i = 0; i < count; i++)
        printf("  %s\n", names[i]);
    // Linux says EISDIR (ext4, tmpfs); some host file systems EINVAL
    long r = read(fd, buf, 10);
    printf("read on a directory: %s\n",
           r < 0 && (errno == EISDIR || errno == EINVAL) ? "refused" : "?");
    close(fd);
    fd = open(P("/files/hello.txt"), O_RDONLY);
    report("getdents64 on a file", syscall(SYS_getdents64, fd, buf, 4096));
    close(fd);
    report("getdents64 on fd 99", syscall(SYS_getdents64, 99, buf, 4096));
}

static void
links(void)
{
    char buf[64];
    ssize_t n = readlink(P("/files/link"), buf, sizeof(buf));
    printf("readlink link: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
    n = readlink(P("/files/uplink"), buf, 4);
    printf("readlink uplink, 4 bytes: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0),
           buf);
    report("readlink a file", readlink(P("/files/hello.txt"), buf, 64));
    report("readlink missing", readlink(P("/files/nope"), buf, 64));
    report("readlink size 0", readlink(P("/files/link"), buf, 0));
    int dfd = open(P("/files"), O_RDONLY);
    n = readlinkat(dfd, "dirlink", buf, sizeof(buf));
    printf("readlinkat dirlink: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
    close(dfd);
}

static void
directories(void)
{
    char buf[1024];
    size_t rl = strlen(root());
    report("chdir files/sub", chdir(P("/files/sub")));
    char *c = getcwd(buf, sizeof(buf));
    printf("getcwd: %s\n", c ? buf + rl : errname(errno));
    int fd = open("../hello.txt", O_RDONLY);
    report("open ../hello.txt", fd < 0 ? -1 : 0);
    close(fd);
    report("getcwd with 2 bytes", getcwd(buf, 2) ? 0 : -1);
    report("chdir deep.txt", chdir("deep.txt"));
    report("chdir ..", chdir(".."));
    c = getcwd(buf, sizeof(buf));
    printf("getcwd: %s\n", c ? buf + rl : errname(errno));
    report("chdir dirlink", chdir("dirlink"));
    c = getcwd(buf, sizeof(buf));
    printf("getcwd: %s\n", c ? buf + rl : errname(errno));
    int dfd = open(P("/files"), O_RDONLY);
    report("fchdir files", fchdir(dfd));
    c = getcwd(buf, sizeof(buf));
    printf("getcwd: %s\n", c ? buf + rl : errname(errno));
    fd = open(P("/files/hello.txt"), O_RDONLY);
    report("fchdir to a file", fchdir(fd));
    close(fd);
    fd = openat(dfd, "sub/deep.txt", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof(buf));
    printf("openat sub/deep.txt: %.*s", (int)(n > 0 ? n : 0), buf);
    close(fd);
    report("openat fd 99", openat(99, "x", O_RDONLY));
    report("openat from a file",
           openat(open(P("/files/hello.txt"), O_RDONLY), "x", O_RDONLY));
    close(dfd);
    report("chdir back", chdir(P("/")));
    // what glibc's and musl's getcwd() hide: the system call's own answers
    report("getcwd size 0", syscall(SYS_getcwd, buf, 0));
    report("getcwd size 1", syscall(SYS_getcwd, buf, 1));
    report("getcwd into a bad pointer", syscall(SYS_getcwd, (char *)8, 4096));
}

static void
paths(void)
{
    static char big[5000];
    struct stat s;
    report("open missing", open(P("/files/missing"), O_RDONLY));
    report("open hello.txt/", open(P("/files/hello.txt/"), O_RDONLY));
    report("open hello.txt/x", open(P("/files/hello.txt/x"), O_RDONLY));
    report("open loop1", open(P("/files/loop1"), O_RDONLY));
    report("open link O_NOFOLLOW",
           open(P("/files/link"), O_RDONLY | O_NOFOLLOW));
    report("open hello.txt O_DIRECTORY",
           open(P("/files/hello.txt"), O_RDONLY | O_DIRECTORY));
    report("open files for writing", open(P("/files"), O_WRONLY));
    report("stat files//sub///deep.txt", stat(P("/files//sub///deep.txt"), &s));
    report("stat files/./sub/../hello.txt",
           stat(P("/files/./sub/../hello.txt"), &s));
    report("stat dirlink/deep.txt", stat(P("/files/dirlink/deep.txt"), &s));
    report("stat dirlink/", stat(P("/files/dirlink/"), &s));
    report("stat link/", stat(P("/files/link/"), &s));
    report("stat empty path", stat("", &s));
    memset(big, 'a', 256);
    char name[300];
    snprintf(name, sizeof(name), "/files/%.256s", big);
    report("stat a 256-byte name", stat(P(name), &s));
    memset(big, 0, sizeof(big));
    for (int i = 0; i < 2400; i++)
        memcpy(big + 2 * i, "./", 2);
    report("stat a 4800-byte path", stat(big, &s));
    report("access hello.txt F_OK", access(P("/files/hello.txt"), F_OK));
    report("access hello.txt R_OK", access(P("/files/hello.txt"), R_OK));
    report("access hello.txt X_OK", access(P("/files/hello.txt"), X_OK));
    report("access files X_OK", access(P("/files"), X_OK));
    report("access missing", access(P("/files/missing"), F_OK));
    report("access bad mode", access(P("/files"), 8));
    report(
        "faccessat dangling NOFOLLOW",
        faccessat(AT_FDCWD, P("/files/dangling"), F_OK, AT_SYMLINK_NOFOLLOW));
}

/* Whether the listing of /dev has @p name as a character device. */
static const char *
in_dev(const char *name)
{
    char buf[4096];
    long n;
    const char *found = "no";
    int fd = open("/dev", O_RDONLY | O_DIRECTORY);
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            if (strcmp(d->d_name, name) == 0)
                found = d->d_type == DT_CHR ? "yes" : "not a device";
            off += d->d_reclen;
        }
    }
    close(fd);
    return found;
}

static void
devices(void)
{
    printf("/dev lists null: %s, zero: %s, tty: %s\n", in_dev("null"),
           in_dev("zero"), in_dev("tty"));
    char buf[16] = "xxxxxxxxxxxxxxx";
    int fd = open("/dev/null", O_RDWR);
    report("read /dev/null", read(fd, buf, sizeof(buf)));
    report("write /dev/null", write(fd, "discarded", 9));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    report("read /dev/zero", read(fd, buf, 8));
    int zeros = 0;
    for (int i = 0; i < 8; i++)
        zeros += buf[i] == 0;
    printf("  zero bytes: %d, the ninth untouched: %s\n", zeros,
           buf[8] == 'x' ? "yes" : "no");
    close(fd);
}

/* execve @p path (relative to the cwd, the staged root on the host). */
static void
run(const char *path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"/bin/hello", "via", "a link", NULL};
        char *envp[] = {"HOME=/", NULL};
        execve(path, argv, envp);
        printf("execve %s: %s\n", path, errname(errno));
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
}

static void
programs(void)
{
    report("chdir to the root", chdir(P("/")));
    run("files/hellolink"); // a relative path, then a symlink
    run("files/sub/../hellolink");
    run("files");
    run("files/hello.txt");
    run("files/loop1");
    run("files/hello.txt/x");
    run("files/missing");
    run("files/dangling");
}

int
main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "cwd") == 0) {
        directories();
        return 0;
    }
    reading();
    stats();
    listing();
    links();
    paths();
    devices();
    programs();
    printf("filetest: done\n");
    return 0;
}
