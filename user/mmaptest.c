/*
 * mmaptest: mmap, munmap, mprotect, mremap, madvise and brk behave as on
 * Linux.
 *
 * Guards kernel/mm/mmap.c, kernel/mm/mremap.c and kernel/mm/vma.c: regions
 * are split by a partial munmap or mprotect (the rest must stay usable,
 * the hole must fault), rights are enforced on pages already present,
 * MAP_FIXED replaces what was there, mremap keeps the contents when it
 * moves a mapping, MADV_DONTNEED gives zeros back, fork keeps private
 * pages apart but shares MAP_SHARED ones, brk gives pages back when it
 * shrinks, and bad arguments get Linux's errno. A touch that must fault is
 * made in a child, and the child's wait status is printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096UL
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

/* The errno of a failed call as a name, for the few this test expects. */
static const char *
err_name(int e)
{
    switch (e) {
    case EINVAL:
        return "EINVAL";
    case ENOMEM:
        return "ENOMEM";
    case EEXIST:
        return "EEXIST";
    case EBADF:
        return "EBADF";
    case EFAULT:
        return "EFAULT";
    case EPERM:
        return "EPERM";
    default:
        return "other";
    }
}

/* Print "what: ok" or "what: ENAME" for a call returning -1 on error. */
static void
check(const char *what, long r)
{
    if (r == -1)
        printf("%s: %s\n", what, err_name(errno));
    else
        printf("%s: ok\n", what);
}

/* Same for mmap and mremap, which return MAP_FAILED. */
static void
check_map(const char *what, void *p)
{
    check(what, p == MAP_FAILED ? -1 : 0);
    if (p != MAP_FAILED)
        munmap(p, PAGE);
}

/* In a child, read (or write) one byte at @p p; print how it ended. */
static void
touch_in_child(const char *what, volatile char *p, int write)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: child killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: child exited with status %d\n", what, WEXITSTATUS(st));
}

static void
test_anon(void)
{
    char *p = mmap(NULL, 4 * PAGE, RW, ANON, -1, 0);
    printf("anon: zero-filled: %s\n",
           p[0] == 0 && p[4 * PAGE - 1] == 0 ? "yes" : "no");
    for (unsigned long i = 0; i < 4 * PAGE; i++)
        p[i] = (char)(i % 251);
    unsigned long sum = 0;
    for (unsigned long i = 0; i < 4 * PAGE; i++)
        sum += (unsigned char)p[i];
    printf("anon: sum of 4 pages %lu\n", sum);
    check("anon: munmap", munmap(p, 4 * PAGE));
    touch_in_child("anon: touch after munmap", p, 0);
}

static void
test_split(void)
{
    char *p = mmap(NULL, 3 * PAGE, RW, ANON, -1, 0);
    memset(p, 'x', 3 * PAGE);
    check("split: munmap the middle page", munmap(p + PAGE, PAGE));
    printf("split: first and last pages kept: %c %c\n", p[0], p[3 * PAGE - 1]);
    touch_in_child("split: touch the middle page", p + PAGE, 0);
    touch_in_child("split: write the last page", p + 2 * PAGE, 1);
    munmap(p, 3 * PAGE);
}

static void
test_mprotect(void)
{
    char *p = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
    memset(p, 'm', 2 * PAGE);
    check("mprotect: second page read-only",
          mprotect(p + PAGE, PAGE, PROT_READ));
    printf("mprotect: still readable: %c\n", p[PAGE]);
    touch_in_child("mprotect: write the read-only page", p + PAGE, 1);
    touch_in_child("mprotect: write the first page", p, 1);
    check("mprotect: PROT_NONE", mprotect(p, 2 * PAGE, PROT_NONE));
    touch_in_child("mprotect: read a PROT_NONE page", p, 0);
    check("mprotect: back to read-write", mprotect(p, 2 * PAGE, RW));
    printf("mprotect: contents kept: %c %c\n", p[0], p[2 * PAGE - 1]);
    p[0] = 'n';
    printf("mprotect: writable again: %c\n", p[0]);
    check("mprotect: a hole in the range",
          mprotect(p, 2 * PAGE, PROT_READ) == 0 && munmap(p, PAGE) == 0
              ? mprotect(p, 2 * PAGE, RW)
              : -2);
    munmap(p, 2 * PAGE);
}

