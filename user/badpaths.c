/*
 * badpaths [DIR]: bad paths and operations on the wrong kind of file.
 *
 * A path comes from user memory, so the kernel must expect anything: a
 * NULL pointer, a string that runs into an unmapped page before its end
 * (EFAULT), one of PATH_MAX bytes or with a component of NAME_MAX + 1
 * (ENAMETOOLONG), an empty one (ENOENT, unless AT_EMPTY_PATH says it
 * means the descriptor itself). Then every call on the wrong type of
 * file: reading a directory, removing a file with rmdir or a directory
 * with unlink, O_DIRECTORY on a file, making what exists, renaming a
 * directory into itself, removing a full directory, hard links to a
 * directory, writing a read-only descriptor, truncating a directory or a
 * pipe, and more. Each case prints the errno's name; Linux is the oracle.
 *
 * Last, a full file system: a tmpfs of 64 KiB mounted under DIR fills up
 * (ENOSPC), and once a file is removed and closed there is room again;
 * the file system the program runs on works on as before. On a host
 * that is not allowed to mount, the program mounts in a user namespace of
 * its own; "ENOSPC ok" is printed only after the errno was checked.
 * Every file is made under DIR (created if missing; default: the working
 * directory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

/* Print what a call returned: "ok" (any value >= 0) or the errno. */
static void
check(const char *what, long r)
{
    printf("%s: %s\n", what, r < 0 ? errname(errno) : "ok");
}

/* Close a descriptor a case opened (when it did). */
static void
drop(long fd)
{
    if (fd >= 0)
        close(fd);
}

/* An address nothing is mapped at, hidden from the compiler. */
static volatile long null_address = 0;

/* NULL and unterminated strings: the raw calls, so the C library does not
 * look at the path first. */
static void
bad_pointers(void)
{
    printf("-- bad pointers\n");
    const char *null = (const char *)null_address;
    check("open NULL", syscall(SYS_open, null, O_RDONLY));
    check("openat NULL", syscall(SYS_openat, AT_FDCWD, null, O_RDONLY));
    check("stat NULL", syscall(SYS_stat, null, (char[256]){0}));
    check("mkdir NULL", syscall(SYS_mkdir, null, 0755));
    check("unlink NULL", syscall(SYS_unlink, null));
    check("rmdir NULL", syscall(SYS_rmdir, null));
    check("rename NULL to x", syscall(SYS_rename, null, "x"));
    check("rename f to NULL", syscall(SYS_rename, "f", null));
    check("link f to NULL", syscall(SYS_link, "f", null));
    check("symlink NULL", syscall(SYS_symlink, null, "x"));
    check("readlink NULL", syscall(SYS_readlink, null, (char[64]){0}, 64));
    check("chdir NULL", syscall(SYS_chdir, null));
    check("access NULL", syscall(SYS_access, null, F_OK));
    check("truncate NULL", syscall(SYS_truncate, null, 0));
    check("chmod NULL", syscall(SYS_chmod, null, 0644));
    check("stat f into NULL", syscall(SYS_stat, "f", null));
    // a name that runs into an unmapped page before its terminating 0
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page + 4096, 4096);
    char *name = page + 4096 - 10;
    memcpy(name, "abcdefghij", 10);
    check("open unterminated", syscall(SYS_open, name, O_RDONLY));
    check("mkdir unterminated", syscall(SYS_mkdir, name, 0755));
    check("stat unterminated", syscall(SYS_stat, name, (char[256]){0}));
    check("rename f to unterminated", syscall(SYS_rename, "f", name));
    check("symlink to unterminated target", syscall(SYS_symlink, name, "x"));
    // the same bytes, terminated one page earlier: a good name
    name[9] = 0;
    check("open terminated (missing file)", syscall(SYS_open, name, 0));
    munmap(page, 4096);
}

