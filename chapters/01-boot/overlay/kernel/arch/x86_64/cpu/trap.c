/**
 * @file
 * @ingroup arch
 * @brief Where every interrupt and exception lands, and the exception report.
 *
 * trap_dispatch() is called by trap_entry (vectors.S) with the saved
 * registers. Vectors 32-47 are hardware interrupts and go to irq_handle().
 * Vectors 0-31 are CPU exceptions; in chapter 1 every exception is a kernel
 * bug, so exception_handle() prints everything a student needs to find it:
 * the exception's name, the decoded error code, CR2 for a page fault, the
 * registers, and a symbolized backtrace; then it stops the machine with
 * status KEEL_EXIT_PANIC. Later chapters route user-mode faults to signals.
 */
#include "asm/trap.h"
#include "asm/cpu.h"
#include "kernel/arch.h"
#include "kernel/irq.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "uapi/errno.h"
#if CHAPTER >= 2
#include "kernel/mm.h"
#endif
#if CHAPTER >= 3
#include "kernel/proc.h"
#include "kernel/sched.h"
#endif
#if CHAPTER >= 4
#include "kernel/signal.h"
#endif

/** Mnemonic and name of each of the 32 exception vectors (Intel SDM 6.3). */
static const char *const exception_names[32][2] = {
    {"#DE", "Divide Error"},
    {"#DB", "Debug"},
    {"NMI", "Non-Maskable Interrupt"},
    {"#BP", "Breakpoint"},
    {"#OF", "Overflow"},
    {"#BR", "BOUND Range Exceeded"},
    {"#UD", "Invalid Opcode"},
    {"#NM", "Device Not Available"},
    {"#DF", "Double Fault"},
    {"#09", "Coprocessor Segment Overrun"},
    {"#TS", "Invalid TSS"},
    {"#NP", "Segment Not Present"},
    {"#SS", "Stack-Segment Fault"},
    {"#GP", "General Protection"},
    {"#PF", "Page Fault"},
    {"#15", "Reserved"},
    {"#MF", "x87 Floating-Point Error"},
    {"#AC", "Alignment Check"},
    {"#MC", "Machine Check"},
    {"#XM", "SIMD Floating-Point"},
    {"#VE", "Virtualization"},
    {"#CP", "Control Protection"},
    {"#22", "Reserved"},
    {"#23", "Reserved"},
    {"#24", "Reserved"},
    {"#25", "Reserved"},
    {"#26", "Reserved"},
    {"#27", "Reserved"},
    {"#HV", "Hypervisor Injection"},
    {"#VC", "VMM Communication"},
    {"#SX", "Security"},
    {"#31", "Reserved"},
};

#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_RESERVED 0x8
#define PF_INSTR 0x10

/*
 * Decode a page-fault error code into words:
 *
 *   bit 4 3 2 1 0
 *       | | | | +- 0: page not present   1: protection violation
 *       | | | +--- 0: read               1: write
 *       | | +----- 0: kernel mode        1: user mode
 *       | +------- 1: a reserved bit was set in a page-table entry
 *       +--------- 1: instruction fetch (NX)
 */
// [decode_pf]
static void
decode_page_fault(uint64_t err, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s %s%s%s",
             err & PF_PRESENT ? "protection" : "not-present",
             err & PF_WRITE ? "write" : "read",
             err & PF_USER ? "user" : "kernel",
             err & PF_RESERVED ? " reserved-bit" : "",
             err & PF_INSTR ? " instruction-fetch" : "");
}
// [decode_pf]

/*
 * Decode a selector error code (#TS, #NP, #SS, #GP): bit 0 external event,
 * bits 1-2 which table (GDT, IDT, LDT), bits 3-15 the descriptor index.
 */
static void
decode_selector(uint64_t err, char *buf, size_t size)
{
    static const char *const tables[4] = {"GDT", "IDT", "LDT", "IDT"};
    if (err == 0) {
        snprintf(buf, size, "no selector");
        return;
    }
    snprintf(buf, size, "%s%s index %lu (selector 0x%lx)",
             err & 1 ? "external " : "", tables[(err >> 1) & 3],
             (err >> 3) & 0x1fff, err & 0xfff8);
}

