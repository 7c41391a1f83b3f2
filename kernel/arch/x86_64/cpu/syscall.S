/**
 * @file
 * @ingroup arch
 * @brief The SYSCALL entry, and the two ways into user mode.
 *
 * A user program asks for a system call with the `syscall` instruction:
 * the number in rax, arguments in rdi, rsi, rdx, r10, r8, r9 (Linux's
 * convention). The CPU jumps to MSR_LSTAR (syscall_entry) in ring 0 with
 * interrupts off (MSR_FMASK), the user rip in rcx and rflags in r11, but
 * still on the user stack. syscall_entry switches to the thread's kernel
 * stack (syscall_kernel_rsp, set on every context switch) and builds the
 * same struct trap_frame an interrupt would, so the C side and the way out
 * (trap_return in vectors.S, an iretq) are shared with interrupts.
 *
 * The program's flags come back as they were (r11), NT included, as on
 * Linux: MSR_FMASK (cpu/user.c) clears in the kernel every flag the
 * program could set (TF, DF, AC, NT and the arithmetic ones), and iretq
 * faults only on the kernel's own NT, not on the one it loads.
 *
 * One CPU: the scratch slot for the user rsp is a plain global. With more
 * CPUs it moves into per-CPU data reached through swapgs.
 */
#include "asm/frame.h"
#include "asm/segment.h"

#define SYSCALL_VECTOR 0x100  /* in trap_frame.vector: not an interrupt */

    .data
    .balign 8
    .globl syscall_kernel_rsp
syscall_kernel_rsp:
    .quad 0
syscall_user_rsp:
    .quad 0

    .text
    .globl syscall_entry
// [syscall_entry]
syscall_entry:
    movq %rsp, syscall_user_rsp(%rip)
    movq syscall_kernel_rsp(%rip), %rsp
    pushq $USER_DS                  /* ss */
    pushq syscall_user_rsp(%rip)    /* rsp */
    pushq %r11                      /* rflags */
    pushq $USER_CS                  /* cs */
    pushq %rcx                      /* rip */
    pushq $0                        /* error */
    pushq $SYSCALL_VECTOR           /* vector */
    PUSH_REGS
    cld
    movq %rsp, %rdi
    xorl %ebp, %ebp                 /* backtraces end here */
    call syscall_dispatch
    jmp trap_return
// [syscall_entry]

/*
 * arch_enter_user(rip, rsp): start user mode at rip with stack rsp, all
 * registers zero, interrupts on. Builds an iret frame and leaves through
 * trap_return like any other return to user mode.
 */
    .globl arch_enter_user
arch_enter_user:
    pushq $USER_DS
    pushq %rsi
    pushq $0x202                    /* rflags: IF, and the reserved bit 1 */
    pushq $USER_CS
    pushq %rdi
    pushq $0                        /* error */
    pushq $0                        /* vector */
    .rept 15
    pushq $0                        /* the general registers */
    .endr
    jmp trap_return

/* arch_resume_user(frame): leave through trap_return with this frame. */
    .globl arch_resume_user
arch_resume_user:
    movq %rdi, %rsp
    jmp trap_return
