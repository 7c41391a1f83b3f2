/*
 * walkedge [DIR]: path walk edge cases and the life of names and files.
 *
 * The walk: `.` and `..` (also past the root, and at the root of a
 * mounted file system, where `..` leaves the mount), doubled and trailing
 * slashes, a chain of 40 symbolic links (followed) and of 41 (ELOOP),
 * relative links, `..` after a link to a directory (the real parent),
 * the working directory renamed or removed under the process. Then what
 * names and files do over time: a file removed while open stays readable
 * (st_nlink 0), a rename over an open file leaves the old bytes to the
 * old descriptor, hard link counts, a directory listing after creations
 * and removals, and the calls that cross a mount (EXDEV, EBUSY). Last,
 * depths a user chooses: a 300-deep tree unmounted, 40 nested links.
 *
 * Everything happens under DIR (created if missing; default: the working
 * directory), and paths printed are relative to it. The mount uses a
 * user namespace of its own on a host that does not allow mounting (as
 * badpaths does). The output is the same on Linux.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

static void
check(const char *what, long r)
{
    printf("%s: %s\n", what, r < 0 ? errname(errno) : "ok");
}

/* The absolute path of DIR, to print the working directory relative to
 * it. */
static char base[PATH_MAX];

/* Print the working directory, relative to DIR. */
static void
show_cwd(const char *what)
{
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof(buf)) == NULL) {
        printf("%s: getcwd %s\n", what, errname(errno));
        return;
    }
    size_t n = strlen(base);
    if (strncmp(buf, base, n) == 0 && (buf[n] == 0 || buf[n] == '/'))
        printf("%s: DIR%s\n", what, buf + n);
    else
        printf("%s: outside DIR\n", what);
}

/* Whether two paths name the same file (device and inode). */
static void
same(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) < 0) {
        printf("%s: %s\n", a, errname(errno));
        return;
    }
    if (stat(b, &sb) < 0) {
        printf("%s: %s\n", b, errname(errno));
        return;
    }
    printf("%s is %s: %s\n", a, b,
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino ? "yes" : "no");
}

/* What stat or lstat says a path is. */
static void
kind(const char *path, int follow)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    const char *k = r < 0                  ? errname(errno)
                    : S_ISDIR(st.st_mode)  ? "directory"
                    : S_ISREG(st.st_mode)  ? "regular file"
                    : S_ISLNK(st.st_mode)  ? "symbolic link"
                    : S_ISFIFO(st.st_mode) ? "fifo"
                                           : "other";
    printf("%s %s: %s\n", follow ? "stat" : "lstat", path, k);
}

static void
make_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        printf("make %s: %s\n", path, errname(errno));
    if (fd >= 0)
        close(fd);
}

static void
dots(void)
{
    printf("-- dots and slashes\n");
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    mkdir("a/b/c", 0755);
    make_file("f", "file f\n");
    same("a/b/../b/./c", "a/b/c");
    same("a//b///c//", "a/b/c");
    same("a/b/c/../../..", ".");
    same("./a/./b/..", "a");
    same("/..", "/");
    same("/../../..", "/");
    same("/./", "/");
    kind("a/b/", 1);
    kind("f/", 1);
    kind("f/.", 1);
    kind("f/..", 1);
    kind("a/b/c/.", 1);
    kind("missing/..", 1);
    kind("a/missing/..", 1);
    check("chdir a/b", chdir("a/b"));
    show_cwd("cwd");
    check("chdir ../..", chdir("../.."));
    show_cwd("cwd");
}

/* The chain link1 -> link2 -> ... -> link<n> -> f. */
static void
chain(const char *prefix, int n)
{
    char from[64], to[64];
    for (int i = 1; i <= n; i++) {
        snprintf(from, sizeof(from), "%s%d", prefix, i);
        if (i < n)
            snprintf(to, sizeof(to), "%s%d", prefix, i + 1);
        else
            snprintf(to, sizeof(to), "f");
        if (symlink(to, from) < 0)
            printf("symlink %s: %s\n", from, errname(errno));
    }
}