static void
print_registers(const struct trap_frame *tf)
{
    char sym[96];
    ksym_format(sym, sizeof(sym), tf->rip);
    pr_emerg("  rip=0x%016lx <%s> cs=0x%lx rflags=0x%lx\n", tf->rip, sym,
             tf->cs, tf->rflags);
    pr_emerg("  rsp=0x%016lx ss=0x%lx\n", tf->rsp, tf->ss);
    pr_emerg("  rax=0x%016lx rbx=0x%016lx rcx=0x%016lx\n", tf->rax, tf->rbx,
             tf->rcx);
    pr_emerg("  rdx=0x%016lx rsi=0x%016lx rdi=0x%016lx\n", tf->rdx, tf->rsi,
             tf->rdi);
    pr_emerg("  rbp=0x%016lx r8 =0x%016lx r9 =0x%016lx\n", tf->rbp, tf->r8,
             tf->r9);
    pr_emerg("  r10=0x%016lx r11=0x%016lx r12=0x%016lx\n", tf->r10, tf->r11,
             tf->r12);
    pr_emerg("  r13=0x%016lx r14=0x%016lx r15=0x%016lx\n", tf->r13, tf->r14,
             tf->r15);
    pr_emerg("  cr0=0x%016lx cr3=0x%016lx cr4=0x%016lx\n", read_cr0(),
             read_cr3(), read_cr4());
}

static void
print_frame(uint64_t pc, void *ctx)
{
    char sym[128];
    (void)ctx;
    ksym_format(sym, sizeof(sym), pc);
    pr_emerg("  [<%016lx>] %s\n", pc, sym);
}

#if CHAPTER == 3
/* Linux signal numbers for the faults a program can cause. */
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11
#endif
#if CHAPTER >= 4
/*
 * The si_code Linux gives the fault of vector @p tf->vector; @p dr6 is
 * the debug status of a #DB (a single step is TRAP_TRACE, an icebp
 * TRAP_BRKPT), @p bus a page fault that is a SIGBUS.
 */
static int
fault_code(const struct trap_frame *tf, uint64_t dr6, bool bus)
{
    switch (tf->vector) {
    case VEC_PAGE_FAULT:
        if (bus)
            return BUS_ADRERR;
        return tf->error & PF_PRESENT ? SEGV_ACCERR : SEGV_MAPERR;
    case 0:
        return FPE_INTDIV;
    case 6:
        return ILL_ILLOPN;
    case 1:
        return dr6 & DR6_BS ? TRAP_TRACE : TRAP_BRKPT;
    case 17:
        return BUS_ADRALN;
    default:
        return SI_KERNEL; // #GP, int3, x87/SIMD errors: as Linux reports
    }
}

/* The program caused @p sig: a signal, which a handler may catch on the
 * way back to user mode. @p dr6 is a #DB's debug status. */
static void
user_fault(const struct trap_frame *tf, int sig, uint64_t dr6)
{
    int code = fault_code(tf, dr6, sig == SIGBUS);
    uint64_t addr = tf->vector == VEC_PAGE_FAULT ? read_cr2()
                    : code == SI_KERNEL          ? 0
                                                 : tf->rip;
    signal_fault(sig, code, addr);
}
#elif CHAPTER == 3
/* The program caused @p sig: it dies of it (its parent's wait4 reports
 * the signal). @p dr6, a #DB's debug status, tells nothing more here. */
static void
user_fault(const struct trap_frame *tf, int sig, uint64_t dr6)
{
    (void)tf;
    (void)dr6;
    proc_kill_fault(sig);
}
#endif
#if CHAPTER >= 3

/*
 * An exception in user mode is the program's, not the kernel's: a page
 * fault may just need a page (demand paging, copy-on-write); anything else
 * kills the process with the signal Linux would send.
 */
