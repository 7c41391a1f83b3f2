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

/** The double fault vector (DF). */
#define VEC_DOUBLE_FAULT 8
/** The page fault vector (PF). */
#define VEC_PAGE_FAULT 14

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
/**
 * @brief A handler that may take an exception over before the kernel
 *        reports it and stops: true when it handled @p tf.
 *
 * exception_handle() asks each registered fixup in the order of their
 * numbers: a user-mode exception is the program's (a page to map or a
 * signal to send), a kernel single step is cleared, a bad user pointer in
 * a system call meets the exception table. Register with trap_fixup().
 */
struct trap_fixup {
    bool (*fn)(struct trap_frame *tf); /**< true: handled, go back */
    const char *name;                  /**< its name, for readers */
};

/** Register @p fn as a trap fixup, asked in the order of @p order (two
 *  digits, lower first). */
#define trap_fixup(order, fn)                                                  \
    static const struct trap_fixup __trap_fixup_##fn __used __aligned(8)       \
        __section(".trap_fixups." #order) = {fn, #fn}

/**
 * @brief More lines for the report of an exception the kernel cannot
 *        handle: the page walk of the faulting address, whose stack a
 *        double fault overflowed. Register with trap_report().
 */
struct trap_report {
    void (*fn)(const struct trap_frame *tf); /**< print what it knows */
    const char *name;                        /**< its name, for readers */
};

/**
 * @brief Work on the way out of every trap, after its handler: from
 *        chapter 3 on, a new thread may take the CPU after an interrupt,
 *        and a return to user mode does the process's pending work.
 *        Register with trap_exit().
 */
struct trap_exit {
    void (*fn)(struct trap_frame *tf); /**< @p tf: the frame to return to */
    const char *name;                  /**< its name, for readers */
};

/** Register @p fn to run at the end of every trap, in the order of
 *  @p order (two digits, lower first). */
#define trap_exit(order, fn)                                                   \
    static const struct trap_exit __trap_exit_##fn __used __aligned(8)         \
        __section(".trap_exits." #order) = {fn, #fn}

/** Register @p fn as a part of the exception report, printed in the
 *  order of @p order (two digits, lower first). */
#define trap_report(order, fn)                                                 \
    static const struct trap_report __trap_report_##fn __used __aligned(8)     \
        __section(".trap_reports." #order) = {fn, #fn}

#endif /* ASM_TRAP_H */
