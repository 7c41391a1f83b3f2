/**
 * @file
 * @ingroup arch
 * @brief The trap frame: what an interrupt or exception leaves on the stack.
 *
 * The CPU pushes SS, RSP, RFLAGS, CS, RIP (and for some exceptions an error
 * code); our stub in vectors.S pushes a zero error code where the CPU does
 * not, the vector number, and then every general register. The result is
 * one struct, read from the lowest address up:
 *
 * @verbatim
 *   high  +-----------+
 *         | ss        |  \
 *         | rsp       |   |
 *         | rflags    |   |  pushed by the CPU
 *         | cs        |   |
 *         | rip       |  /
 *         | error     |  <- CPU (some vectors) or the stub (0)
 *         | vector    |  <- the stub
 *         | rax ...   |  <- trap_entry, in the order below
 *   low   | r15       |  <- rsp when trap_dispatch(frame) is called
 *         +-----------+
 * @endverbatim
 */
#ifndef ASM_TRAP_H
#define ASM_TRAP_H

#include "kernel/types.h"

/** Register state at the moment of a trap; see the picture above. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector; /**< 0-31 exceptions, 32-47 PIC interrupts */
    uint64_t error;  /**< the CPU's error code, or 0 */
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 15 * 8,
               "trap frame: vector follows the 15 saved registers");

/** First vector used for PIC interrupts (IRQ 0). */
#define IRQ_BASE 32
/** Number of PIC interrupt lines. */
#define IRQ_COUNT 16

void trap_dispatch(struct trap_frame *tf);
void exception_handle(struct trap_frame *tf);
void irq_handle(struct trap_frame *tf);
void gdt_init(void);
void tss_set_rsp0(uint64_t rsp0);
void idt_init(void);
void pic_init(void);
void pic_eoi(unsigned irq);
void pic_unmask(unsigned irq);
bool pic_is_spurious(unsigned irq);
#if CHAPTER >= 4
bool arch_kernel_page_fault(struct trap_frame *tf);
#endif

#endif /* ASM_TRAP_H */