// [user_exception]
static void
user_exception(struct trap_frame *tf)
{
    int sig = SIGSEGV, err = 0;
    uint64_t dr6 = 0;
    switch (tf->vector) {
    case VEC_PAGE_FAULT:
        err = mm_fault(proc_current()->mm, read_cr2(), tf->error & PF_WRITE,
                       tf->error & PF_INSTR);
        if (err == 0)
            return;
        if (err == -ENOMEM && mm_oom_retry())
            return; // memory is being freed: the access runs again
        if (err == -EIO)
            sig = SIGBUS; // a file page past the end of the file
        break;
    case 0:  // #DE divide error
    case 16: // #MF x87
    case 19: // #XM SIMD
        sig = SIGFPE;
        break;
    case 6: // #UD
        sig = SIGILL;
        break;
    case 1: // #DB: a single step (TF) or icebp; DR6 says which
        dr6 = read_dr6();
        write_dr6(DR6_CLEAR);
        sig = SIGTRAP;
        break;
    case 3: // #BP int3
        sig = SIGTRAP;
        break;
    case 17: // #AC
        sig = SIGBUS;
        break;
    default: // #GP (also `int N` at a kernel-only gate), #OF, ...
        break;
    }
    pr_info("keel: %s in user mode at rip 0x%lx (cr2 0x%lx)\n",
            exception_names[tf->vector][1], tf->rip,
            tf->vector == VEC_PAGE_FAULT ? read_cr2() : 0);
    user_fault(tf, sig, dr6);
}
// [user_exception]

/* A fixup: an exception taken in user mode is the program's. */
static bool
user_trap(struct trap_frame *tf)
{
    if ((tf->cs & 3) != 3)
        return false;
    user_exception(tf);
    return true;
}
trap_fixup(10, user_trap);
#endif

/* Write @p s to the consoles as it is: no formatting, no buffer. */
static void
say(const char *s)
{
    console_write(s, strlen(s));
}

/*
 * Whether an exception report is already under way: an exception inside
 * the report (printk, the symbol lookup and the backtrace all touch
 * memory) would report itself again and again until the stack ran out.
 * The second one says so in fixed words, and the caller stops the machine.
 * A double fault may nest once: it runs on its own stack (IST 1) and is
 * what a report that overflowed the stack ends in.
 */
static bool
reporting_exception(const struct trap_frame *tf)
{
    static int depth;
    if (depth++ == 0 || (depth == 2 && tf->vector == VEC_DOUBLE_FAULT))
        return false;
    say("EXCEPTION: ");
    say(exception_names[tf->vector][0]);
    say(" inside the report of an earlier exception: stopped\n");
    return true;
}
#if CHAPTER >= 2

/** The unmapped page below the boot stack (boot/entry.S). */
extern char boot_stack_guard[];

/*
 * A report: a double fault whose stack pointer or CR2 is in the guard page
 * below the boot stack is a kernel stack overflow: say so.
 */
static void
report_boot_overflow(const struct trap_frame *tf)
{
    uint64_t lo = (uint64_t)boot_stack_guard, hi = lo + PAGE_SIZE;
    if (tf->vector != VEC_DOUBLE_FAULT ||
        !((tf->rsp >= lo && tf->rsp < hi) ||
          (read_cr2() >= lo && read_cr2() < hi)))
        return;
    pr_emerg("  kernel stack overflow: rsp=0x%lx cr2=0x%lx in a stack's "
             "guard page\n",
             tf->rsp, read_cr2());
}
trap_report(20, report_boot_overflow);

/* A report: the page walk of the address a kernel page fault touched. */
static void
report_page_walk(const struct trap_frame *tf)
{
    if (tf->vector == VEC_PAGE_FAULT)
        vmm_dump_walk(read_cr2());
}
trap_report(10, report_page_walk);
#endif
#if CHAPTER >= 3

/*
 * A report: a double fault in the guard page below a thread's kernel
 * stack is that thread's stack overflowing: say whose.
 */
