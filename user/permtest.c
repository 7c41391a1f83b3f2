/*
 * permtest: Unix permissions as a user who is not root.
 *
 * `permtest DIR` builds, as root, a small tree in DIR with owners and
 * modes chosen for each case, then forks a child that becomes user 1000
 * (group 1000, no other groups) and tries things it may and may not do:
 * search (x) and read (r) permission on directories, reading and
 * writing files of others, creating and removing names in directories it
 * cannot write, the sticky bit, chmod, chown and utimensat by someone who
 * is not the owner, running a file without x, making devices, mounting.
 * A second child keeps uid 0 as its effective id but 1000 as its real
 * one, for access() (real ids) against faccessat(AT_EACCESS).
 *
 * Each line says what the call gave and what Linux gives ("want"); the
 * expectations were checked on Linux as root (the host oracle cannot
 * always become another user, so the program carries its own). A line
 * with "FAIL" is a difference; the last line counts them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails, checks;

/* The errno's name, or "ok" for success. */
static const char *
ename(long r, int e)
{
    if (r >= 0)
        return "ok";
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case EACCES:
        return "EACCES";
    case EPERM:
        return "EPERM";
    case ENOTDIR:
        return "ENOTDIR";
    case EEXIST:
        return "EEXIST";
    default:
        return "E?";
    }
}

/* Compare a call's result with what Linux gives. */
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

/* open, then close: the open's result. */
static long
try_open(const char *path, int flags)
{
    int fd = open(path, flags, 0644);
    if (fd >= 0)
        close(fd);
    return fd;
}

static void
mk(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        write(fd, "data\n", 5);
        close(fd);
    }
    chown(path, uid, gid);
    chmod(path, mode);
}

static void
mkd(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    mkdir(path, 0700);
    chown(path, uid, gid);
    chmod(path, mode);
}

/* The tree, made by root. */
static void
build(void)
{
    chmod(".", 0755);
    mkd("priv", 0700, 0, 0);
    mk("priv/f", 0644, 0, 0);
    mk("ro", 0644, 0, 0);
    mk("secret", 0600, 0, 0);
    mk("noexec", 0644, 0, 0);
    mk("grp", 0640, 0, 1000);
    mk("mine", 0600, 1000, 1000);
    mkd("pub", 0777, 0, 0);
    mkd("sticky", 01777, 0, 0);
    mk("sticky/rootfile", 0666, 0, 0);
    mkd("nox", 0766, 0, 0);
    mk("nox/f", 0644, 0, 0);
    mkd("nor", 0711, 0, 0);
    mk("nor/f", 0644, 0, 0);
    mkd("usr", 0755, 1000, 1000);
}