static void
unchain(const char *prefix, int n)
{
    char name[64];
    for (int i = 1; i <= n; i++) {
        snprintf(name, sizeof(name), "%s%d", prefix, i);
        unlink(name);
    }
}

static void
symlinks(void)
{
    printf("-- symbolic links\n");
    chain("x", 40);
    chain("y", 41);
    check("open through 40 links", open("x1", O_RDONLY));
    check("open through 41 links", open("y1", O_RDONLY));
    check("stat through 41 links", stat("y1", &(struct stat){0}));
    check("lstat of the first of 41", lstat("y1", &(struct stat){0}));
    unchain("x", 40);
    unchain("y", 41);
    symlink("../f", "a/rel");
    symlink("b/c", "a/cl");
    symlink("a", "al");
    symlink("al/b", "bl");
    same("a/rel", "f");
    same("a/cl/..", "a/b");
    same("al/b/c", "a/b/c");
    same("bl/c/../..", "a");
    kind("al", 0);
    kind("al/", 0);
    kind("al/", 1);
    kind("a/rel", 0);
    char buf[8];
    ssize_t n = readlink("a/cl", buf, 2);
    printf("readlink into 2 bytes: %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0),
           buf);
    // O_CREAT follows a dangling link and makes its target
    symlink("made", "dl");
    check("open O_CREAT a dangling link", open("dl", O_WRONLY | O_CREAT, 0644));
    kind("made", 0);
    check("open O_CREAT|O_EXCL a link",
          open("dl", O_RDONLY | O_CREAT | O_EXCL));
    unlink("dl");
    unlink("made");
    check("unlink al/", unlink("al/"));
    check("rmdir al", rmdir("al"));
    check("mkdir a/rel (exists, dangling or not)", mkdir("a/rel", 0755));
    check("chdir al", chdir("al"));
    show_cwd("cwd after chdir through a link");
    chdir("..");
    unlink("a/rel");
    unlink("a/cl");
    unlink("al");
    unlink("bl");
}

/* The working directory renamed, then removed, under the process. */
static void
moving_cwd(void)
{
    printf("-- the working directory moves\n");
    mkdir("w", 0755);
    mkdir("w/in", 0755);
    chdir("w/in");
    check("rename ../../w to ../../w2", rename("../../w", "../../w2"));
    show_cwd("cwd after the rename");
    make_file("here", "x");
    check("stat ../../w2/in/here", stat("../../w2/in/here", &(struct stat){0}));
    unlink("here");
    check("rmdir the working directory", rmdir("../in"));
    show_cwd("cwd after rmdir");
    check("create a file in it", open("new", O_WRONLY | O_CREAT, 0644));
    check("mkdir in it", mkdir("sub", 0755));
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    check("open .", fd);
    char dbuf[512];
    long n = syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf));
    printf("getdents of the removed directory: %s\n", n < 0    ? errname(errno)
                                                      : n == 0 ? "empty"
                                                               : "entries");
    if (fd >= 0)
        close(fd);
    check("stat .", stat(".", &(struct stat){0}));
    check("chdir ..", chdir(".."));
    show_cwd("cwd");
    // back by the absolute path, whatever happened above
    if (chdir(base) < 0)
        printf("chdir DIR: %s\n", errname(errno));
    rmdir("w2");
}