static void
test_fixed(void)
{
    char *p = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
    memset(p, 'A', 2 * PAGE);
    char *q = mmap(p + PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
    printf("fixed: placed where asked: %s\n", q == p + PAGE ? "yes" : "no");
    printf("fixed: old page replaced by zeros: %s, first kept: %c\n",
           q[0] == 0 ? "yes" : "no", p[0]);
    void *r = mmap(p, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    printf("fixed_noreplace over a mapping: %s\n",
           r == MAP_FAILED ? err_name(errno) : "mapped");
    munmap(p, 2 * PAGE);
    r = mmap(p, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    printf("fixed_noreplace on a free range: %s\n",
           r == p ? "placed" : "elsewhere");
    munmap(p, PAGE);
    char *hint = (char *)0x200000000UL;
    r = mmap(hint, PAGE, RW, ANON, -1, 0);
    printf("hint honored: %s\n", r == hint ? "yes" : "no");
    munmap(r, PAGE);
    char *a = mmap(NULL, PAGE, RW, ANON, -1, 0);
    char *b = mmap(NULL, PAGE, RW, ANON, -1, 0);
    printf("second mapping below the first: %s\n", b < a ? "yes" : "no");
    munmap(a, PAGE);
    munmap(b, PAGE);
}

static void
test_mremap(void)
{
    char *p = mmap(NULL, 4 * PAGE, RW, ANON, -1, 0);
    memset(p, 'g', 4 * PAGE);
    munmap(p + 2 * PAGE, 2 * PAGE);
    char *q = mremap(p, 2 * PAGE, 4 * PAGE, 0);
    printf("mremap: grown in place: %s, new part zero: %s\n",
           q == p ? "yes" : "no", q[3 * PAGE] == 0 ? "yes" : "no");
    char *block = mmap(p + 4 * PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
    void *r = mremap(p, 4 * PAGE, 8 * PAGE, 0);
    printf("mremap: blocked without MAYMOVE: %s\n",
           r == MAP_FAILED ? err_name(errno) : "grew");
    q = mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    printf("mremap: moved: %s, contents kept: %c %c, tail zero: %s\n",
           q != p && q != MAP_FAILED ? "yes" : "no", q[0], q[2 * PAGE - 1],
           q[8 * PAGE - 1] == 0 ? "yes" : "no");
    touch_in_child("mremap: touch the old place", p, 0);
    char *s = mremap(q, 8 * PAGE, PAGE, 0);
    printf("mremap: shrunk in place: %s\n", s == q ? "yes" : "no");
    touch_in_child("mremap: touch past the shrunk end", q + PAGE, 0);
    check_map("mremap: unaligned", mremap(q + 1, PAGE, 2 * PAGE, 0));
    check_map("mremap: bad flags", mremap(q, PAGE, 2 * PAGE, 8));
    check_map("mremap: not mapped", mremap(p, PAGE, 2 * PAGE, 0));
    munmap(q, PAGE);
    munmap(block, PAGE);
}

static void
test_madvise(void)
{
    char *p = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
    memset(p, 'd', 2 * PAGE);
    check("madvise: DONTNEED", madvise(p, PAGE, MADV_DONTNEED));
    printf("madvise: dropped page reads zero: %s, other kept: %c\n",
           p[0] == 0 && p[PAGE - 1] == 0 ? "yes" : "no", p[PAGE]);
    check("madvise: WILLNEED", madvise(p, 2 * PAGE, MADV_WILLNEED));
    check("madvise: bad advice", madvise(p, PAGE, 12345));
    check("madvise: unaligned", madvise(p + 1, PAGE, MADV_DONTNEED));
    munmap(p, 2 * PAGE);
}

static void
test_fork(void)
{
    int *priv = mmap(NULL, PAGE, RW, ANON, -1, 0);
    int *shared = mmap(NULL, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *cow = mmap(NULL, PAGE, RW, ANON, -1, 0);
    *priv = 1;
    *shared = 1;
    *cow = 5;
    pid_t pid = fork();
    if (pid == 0) {
        *priv = 2;
        *shared = 42;
        mprotect(cow, PAGE, PROT_READ);
        mprotect(cow, PAGE, RW);
        *cow = 6;
        _exit(*priv == 2 && *cow == 6 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    printf("fork: child status %d, private %d, shared %d, cow %d\n",
           WEXITSTATUS(st), *priv, *shared, *cow);
    *shared = 7;
    pid = fork();
    if (pid == 0)
        _exit(*shared);
    waitpid(pid, &st, 0);
    printf("fork: child saw the parent's shared write: %d\n", WEXITSTATUS(st));
    munmap(priv, PAGE);
    munmap(shared, PAGE);
    munmap(cow, PAGE);
}

static void
test_brk(void)
{
    char *cur = (char *)syscall(SYS_brk, 0);
    char *want = cur + 3 * PAGE;
    char *got = (char *)syscall(SYS_brk, want);
    printf("brk: grown: %s\n", got == want ? "yes" : "no");
    want[-1] = 'b';
    got = (char *)syscall(SYS_brk, cur);
    printf("brk: shrunk: %s\n", got == cur ? "yes" : "no");
    touch_in_child("brk: touch past the shrunk end", want - 1, 0);
    syscall(SYS_brk, want);
    printf("brk: grown again, reads zero: %s\n", want[-1] == 0 ? "yes" : "no");
    syscall(SYS_brk, cur);
}

/* A huge PROT_NONE reservation (as allocators and runtimes make) costs
 * nothing until used, and goes away quickly. */
static void
test_reserve(void)
{
    size_t big = 1UL << 40;
    char *p = mmap(NULL, big, PROT_NONE, ANON | MAP_NORESERVE, -1, 0);
    printf("reserve: 1 TiB PROT_NONE: %s\n", p == MAP_FAILED ? "failed" : "ok");
    if (p == MAP_FAILED)
        return;
    char *mid = p + (big / 2);
    check("reserve: mprotect a page in the middle", mprotect(mid, PAGE, RW));
    mid[10] = 'r';
    printf("reserve: the page works: %c\n", mid[10]);
    touch_in_child("reserve: touch next to it", mid + PAGE, 0);
    check("reserve: munmap all of it", munmap(p, big));
}

static void
test_einval(void)
{
    check_map("mmap: length 0", mmap(NULL, 0, RW, ANON, -1, 0));
    check_map("mmap: neither shared nor private",
              mmap(NULL, PAGE, RW, MAP_ANONYMOUS, -1, 0));
    check_map("mmap: MAP_FIXED unaligned",
              mmap((void *)0x200000123UL, PAGE, RW, ANON | MAP_FIXED, -1, 0));
    check_map("mmap: offset unaligned", mmap(NULL, PAGE, RW, ANON, -1, 100));
    check_map("mmap: file without an fd",
              mmap(NULL, PAGE, RW, MAP_PRIVATE, -1, 0));
    check_map("mmap: file with a closed fd",
              mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0));
    check_map("mmap: too long", mmap(NULL, 1UL << 50, RW, ANON, -1, 0));
    check_map("mmap: MAP_STACK|MAP_NORESERVE|MAP_POPULATE",
              mmap(NULL, PAGE, RW,
                   ANON | MAP_STACK | MAP_NORESERVE | MAP_POPULATE, -1, 0));
    check_map("mmap: PROT_NONE", mmap(NULL, PAGE, PROT_NONE, ANON, -1, 0));
    check("munmap: unaligned", munmap((void *)0x200000123UL, PAGE));
    check("munmap: length 0", munmap((void *)0x200000000UL, 0));
    check("munmap: nothing there", munmap((void *)0x200000000UL, PAGE));
    check("mprotect: unaligned",
          mprotect((void *)0x200000123UL, PAGE, PROT_READ));
    check("mprotect: nothing there",
          mprotect((void *)0x200000000UL, PAGE, PROT_READ));
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_anon();
    test_split();
    test_mprotect();
    test_fixed();
    test_mremap();
    test_madvise();
    test_fork();
    test_brk();
    test_reserve();
    test_einval();
    printf("mmaptest: done\n");
    return 0;
}
