/**
 * @file
 * @ingroup arch
 * @brief SMEP, SMAP and UMIP: the CPU keeps the kernel out of user
 *        memory, except where it means to go.
 *
 * User pages are mapped in every process's half of the address space,
 * so nothing but discipline kept the kernel from running code a program
 * put there, or from following a user pointer without a check. Three
 * CR4 bits turn the discipline into faults:
 *
 * - **SMEP** (supervisor-mode execution prevention): an instruction
 *   fetched from a user page in kernel mode is a page fault. A kernel
 *   bug that jumps through a pointer a program controls runs nothing.
 * - **SMAP** (supervisor-mode access prevention): a kernel read or write
 *   of a user page is a page fault, unless RFLAGS.AC is set. The only
 *   code that sets it is the pair of user-copy routines
 *   (mm/usercopy.S), between `stac` and `clac`: every other path to
 *   user memory has to go through copy_from_user() and friends, with
 *   their checks. SYSCALL clears AC on entry (MSR_FMASK, cpu/user.c), so
 *   a program cannot hand the kernel an open door.
 * - **UMIP** (user-mode instruction prevention): sgdt, sidt, sldt, smsw
 *   and str fault in user mode instead of telling a program where the
 *   kernel keeps its tables. Keel sends the program SIGSEGV; Linux sets
 *   UMIP too but, for old programs' sake, answers sgdt, sidt and smsw
 *   with made-up values (arch/x86/kernel/umip.c), which Keel does not.
 *
 * Each bit is set only when CPUID says the CPU has it (QEMU's `-cpu max`
 * has all three; an old host CPU under KVM may not). `stac` and `clac`
 * do not exist without SMAP, so the copy routines test cpu_smap first.
 *
 * A violation is a kernel bug. The page-fault path must not take it for
 * a page to bring in (the page is there; the access is what is wrong):
 * smap_violation() tells extable.c, and the report names the guard.
 *
 * Locking: none; set once at boot before any process exists.
 */
#include "asm/protect.h"
#include "asm/cpu.h"
#include "kernel/init.h"
#include "kernel/mm.h"
#include "kernel/printk.h"

#define CR4_UMIP (1UL << 11)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)
#define RFLAGS_AC (1UL << 18)
/** Page-fault error code: the page was present (a protection fault). */
#define PF_PRESENT 0x1
/** Page-fault error code: the access was an instruction fetch. */
#define PF_FETCH 0x10

uint8_t cpu_smap;

/* CPUID leaf @p leaf, subleaf 0: the four registers into r[0..3]. */
static void
cpuid_leaf(uint32_t leaf, uint32_t r[4])
{
    __asm__ __volatile__("cpuid"
                         : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                         : "a"(leaf), "c"(0));
}

// [protect_init]
/* At boot: turn on each guard the CPU has, and say which. */
static int
protect_init(void)
{
    uint32_t r[4];
    cpuid_leaf(0, r);
    if (r[0] < 7) {
        pr_info("cpu: no SMEP, SMAP or UMIP (CPUID has no leaf 7)\n");
        return 0;
    }
    cpuid_leaf(7, r);
    bool smep = r[1] & (1U << 7), smap = r[1] & (1U << 20);
    bool umip = r[2] & (1U << 2);
    uint64_t cr4 = read_cr4();
    cr4 |=
        (smep ? CR4_SMEP : 0) | (smap ? CR4_SMAP : 0) | (umip ? CR4_UMIP : 0);
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4) : "memory");
    cpu_smap = smap;
    pr_info("cpu: guards on: smep %s, smap %s, umip %s\n", smep ? "yes" : "no",
            smap ? "yes" : "no", umip ? "yes" : "no");
    return 0;
}
// [protect_init]
initcall(arch, protect_init);

/* A kernel-mode data access at @p addr with SMAP's door shut. */
static bool
smap_violation(const struct trap_frame *tf, uint64_t addr)
{
    return cpu_smap && addr < USER_TOP && (tf->error & PF_PRESENT) &&
           !(tf->error & PF_FETCH) && !(tf->rflags & RFLAGS_AC);
}

/**
 * @brief Is the kernel-mode page fault @p tf at @p addr a guard's: an
 *        instruction fetched from user memory, or a present user page
 *        touched with SMAP's door shut (AC clear)?
 *
 * Such a fault must not be served by bringing the page in: it is there,
 * and the access is what is wrong. Only a listed user-access instruction
 * may recover from it (the self-test's probe); anything else is reported
 * and stops the machine.
 * @param tf   the registers at the fault (a kernel-mode page fault)
 * @param addr the address that faulted (CR2)
 * @return true for a guard's fault
 */
bool
guard_violation(const struct trap_frame *tf, uint64_t addr)
{
    return (addr < USER_TOP && (tf->error & PF_FETCH)) ||
           smap_violation(tf, addr);
}

/* A report: which guard a kernel page fault on a user page tripped. */
static void
report_guard(const struct trap_frame *tf)
{
    uint64_t addr = read_cr2();
    if (tf->vector != VEC_PAGE_FAULT || addr >= USER_TOP ||
        !(tf->error & PF_PRESENT))
        return;
    if (tf->error & PF_FETCH)
        pr_emerg("  SMEP: the kernel jumped into user memory (0x%lx)\n", addr);
    else if (smap_violation(tf, addr))
        pr_emerg("  SMAP: the kernel touched user memory at 0x%lx outside "
                 "a user copy (copy_from_user, copy_to_user)\n",
                 addr);
}
trap_report(15, report_guard);
