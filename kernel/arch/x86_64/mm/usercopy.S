/**
 * @file
 * @ingroup mm
 * @brief The only instructions that touch user memory, each with a fix-up.
 *
 * copy_from_user() and friends (kernel/mm/uaccess.c) check that a user
 * range lies below USER_TOP and then call these routines, which simply
 * copy. A user address may still be bad: unmapped, PROT_NONE, read-only.
 * Then the marked instruction faults; the page-fault handler finds its
 * address in the exception table (section __ex_table, one pair per
 * instruction, written by EX_ENTRY below) and resumes at the paired
 * fix-up, which returns -EFAULT. kernel/arch/x86_64/mm/extable.c draws the
 * whole journey.
 *
 * With SMAP on (cpu/protect.c) the kernel may touch user pages only
 * while RFLAGS.AC is set: each routine opens that door with `stac`
 * before its first user access and shuts it with `clac` on every way
 * out, the fix-up's too. Without SMAP the two instructions do not exist,
 * so USER_OPEN and USER_SHUT test cpu_smap first.
 *
 * Calling convention: the System V one (arguments in rdi, rsi, rdx;
 * result in rax); the routines use only caller-saved registers.
 */

#define EFAULT 14
#define ENAMETOOLONG 36

/* Record "if the instruction at `insn` faults, continue at `fixup`". */
#define EX_ENTRY(insn, fixup)          \
    .pushsection __ex_table, "a";      \
    .balign 8;                         \
    .quad insn, fixup;                 \
    .popsection

/* Open and shut SMAP's door around user accesses (see the top). */
.macro USER_OPEN
    cmpb $0, cpu_smap(%rip)
    je 91f
    stac
91:
.endm
.macro USER_SHUT
    cmpb $0, cpu_smap(%rip)
    je 92f
    clac
92:
.endm

    .text

/*
 * long arch_copy_user(void *dst, const void *src, size_t n)
 *
 * Copy n bytes with `rep movsb` (one instruction, so one table entry
 * covers every byte). Returns 0, or -EFAULT when a byte faulted.
 */
    .globl arch_copy_user
    .type arch_copy_user, @function
// [copy_user]
arch_copy_user:
    movq %rdx, %rcx
    USER_OPEN
1:  rep movsb
    USER_SHUT
    xorl %eax, %eax
    ret
2:  USER_SHUT
    movq $-EFAULT, %rax
    ret
    EX_ENTRY(1b, 2b)
// [copy_user]
    .size arch_copy_user, . - arch_copy_user

/*
 * long arch_strncpy_user(char *dst, const char *src, size_t max)
 *
 * Copy bytes up to and including the first NUL, at most max of them.
 * Returns the string's length, -ENAMETOOLONG when no NUL came within max
 * bytes, or -EFAULT when a byte faulted.
 */
    .globl arch_strncpy_user
    .type arch_strncpy_user, @function
arch_strncpy_user:
    USER_OPEN
    xorl %eax, %eax
3:  cmpq %rdx, %rax
    jae 5f
4:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 6f
    incq %rax
    jmp 3b
5:  movq $-ENAMETOOLONG, %rax
6:  USER_SHUT
    ret
7:  USER_SHUT
    movq $-EFAULT, %rax
    ret
    EX_ENTRY(4b, 7b)
    .size arch_strncpy_user, . - arch_strncpy_user

/*
 * long arch_probe_user_nosmap(const void *src)
 *
 * For the self-test of SMAP only (cpu/protect_test.c): read the byte at
 * src WITHOUT opening the door. Returns the byte, or -EFAULT when the
 * read faulted, as it must with SMAP on.
 */
    .globl arch_probe_user_nosmap
    .type arch_probe_user_nosmap, @function
arch_probe_user_nosmap:
8:  movzbl (%rdi), %eax
    ret
9:  movq $-EFAULT, %rax
    ret
    EX_ENTRY(8b, 9b)
    .size arch_probe_user_nosmap, . - arch_probe_user_nosmap