/* Files outlive their names while they are open. */
static void
lifetimes(void)
{
    printf("-- names and files\n");
    make_file("g", "old bytes\n");
    int fd = open("g", O_RDONLY);
    struct stat st;
    check("link g h", link("g", "h"));
    fstat(fd, &st);
    printf("nlink %ld\n", (long)st.st_nlink);
    check("unlink g", unlink("g"));
    fstat(fd, &st);
    printf("nlink %ld\n", (long)st.st_nlink);
    check("unlink h", unlink("h"));
    fstat(fd, &st);
    printf("nlink after the last name: %ld\n", (long)st.st_nlink);
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    printf("read the nameless file: %zd \"%.*s\"\n", n,
           (int)(n > 1 ? n - 1 : 0), buf);
    close(fd);
    // rename over a file that is open: the descriptor keeps the old one
    make_file("old", "old content\n");
    make_file("new", "new content\n");
    fd = open("old", O_RDONLY);
    check("rename new over old", rename("new", "old"));
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    printf("old descriptor reads: \"%.*s\"\n", (int)(n > 1 ? n - 1 : 0), buf);
    close(fd);
    fd = open("old", O_RDONLY);
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    printf("a new open reads: \"%.*s\"\n", (int)(n > 1 ? n - 1 : 0), buf);
    check("stat new", stat("new", &st));
    close(fd);
    // O_TRUNC through one open is seen by another
    fd = open("old", O_RDONLY);
    int w = open("old", O_WRONLY | O_TRUNC);
    printf("after O_TRUNC by another open, read: %zd\n",
           read(fd, buf, sizeof(buf)));
    check("write", write(w, "ab", 2));
    printf("then read: %zd\n", read(fd, buf, sizeof(buf)));
    close(w);
    close(fd);
    // on Linux O_TRUNC truncates even with O_RDONLY (POSIX leaves it open)
    fd = open("old", O_RDONLY | O_TRUNC);
    check("open O_RDONLY|O_TRUNC", fd);
    fstat(fd, &st);
    printf("size after it: %ld\n", (long)st.st_size);
    close(fd);
    unlink("old");
}

/* A listing after creations and removals: every name once. */
static void
listing(void)
{
    printf("-- listing\n");
    mkdir("l", 0755);
    char name[32];
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof(name), "l/n%02d", i);
        make_file(name, "");
    }
    for (int i = 0; i < 60; i += 3) {
        snprintf(name, sizeof(name), "l/n%02d", i);
        unlink(name);
    }
    rename("l/n01", "l/renamed");
    mkdir("l/sub", 0755);
    DIR *d = opendir("l");
    int count = 0, dots = 0, sum = 0, renamed = 0, sub = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            dots++;
            continue;
        }
        count++;
        if (e->d_name[0] == 'n')
            sum += atoi(e->d_name + 1);
        renamed += strcmp(e->d_name, "renamed") == 0 && e->d_type == DT_REG;
        sub += strcmp(e->d_name, "sub") == 0 && e->d_type == DT_DIR;
    }
    if (d != NULL)
        closedir(d);
    printf("entries %d, dots %d, sum of numbers %d, renamed %d, sub %d\n",
           count, dots, sum, renamed, sub);
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof(name), "l/n%02d", i);
        unlink(name);
    }
    unlink("l/renamed");
    rmdir("l/sub");
    check("rmdir l", rmdir("l"));
}

/*
 * Mount a tmpfs at @p at, in a user namespace of our own when the host
 * does not let us mount (a Linux host, unprivileged). Call it in a child:
 * the namespace stays with the process. False (and a line) on failure.
 */
static int
mount_tmpfs(const char *at)
{
    if (mount("none", at, "tmpfs", 0, "size=1m") == 0)
        return 1;
    uid_t uid = getuid();
    gid_t gid = getgid();
    char map[64];
    int mount_err = errno;
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
        printf("cannot mount: %s", errname(mount_err));
        printf(", nor unshare: %s\n", errname(errno));
        return 0;
    }
    int fd = open("/proc/self/setgroups", O_WRONLY);
    if (fd >= 0 && write(fd, "deny", 4) < 0)
        printf("setgroups: %s\n", errname(errno));
    close(fd);
    snprintf(map, sizeof(map), "0 %d 1", (int)uid);
    fd = open("/proc/self/uid_map", O_WRONLY);
    if (fd < 0 || write(fd, map, strlen(map)) < 0)
        printf("uid_map: %s\n", errname(errno));
    close(fd);
    snprintf(map, sizeof(map), "0 %d 1", (int)gid);
    fd = open("/proc/self/gid_map", O_WRONLY);
    if (fd < 0 || write(fd, map, strlen(map)) < 0)
        printf("gid_map: %s\n", errname(errno));
    close(fd);
    check("mount", mount("none", at, "tmpfs", 0, "size=1m"));
    return 1;
}

