/**
 * @file
 * @ingroup mm
 * @brief The exception table: how a bad user pointer becomes -EFAULT.
 *
 * From chapter 4 the kernel reads and writes user memory directly, with a
 * handful of instructions in usercopy.S, instead of walking the page
 * tables for every byte. A user pointer that passed the range check
 * (below USER_TOP) can still point at nothing: a page that munmap took
 * away, a PROT_NONE page, a read-only page for a write. The instruction
 * then faults in kernel mode. Each such instruction is listed in the
 * exception table together with a "fix-up" address: the place where the
 * copy routine gives up and returns -EFAULT. The page-fault handler looks
 * the faulting rip up and, if it is listed, resumes the kernel there
 * instead of panicking:
 *
 * @verbatim
 *   read(fd, bad, n)                     usercopy.S
 *        |                               arch_copy_user:
 *        v                                   movq %rdx, %rcx
 *   copy_to_user(bad, buf, n)          1:   rep movsb   ----- #PF ------+
 *     range ok: below USER_TOP               xorl %eax, %eax            |
 *     call arch_copy_user ------------>      ret                        |
 *                                      2:   movq $-EFAULT, %rax <--+   |
 *        ^                                   ret                    |   |
 *        |  rax = -EFAULT                                           |   |
 *        +----------------------------------------------------------+   |
 *                                                                   |   |
 *   __ex_table (section, built by the linker)                       |   |
 *   +-----------------+-----------------+                           |   |
 *   | fault rip  = 1b | fixup rip  = 2b | ---- extable_fixup() -----+   |
 *   | fault rip  = 4b | fixup rip  = 7b |      sets tf->rip = 2b        |
 *   +-----------------+-----------------+            ^                  |
 *                                                    |                  |
 *   trap.c: exception_handle(tf), kernel mode, #PF --+------------------+
 *     1. cr2 below USER_TOP: mm_fault() (demand zero, copy-on-write);
 *        success -> retry the instruction, the copy goes on
 *     2. else extable_fixup(tf): rip listed -> resume at its fix-up
 *     3. else: a kernel bug; report and panic as before
 * @endverbatim
 *
 * The fix-up only changes the saved rip: iretq restores every other
 * register and rflags (so the interrupt flag is exactly what it was in the
 * copy routine), and the routine returns normally to its caller.
 *
 * The table is filled by the assembler (EX_ENTRY in usercopy.S puts a pair
 * of addresses in section __ex_table) and gathered by the linker between
 * __ex_table_start and __ex_table_end (kernel.ld). It is small, so a
 * linear search is enough.
 */
#include "asm/cpu.h"
#include "asm/protect.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"

/** One exception-table entry: where a fault may happen, where to go. */
struct extable_entry {
    uint64_t insn;  /**< address of an instruction that may fault */
    uint64_t fixup; /**< where to continue when it does */
};

/* The table, gathered by the linker script. */
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

/**
 * @brief Resume a faulting kernel instruction at its fix-up, if it has one.
 *
 * Looks @p tf->rip up in the exception table; a listed instruction
 * continues at its fix-up address when the trap returns.
 * @param tf the registers at the fault (rip is changed on success)
 * @return true when @p tf now resumes at a fix-up; false when the rip is
 *         not in the table (a kernel bug: the caller panics)
 * @pre interrupts off (we came through an interrupt gate)
 */
// [fixup]
static bool
extable_fixup(struct trap_frame *tf)
{
    // cppcheck-suppress comparePointers
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end;
         e++) {
        if (e->insn == tf->rip) {
            tf->rip = e->fixup;
            return true;
        }
    }
    return false;
}
// [fixup]

/**
 * @brief Handle a page fault taken in kernel mode, if it is a user access.
 *
 * A fault at a user address (below USER_TOP) while the kernel runs for a
 * process is first given to mm_fault(), exactly as if the program had
 * touched the page itself: copy_to_user() into a fresh heap page maps it,
 * into a copy-on-write page un-shares it. If the program had no right to
 * the page, the faulting instruction must be one of the listed user-access
 * instructions, and it resumes at its fix-up (the copy returns -EFAULT).
 * A fault of SMEP or SMAP (cpu/protect.c) is never a page to bring in.
 * @param tf the registers at the fault
 * @return true when the fault is handled (return from the trap); false
 *         for a kernel bug (the caller reports it and panics)
 * @pre interrupts off; a kernel-mode exception
 */
static bool
kernel_page_fault(struct trap_frame *tf)
{
    uint64_t addr = read_cr2();
    struct proc *p = proc_current();
    if (addr >= USER_TOP)
        return false;
    if (guard_violation(tf, addr)) // SMEP, SMAP: the access is the bug
        return extable_fixup(tf);
    if (p != NULL && p->mm != NULL &&
        mm_fault(p->mm, addr, tf->error & 2, false) == 0)
        return true;
    return extable_fixup(tf);
}
/* The fixup exception_handle() asks: a kernel page fault on a user page. */
static bool
user_pointer_fault(struct trap_frame *tf)
{
    return tf->vector == VEC_PAGE_FAULT && kernel_page_fault(tf);
}
trap_fixup(30, user_pointer_fault);
