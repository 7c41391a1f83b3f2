/**
 * @file
 * @ingroup arch
 * @brief arch_init() and the interrupt-flag primitives.
 *
 * arch_init() puts the CPU into the state the portable kernel expects:
 * Keel's GDT and TSS, the IDT with all 256 vectors, and the PICs remapped
 * and masked. Interrupts stay off until kmain turns them on.
 */
#include "asm/cpu.h"
#include "asm/trap.h"
#include "kernel/arch.h"

/**
 * @brief Set up descriptor tables and interrupt controllers.
 * @pre interrupts off; called once from kmain before any init call
 */
void
arch_init(void)
{
    gdt_init();
    idt_init();
    pic_init();
}

/** @brief Let interrupts in (sti). */
void
arch_irq_enable(void)
{
    __asm__ __volatile__("sti" ::: "memory");
}

/** @brief Keep interrupts out (cli). */
void
arch_irq_disable(void)
{
    __asm__ __volatile__("cli" ::: "memory");
}

/**
 * @brief Disable interrupts and return the previous state.
 * @return the flags to hand back to arch_irq_restore()
 */
irqflags_t
arch_irq_save(void)
{
    irqflags_t flags = read_rflags();
    arch_irq_disable();
    return flags;
}

/**
 * @brief Re-enable interrupts if they were on at arch_irq_save().
 * @param flags what arch_irq_save() returned
 */
void
arch_irq_restore(irqflags_t flags)
{
    if (flags & RFLAGS_IF)
        arch_irq_enable();
}

/**
 * @brief Are interrupts on?
 * @return true when RFLAGS.IF is set
 */
bool
arch_irq_enabled(void)
{
    return (read_rflags() & RFLAGS_IF) != 0;
}

/**
 * @brief Sleep until the next interrupt.
 *
 * `sti; hlt` as one pair: sti takes effect after the next instruction, so
 * an interrupt cannot slip in between and leave us halted with work to do.
 */
void
arch_idle(void)
{
    __asm__ __volatile__("sti; hlt" ::: "memory");
}
