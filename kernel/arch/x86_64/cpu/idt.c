/**
 * @file
 * @ingroup arch
 * @brief The IDT: which code runs for each of the 256 interrupt vectors.
 *
 * Every vector points at a small stub in vectors.S (the table of stubs is
 * `trap_stubs`). The stubs all funnel into trap_dispatch(), so the IDT is
 * uniform: interrupt gates, which clear IF on entry. Only the double
 * fault differs: it switches to its own stack (IST 1, see gdt.c), and the
 * breakpoint and overflow gates, which user code may raise (DPL 3).
 * Runs once at boot, interrupts off; no locking.
 */
#include "asm/segment.h"
#include "asm/trap.h"
#include "kernel/compiler.h"
#include "kernel/types.h"

/** One 16-byte gate descriptor (Intel SDM vol. 3, 6.14.1). */
struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;       /**< 0, or the IST slot to switch stacks to */
    uint8_t type_attr; /**< present, DPL, type 0xe: interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

/** The operand of the lidt instruction. */
struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER 0x60      /* DPL 3: `int N` from user mode may use it */
#define VECTOR_BREAKPOINT 3
#define VECTOR_OVERFLOW 4
#define VECTOR_DOUBLE_FAULT 8

static struct idt_gate idt[256] __aligned(16);

/* the 256 entry stubs of vectors.S */
extern const uint64_t trap_stubs[256];

/*
 * Point gate @p vector at @p handler. Only #BP and #OF may be raised by
 * user code with an `int` instruction (int3, `int $3`, `int $4`), as on
 * Linux: their gates have DPL 3. Every other gate has DPL 0, so `int N`
 * from user mode is a #GP (SIGSEGV) instead of a fake hardware interrupt
 * or exception; the CPU's own exceptions ignore the DPL. That includes
 * `int $0x80`, Linux's 32-bit system-call gate: Keel runs no 32-bit
 * programs, so it answers as a Linux built without IA32 emulation does.
 */
static void
idt_set_gate(unsigned vector, uint64_t handler, uint8_t ist)
{
    struct idt_gate *g = &idt[vector];
    g->offset_lo = handler & 0xffff;
    g->selector = KERNEL_CS;
    g->ist = ist;
    g->type_attr = GATE_INTERRUPT;
    if (vector == VECTOR_BREAKPOINT || vector == VECTOR_OVERFLOW)
        g->type_attr |= GATE_USER;
    g->offset_mid = (handler >> 16) & 0xffff;
    g->offset_hi = handler >> 32;
    g->reserved = 0;
}

/**
 * @brief Fill the IDT with the 256 stubs and load it.
 * @pre gdt_init() has run (the TSS holds the IST stacks); interrupts off.
 */
void
idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, trap_stubs[v], v == VECTOR_DOUBLE_FAULT ? 1 : 0);
    struct idt_ptr ptr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(ptr));
}
