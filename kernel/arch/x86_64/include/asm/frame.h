/**
 * @file
 * @ingroup arch
 * @brief Assembler macros that save and restore the general registers.
 *
 * Every way into the kernel (an interrupt stub in vectors.S, the SYSCALL
 * entry in syscall.S) saves the fifteen general registers in the order of
 * struct trap_frame (asm/trap.h), and trap_return restores them: one
 * definition here keeps the three in step. Only for .S files.
 */
#ifndef ASM_FRAME_H
#define ASM_FRAME_H

#ifdef __ASSEMBLY__
/* clang-format off */
.macro PUSH_REGS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm
/* clang-format on */
#endif

#endif /* ASM_FRAME_H */
