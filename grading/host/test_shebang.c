/*
 * Host unit test for kernel/proc/shebang.c, the `#!` line parser.
 *
 * Guards against: an interpreter name that keeps a trailing blank or CR,
 * an optional argument split at its inner blanks, a line longer than the
 * 256-byte buffer accepted (its name may be cut), an empty `#!` line
 * accepted, the script path or the original arguments lost or out of
 * order, and any read past the file's end (each file lives in a heap
 * block of exactly its length, so AddressSanitizer stops at the first
 * byte too far; 100000 random lines check that).
 *
 * Built by `make host-test`; kmalloc and kfree are malloc and free here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"

#include "kernel/shebang.h"
#include "uapi/errno.h"

void *kmalloc(size_t size);
void kfree(void *ptr);

void *
kmalloc(size_t size)
{
    return malloc(size);
}

void
kfree(void *ptr)
{
    free(ptr);
}

static char *script_argv[] = {"s", "a", "b", NULL};

/* Rewrite @p text as the script "/s" run with argv {"s", "a", "b"}. */
static int
rewrite(const char *text, size_t len, struct exec_args *a, struct shebang *sb)
{
    char *file = malloc(len ? len : 1);
    memcpy(file, text, len);
    a->path = "/s";
    a->argv = script_argv;
    a->argc = 3;
    int err = shebang_rewrite(file, len, a, sb);
    free(file);
    return err;
}

/* Expect @p text to give the argv @p want (NULL-terminated). */
static void
expect_argv(const char *text, const char *const want[])
{
    struct exec_args a;
    struct shebang sb;
    int err = rewrite(text, strlen(text), &a, &sb);
    CHECK(err == 0, "%s: error %d", text, err);
    if (err != 0)
        return;
    int n = 0;
    while (want[n] != NULL)
        n++;
    CHECK(a.argc == n, "%s: argc %d, want %d", text, a.argc, n);
    CHECK(strcmp(a.path, want[0]) == 0, "%s: path %s", text, a.path);
    for (int i = 0; i < n && i < a.argc; i++)
        CHECK(strcmp(a.argv[i], want[i]) == 0, "%s: argv[%d] = '%s', want '%s'",
              text, i, a.argv[i], want[i]);
    CHECK(a.argv[a.argc] == NULL, "%s: argv not NULL-terminated", text);
    shebang_free(&sb);
}

static void
expect_error(const char *text, size_t len, int want)
{
    struct exec_args a;
    struct shebang sb;
    int err = rewrite(text, len, &a, &sb);
    CHECK(err == want, "%.40s...: error %d, want %d", text, err, want);
    shebang_free(&sb);
}

static void
fixed_cases(void)
{
    expect_argv("#!/bin/sh\necho hi\n",
                (const char *const[]){"/bin/sh", "/s", "a", "b", NULL});
    expect_argv("#!/bin/sh -e\n",
                (const char *const[]){"/bin/sh", "-e", "/s", "a", "b", NULL});
    expect_argv(
        "#! \t/bin/awk  -f  x \t\r\n",
        (const char *const[]){"/bin/awk", "-f  x", "/s", "a", "b", NULL});
    expect_argv("#!/bin/sh",
                (const char *const[]){"/bin/sh", "/s", "a", "b", NULL});
    expect_error("#!\n", 3, -ENOEXEC);
    expect_error("#!  \t \n", 7, -ENOEXEC);
    expect_error("#", 1, -ENOEXEC);
    expect_error("", 0, -ENOEXEC);
    expect_error("\x7f"
                 "ELF",
                 4, -ENOEXEC);

    // the buffer's edge: a newline within 256 bytes, or none and no more
    char line[400];
    memset(line, 'x', sizeof(line));
    memcpy(line, "#!/", 3);
    line[255] = '\n';
    struct exec_args a;
    struct shebang sb;
    CHECK(rewrite(line, sizeof(line), &a, &sb) == 0, "newline at byte 255");
    CHECK(strlen(a.path) == 253, "name of %zu bytes", strlen(a.path));
    shebang_free(&sb);
    line[255] = 'x';
    expect_error(line, sizeof(line), -ENOEXEC);
    CHECK(rewrite(line, 256, &a, &sb) == 0, "a 256-byte file, no newline");
    shebang_free(&sb);
}

/* Random lines: never a crash, and a success is well-formed. */
static void
random_lines(void)
{
    static const char alphabet[] = "ab/ \t\r\n-x";
    uint64_t seed = 0x5eba9;
    char text[300];
    for (int i = 0; i < 100000; i++) {
        size_t len = 2 + xorshift64(&seed) % 290;
        memcpy(text, "#!", 2);
        for (size_t k = 2; k < len; k++)
            text[k] = alphabet[xorshift64(&seed) % (sizeof(alphabet) - 1)];
        struct exec_args a;
        struct shebang sb;
        int err = rewrite(text, len, &a, &sb);
        CHECK(err == 0 || err == -ENOEXEC, "random line %d: error %d", i, err);
        if (err == 0) {
            CHECK(a.path[0] != '\0' && strpbrk(a.path, " \t\n") == NULL,
                  "random line %d: interpreter '%s'", i, a.path);
            CHECK(strcmp(a.argv[a.argc - 3], "/s") == 0,
                  "random line %d: script path lost", i);
        }
        shebang_free(&sb);
    }
}

int
main(void)
{
    fixed_cases();
    random_lines();
    return check_report("test_shebang");
}
