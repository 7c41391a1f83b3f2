/**
 * @file
 * @ingroup proc
 * @brief A new thread's first stack frame.
 *
 * A thread that has never run must look to arch_context_switch() exactly
 * like one that switched out: six saved registers and a return address.
 * arch_thread_prepare() builds that frame, with the return address
 * pointing at thread_entry_stub (switch.S), which calls thread_start(fn,
 * arg) in kernel/proc/thread.c.
 */
#include "kernel/arch.h"

extern char thread_entry_stub[];

/**
 * @brief Lay out the first frame of a thread on its empty stack.
 * @param stack_top top of the new kernel stack (16-byte aligned)
 * @param fn        the thread's function, handed over in r12
 * @param arg       its argument, in r13
 * @return the stack pointer to give arch_context_switch() as load_sp
 */
// [prepare]
uint64_t
arch_thread_prepare(vaddr_t stack_top, int (*fn)(void *), void *arg)
{
    uint64_t *sp = (uint64_t *)stack_top;
    // after the switch's ret, rsp = stack_top (16-aligned), as the ABI
    // wants before the stub's call into thread_start
    *--sp = (uint64_t)thread_entry_stub; // where the switch's ret goes
    *--sp = 0;                           // rbp
    *--sp = 0;                           // rbx
    *--sp = (uint64_t)fn;                // r12
    *--sp = (uint64_t)arg;               // r13
    *--sp = 0;                           // r14
    *--sp = 0;                           // r15
    return (uint64_t)sp;
}
// [prepare]