static void
report_kstack_overflow(const struct trap_frame *tf)
{
    struct thread *t = thread_current();
    if (tf->vector != VEC_DOUBLE_FAULT ||
        !(kstack_is_guard(tf->rsp) || kstack_is_guard(read_cr2())))
        return;
    pr_emerg("  kernel stack overflow: rsp=0x%lx cr2=0x%lx in a stack's "
             "guard page\n",
             tf->rsp, read_cr2());
    if (t != NULL)
        pr_emerg("  the %d-byte stack of thread %s (tid %d)\n", KSTACK_SIZE,
                 t->name, t->tid);
}
trap_report(30, report_kstack_overflow);
#endif

/* A fixup: the kernel never steps itself. A single step in the kernel
 * means the program set TF and the CPU trapped before the kernel's own
 * flags took over: clear TF and go on (the program's TF is in its own
 * frame). */
static bool
kernel_single_step(struct trap_frame *tf)
{
    if (tf->vector != 1)
        return false;
    write_dr6(DR6_CLEAR);
    tf->rflags &= ~RFLAGS_TF;
    return true;
}
trap_fixup(20, kernel_single_step);

/**
 * @brief Report a CPU exception taken in the kernel and stop the machine.
 *
 * Prints `EXCEPTION: <mnemonic> <name> (vector N) error=0x... <decoded>`,
 * then CR2 for a page fault, the registers and a backtrace that starts at
 * the faulting instruction. Never returns.
 * @param tf the registers at the fault
 * @pre interrupts off (we came through an interrupt gate)
 */
void
exception_handle(struct trap_frame *tf)
{
    extern const struct trap_fixup __trap_fixups_start[], __trap_fixups_end[];
    extern const struct trap_report __trap_reports_start[],
        __trap_reports_end[];
    char what[96] = "";
    unsigned v = tf->vector;
    // the program's exception, a step, a bad user pointer: handled
    for_each_in_set(f, __trap_fixups_start, __trap_fixups_end)
    {
        if (f->fn(tf))
            return;
    }
    if (reporting_exception(tf))
        arch_power_off(KEEL_EXIT_PANIC);
    if (v == VEC_PAGE_FAULT)
        decode_page_fault(tf->error, what, sizeof(what));
    else if (v == 10 || v == 11 || v == 12 || v == 13)
        decode_selector(tf->error, what, sizeof(what));
    pr_emerg("EXCEPTION: %s %s (vector %u) error=0x%lx %s\n",
             exception_names[v][0], exception_names[v][1], v, tf->error, what);
    if (v == VEC_PAGE_FAULT)
        pr_emerg("  cr2=0x%016lx (the address that faulted)\n", read_cr2());
    for_each_in_set(r, __trap_reports_start, __trap_reports_end)
    {
        r->fn(tf);
    }
    print_registers(tf);
    pr_emerg("backtrace:\n");
    arch_walk_stack(tf->rbp, tf->rip, print_frame, NULL);
    panic("unhandled %s in kernel mode", exception_names[v][1]);
}

/** How many interrupt handlers are running (0 or 1: they do not nest,
 *  interrupts stay off in them); in_irq() reads it. */
unsigned irq_depth;

/**
 * @brief The C side of every trap: route by vector.
 * @param tf the saved registers (struct trap_frame), on the current stack
 * @pre interrupts off
 */
void
trap_dispatch(struct trap_frame *tf)
{
    extern const struct trap_exit __trap_exits_start[], __trap_exits_end[];
    if (tf->vector < 32) {
        exception_handle(tf);
    } else if (tf->vector < IRQ_BASE + IRQ_COUNT) {
        irq_depth++;
        irq_handle(tf);
        irq_depth--;
    } else {
        pr_warn("trap: stray vector %lu ignored\n", tf->vector);
    }
    for_each_in_set(e, __trap_exits_start, __trap_exits_end)
    {
        e->fn(tf);
    }
}
