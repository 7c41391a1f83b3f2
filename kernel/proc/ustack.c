/**
 * @file
 * @ingroup proc
 * @brief A new program's stack: argc, argv, envp and the auxiliary vector.
 *
 * A program starts with nothing but its registers and its stack, and the
 * stack is where the System V x86_64 ABI (section 3.4.1) puts everything
 * it needs to know: its arguments, its environment, and the auxiliary
 * vector, key-value pairs (AT_*) with facts from the kernel: where the
 * program headers are (musl finds its thread-local storage template
 * through them), the page size, 16 random bytes for the stack protector's
 * canary, the path the program was run as. The C library's start code
 * reads all of it from the stack pointer at entry:
 *
 * @verbatim
 *   USER_STACK_TOP  +------------------------------+
 *                   | 8 zero bytes: end marker     |
 *                   | "/bin/hello\0"               | <- AT_EXECFN
 *                   | "HOME=/\0" ...               | <- envp[0] ...
 *                   | "/bin/hello\0" "-v\0" ...    | <- argv[0] ...
 *                   | (padding)                    |
 *                   | 16 random bytes              | <- AT_RANDOM, 16-aligned
 *                   | (padding)                    |
 *                   | AT_NULL, 0                   |
 *                   | ...                          |  auxv: (key, value)
 *                   | AT_PHDR, 0x400040            |  pairs of 8-byte words
 *                   | NULL                         |
 *                   | envp[envc - 1] ... envp[0]   |  pointers to the
 *                   | NULL                         |  strings above
 *                   | argv[argc - 1] ... argv[0]   |
 *   sp ------------>| argc                         |  sp % 16 == 0
 *                   +------------------------------+
 *                   |  free stack, growing down    |
 *                   |  (pages appear on demand)    |
 *   USER_STACK_TOP - USER_STACK_SIZE ---------------+
 * @endverbatim
 *
 * Linux lays the stack out the same way; that is what lets unmodified
 * static programs run. The whole 8 MiB region is added at once, but like
 * every region it gets pages only when touched: here, the few at the top
 * that mm_copy_to() writes.
 *
 * Arguments and environment together are limited to USTACK_ARG_MAX bytes
 * (strings and pointers), which bounds their number too; past that
 * execve fails with -E2BIG, as on Linux (whose limit depends on the stack
 * size limit, 2 MiB by default).
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/elf.h"
#include "uapi/errno.h"

/** The most bytes argv and envp may take (strings and pointers). */
#if CHAPTER >= 4
#define USTACK_ARG_MAX (256 * 1024)
#else
#define USTACK_ARG_MAX (128 * 1024)
#endif
/** The most entries argv, or envp, may have: as many as USTACK_ARG_MAX
 * holds (a pointer and a NUL each); Linux has no smaller limit. */
#define USTACK_ARGC_MAX ((int)(USTACK_ARG_MAX / 9))
/** The most words the auxiliary vector takes (pairs, AT_NULL included). */
#define AUXV_WORDS (2 * 20)
/** Clock ticks per second that times() counts in (Linux's USER_HZ). */
#define USTACK_CLKTCK 100

/*
 * 8 bytes that look random, for AT_RANDOM (splitmix64, seeded from the
 * time-stamp counter). Not cryptographic: a guessable canary helps an
 * attacker, and a real kernel gathers entropy for this. Good enough for
 * a teaching kernel; the state is not locked, as a lost update between
 * two CPUs only makes it a little less random.
 */
static uint64_t
random_word(void)
{
    static uint64_t state;
    state += 0x9e3779b97f4a7c15UL + arch_cycles();
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

/*
 * The bytes of the strings of argv and envp with their NULs; -E2BIG when
 * there are too many of them or they and their pointers exceed the limit,
 * -EINVAL for a negative count.
 */
static ssize_t
strings_size(char *const argv[], int argc, char *const envp[], int envc)
{
    if (argc < 0 || envc < 0)
        return -EINVAL;
    if (argc > USTACK_ARGC_MAX || envc > USTACK_ARGC_MAX)
        return -E2BIG;
    size_t pointers = (size_t)(argc + envc + 2) * sizeof(uint64_t);
    size_t total = 0;
    for (int i = 0; i < argc + envc; i++) {
        const char *s = i < argc ? argv[i] : envp[i - argc];
        total += strnlen(s, USTACK_ARG_MAX) + 1;
        if (total + pointers > USTACK_ARG_MAX)
            return -E2BIG;
    }
    return total;
}

/*
 * Fill @p av with the auxiliary vector for program @p img whose random
 * bytes are at @p random and path at @p execfn; return its words.
 */
static unsigned
fill_auxv(uint64_t av[AUXV_WORDS], const struct elf_image *img, vaddr_t random,
          vaddr_t execfn)
{
    unsigned n = 0;
#define AUX(key, value)                                                        \
    do {                                                                       \
        av[n++] = (key);                                                       \
        av[n++] = (value);                                                     \
    } while (0)
    if (img->phdr != 0) { // no address for a table that is not loaded
        AUX(AT_PHDR, img->phdr);
        AUX(AT_PHENT, img->phent);
        AUX(AT_PHNUM, img->phnum);
    }
    AUX(AT_PAGESZ, PAGE_SIZE);
    AUX(AT_BASE, img->interp_base); // the dynamic loader, or 0: none
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, img->entry);
    AUX(AT_UID, 0); // everyone is root until users exist
    AUX(AT_EUID, 0);
    AUX(AT_GID, 0);
    AUX(AT_EGID, 0);
    AUX(AT_HWCAP, 0); // C libraries ask cpuid themselves
    AUX(AT_CLKTCK, USTACK_CLKTCK);
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random);
    AUX(AT_EXECFN, execfn);
    AUX(AT_NULL, 0);
