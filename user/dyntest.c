/*
 * dyntest: dynamically linked programs, and what execve says when their
 * loader is wrong.
 *
 * A dynamically linked program names its loader in a PT_INTERP segment
 * (glibc's: /lib64/ld-linux-x86-64.so.2); execve loads that file beside
 * the program and starts it, and the loader maps libc.so.6 with mmap.
 * This program runs /bin/hello.dyn (user/hello.c linked dynamically
 * against glibc) three ways: by execve, by running the loader with the
 * program as its argument (as `ld.so --list` does), and through a shell
 * script's #! line. Then it writes copies of /bin/hello.dyn to /tmp whose
 * PT_INTERP names something else and prints what execve answered:
 *
 *   a loader that does not exist       ENOENT
 *   an empty path                      EACCES (Linux finds the cwd)
 *   a directory                        EACCES
 *   a file without the x bit           EACCES
 *   a text file with it                ELIBBAD (not an ELF file)
 *   four bytes of ELF magic            EIO (shorter than an ELF header)
 *   a path without its NUL             ENOEXEC (the program is broken)
 *   a static program                   it runs, as the loader would
 *
 * Linux is the oracle (grading/tests/ch05_dynamic.py): the same binaries
 * run there from the same initramfs.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"

#define PROGRAM "/bin/hello.dyn"
#define LOADER "/lib64/ld-linux-x86-64.so.2"

static char image[4 << 20]; /* /bin/hello.dyn's bytes */
static size_t image_size;
static size_t interp_off, interp_len; /* its PT_INTERP's bytes */

/* Run @p argv[0] in a child; print how it ended, or execve's errno. */
static void
run(const char *what, char *const argv[])
{
    int pipefd[2]; // the child's execve errno, if it fails
    if (pipe(pipefd) < 0) {
        printf("pipe: %s\n", errname(errno));
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        printf("fork: %s\n", errname(errno));
        exit(1);
    }
    if (pid == 0) {
        close(pipefd[0]);
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
        char *envp[] = {"HOME=/dyn", NULL};
        execve(argv[0], argv, envp);
        int e = errno;
        write(pipefd[1], &e, sizeof(e));
        _exit(127);
    }
    close(pipefd[1]);
    int e = 0;
    ssize_t n = read(pipefd[0], &e, sizeof(e));
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (n == sizeof(e))
        printf("%s: execve: %s\n", what, errname(e));
    else if (WIFEXITED(status))
        printf("%s: exit %d\n", what, WEXITSTATUS(status));
    else
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
}

/* Read /bin/hello.dyn and find its PT_INTERP. */
static void
load_program(void)
{
    int fd = open(PROGRAM, O_RDONLY);
    if (fd < 0) {
        printf("open %s: %s\n", PROGRAM, errname(errno));
        exit(1);
    }
    ssize_t n;
    while ((n = read(fd, image + image_size, sizeof(image) - image_size)) > 0)
        image_size += n;
    close(fd);
    Elf64_Ehdr eh;
    memcpy(&eh, image, sizeof(eh));
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_INTERP) {
            interp_off = ph.p_offset;
            interp_len = ph.p_filesz;
        }
    }
    printf("%s names %s\n", PROGRAM,
           interp_len ? image + interp_off : "no loader");
    if (interp_len == 0)
        exit(1);
}

/* Write file @p path with @p len bytes of @p data and mode @p mode. */
static void
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        printf("write %s: %s\n", path, errname(errno));
        exit(1);
    }
    close(fd);
    chmod(path, mode);
}

/*
 * A copy of the program whose loader is @p loader (padded with NULs to the
 * segment's length), or, with @p no_nul, whose segment's last byte is not
 * a NUL; run it and print execve's answer.
 */
static void
try_loader(const char *what, const char *loader, int no_nul)
{
    static int serial;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/dyn%d", serial++);
    char saved[256];
    memcpy(saved, image + interp_off, interp_len);
    memset(image + interp_off, 0, interp_len);
    strncpy(image + interp_off, loader, interp_len - 1);
    if (no_nul)
        image[interp_off + interp_len - 1] = 'x';
    write_file(path, image, image_size, 0755);
    memcpy(image + interp_off, saved, interp_len);
    char *argv[] = {path, NULL};
    run(what, argv);
    unlink(path);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char *direct[] = {PROGRAM, "one", "two", NULL};
    run("execve " PROGRAM, direct);
    char *by_loader[] = {LOADER, PROGRAM, "three", NULL};
    run("the loader runs it", by_loader);
    static const char script[] = "#!" PROGRAM " four\n";
    write_file("/tmp/dynscript", script, sizeof(script) - 1, 0755);
    char *by_script[] = {"/tmp/dynscript", NULL};
    run("a #! script", by_script);
    unlink("/tmp/dynscript");

    load_program();
    write_file("/tmp/noexec", "not run\n", 8, 0644);
    static const char magic[] = "\177ELF";
    write_file("/tmp/short", magic, 4, 0755);
    try_loader("no such loader", "/tmp/none", 0);
    try_loader("an empty path", "", 0);
    try_loader("a directory", "/tmp", 0);
    try_loader("no x bit", "/tmp/noexec", 0);
    try_loader("a text file", "/notelf.txt", 0);
    try_loader("four bytes", "/tmp/short", 0);
    try_loader("no NUL", LOADER, 1);
    try_loader("a static program", "/bin/hello", 0);
    unlink("/tmp/noexec");
    unlink("/tmp/short");
    printf("dyntest: done\n");
    return 0;
}
