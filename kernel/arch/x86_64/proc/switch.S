/**
 * @file
 * @ingroup proc
 * @brief The context switch: from one thread's kernel stack to another's.
 *
 * arch_context_switch(save_sp, load_sp) is an ordinary function call to
 * its caller, schedule(). The System V ABI says a callee must preserve
 * rbx, rbp and r12-r15; everything else the caller already treats as
 * clobbered. So a switch pushes those six on the old stack, stores the
 * stack pointer in *save_sp, loads load_sp and pops the six of the new
 * thread, and `ret` returns into wherever that thread called the switch:
 *
 * @verbatim
 *   old stack (saved)        new stack (loaded)
 *   +----------------+       +----------------+
 *   | ret into sched |       | ret into sched |  or thread_entry_stub
 *   | rbp            |       | rbp            |  for a thread that has
 *   | rbx            |       | rbx            |  never run
 *   | r12 .. r15     |       | r12 .. r15     |
 *   +----------------+ <-    +----------------+ <- load_sp
 *     *save_sp
 * @endverbatim
 */

    .text
    .globl arch_context_switch
// [switch]
arch_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)       /* save: the old thread's stack pointer */
    movq %rsi, %rsp         /* load: now on the new thread's stack */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
// [switch]

/*
 * A new thread's first switch "returns" here (arch_thread_prepare put this
 * address where the return address would be), with its function in r12
 * and argument in r13. rbp = 0 ends backtraces.
 */
    .globl thread_entry_stub
thread_entry_stub:
    xorl %ebp, %ebp
    movq %r12, %rdi
    movq %r13, %rsi
    call thread_start
1:  hlt
    jmp 1b
