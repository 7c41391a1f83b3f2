/*
 * fsfuzz [DIR [SEED [OPS]]]: random file calls, compared with Linux.
 *
 * A seeded generator (the same on every system) picks OPS calls (default
 * 1500) that change and read files: open with random flags, read, write,
 * pread, pwrite, lseek, ftruncate, truncate, mkdir, rmdir, unlink,
 * rename, renameat2, link, symlink, readlink, chmod, stat, getdents64,
 * dup2, close, mmap; on a small set of names under DIR (files,
 * directories, links, a name under a file, the empty name) and a few
 * descriptors, with offsets and lengths that are sometimes silly. As the
 * sequence is the same on Keel and on Linux, so must be every result:
 * the program folds each call's result (a count, or the errno; what
 * stat says, what read returned) into a running hash, prints the hash
 * every 100 calls and, at the end, the tree it made (names, types,
 * modes, sizes and checksums of the regular files). The first
 * checkpoint that differs says where to look; `fsfuzz DIR SEED OPS -v`
 * prints every call and its result, to compare with the host's.
 *
 * Nothing leaves DIR: no name in the set has `..` above DIR, and links
 * point inside. Directory sizes, link counts and offsets, which differ
 * between file systems (the host's folder may be on ext4), are not looked
 * at; modes always leave the owner rwx, so that root (Keel) and another
 * user (the host) get the same answers. The output is the same on Linux.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t state;
static uint64_t hash = 14695981039346656037ULL;
static int verbose;

static uint64_t
next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}

static unsigned
pick(unsigned n)
{
    return (unsigned)(next() >> 33) % n;
}

static void
fold(uint64_t v)
{
    for (int i = 0; i < 8; i++)
        hash = (hash ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ULL;
}

/* The names the calls use, all inside DIR. */
static const char *const names[] = {
    "a",     "b",      "c",      "d",     "d/a",  "d/b", "d/e",
    "d/e/a", "a/x",    "lnk",    "d/lnk", "loop", "",    ".",
    "d/..",  "d/e/..", "none/x", "a/",    "d/",
};
#define NNAMES (sizeof(names) / sizeof(*names))

/* What symlinks point at: inside DIR (relative to the link's folder). */
static const char *const targets[] = {"a", "d", "d/a", "loop", "none", "e/a"};

#define NFDS 6
static int fds[NFDS] = {-1, -1, -1, -1, -1, -1};

static const char *
name(void)
{
    return names[pick(NNAMES)];
}

/* Fold a call's result, and print it with -v. */
static void
result(int op, const char *what, long r)
{
    int e = r < 0 ? errno : 0;
    fold(((uint64_t)op << 40) ^ (uint64_t)(r < 0 ? -e : r));
    if (verbose)
        printf("%s = %ld%s%s\n", what, r < 0 ? -1 : r, r < 0 ? " errno " : "",
               r < 0 ? strerror(e) : "");
}

/* What stat says, without what differs between file systems. */
static long
stat_summary(int follow, const char *path)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r < 0)
        return -1;
    long s = st.st_mode;
    if (!S_ISDIR(st.st_mode))
        s ^= (long)st.st_size << 20;
    return s;
}

/* The sorted names in a directory, folded into one number. */
static long
listing(int fd)
{
    char buf[2048];
    char all[64][64];
    int n = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < r;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            if (n < 64)
                snprintf(all[n++], sizeof(all[0]), "%.60s", d->d_name);
            off += d->d_reclen;
        }
    }
    if (r < 0)
        return -1;
    qsort(all, n, sizeof(all[0]), (int (*)(const void *, const void *))strcmp);
    uint64_t h = 0;
    for (int i = 0; i < n; i++)
        for (const char *p = all[i]; *p; p++)
            h = h * 31 + (unsigned char)*p;
    return (long)(h & 0x7fffffff);
}

/* Whether @p fd is a directory: reading one gives EISDIR or EINVAL,
 * depending on the file system and the kernel's version. */
