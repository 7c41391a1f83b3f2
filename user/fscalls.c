/*
 * fscalls: the calls that change files, compared with Linux.
 *
 * `fscalls DIR` works in DIR (made if missing): creation modes and the
 * umask, O_EXCL, O_TRUNC, O_APPEND, writes past the end (holes read as
 * zeros), truncate both ways, hard links and their counts, a file read
 * after it was unlinked, rename over files and folders (and its errors),
 * renameat2's RENAME_NOREPLACE, symlinks, chmod and chown, utimensat
 * (explicit times, UTIME_OMIT, UTIME_NOW) and which calls move mtime and
 * ctime, FIFOs made by mknod, removing entries while listing them,
 * fsync, a private mapping of a file written at run time, O_CLOEXEC
 * across execve of a program copied at run time, and RLIMIT_NOFILE.
 *
 * Linux is the oracle: the grading test runs the same binary on the host
 * in a temporary folder. Nothing printed depends on the machine: times
 * are compared with each other, not printed (except ones the program
 * set itself), directory listings are sorted, inode numbers only
 * compared.
 *
 * `fscalls --fd N` is the program re-executed by the O_CLOEXEC case: it
 * says whether descriptor N is open.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "errname.h"

/* A call's result: "ok" or the error. */
static void
res(const char *what, long r)
{
    printf("%s: %s\n", what, r >= 0 ? "ok" : errname(errno));
}

static void
yes(const char *what, int cond)
{
    printf("%s: %s\n", what, cond ? "yes" : "no");
}

/* The file's bytes as text (at most 63), or the open error. */
static void
show(const char *path)
{
    char buf[64];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s = %s\n", path, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == 0)
            buf[i] = '0'; // holes show as '0'
    printf("%s = \"%s\"\n", path, buf);
}

static void
put(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0666);
    if (fd < 0) {
        printf("put %s: %s\n", path, errname(errno));
        return;
    }
    write(fd, text, strlen(text));
    close(fd);
}

static struct stat
stt(const char *path)
{
    struct stat s;
    memset(&s, 0, sizeof(s));
    if (lstat(path, &s) < 0)
        printf("lstat %s: %s\n", path, errname(errno));
    return s;
}

/* Creation modes, the umask, O_EXCL, O_TRUNC, O_APPEND. */
static void
creation(void)
{
    umask(022);
    put("m1", "x", 0);
    printf("m1 mode %o\n", stt("m1").st_mode & 07777);
    umask(077);
    put("m2", "x", 0);
    mkdir("d2", 0777);
    printf("m2 mode %o, d2 mode %o\n", stt("m2").st_mode & 07777,
           stt("d2").st_mode & 07777);
    umask(0);
    mkdir("d3", 01777);
    printf("d3 mode %o\n", stt("d3").st_mode & 07777);
    umask(022);
    res("O_EXCL on m1", open("m1", O_CREAT | O_EXCL | O_WRONLY, 0644));
    put("t", "hello world", 0);
    put("t", "HE", 0);
    show("t");
    put("t", "HE", O_TRUNC);
    show("t");
    int a = open("t", O_WRONLY | O_APPEND);
    int b = open("t", O_WRONLY);
    write(b, "12345", 5);
    write(a, "ab", 2);
    write(b, "X", 1);
    close(a);
    close(b);
    show("t");
    res("creat", creat("c", 0600));
    printf("c mode %o size %ld\n", stt("c").st_mode & 07777,
           (long)stt("c").st_size);
}