/* What user 1000 may and may not do. */
static void
as_user(void)
{
    struct stat s;
    check("stat priv/f (no x on priv)", stat("priv/f", &s), "EACCES");
    check("chdir priv", chdir("priv"), "EACCES");
    check("open secret", try_open("secret", O_RDONLY), "EACCES");
    check("open ro for reading", try_open("ro", O_RDONLY), "ok");
    check("open ro for writing", try_open("ro", O_WRONLY), "EACCES");
    check("open grp (group r)", try_open("grp", O_RDONLY), "ok");
    check("open grp for writing", try_open("grp", O_WRONLY), "EACCES");
    check("open mine for writing", try_open("mine", O_RDWR), "ok");
    check("create in DIR (root's 0755)", try_open("new", O_CREAT | O_WRONLY),
          "EACCES");
    check("mkdir in DIR", mkdir("newdir", 0755), "EACCES");
    check("create in pub (0777)", try_open("pub/new", O_CREAT | O_WRONLY),
          "ok");
    check("mkdir in pub", mkdir("pub/d", 0755), "ok");
    check("unlink ro (DIR not writable)", unlink("ro"), "EACCES");
    check("rename pub/new to DIR", rename("pub/new", "moved"), "EACCES");
    check("rename within pub", rename("pub/new", "pub/new2"), "ok");
    check("unlink root's file in sticky", unlink("sticky/rootfile"), "EPERM");
    check("create in sticky", try_open("sticky/u", O_CREAT | O_WRONLY), "ok");
    check("unlink own file in sticky", unlink("sticky/u"), "ok");
    check("stat nox/f (dir without x)", stat("nox/f", &s), "EACCES");
    check("open nox (dir with r)", try_open("nox", O_RDONLY | O_DIRECTORY),
          "ok");
    check("open nor (dir without r)", try_open("nor", O_RDONLY | O_DIRECTORY),
          "EACCES");
    check("stat nor/f (dir with x)", stat("nor/f", &s), "ok");
    check("chmod ro (not owner)", chmod("ro", 0666), "EPERM");
    check("chmod mine", chmod("mine", 0640), "ok");
    check("chown mine to root", chown("mine", 0, -1), "EPERM");
    check("chown mine to own group", chown("mine", -1, 1000), "ok");
    check("chown mine to group 0", chown("mine", -1, 0), "EPERM");
    check("utimensat now on ro", utimensat(AT_FDCWD, "ro", NULL, 0), "EACCES");
    struct timespec ts[2] = {{1, 0}, {2, 0}};
    check("utimensat times on ro", utimensat(AT_FDCWD, "ro", ts, 0), "EPERM");
    check("utimensat times on mine", utimensat(AT_FDCWD, "mine", ts, 0), "ok");
    check("utimensat now on pub/new2 (own)",
          utimensat(AT_FDCWD, "pub/new2", NULL, 0), "ok");
    check("truncate ro", truncate("ro", 0), "EACCES");
    check("access ro R_OK", access("ro", R_OK), "ok");
    check("access ro W_OK", access("ro", W_OK), "EACCES");
    check("access noexec X_OK", access("noexec", X_OK), "EACCES");
    char *argv[] = {"noexec", NULL};
    check("execve noexec", execve("noexec", argv, argv + 1), "EACCES");
    check("mknod a device", mknod("usr/null", S_IFCHR | 0666, makedev(1, 3)),
          "EPERM");
    check("mknod a fifo", mknod("usr/fifo", S_IFIFO | 0666, 0), "ok");
    check("mount", mount("none", "usr", "tmpfs", 0, NULL), "EPERM");
    check("rmdir usr (own, but DIR not writable)", rmdir("usr"), "EACCES");
    check("create in own dir", try_open("usr/f", O_CREAT | O_WRONLY), "ok");
    struct stat us;
    stat("usr/f", &us);
    check("new file owned by the user",
          us.st_uid == 1000 && us.st_gid == 1000 ? 0 : -1, "ok");
}

/* Real uid 1000, effective uid 0: access() asks about the real one. */
static void
real_vs_effective(void)
{
    check("access secret R_OK (real uid 1000)", access("secret", R_OK),
          "EACCES");
    check("faccessat AT_EACCESS (effective root)",
          faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS), "ok");
    check("open secret (effective root)", try_open("secret", O_RDONLY), "ok");
}

/* Run @p fn in a child with the ids set by @p setids; its counts back. */
static void
in_child(void (*fn)(void), int real_only)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        fails = checks = 0; // the parent adds ours to its own
        setgroups(0, NULL);
        int r = real_only ? setreuid(1000, 0)
                          : (setgid(1000) < 0 ? -1 : setuid(1000));
        if (r < 0) {
            printf("setuid: %s (the test must run as root)\n",
                   ename(-1, errno));
            fails++;
        } else {
            fn();
        }
        int counts[2] = {fails, checks};
        write(p[1], counts, sizeof(counts));
        _exit(0);
    }
    close(p[1]);
    int counts[2] = {1, 0};
    read(p[0], counts, sizeof(counts));
    close(p[0]);
    waitpid(pid, NULL, 0);
    fails += counts[0];
    checks += counts[1];
}

int
main(int argc, char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: permtest DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    mkdir(argv[1], 0755);
    if (chdir(argv[1]) < 0) {
        printf("permtest: cannot enter %s\n", argv[1]);
        return 1;
    }
    build();
    in_child(as_user, 0);
    in_child(real_vs_effective, 1);
    printf("permtest: %d checks, %d failed\n", checks, fails);
    return fails != 0;
}