static bool
is_dir(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
open_flags(void)
{
    static const int acc[] = {O_RDONLY, O_WRONLY, O_RDWR};
    static const int more[] = {O_CREAT,  O_EXCL,      O_TRUNC,
                               O_APPEND, O_DIRECTORY, O_NOFOLLOW};
    int f = acc[pick(3)];
    for (int i = 0; i < 6; i++)
        if (pick(4) == 0)
            f |= more[i];
    if (f & O_CREAT)
        f &= ~O_DIRECTORY; // O_CREAT|O_DIRECTORY changed in Linux 6.4
    return f;
}

/* One random call; @p i its number, for -v. */
static void
one(int i)
{
    static char buf[9000];
    char what[160];
    int op = pick(24), slot = pick(NFDS), fd = fds[slot];
    const char *p = name(), *q = name();
    long r, n = pick(5) == 0 ? 0 : (long)pick(6000) + 1;
    long off = pick(3) == 0 ? (long)pick(70000) : (long)pick(100);
    switch (op) {
    case 0:
    case 1: {
        int f = open_flags();
        r = open(p, f, 0644);
        snprintf(what, sizeof(what), "%d open(%s, %#x)", i, p, f);
        if (r >= 0) {
            if (fds[slot] >= 0)
                close(fds[slot]);
            fds[slot] = r;
            r = slot; // the number itself may differ: fold the slot
        }
        break;
    }
    case 2:
        for (long k = 0; k < n; k++)
            buf[k] = (char)(i + k);
        r = write(fd, buf, n);
        snprintf(what, sizeof(what), "%d write(%d, %ld)", i, slot, n);
        break;
    case 3:
        r = pwrite(fd, buf, n, off);
        snprintf(what, sizeof(what), "%d pwrite(%d, %ld, %ld)", i, slot, n,
                 off);
        break;
    case 4:
    case 5:
        r = is_dir(fd) ? 0 : read(fd, buf, n);
        snprintf(what, sizeof(what), "%d read(%d, %ld)", i, slot, n);
        if (r > 0)
            for (long k = 0; k < r; k++)
                fold((unsigned char)buf[k]);
        break;
    case 6:
        r = is_dir(fd) ? 0 : pread(fd, buf, n, off);
        snprintf(what, sizeof(what), "%d pread(%d, %ld, %ld)", i, slot, n, off);
        if (r > 0)
            for (long k = 0; k < r; k++)
                fold((unsigned char)buf[k]);
        break;
    case 7: {
        int whence = pick(3);
        long o = pick(4) == 0 ? -(long)pick(50) : off;
        // a directory's offsets are the file system's own (ext4: hashes)
        if (is_dir(fd))
            r = 0;
        else
            r = lseek(fd, o, whence);
        snprintf(what, sizeof(what), "%d lseek(%d, %ld, %d)", i, slot, o,
                 whence);
        break;
    }
    case 8:
        r = ftruncate(fd, off);
        snprintf(what, sizeof(what), "%d ftruncate(%d, %ld)", i, slot, off);
        break;
    case 9:
        r = truncate(p, off);
        snprintf(what, sizeof(what), "%d truncate(%s, %ld)", i, p, off);
        break;
    case 10:
        r = mkdir(p, pick(2) ? 0755 : 0700);
        snprintf(what, sizeof(what), "%d mkdir(%s)", i, p);
        break;
    case 11:
        r = rmdir(p);
        snprintf(what, sizeof(what), "%d rmdir(%s)", i, p);
        break;
    case 12:
        r = unlink(p);
        snprintf(what, sizeof(what), "%d unlink(%s)", i, p);
        break;
    case 13:
        r = rename(p, q);
        snprintf(what, sizeof(what), "%d rename(%s, %s)", i, p, q);
        break;
    case 14:
        r = syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, q, 1);
        snprintf(what, sizeof(what), "%d renameat2(%s, %s, NOREPLACE)", i, p,
                 q);
        break;
    case 15:
        r = link(p, q);
        snprintf(what, sizeof(what), "%d link(%s, %s)", i, p, q);
        break;
    case 16: {
        const char *t = targets[pick(6)];
        r = symlink(t, p);
        snprintf(what, sizeof(what), "%d symlink(%s, %s)", i, t, p);
        break;
    }
    case 17: {
        char l[64];
        r = readlink(p, l, sizeof(l));
        snprintf(what, sizeof(what), "%d readlink(%s)", i, p);
        for (long k = 0; k < r; k++)
            fold((unsigned char)l[k]);
        break;
    }
    case 18: {
        // the owner keeps rwx: the same for root and others on the host
        static const int modes[] = {0755, 0700, 0750, 0775, 0711};
        int m = modes[pick(5)];
        r = chmod(p, m);
        snprintf(what, sizeof(what), "%d chmod(%s, %o)", i, p, m);
        break;
    }
    case 19:
    case 20:
        r = stat_summary(op == 19, p);
        snprintf(what, sizeof(what), "%d %s(%s)", i,
                 op == 19 ? "stat" : "lstat", p);
        break;
    case 21:
        if (lseek(fd, 0, SEEK_SET) < 0 && errno == EBADF) {
            r = -1;
        } else {
            r = listing(fd);
        }
        snprintf(what, sizeof(what), "%d getdents64(%d)", i, slot);
        break;
    case 22: {
        int to = pick(NFDS);
        r = fds[to] >= 0 && fd >= 0 ? dup2(fd, fds[to]) : (errno = EBADF, -1);
        if (r >= 0)
            r = to;
        snprintf(what, sizeof(what), "%d dup2(%d, %d)", i, slot, to);
        break;
    }
    default: {
        struct stat st;
        r = fstat(fd, &st);
        snprintf(what, sizeof(what), "%d mmap(%d)", i, slot);
        if (r == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
            size_t len = st.st_size;
            unsigned char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m == MAP_FAILED) {
                r = -1;
            } else {
                uint64_t h = 0;
                for (size_t k = 0; k < len; k++)
                    h = h * 31 + m[k];
                r = (long)(h & 0x7fffffff);
                munmap(m, len);
            }
        }
        break;
    }
    }
    result(op, what, r);
}