#undef AUX
    return n;
}

/**
 * Writes the stack upward: 8-byte words at one place, strings at another.
 * Words are gathered in a small buffer and copied out in batches; the
 * first error sticks and ends all writing.
 */
struct stack_writer {
    struct mm *mm;    /**< the new address space */
    vaddr_t words;    /**< where the buffered words go */
    vaddr_t strings;  /**< where the next string goes */
    uint64_t buf[32]; /**< words not yet copied out */
    unsigned n;       /**< how many */
    int err;          /**< the first error, or 0 */
};

/* Copy the buffered words out to the stack. */
static void
flush_words(struct stack_writer *w)
{
    if (w->err == 0 && w->n > 0)
        w->err = mm_copy_to(w->mm, w->words, w->buf, w->n * sizeof(uint64_t));
    w->words += w->n * sizeof(uint64_t);
    w->n = 0;
}

/* Append the word @p v. */
static void
put_word(struct stack_writer *w, uint64_t v)
{
    w->buf[w->n++] = v;
    if (w->n == ARRAY_SIZE(w->buf))
        flush_words(w);
}

/* Append string @p s to the strings and return its user address. */
static vaddr_t
put_string(struct stack_writer *w, const char *s)
{
    vaddr_t at = w->strings;
    size_t len = strlen(s) + 1;
    if (w->err == 0)
        w->err = mm_copy_to(w->mm, at, s, len);
    w->strings += len;
    return at;
}

/**
 * @brief Build a new program's stack in @p mm, as the x86_64 ABI lays it.
 *
 * Adds the stack region [USER_STACK_TOP - USER_STACK_SIZE,
 * USER_STACK_TOP), read and write, then writes at its top the strings,
 * the random bytes, and the table of argc, argv, envp and the auxiliary
 * vector drawn at the top of this file. The strings come from the kernel:
 * exec copied them in from the old program before its memory went away.
 *
 * @param mm     the new address space, where elf_load() loaded @p img
 * @param argv   @p argc argument strings (kernel memory)
 * @param argc   their number
 * @param envp   @p envc environment strings "NAME=value" (kernel memory)
 * @param envc   their number
 * @param img    what elf_load() found: entry point, program headers
 * @param execfn the path the program was run as (AT_EXECFN), or NULL
 * @param sp     set to the stack pointer to start with: 16-byte aligned,
 *               pointing at argc
 * @return 0; -E2BIG when the arguments are too many or too long (see
 *         USTACK_ARG_MAX); -ENOMEM when memory ran out; -EINVAL for a
 *         negative count, or when something already occupies the stack's
 *         place in @p mm
 * @pre @p mm is not yet used by any thread (no locking needed)
 */
int
ustack_setup(struct mm *mm, char *const argv[], int argc, char *const envp[],
             int envc, const struct elf_image *img, const char *execfn,
             vaddr_t *sp)
{
    const char *fn = execfn != NULL ? execfn : "";
    ssize_t strbytes = strings_size(argv, argc, envp, envc);
    if (strbytes < 0)
        return strbytes;
    int err = mm_map_anon(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
                          VM_READ | VM_WRITE);
    if (err < 0)
        return err;

    // [ustack]
    // from the top down: end marker, strings, random bytes, the table
    vaddr_t strings = USER_STACK_TOP - 8 - (strlen(fn) + 1) - strbytes;
    vaddr_t execfn_at = strings + strbytes;
    vaddr_t random = ALIGN_DOWN(strings - 16, 16);
    uint64_t auxv[AUXV_WORDS];
    unsigned nauxv = fill_auxv(auxv, img, random, execfn_at);
    size_t words = 1 + (argc + 1) + (envc + 1) + nauxv;
    vaddr_t start = ALIGN_DOWN(random - words * sizeof(uint64_t), 16);

    // then from sp upward, each pointer as its string is written
    struct stack_writer w = {.mm = mm, .words = start, .strings = strings};
    put_word(&w, argc);
    for (int i = 0; i < argc; i++)
        put_word(&w, put_string(&w, argv[i]));
    put_word(&w, 0);
    for (int i = 0; i < envc; i++)
        put_word(&w, put_string(&w, envp[i]));
    put_word(&w, 0);
    for (unsigned i = 0; i < nauxv; i++)
        put_word(&w, auxv[i]);
    flush_words(&w);
    put_string(&w, fn);
    uint64_t bytes[2] = {random_word(), random_word()};
    if (w.err == 0)
        w.err = mm_copy_to(mm, random, bytes, sizeof(bytes));
    // the end marker and the padding need no writing: new pages are zero
    // [ustack]
    if (w.err < 0)
        return w.err;
    *sp = start;
    return 0;
}