/* A tmpfs mounted at "m": `..` at its root, and calls that cross it. */
static void
mounted(void)
{
    if (!mount_tmpfs("m"))
        return;
    struct stat top, in;
    stat(".", &top);
    stat("m", &in);
    printf("m is another file system: %d\n", top.st_dev != in.st_dev);
    same("m/..", ".");
    same("m/../m/.", "m");
    make_file("m/x", "in the mount\n");
    mkdir("m/d", 0755);
    same("m/d/../..", ".");
    check("chdir m/d", chdir("m/d"));
    show_cwd("cwd");
    check("chdir ../..", chdir("../.."));
    show_cwd("cwd");
    check("rename across the mount", rename("m/x", "x"));
    check("link across the mount", link("m/x", "x"));
    check("rmdir the mount point", rmdir("m"));
    check("rename the mount point", rename("m", "m2"));
    int fd = open("m/x", O_RDONLY);
    check("umount while a file is open", umount2("m", 0));
    close(fd);
    rmdir("m/d");
    unlink("m/x");
    check("umount", umount2("m", 0));
    check("umount again", umount2("m", 0));
    kind("m/x", 1);
}

static void
mounts(void)
{
    printf("-- mounts\n");
    mkdir("m", 0755);
    pid_t pid = fork();
    if (pid == 0) {
        mounted();
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    check("rmdir m", rmdir("m"));
}

/*
 * Regression test for "BusyBox's testsuite crashes the kernel with a #DF
 * (kernel stack overflow)": the paths whose depth a user chooses must not
 * spend kernel stack per level. A directory tree DEEP_LEVELS deep, made
 * with mkdir and chdir one level at a time, is unmounted with its tmpfs
 * (the tree was dropped by a recursion, one frame per level); and links
 * nested 40 deep, each target going on through the next link ("n01" is
 * "n02/.", and so on), were walked by a recursion too. Both must simply
 * work, as on Linux, and the 41st nested link is ELOOP.
 */
#define DEEP_LEVELS 3000

/* In a child: the tree, the nested links, the unmount. */
static void
deep_tree(void)
{
    if (!mount_tmpfs("t"))
        return;
    int top = open(".", O_RDONLY | O_DIRECTORY);
    int made = 0;
    check("chdir t", chdir("t"));
    while (made < DEEP_LEVELS && mkdir("d", 0755) == 0 && chdir("d") == 0)
        made++;
    printf("levels made: %d\n", made);
    struct stat st;
    check("stat at the bottom", stat(".", &st));
    check("back to the top", fchdir(top));
    char name[32], target[32];
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof(name), "t/n%02d", i);
        snprintf(target, sizeof(target), "n%02d/.", i + 1);
        if (symlink(i == 41 ? "." : target, name) < 0)
            printf("symlink %s: %s\n", name, errname(errno));
    }
    check("40 nested links", stat("t/n02", &st));
    check("41 nested links", stat("t/n01", &st));
    check("umount the deep tree", umount2("t", 0));
    close(top);
}

static void
deep(void)
{
    printf("-- deep\n");
    mkdir("t", 0755);
    pid_t pid = fork();
    if (pid == 0) {
        deep_tree();
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    check("rmdir t", rmdir("t"));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *dir = argc > 1 ? argv[1] : ".";
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        printf("mkdir: %s\n", errname(errno));
    if (chdir(dir) < 0 || getcwd(base, sizeof(base)) == NULL)
        return 1;
    dots();
    symlinks();
    moving_cwd();
    lifetimes();
    listing();
    mounts();
    deep();
    unlink("f");
    rmdir("a/b/c");
    rmdir("a/b");
    check("cleanup: rmdir a", rmdir("a"));
    printf("walkedge done\n");
    return 0;
}