/* Holes, truncate, lseek. */
static void
sizes(void)
{
    int fd = open("h", O_RDWR | O_CREAT | O_TRUNC, 0644);
    pwrite(fd, "end", 3, 10000);
    printf("h size %ld\n", (long)stt("h").st_size);
    char buf[16];
    pread(fd, buf, 4, 5000);
    yes("hole reads zeros", memcmp(buf, "\0\0\0\0", 4) == 0);
    pread(fd, buf, 3, 10000);
    yes("end is there", memcmp(buf, "end", 3) == 0);
    printf("lseek end %ld, lseek past %ld\n", (long)lseek(fd, 0, SEEK_END),
           (long)lseek(fd, 5, SEEK_END));
    printf("read at eof %ld\n", (long)read(fd, buf, 4));
    res("lseek negative", lseek(fd, -1, SEEK_SET));
    close(fd);
    put("tr", "hello", O_TRUNC);
    res("truncate 3", truncate("tr", 3));
    show("tr");
    res("truncate 8", truncate("tr", 8));
    show("tr");
    fd = open("tr", O_RDONLY);
    res("ftruncate read-only fd", ftruncate(fd, 1));
    close(fd);
    fd = open("tr", O_RDWR);
    res("ftruncate 1", ftruncate(fd, 1));
    res("ftruncate -1", ftruncate(fd, -1));
    pwrite(fd, "Z", 1, 4);
    close(fd);
    show("tr");
    res("truncate dir", truncate("d2", 0));
    res("truncate missing", truncate("nope", 0));
}

/* Hard links, unlink of an open file, rename. */
static void
names(void)
{
    put("l1", "linked", O_TRUNC);
    res("link l1 l2", link("l1", "l2"));
    struct stat a = stt("l1"), b = stt("l2");
    printf("nlink %ld %ld, same inode: %s\n", (long)a.st_nlink,
           (long)b.st_nlink, a.st_ino == b.st_ino ? "yes" : "no");
    res("link l1 l2 again", link("l1", "l2"));
    res("link dir", link("d2", "d2b"));
    int fd = open("l1", O_RDONLY);
    unlink("l1");
    unlink("l2");
    char buf[16] = {0};
    printf("read after unlink %ld: %s\n", (long)read(fd, buf, 15), buf);
    struct stat s;
    fstat(fd, &s);
    printf("fstat nlink %ld\n", (long)s.st_nlink);
    close(fd);
    put("r1", "one", O_TRUNC);
    put("r2", "two", O_TRUNC);
    ino_t ino = stt("r1").st_ino;
    res("rename r1 r2", rename("r1", "r2"));
    show("r2");
    show("r1");
    yes("r2 has r1's inode", stt("r2").st_ino == ino);
    mkdir("e1", 0755);
    mkdir("e2", 0755);
    mkdir("e3", 0755);
    put("e3/x", "x", 0);
    res("rename dir over empty dir", rename("e1", "e2"));
    res("rename dir over full dir", rename("e2", "e3"));
    res("rename file over dir", rename("r2", "e3"));
    res("rename dir over file", rename("e3", "r2"));
    res("rename dir into itself", rename("e3", "e3/sub"));
    res("rename missing", rename("nope", "x"));
    put("n1", "n1", O_TRUNC);
    res("renameat2 NOREPLACE",
        syscall(SYS_renameat2, AT_FDCWD, "n1", AT_FDCWD, "r2", 1));
    res("renameat2 NOREPLACE free",
        syscall(SYS_renameat2, AT_FDCWD, "n1", AT_FDCWD, "n2", 1));
    link("n2", "n3");
    res("rename to its own link", rename("n2", "n3"));
    yes("both names stay", access("n2", F_OK) == 0 && access("n3", F_OK) == 0);
    res("rename into subdir", rename("n3", "e3/n3"));
    show("e3/n3");
    res("symlink", symlink("e3/n3", "sl"));
    printf("symlink size %ld\n", (long)stt("sl").st_size);
    show("sl");
    res("rename symlink", rename("sl", "sl2"));
    char t[64];
    ssize_t n = readlink("sl2", t, sizeof(t));
    printf("readlink sl2: %.*s\n", (int)(n > 0 ? n : 0), t);
}

