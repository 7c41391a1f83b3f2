/*
 * mounttest: mount, umount2, statfs and a full tmpfs.
 *
 * `mounttest DIR` mounts small tmpfs instances on folders under DIR and
 * checks what Linux does: statfs of a tmpfs (its magic number, a `size=`
 * limit in blocks), the mount point's ".." leading back out, a full file
 * system (a short write, then ENOSPC; the rest of the system unharmed,
 * the space back after unlink), rename and link across file systems
 * (EXDEV), the errors of umount (EBUSY while a file is open or a process
 * is inside, EINVAL on a folder that is not a mount point), a mount on a
 * mount, remount read-only (EROFS), lazy unmount (MNT_DETACH), bad
 * options and types, and mount by a user who is not root (EPERM).
 *
 * Mounting needs root, which the host oracle may not have, so the
 * program carries Linux's answers itself (checked on Linux as root):
 * each line says what happened, "FAIL" marks a difference from Linux,
 * and the last line counts them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMPFS_MAGIC 0x01021994

static int fails, checks;

static const char *
ename(long r, int e)
{
    if (r >= 0)
        return "ok";
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case EBUSY:
        return "EBUSY";
    case EINVAL:
        return "EINVAL";
    case EXDEV:
        return "EXDEV";
    case ENOSPC:
        return "ENOSPC";
    case EPERM:
        return "EPERM";
    case ENODEV:
        return "ENODEV";
    case ENOTDIR:
        return "ENOTDIR";
    case EROFS:
        return "EROFS";
    default:
        return "E?";
    }
}

static void
check(const char *what, long r, const char *want)
{
    const char *got = ename(r, errno);
    checks++;
    if (strcmp(got, want) != 0) {
        fails++;
        printf("%s: %s FAIL (want %s)\n", what, got, want);
    } else {
        printf("%s: %s\n", what, got);
    }
}

static void
yes(const char *what, int cond)
{
    checks++;
    fails += !cond;
    printf("%s: %s\n", what, cond ? "yes" : "no FAIL (want yes)");
}

/* Write @p n bytes of 'x' to @p path; the bytes written, or -1. */
static long
fill(const char *path, long n, int *err)
{
    static char buf[4096];
    memset(buf, 'x', sizeof(buf));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    long done = 0;
    *err = 0;
    while (fd >= 0 && done < n) {
        long k = write(fd, buf, n - done < 4096 ? n - done : 4096);
        if (k <= 0) {
            *err = k < 0 ? errno : 0;
            break;
        }
        done += k;
    }
    close(fd);
    return done;
}

/* statfs, "..", and a full file system. */
static void
space(void)
{
    struct statfs sf;
    check("statfs /", statfs("/", &sf), "ok");
    yes("/ is a tmpfs", sf.f_type == TMPFS_MAGIC);
    check("mount size=64k", mount("none", "m", "tmpfs", 0, "size=64k"), "ok");
    check("statfs m", statfs("m", &sf), "ok");
    yes("m is a tmpfs", sf.f_type == TMPFS_MAGIC);
    printf("m: %ld blocks of %ld, %ld free\n", (long)sf.f_blocks,
           (long)sf.f_bsize, (long)sf.f_bfree);
    struct stat a, b;
    stat(".", &a);
    stat("m/..", &b);
    yes("m/.. is DIR", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    stat("m", &b);
    yes("m is another device", a.st_dev != b.st_dev);
    chdir("m");
    chdir("..");
    stat(".", &b);
    yes("chdir m; chdir .. is back in DIR", a.st_ino == b.st_ino);
    int err;
    long n = fill("m/big", 100000, &err);
    printf("wrote %ld of 100000, then %s\n", n, ename(-1, err));
    yes("a full tmpfs stops at its size", n == 65536 && err == ENOSPC);
    statfs("m", &sf);
    yes("no block free", sf.f_bfree == 0);
    n = fill("elsewhere", 100000, &err);
    yes("the rest of the system still writes", n == 100000 && err == 0);
    unlink("elsewhere");
    check("unlink m/big", unlink("m/big"), "ok");
    statfs("m", &sf);
    yes("the space is back", sf.f_bfree == 16);
    n = fill("m/big", 65536, &err);
    yes("and can be used again", n == 65536 && err == 0);
    check("rename across file systems", rename("m/big", "big"), "EXDEV");
    check("link across file systems", link("m/big", "big"), "EXDEV");
    check("rmdir a mount point", rmdir("m"), "EBUSY");
    check("rename a mount point", rename("m", "m2"), "EBUSY");
    mkdir("m/sub", 0755);
    check("umount a folder that is no mount", umount("m/sub"), "EINVAL");
    check("umount a missing path", umount("m/nope"), "ENOENT");
    int fd = open("m/big", O_RDONLY);
    check("umount with a file open", umount("m"), "EBUSY");
    close(fd);
    chdir("m/sub");
    check("umount with a process inside", umount(".."), "EBUSY");
    chdir("../..");
    check("umount", umount("m"), "ok");
    struct stat s;
    check("m is empty again", stat("m/big", &s), "ENOENT");
}

/* Mounts on mounts, remount, lazy unmount, bad arguments. */
static void
more(void)
{
    check("mount m", mount("none", "m", "tmpfs", 0, NULL), "ok");
    mkdir("m/in", 0755);
    check("mount m/in", mount("none", "m/in", "tmpfs", 0, "mode=0700"), "ok");
    struct stat s;
    stat("m/in", &s);
    printf("m/in mode %o\n", s.st_mode & 07777);
    check("umount m below m/in", umount("m"), "EBUSY");
    check("umount m/in", umount("m/in"), "ok");
    check("remount read-only",
          mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL), "ok");
    check("create on read-only", open("m/x", O_CREAT | O_WRONLY, 0644),
          "EROFS");
    check("remount read-write", mount(NULL, "m", NULL, MS_REMOUNT, NULL), "ok");
    int fd = open("m/kept", O_RDWR | O_CREAT, 0644);
    write(fd, "kept", 4);
    check("umount2 MNT_DETACH, busy", umount2("m", MNT_DETACH), "ok");
    check("the name is gone", stat("m/kept", &s), "ENOENT");
    char buf[8] = {0};
    pread(fd, buf, 4, 0);
    yes("the open file still reads", strcmp(buf, "kept") == 0);
    close(fd);
    check("bad option", mount("none", "m", "tmpfs", 0, "size=12q"), "EINVAL");
    check("unknown option", mount("none", "m", "tmpfs", 0, "colour=red"),
          "EINVAL");
    check("unknown type", mount("none", "m", "nosuchfs", 0, NULL), "ENODEV");
    int f = open("file", O_CREAT | O_WRONLY, 0644);
    close(f);
    check("mount on a file", mount("none", "file", "tmpfs", 0, NULL),
          "ENOTDIR");
    check("mount on nothing", mount("none", "nope", "tmpfs", 0, NULL),
          "ENOENT");
    check("umount /", umount("/"), "EBUSY");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setuid(1000);
        _exit(mount("none", "m", "tmpfs", 0, NULL) < 0 && errno == EPERM);
    }
    int st;
    waitpid(pid, &st, 0);
    yes("mount as a user: EPERM", WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

int
main(int argc, char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: mounttest DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir(argv[1], 0755);
    if (chdir(argv[1]) < 0) {
        printf("mounttest: cannot enter %s\n", argv[1]);
        return 1;
    }
    mkdir("m", 0755);
    space();
    more();
    printf("mounttest: %d checks, %d failed\n", checks, fails);
    return fails != 0;
}