/* PATH_MAX and NAME_MAX. */
static void
too_long(void)
{
    printf("-- too long\n");
    static char path[2 * PATH_MAX];
    // 4095 bytes: "./" repeated, then "f": the longest path allowed
    size_t n = 0;
    while (n < PATH_MAX - 3) {
        path[n++] = '.';
        path[n++] = '/';
    }
    path[n++] = 'f';
    path[n] = 0;
    printf("path of %zu bytes\n", strlen(path));
    check("stat, PATH_MAX - 1 bytes", stat(path, &(struct stat){0}));
    memmove(path + 1, path, n + 1);
    path[0] = '/';
    printf("path of %zu bytes\n", strlen(path));
    check("stat, PATH_MAX bytes", stat(path, &(struct stat){0}));
    check("open, PATH_MAX bytes", open(path, O_RDONLY));
    check("mkdir, PATH_MAX bytes", mkdir(path, 0755));
    memset(path, 'a', 5000);
    path[5000] = 0;
    check("open, 5000 bytes", open(path, O_RDONLY));
    // a component of NAME_MAX + 1 bytes, and of NAME_MAX
    char name[NAME_MAX + 2];
    memset(name, 'n', NAME_MAX + 1);
    name[NAME_MAX + 1] = 0;
    check("open O_CREAT, NAME_MAX + 1", open(name, O_CREAT | O_WRONLY, 0644));
    check("mkdir, NAME_MAX + 1", mkdir(name, 0755));
    check("stat, NAME_MAX + 1", stat(name, &(struct stat){0}));
    snprintf(path, sizeof(path), "d/%s/x", name);
    check("stat, NAME_MAX + 1 in the middle", stat(path, &(struct stat){0}));
    name[NAME_MAX] = 0;
    long fd = open(name, O_CREAT | O_WRONLY, 0644);
    check("open O_CREAT, NAME_MAX", fd);
    drop(fd);
    check("unlink, NAME_MAX", unlink(name));
}