/* chmod, chown (as root), access. */
static void
attrs(void)
{
    put("p", "p", O_TRUNC);
    res("chmod 0751", chmod("p", 0751));
    printf("p mode %o\n", stt("p").st_mode & 07777);
    int fd = open("p", O_RDONLY);
    res("fchmod 0600", fchmod(fd, 0600));
    printf("p mode %o\n", stt("p").st_mode & 07777);
    res("fchown", fchown(fd, 123, 456));
    close(fd);
    printf("p owner %d:%d\n", (int)stt("p").st_uid, (int)stt("p").st_gid);
    res("chown -1 789", chown("p", -1, 789));
    printf("p owner %d:%d\n", (int)stt("p").st_uid, (int)stt("p").st_gid);
    symlink("p", "pl");
    res("lchown", lchown("pl", 5, 6));
    printf("pl owner %d:%d, p owner %d:%d\n", (int)stt("pl").st_uid,
           (int)stt("pl").st_gid, (int)stt("p").st_uid, (int)stt("p").st_gid);
    res("chmod via link", chmod("pl", 0640));
    printf("p mode %o, pl is a link: %s\n", stt("p").st_mode & 07777,
           S_ISLNK(stt("pl").st_mode) ? "yes" : "no");
    chmod("p", 06755);
    chown("p", 0, 0);
    printf("chown clears setuid: mode %o\n", stt("p").st_mode & 07777);
    res("access X_OK 0644 file", access("m1", X_OK));
    res("access W_OK", access("m1", W_OK));
    res("access X_OK dir", access("d2", X_OK));
    res("chmod missing", chmod("nope", 0));
}

/* Times: set, kept, now; which calls move mtime and ctime. */
static void
times(void)
{
    put("tm", "t", O_TRUNC);
    struct timespec ts[2] = {{1000000000, 123456789}, {1100000000, 5}};
    res("utimensat", utimensat(AT_FDCWD, "tm", ts, 0));
    struct stat s = stt("tm");
    printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)s.st_atim.tv_sec,
           s.st_atim.tv_nsec, (long)s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1200000000, 0}};
    utimensat(AT_FDCWD, "tm", omit, 0);
    s = stt("tm");
    printf("omit: atime %ld mtime %ld\n", (long)s.st_atim.tv_sec,
           (long)s.st_mtim.tv_sec);
    yes("ctime is now", s.st_ctim.tv_sec > 1500000000);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    res("utimensat bad nsec", utimensat(AT_FDCWD, "tm", bad, 0));
    utimensat(AT_FDCWD, "tm", ts, 0);
    int fd = open("tm", O_WRONLY | O_APPEND);
    write(fd, "more", 4);
    close(fd);
    s = stt("tm");
    yes("write moves mtime", s.st_mtim.tv_sec > 1500000000);
    yes("ctime >= mtime", s.st_ctim.tv_sec >= s.st_mtim.tv_sec);
    utimensat(AT_FDCWD, "tm", ts, 0);
    chmod("tm", 0600);
    s = stt("tm");
    yes("chmod keeps mtime", s.st_mtim.tv_sec == 1100000000);
    yes("chmod moves ctime", s.st_ctim.tv_sec > 1500000000);
    truncate("tm", 1);
    yes("truncate moves mtime", stt("tm").st_mtim.tv_sec > 1500000000);
    utimensat(AT_FDCWD, "d2", ts, 0);
    put("d2/new", "n", 0);
    yes("create moves the dir's mtime", stt("d2").st_mtim.tv_sec > 1500000000);
    utimensat(AT_FDCWD, "d2", ts, 0);
    unlink("d2/new");
    yes("unlink moves the dir's mtime", stt("d2").st_mtim.tv_sec > 1500000000);
    res("utimensat NULL", utimensat(AT_FDCWD, "tm", NULL, 0));
    yes("now", stt("tm").st_atim.tv_sec > 1500000000);
    struct timeval tv[2] = {{1300000000, 7}, {1300000001, 8}};
    res("utimes", utimes("tm", tv));
    s = stt("tm");
    printf("utimes: %ld.%09ld %ld.%09ld\n", (long)s.st_atim.tv_sec,
           s.st_atim.tv_nsec, (long)s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
    struct utimbuf ub = {1400000000, 1400000001};
    res("utime", utime("tm", &ub));
    printf("utime: %ld %ld\n", (long)stt("tm").st_atime,
           (long)stt("tm").st_mtime);
}

