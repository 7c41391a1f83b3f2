/*
 * sendfiletest: sendfile(2) from a regular file to a pipe, /dev/null and
 * (given a folder) another regular file; its offset rules and errors.
 *
 * The source is the program's own binary (the same bytes on Keel and on
 * the host, where ROOT names the staged tree). With NULL as the offset,
 * sendfile uses and advances the source's offset; with a pointer, it
 * uses *offset, writes the new value back and leaves the source's offset
 * alone. The bytes that come out are compared with a pread of the same
 * range. Errors: EBADF (closed descriptors, wrong access modes), ESPIPE
 * (an offset with a pipe as source), EINVAL (negative offset or count,
 * a pipe or a directory as source, an O_APPEND target), EFAULT (a bad
 * offset pointer), EAGAIN (a full non-blocking pipe). With a folder argument (it must not exist; it is
 * made and removed), file-to-file copies too. Output is the same on
 * Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errname.h"

static void
report(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, errname(errno));
    else
        printf("%s: %ld\n", what, r);
}

static char want[70000], got[70000];

/* Read @p n bytes from pipe @p fd into got; equal to want at @p off? */
static int
pipe_matches(int fd, int src, long off, long n)
{
    long have = 0;
    while (have < n) {
        ssize_t k = read(fd, got + have, (size_t)(n - have));
        if (k <= 0)
            return 0;
        have += k;
    }
    return pread(src, want, (size_t)n, off) == n && memcmp(want, got, n) == 0;
}

static void
to_pipe(int src, long size)
{
    int p[2];
    pipe(p);
    report("NULL offset, 1000 bytes", sendfile(p[1], src, NULL, 1000));
    printf("source offset now %ld\n", (long)lseek(src, 0, SEEK_CUR));
    printf("bytes equal: %d\n", pipe_matches(p[0], src, 0, 1000));
    off_t off = 100;
    report("offset 100, 500 bytes", sendfile(p[1], src, &off, 500));
    printf("offset now %ld, source offset %ld\n", (long)off,
           (long)lseek(src, 0, SEEK_CUR));
    printf("bytes equal: %d\n", pipe_matches(p[0], src, 100, 500));
    off = size - 10;
    report("10 bytes before the end, ask 100", sendfile(p[1], src, &off, 100));
    printf("offset at the end: %d\n", off == size);
    printf("bytes equal: %d\n", pipe_matches(p[0], src, size - 10, 10));
    report("at the end", sendfile(p[1], src, &off, 100));
    report("count 0", sendfile(p[1], src, NULL, 0));
    // a full non-blocking pipe: EAGAIN
    char block[4096];
    memset(block, 'x', sizeof(block));
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    long filled = 0, n;
    while ((n = write(p[1], block, sizeof(block))) > 0)
        filled += n;
    printf("pipe filled with %ld bytes\n", filled);
    off = 0;
    report("into the full non-blocking pipe", sendfile(p[1], src, &off, 100));
    printf("offset still %ld\n", (long)off);
    close(p[0]);
    close(p[1]);
}

static void
errors(int src, long size)
{
    int p[2], null = open("/dev/null", O_WRONLY);
    pipe(p);
    off_t off = 0;
    report("closed in_fd", sendfile(null, 99, NULL, 10));
    report("closed out_fd", sendfile(99, src, NULL, 10));
    report("in_fd write-only", sendfile(p[1], null, NULL, 10));
    report("out_fd read-only", sendfile(src, src, NULL, 10));
    report("offset with a pipe as in_fd", sendfile(null, p[0], &off, 10));
    off = -1;
    report("negative offset", sendfile(null, src, &off, 10));
    report("bad offset pointer", sendfile(null, src, (off_t *)1, 10));
    off = 0;
    report("count (size_t)-1", sendfile(null, src, &off, (size_t)-1));
    report("to /dev/null, 4096", sendfile(null, src, &off, 4096));
    printf("offset now %ld\n", (long)off);
    long rest = sendfile(null, src, &off, 0x80000000UL);
    printf("count 2^31 sends the rest: %d\n", rest > 0 && off == size);
    write(p[1], "abc", 3);
    report("a pipe as in_fd", sendfile(null, p[0], NULL, 10));
    int zero = open("/dev/zero", O_RDONLY);
    report("from /dev/zero", sendfile(null, zero, NULL, 100000));
    close(zero);
    int d = open("/", O_RDONLY | O_DIRECTORY);
    report("from a directory", sendfile(null, d, NULL, 10));
    close(d);
    close(null);
    close(p[0]);
    close(p[1]);
}

/* File to file under @p dir: a whole copy, O_APPEND, a directory. */
static void
to_file(int src, long size, const char *dir)
{
    char path[4096];
    if (mkdir(dir, 0700) < 0) {
        printf("mkdir failed\n");
        return;
    }
    snprintf(path, sizeof(path), "%s/copy", dir);
    int dst = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    off_t off = 0;
    long total = 0, n;
    while ((n = sendfile(dst, src, &off, 3000)) > 0)
        total += n;
    printf("copied all: %d, offset at the end: %d\n", total == size,
           off == size);
    struct stat st;
    fstat(dst, &st);
    printf("copy size right: %d\n", st.st_size == size);
    int same = 1;
    for (long at = 0; at < size; at += sizeof(want)) {
        size_t k =
            (size_t)(size - at < (long)sizeof(want) ? size - at
                                                    : (long)sizeof(want));
        same &= pread(src, want, k, at) == (ssize_t)k &&
                pread(dst, got, k, at) == (ssize_t)k &&
                memcmp(want, got, k) == 0;
    }
    printf("copy equal: %d\n", same);
    close(dst);
    int app = open(path, O_WRONLY | O_APPEND);
    off = 0;
    report("to an O_APPEND file", sendfile(app, src, &off, 10));
    close(app);
    unlink(path);
    rmdir(dir);
}

int
main(int argc, char **argv)
{
    char self[4096];
    const char *root = getenv("ROOT");
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(self, sizeof(self), "%s/bin/sendfiletest", root ? root : "");
    int src = open(self, O_RDONLY);
    if (src < 0) {
        printf("cannot open %s\n", self);
        return 1;
    }
    struct stat st;
    fstat(src, &st);
    to_pipe(src, (long)st.st_size);
    errors(src, (long)st.st_size);
    if (argc > 1)
        to_file(src, (long)st.st_size, argv[1]);
    close(src);
    printf("done\n");
    return 0;
}