/* The empty path: ENOENT, except with AT_EMPTY_PATH. */
static void
empty(void)
{
    printf("-- empty path\n");
    struct stat st;
    check("open \"\"", open("", O_RDONLY));
    check("stat \"\"", stat("", &st));
    check("mkdir \"\"", mkdir("", 0755));
    check("unlink \"\"", unlink(""));
    check("rmdir \"\"", rmdir(""));
    check("chdir \"\"", chdir(""));
    check("rename \"\" to x", rename("", "x"));
    check("symlink f to \"\"", symlink("f", ""));
    check("readlink \"\"", readlink("", (char[8]){0}, 8));
    int fd = open("f", O_RDONLY);
    check("fstatat(f, \"\", 0)", fstatat(fd, "", &st, 0));
    long r = fstatat(fd, "", &st, AT_EMPTY_PATH);
    check("fstatat(f, \"\", AT_EMPTY_PATH)", r);
    printf("  regular %d, size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
    check("fchownat(f, \"\", AT_EMPTY_PATH)",
          fchownat(fd, "", getuid(), getgid(), AT_EMPTY_PATH));
    check("openat(f, \"x\")", openat(fd, "x", O_RDONLY));
    check("openat(99, \"x\")", openat(99, "x", O_RDONLY));
    check("openat(99, \"/\")", openat(99, "/", O_RDONLY));
    close(fd);
}

/* Calls on the wrong kind of file. */
static void
wrong_type(void)
{
    printf("-- wrong type\n");
    char buf[16];
    long fd = open("d", O_RDONLY);
    check("read a directory", read(fd, buf, sizeof(buf)));
    check("write a directory", write(fd, buf, 1));
    check("ftruncate a directory", ftruncate(fd, 0));
    drop(fd);
    check("open a directory O_WRONLY", open("d", O_WRONLY));
    check("open a directory O_RDWR", open("d", O_RDWR));
    check("open a directory O_CREAT", open("d", O_CREAT | O_RDONLY, 0644));
    check("open O_CREAT name/", open("new/", O_CREAT | O_WRONLY, 0644));
    check("truncate a directory", truncate("d", 0));
    check("rmdir a file", rmdir("f"));
    check("unlink a directory", unlink("d"));
    check("unlinkat AT_REMOVEDIR a file", unlinkat(AT_FDCWD, "f", 0x200));
    check("unlinkat bad flags", unlinkat(AT_FDCWD, "f", 0x1));
    check("open a file O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
    check("stat f/", stat("f/", &(struct stat){0}));
    check("stat f/x", stat("f/x", &(struct stat){0}));
    check("mkdir f/x", mkdir("f/x", 0755));
    check("chdir to a file", chdir("f"));
    check("mkdir an existing directory", mkdir("d", 0755));
    check("mkdir an existing file", mkdir("f", 0755));
    check("mkdir in a missing directory", mkdir("missing/x", 0755));
    check("open O_CREAT|O_EXCL existing", open("f", O_CREAT | O_EXCL, 0644));
    check("open O_EXCL a directory", open("d", O_CREAT | O_EXCL, 0644));
    check("rename a directory into itself", rename("d", "d/sub/inner"));
    check("rename a directory onto itself", rename("d", "d"));
    check("rename a directory onto a file", rename("d", "f"));
    check("rename a file onto a directory", rename("f", "d"));
    check("rename onto a full directory", rename("e", "d"));
    check("rename a missing file", rename("missing", "x"));
    check("rename . away", rename("d/.", "y"));
    check("renameat2 NOREPLACE onto a file",
          syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "f", 1));
    check("rename a file onto itself", rename("f", "f"));
    check("rmdir a full directory", rmdir("d"));
    check("rmdir d/.", rmdir("d/."));
    check("rmdir d/sub/..", rmdir("d/sub/.."));
    check("rmdir a missing one", rmdir("missing"));
    check("link to a directory", link("d", "dlink"));
    check("link onto an existing name", link("f", "g"));
    check("link a missing file", link("missing", "x"));
    check("symlink onto an existing name", symlink("f", "g"));
    check("readlink of a file", readlink("f", buf, sizeof(buf)));
    check("open O_NOFOLLOW a symlink", open("sl", O_RDONLY | O_NOFOLLOW));
    check("open a symlink loop", open("loop", O_RDONLY));
    check("open a dangling symlink", open("dangle", O_RDONLY));
    check("mkdir through a dangling symlink", mkdir("dangle", 0755));
    fd = open("f", O_RDONLY);
    check("write to O_RDONLY", write(fd, "x", 1));
    check("ftruncate O_RDONLY", ftruncate(fd, 0));
    check("getdents64 of a file", syscall(SYS_getdents64, fd, buf, 16));
    check("lseek to -1", lseek(fd, -1, SEEK_SET));
    check("lseek bad whence", lseek(fd, 0, 42));
    check("fchdir to a file", fchdir(fd));
    drop(fd);
    fd = open("f", O_WRONLY);
    check("read from O_WRONLY", read(fd, buf, 1));
    check("ftruncate to -1", ftruncate(fd, -1));
    drop(fd);
    int p[2];
    if (pipe(p) == 0) {
        check("ftruncate a pipe", ftruncate(p[1], 0));
        check("getdents64 of a pipe", syscall(SYS_getdents64, p[0], buf, 16));
        close(p[0]);
        close(p[1]);
    }
    check("close -1", close(-1));
    check("read fd 1000", read(1000, buf, 1));
}

/* Fill a 64 KiB tmpfs mounted at "full"; in the child of main. */
static void
fill_tmpfs(void)
{
    if (mount("none", "full", "tmpfs", 0, "size=65536") < 0) {
        // not allowed on this host: mount in a user namespace of our own
        uid_t uid = getuid();
        gid_t gid = getgid();
        char map[64];
        int mount_err = errno;
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
            printf("cannot mount: %s", errname(mount_err));
            printf(", nor unshare: %s\n", errname(errno));
            return;
        }
        int fd = open("/proc/self/setgroups", O_WRONLY);
        if (fd >= 0 && write(fd, "deny", 4) < 0)
            printf("setgroups: %s\n", errname(errno));
        drop(fd);
        snprintf(map, sizeof(map), "0 %d 1", (int)uid);
        fd = open("/proc/self/uid_map", O_WRONLY);
        if (fd < 0 || write(fd, map, strlen(map)) < 0)
            printf("uid_map: %s\n", errname(errno));
        drop(fd);
        snprintf(map, sizeof(map), "0 %d 1", (int)gid);
        fd = open("/proc/self/gid_map", O_WRONLY);
        if (fd < 0 || write(fd, map, strlen(map)) < 0)
            printf("gid_map: %s\n", errname(errno));
        drop(fd);
        check("mount a 64 KiB tmpfs",
              mount("none", "full", "tmpfs", 0, "size=65536"));
    }
    static char chunk[4096];
    memset(chunk, 'x', sizeof(chunk));
    int fd = open("full/big", O_WRONLY | O_CREAT, 0644);
    long total = 0;
    ssize_t r;
    while ((r = write(fd, chunk, sizeof(chunk))) > 0 && total < 1 << 24)
        total += r;
    if (r < 0 && errno == ENOSPC)
        printf("ENOSPC ok\n");
    else
        printf("no ENOSPC: %s after %ld bytes\n", errname(errno), total);
    printf("bytes written: %s\n",
           total > 0 && total <= 65536 ? "some, at most 64 KiB" : "WRONG");
    long g = open("full/more", O_WRONLY | O_CREAT, 0644);
    check("open another file", g);
    check("write to it", write(g, chunk, sizeof(chunk)));
    // a removed file keeps its pages while it is open
    check("unlink the big file", unlink("full/big"));
    check("write while it is still open", write(g, chunk, sizeof(chunk)));
    drop(fd);
    check("write once it is closed", write(g, chunk, sizeof(chunk)));
    check("and again", write(g, chunk, sizeof(chunk)));
    drop(g);
    check("unlink", unlink("full/more"));
    check("umount", umount2("full", 0));
}