/* mknod, listing while removing, fsync. */
static void
misc(void)
{
    res("mknod fifo", mknod("fifo", S_IFIFO | 0644, 0));
    yes("is a fifo", S_ISFIFO(stt("fifo").st_mode));
    res("mkfifo again", mkfifo("fifo", 0644));
    res("mknod file", mknod("mf", S_IFREG | 0600, 0));
    printf("mf mode %o\n", stt("mf").st_mode & 07777);
    res("mknod dir", mknod("md", S_IFDIR | 0755, 0));
    mkdir("ls", 0755);
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "ls/f%02d", i);
        put(name, "", 0);
    }
    DIR *d = opendir("ls");
    int seen = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            dots++;
            continue;
        }
        snprintf(name, sizeof(name), "ls/%.20s", e->d_name);
        if (unlink(name) == 0)
            seen++;
    }
    closedir(d);
    printf("removed while listing: %d (and %d dots)\n", seen, dots);
    res("rmdir ls", rmdir("ls"));
    int fd = open("m1", O_RDWR);
    res("fsync", fsync(fd));
    res("fdatasync", fdatasync(fd));
    close(fd);
    int p[2];
    pipe(p);
    res("fsync pipe", fsync(p[0]));
    close(p[0]);
    close(p[1]);
    sync();
}

/* A copy of file @p from at @p to, made with read and write. */
static void
copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    static char buf[65536];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
        write(out, buf, n);
    close(in);
    close(out);
}

/* A file written here, mapped privately; exec of a program written here. */
static void
written(const char *self)
{
    int fd = open("map", O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char page[3 * 4096 + 100];
    for (size_t i = 0; i < sizeof(page); i++)
        page[i] = (char)('a' + i % 23);
    write(fd, page, sizeof(page));
    char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        printf("mmap written file: %s\n", errname(errno));
        close(fd);
        return;
    }
    yes("mapping equals the file", memcmp(m, page, sizeof(page)) == 0);
    yes("zeros past the end", m[sizeof(page)] == 0 && m[4 * 4096 - 1] == 0);
    m[0] = '!';
    char c;
    pread(fd, &c, 1, 0);
    yes("private write stays private", c == 'a');
    munmap(m, 4 * 4096);
    close(fd);
    copy_file(self, "selfcopy");
}

/* O_CLOEXEC across execve (of a copy written here), and RLIMIT_NOFILE. */
static void
descriptors(void)
{
    int keep = open("m1", O_RDONLY);
    int drop = open("m1", O_RDONLY | O_CLOEXEC);
    dup2(keep, 20);
    dup2(drop, 21);
    fcntl(21, F_SETFD, FD_CLOEXEC);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"fscalls", "--fd", "20,21", NULL};
        char *envp[] = {NULL};
        execve("selfcopy", argv, envp);
        _exit(99);
    }
    int st;
    waitpid(pid, &st, 0);
    close(keep);
    close(drop);
    close(20);
    close(21);
    pid = fork();
    if (pid == 0) {
        struct rlimit r = {10, 10};
        setrlimit(RLIMIT_NOFILE, &r);
        int last = -1, fd;
        while ((fd = open("m1", O_RDONLY)) >= 0)
            last = fd;
        printf("RLIMIT_NOFILE 10: last fd %d, then %s\n", last, errname(errno));
        printf("dup2 to 10: %s\n", dup2(0, 10) < 0 ? errname(errno) : "ok");
        printf("F_DUPFD 10: %s\n",
               fcntl(0, F_DUPFD, 10) < 0 ? errname(errno) : "ok");
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, &st, 0);
}

int
main(int argc, char *argv[])
{
    if (argc == 3 && strcmp(argv[1], "--fd") == 0) {
        int a = atoi(argv[2]), b = atoi(strchr(argv[2], ',') + 1);
        printf("after exec: fd %d %s, fd %d %s\n", a,
               fcntl(a, F_GETFD) < 0 ? "closed" : "open", b,
               fcntl(b, F_GETFD) < 0 ? "closed" : "open");
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: fscalls DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    char self[4096];
    const char *root = getenv("ROOT");
    snprintf(self, sizeof(self), "%s/bin/fscalls", root ? root : "");
    mkdir(argv[1], 0755);
    if (chdir(argv[1]) < 0) {
        printf("fscalls: cannot enter %s\n", argv[1]);
        return 1;
    }
    creation();
    sizes();
    names();
    attrs();
    times();
    misc();
    written(self);
    descriptors();
    printf("fscalls: done\n");
    return 0;
}
