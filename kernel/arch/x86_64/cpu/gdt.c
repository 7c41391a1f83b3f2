/**
 * @file
 * @ingroup arch
 * @brief The GDT and the TSS: segments for long mode and the interrupt stacks.
 *
 * Long mode ignores segment bases and limits, but the CPU still checks the
 * descriptor types and privilege levels, and it finds the Task State Segment
 * through the GDT. The TSS matters for one thing here: its Interrupt Stack
 * Table. A double fault (often a kernel stack overflow) must not run on the
 * broken stack, so vector 8 switches to the dedicated stack in IST slot 1.
 * The layout of the table is in asm/segment.h. Runs once at boot, before
 * interrupts are enabled; no locking.
 */
#include "asm/segment.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/compiler.h"
#include "kernel/string.h"
#include "kernel/types.h"

/** The 64-bit Task State Segment (Intel SDM vol. 3, 8.7). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3]; /**< stack on entry from ring 0..2 (rsp[0]: user) */
    uint64_t reserved1;
    uint64_t ist[7]; /**< Interrupt Stack Table slots 1..7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base; /**< no I/O bitmap: past the end of the TSS */
} __packed;

_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

/** The operand of the lgdt instruction. */
struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

/** Descriptor flags: present, ring, code/data, 64-bit, 4 KiB granularity. */
#define SEG_KERNEL_CODE 0x00af9a000000ffffUL
#define SEG_KERNEL_DATA 0x00cf92000000ffffUL
#define SEG_USER32_CODE 0x00cffa000000ffffUL
#define SEG_USER_DATA 0x00cff2000000ffffUL
#define SEG_USER_CODE 0x00affa000000ffffUL

static uint64_t gdt[GDT_ENTRIES] __aligned(16);
static struct tss tss __aligned(16);
static uint8_t double_fault_stack[8192] __aligned(16);

/** IST slot the double-fault vector uses (see idt.c). */
#define IST_DOUBLE_FAULT 1
/** The double fault's guarded stack, once there is one (0: the array). */
static uint64_t fault_stack_top;

/*
 * A TSS descriptor is 16 bytes: base and limit scattered over the first
 * eight in the legacy layout, the upper 32 bits of the base in the next.
 */
static void
gdt_set_tss(uint64_t base, uint32_t limit)
{
    uint64_t lo = 0;
    lo |= limit & 0xffffUL;
    lo |= (base & 0xffffffUL) << 16;
    lo |= 0x89UL << 40; /* present, type 9: available 64-bit TSS */
    lo |= ((uint64_t)(limit >> 16) & 0xf) << 48;
    lo |= ((base >> 24) & 0xffUL) << 56;
    gdt[GDT_TSS / 8] = lo;
    gdt[GDT_TSS / 8 + 1] = base >> 32;
}

/**
 * @brief Install Keel's GDT and TSS and reload every segment register.
 *
 * Replaces the four-entry boot GDT of entry.S with the full table. CS can
 * only be reloaded by a far return, hence the push/lretq pair.
 * @pre interrupts off; called once on the boot CPU.
 */
void
gdt_init(void)
{
    gdt[KERNEL_CS / 8] = SEG_KERNEL_CODE;
    gdt[KERNEL_DS / 8] = SEG_KERNEL_DATA;
    gdt[USER32_CS / 8] = SEG_USER32_CODE;
    gdt[USER_DS / 8] = SEG_USER_DATA;
    gdt[USER_CS / 8] = SEG_USER_CODE;

    memset(&tss, 0, sizeof(tss));
    tss.ist[IST_DOUBLE_FAULT - 1] =
        fault_stack_top != 0
            ? fault_stack_top
            : (uint64_t)double_fault_stack + sizeof(double_fault_stack);
    tss.iomap_base = sizeof(tss);
    gdt_set_tss((uint64_t)&tss, sizeof(tss) - 1);

    struct gdt_ptr ptr = {sizeof(gdt) - 1, (uint64_t)gdt};
    __asm__ __volatile__("lgdt %0\n\t"
                         "pushq %1\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "movl %2, %%eax\n\t"
                         "movl %%eax, %%ds\n\t"
                         "movl %%eax, %%es\n\t"
                         "movl %%eax, %%ss\n\t"
                         "ltr %w3\n\t"
                         :
                         : "m"(ptr), "i"(KERNEL_CS), "i"(KERNEL_DS),
                           "r"(GDT_TSS)
                         : "rax", "memory");
}

/**
 * @brief Give the double fault a new stack: @p top, one with a guard page
 *        below it (kernel/mm/kstack.c), instead of the array the boot
 *        starts with, which has only other data below it.
 * @param top the new stack's top (16-byte aligned)
 * @pre interrupts off, or no double fault possible (boot)
 */
void
arch_set_fault_stack(vaddr_t top)
{
    fault_stack_top = top; // gdt_init() may run later: it keeps this one
    tss.ist[IST_DOUBLE_FAULT - 1] = top;
}

/**
 * @brief Set the stack the CPU switches to on an interrupt from user mode.
 * @param rsp0 the current thread's kernel stack top
 */
void
tss_set_rsp0(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