/* The full file system, in a child (which may change namespaces). */
static void
enospc(void)
{
    printf("-- full tmpfs\n");
    mkdir("full", 0755);
    pid_t pid = fork();
    if (pid == 0) {
        fill_tmpfs();
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    // and the file system we are on still works
    long fd = open("after", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check("create a file", fd);
    check("write 5", write(fd, "hello", 5));
    check("read back", pread(fd, (char[8]){0}, 8, 0));
    drop(fd);
    check("remove it", unlink("after"));
    check("rmdir full", rmdir("full"));
}

/* The tree the cases work on: f, g, d/sub/x, e/ (empty), links. */
static void
setup(void)
{
    int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "data\n", 5) != 5)
        printf("setup: %s\n", errname(errno));
    drop(fd);
    close(open("g", O_WRONLY | O_CREAT | O_TRUNC, 0644));
    mkdir("d", 0755);
    mkdir("d/sub", 0755);
    mkdir("e", 0755);
    close(open("d/sub/x", O_WRONLY | O_CREAT | O_TRUNC, 0644));
    symlink("f", "sl");
    symlink("loop", "loop");
    symlink("nowhere", "dangle");
}

static void
cleanup(void)
{
    const char *files[] = {"f", "g", "d/sub/x", "sl", "loop", "dangle"};
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
        if (unlink(files[i]) < 0)
            printf("cleanup %s: %s\n", files[i], errname(errno));
    const char *dirs[] = {"d/sub", "d", "e"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
        if (rmdir(dirs[i]) < 0)
            printf("cleanup %s: %s\n", dirs[i], errname(errno));
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    // the folder for the files: DIR, or the working directory
    const char *dir = argc > 1 ? argv[1] : ".";
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        printf("mkdir: %s\n", errname(errno));
    if (chdir(dir) < 0)
        return 1;
    setup();
    bad_pointers();
    too_long();
    empty();
    wrong_type();
    enospc();
    cleanup();
    printf("badpaths done\n");
    return 0;
}
