/*
 * pathwalk: the edges of the path walk, compared with Linux.
 *
 * `pathwalk DIR` builds a small tree in DIR (made if missing): folders,
 * a file, symbolic links to the file, to a folder, upwards, dangling, in
 * a loop, and a chain of 41 links; then walks paths through it with
 * stat, lstat, open, readlink, mkdir, rmdir, unlink, chdir and getcwd,
 * and prints what each gave: the file type, or the errno's name. Linux is
 * the oracle: the grading test runs the same binary on the host in a
 * temporary folder and compares. Nothing printed depends on DIR (getcwd
 * is shown relative to it) or on the machine.
 *
 * The cases: "." and "..", repeated and trailing slashes, a trailing
 * slash after a file (ENOTDIR), a file in the middle (ENOTDIR), links in
 * the middle and at the end (followed or not), the loop and the chain
 * past SYMLINK_MAX (ELOOP), a 256-byte name and a path of PATH_MAX
 * (ENAMETOOLONG), O_NOFOLLOW, O_DIRECTORY, O_CREAT through links and
 * slashes, the removal errors of "." and "..", and a working directory
 * that is removed while a process is in it (lookups in it fail, ".."
 * still leads out).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errname.h"

static char base[4096]; /* DIR, absolute */

/* A file type's name. */
static const char *
tname(mode_t m)
{
    if (S_ISREG(m))
        return "file";
    if (S_ISDIR(m))
        return "dir";
    if (S_ISLNK(m))
        return "link";
    return "other";
}

/* stat or lstat @p path: its type or the error. */
static void
st(const char *path, int nofollow)
{
    struct stat s;
    int r = nofollow ? lstat(path, &s) : stat(path, &s);
    printf("%s %s: %s\n", nofollow ? "lstat" : "stat", path,
           r == 0 ? tname(s.st_mode) : errname(errno));
}

/* open @p path with @p flags: "ok" (closed again) or the error. */
static void
op(const char *what, const char *path, int flags)
{
    int fd = open(path, flags, 0644);
    printf("open %s %s: %s\n", what, path, fd >= 0 ? "ok" : errname(errno));
    if (fd >= 0)
        close(fd);
}

/* A call's result: "ok" or the error. */
static void
res(const char *what, const char *path, int r)
{
    printf("%s %s: %s\n", what, path, r == 0 ? "ok" : errname(errno));
}

/* getcwd, relative to DIR ("(outside)" above it). */
static void
cwd(void)
{
    char buf[4096];
    if (getcwd(buf, sizeof(buf)) == NULL) {
        printf("getcwd: %s\n", errname(errno));
        return;
    }
    size_t n = strlen(base);
    if (strncmp(buf, base, n) == 0 && (buf[n] == 0 || buf[n] == '/'))
        printf("getcwd: DIR%s\n", buf + n);
    else
        printf("getcwd: (outside)\n");
}

/* The tree the walks go through. */
static void
build(void)
{
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    mkdir("a/b/c", 0755);
    int fd = open("f", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd >= 0) {
        write(fd, "hello\n", 6);
        close(fd);
    }
    symlink("f", "lf");
    symlink("a/b", "ld");
    symlink("..", "lup");
    symlink("nowhere", "ldang");
    symlink("lloop2", "lloop1");
    symlink("lloop1", "lloop2");
    symlink("a/b/../../f", "ldots");
    char name[16], prev[16] = "f";
    for (int i = 0; i <= 40; i++) { // l0 -> f, l1 -> l0, ..., l40 -> l39
        snprintf(name, sizeof(name), "l%d", i);
        symlink(prev, name);
        strcpy(prev, name);
    }
}

/* stat and lstat through names, dots, slashes and links. */
static void
walks(void)
{
    static const char *paths[] = {
        "f",
        "f/",
        "f/.",
        "f/..",
        "f/x",
        "a",
        "a/",
        "a//b///c//",
        "./a/./b/.",
        "a/b/c/../../b/c",
        "a/..",
        "..",
        "nonexist",
        "nonexist/x",
        "lf",
        "lf/",
        "ld",
        "ld/",
        "ld/c",
        "ld/..",
        "lup/",
        "ldang",
        "ldang/",
        "lloop1",
        "lloop1/",
        "ldots",
        "l39",
        "l40",
        "a/b/c/../../../lf",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        st(paths[i], 0);
        st(paths[i], 1);
    }
    struct stat s;
    printf("stat \"\": %s\n", stat("", &s) == 0 ? "ok" : errname(errno));
}

/* ENAMETOOLONG: a name of 256 bytes, a path of PATH_MAX bytes. */
static void
lengths(void)
{
    static char p[8192];
    memset(p, 'n', 255);
    p[255] = 0;
    st(p, 0);
    memset(p, 'n', 256);
    p[256] = 0;
    struct stat s;
    printf("stat name256: %s\n", stat(p, &s) == 0 ? "ok" : errname(errno));
    size_t n = 0;
    while (n < 4000) { // "./" many times, then "f": 4001 bytes, fine
        p[n++] = '.';
        p[n++] = '/';
    }
    strcpy(p + n, "f");
    printf("stat ./x2000f: %s\n", stat(p, &s) == 0 ? "ok" : errname(errno));
    while (n < 4094) {
        p[n++] = '.';
        p[n++] = '/';
    }
    strcpy(p + n, "f"); // 4095 bytes and the NUL: PATH_MAX
    printf("stat ./x2047f: %s\n", stat(p, &s) == 0 ? "ok" : errname(errno));
}

