/*
 * exectest: execve fails cleanly, or replaces the program completely.
 *
 * A failed execve must return an error to a process that is still intact
 * (Keel builds the new image before dropping the old one, in
 * kernel/proc/exec.c): a missing file (ENOENT), a file that is not a
 * program (ENOEXEC: /notelf.txt is text, shipped in the initramfs), a
 * directory (EACCES), and bad pointers for the path or argv (EFAULT).
 * Then a real execve of /bin/hello with two arguments and a different
 * HOME: what hello prints shows that arguments and environment arrived.
 *
 * Paths are initramfs paths; when grading/oracle.py runs this on Linux it
 * sets ROOT to a folder laid out like the initramfs, and paths are looked
 * up under it (ROOT is unset on Keel). The output is the same either way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* An address nothing is mapped at, hidden from the compiler's checks. */
static volatile uintptr_t bad_address = 1;
static char rootvar[512];
static char *envp[] = {"HOME=/exectest", NULL, NULL};

/* The folder the initramfs paths are under: "" on Keel. */
static const char *
root(void)
{
    const char *r = getenv("ROOT");
    return r != NULL ? r : "";
}

static const char *
errname(int e)
{
    static char buf[32];
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case ENOEXEC:
        return "ENOEXEC";
    case EACCES:
        return "EACCES";
    case EFAULT:
        return "EFAULT";
    default:
        snprintf(buf, sizeof(buf), "errno %d", e);
        return buf;
    }
}

/* execve @p file (already under ROOT) and report how it failed. */
static void
try_exec(const char *what, const char *file, char *const argv[])
{
    errno = 0;
    int r = execve(file, argv, envp);
    printf("execve %s: %s\n", what, r == -1 ? errname(errno) : "returned");
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("ROOT") != NULL) {
        snprintf(rootvar, sizeof(rootvar), "ROOT=%s", root());
        envp[1] = rootvar;
    }
    char missing[512], text[512], dir[512], hello[512];
    snprintf(missing, sizeof(missing), "%s/nonexistent", root());
    snprintf(text, sizeof(text), "%s/notelf.txt", root());
    snprintf(dir, sizeof(dir), "%s/bin", root());
    snprintf(hello, sizeof(hello), "%s/bin/hello", root());
    char *args[] = {"/bin/hello", "from", "exectest", NULL};

    printf("exectest: start\n");
    try_exec("/nonexistent", missing, args);
    try_exec("/notelf.txt", text, args);
    try_exec("/bin (a directory)", dir, args);
    try_exec("with a bad path pointer", (const char *)bad_address, args);
    try_exec("with a bad argv pointer", hello, (char *const *)bad_address);
    printf("exectest: still here after the failed execs\n");
    execve(hello, args, envp);
    printf("execve /bin/hello: %s\n", errname(errno));
    return 1;
}
