/**
 * @file
 * @ingroup arch
 * @brief Entry stubs for all 256 vectors and the common trap path.
 *
 * The CPU pushes an error code for vectors 8, 10-14, 17, 21, 29 and 30 and
 * nothing for the others. To give trap_dispatch() one frame layout, each
 * stub pushes a zero where the CPU did not, then its vector number, and
 * jumps to trap_entry, which saves the general registers (the struct
 * trap_frame of asm/trap.h), calls trap_dispatch(frame), restores them and
 * returns with iretq.
 */
#include "asm/frame.h"

/* vectors for which the CPU pushes an error code */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                      (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .balign 16
    .globl trap_stub_base
trap_stub_base:
    .set vec, 0
    .rept 256
    .balign 16
    .if HAS_ERROR(vec)
    pushq $vec
    .else
    pushq $0
    pushq $vec
    .endif
    jmp trap_entry
    .set vec, vec + 1
    .endr

// [trap_entry]
trap_entry:
    PUSH_REGS
    cld
    movq %rsp, %rdi          /* struct trap_frame * */
    call trap_dispatch
    /* the way back to the interrupted code; also used to enter user mode */
    .globl trap_return
trap_return:
    POP_REGS
    addq $16, %rsp           /* vector and error code */
    iretq
// [trap_entry]

    /* the address of each stub, for idt.c */
    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .quad trap_stub_base + vec * 16
    .set vec, vec + 1
    .endr