/* open's flags against links, folders and slashes. */
static void
opens(void)
{
    op("O_RDONLY", "f", O_RDONLY);
    op("O_NOFOLLOW", "f", O_RDONLY | O_NOFOLLOW);
    op("O_NOFOLLOW", "lf", O_RDONLY | O_NOFOLLOW);
    op("O_NOFOLLOW", "ld/c", O_RDONLY | O_NOFOLLOW);
    op("O_DIRECTORY", "f", O_RDONLY | O_DIRECTORY);
    op("O_DIRECTORY", "ld", O_RDONLY | O_DIRECTORY);
    op("O_WRONLY", "a", O_WRONLY);
    op("O_RDONLY", "a", O_RDONLY);
    op("O_CREAT|O_EXCL", "lf", O_CREAT | O_EXCL | O_WRONLY);
    op("O_CREAT|O_EXCL", "ldang", O_CREAT | O_EXCL | O_WRONLY);
    op("O_CREAT", "lf", O_CREAT | O_WRONLY);
    op("O_CREAT", "new/", O_CREAT | O_WRONLY);
    op("O_CREAT", "a/", O_CREAT | O_WRONLY);
    op("O_CREAT", "nonexist/x", O_CREAT | O_WRONLY);
    op("O_CREAT", "f/x", O_CREAT | O_WRONLY);
    op("O_CREAT", "ld/new", O_CREAT | O_WRONLY);
    st("a/b/new", 0);
    op("O_CREAT|O_DIRECTORY", "a", O_CREAT | O_RDONLY | O_DIRECTORY);
    char buf[64];
    ssize_t n = readlink("lf", buf, sizeof(buf));
    printf("readlink lf: %.*s\n", n > 0 ? (int)n : 0, buf);
    n = readlink("ld/", buf, sizeof(buf));
    printf("readlink ld/: %s\n", n >= 0 ? "ok" : errname(errno));
    n = readlink("f", buf, sizeof(buf));
    printf("readlink f: %s\n", n >= 0 ? "ok" : errname(errno));
    n = readlink("lup/", buf, sizeof(buf));
    printf("readlink lup/: %s\n", n >= 0 ? "ok" : errname(errno));
}

/* The removal and creation errors of odd last components. */
static void
names(void)
{
    res("mkdir", "a/b/c/", mkdir("a/b/c/", 0755));
    res("mkdir", "f/", mkdir("f/", 0755));
    res("mkdir", "d2/", mkdir("d2/", 0755));
    res("mkdir", "a/.", mkdir("a/.", 0755));
    res("mkdir", "ldang", mkdir("ldang", 0755));
    res("rmdir", "a/b/c/.", rmdir("a/b/c/."));
    res("rmdir", "a/b/c/..", rmdir("a/b/c/.."));
    res("rmdir", "f", rmdir("f"));
    res("rmdir", "ld", rmdir("ld"));
    res("rmdir", "ld/", rmdir("ld/"));
    res("rmdir", "a", rmdir("a"));
    res("rmdir", "d2//", rmdir("d2//"));
    res("unlink", "a", unlink("a"));
    res("unlink", "f/", unlink("f/"));
    res("unlink", "lf/", unlink("lf/"));
    res("unlink", ".", unlink("."));
    res("unlink", "nonexist", unlink("nonexist"));
    res("symlink", "lf", symlink("x", "lf"));
    res("symlink", "empty", symlink("", "lempty"));
    res("link", "a", link("a", "a2"));
    res("link", "lf", link("lf", "lf2"));
    st("lf2", 1);
    res("rename", "a/b -> a/b/c/x", rename("a/b", "a/b/c/x"));
    res("rename", "f -> f/", rename("f", "f/"));
    res("rename", ". -> x", rename(".", "x"));
}

/* The working directory: moving, through links, and removed under us. */
static void
workdir(void)
{
    res("chdir", "a/b/c", chdir("a/b/c"));
    cwd();
    res("chdir", "../..", chdir("../.."));
    cwd();
    res("chdir", "../ld", chdir("../ld"));
    cwd();
    res("chdir", "f", chdir("../../f"));
    res("chdir", "../../lf/", chdir("../../lf/"));
    res("chdir", "..", chdir(".."));
    cwd();
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    res("chdir", "../..", chdir("../.."));
    cwd();
    res("fchdir", "a", fchdir(fd));
    cwd();
    close(fd);
    res("chdir", "..", chdir(".."));
    mkdir("gone", 0755);
    res("chdir", "gone", chdir("gone"));
    res("rmdir", "../gone", rmdir("../gone"));
    cwd();
    op("O_CREAT", "x", O_CREAT | O_WRONLY);
    res("mkdir", "y", mkdir("y", 0755));
    st(".", 0);
    st("x", 0);
    res("chdir", "..", chdir(".."));
    cwd();
}

int
main(int argc, char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: pathwalk DIR\n");
        return 2;
    }
    mkdir(argv[1], 0755);
    if (chdir(argv[1]) < 0 || getcwd(base, sizeof(base)) == NULL) {
        printf("pathwalk: cannot enter %s\n", argv[1]);
        return 1;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    build();
    walks();
    lengths();
    opens();
    names();
    workdir();
    printf("pathwalk: done\n");
    return 0;
}