/* Print the tree under the working directory, sorted, depth first. */
static void
show_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d == NULL || depth > 4)
        return;
    char list[64][64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            snprintf(list[n++], sizeof(list[0]), "%.60s", e->d_name);
    closedir(d);
    qsort(list, n, sizeof(list[0]),
          (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%.400s/%.60s", dir, list[i]);
        struct stat st;
        lstat(path, &st);
        printf("  %s %o", path + 2, (unsigned)st.st_mode);
        if (S_ISREG(st.st_mode)) {
            int fd = open(path, O_RDONLY);
            uint64_t h = 0;
            unsigned char c;
            while (fd >= 0 && read(fd, &c, 1) == 1)
                h = h * 31 + c;
            if (fd >= 0)
                close(fd);
            printf(" size %ld sum %llx", (long)st.st_size,
                   (unsigned long long)h);
        } else if (S_ISLNK(st.st_mode)) {
            char l[64];
            ssize_t k = readlink(path, l, sizeof(l));
            printf(" -> %.*s", (int)(k > 0 ? k : 0), l);
        }
        printf("\n");
        if (S_ISDIR(st.st_mode))
            show_tree(path, depth + 1);
    }
}

/* Remove everything under @p dir (depth first). */
static void
remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%.400s/%.60s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            chmod(path, 0755);
            remove_tree(path);
            rmdir(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *dir = argc > 1 ? argv[1] : ".";
    state = (argc > 2 ? strtoull(argv[2], NULL, 0) : 1) | 1;
    int ops = argc > 3 ? atoi(argv[3]) : 1500;
    verbose = argc > 4 && strcmp(argv[4], "-v") == 0;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        printf("mkdir: errno %d\n", errno);
    if (chdir(dir) < 0)
        return 1;
    for (int i = 1; i <= ops; i++) {
        one(i);
        if (i % 100 == 0)
            printf("after %d calls: %016llx\n", i, (unsigned long long)hash);
    }
    for (int k = 0; k < NFDS; k++)
        if (fds[k] >= 0)
            close(fds[k]);
    chmod(".", 0755);
    printf("the tree:\n");
    show_tree(".", 0);
    remove_tree(".");
    printf("fsfuzz done\n");
    return 0;
}
