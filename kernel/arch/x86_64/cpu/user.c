/**
 * @file
 * @ingroup arch
 * @brief Machine state that follows the running thread: stacks, FS, MSRs.
 *
 * When the CPU enters the kernel from user mode it needs a kernel stack:
 * the TSS's rsp0 for interrupts and exceptions, syscall_kernel_rsp for
 * the SYSCALL instruction. Both must be the *current* thread's stack, so
 * the scheduler calls arch_set_kernel_stack() on every switch. The FS base
 * (thread-local storage, set by arch_prctl) is per thread too.
 * syscall_init() programs the MSRs that make SYSCALL land in syscall_entry.
 */
#include "asm/cpu.h"
#include "asm/segment.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/init.h"

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define EFER_SCE 0x1
/*
 * The rflags bits SYSCALL clears on the way in: Linux's mask. The kernel
 * must not run with the program's flags: TF would single-step the kernel,
 * DF would run string instructions backwards, AC would let the kernel
 * touch user pages unchecked (with SMAP), and NT makes the iretq of
 * trap_return fault (#GP: no task switches in long mode). IF off until
 * the kernel stack is set up. The program's own flags are in r11 and come
 * back with the return.
 */
#define SYSCALL_FMASK                                                          \
    (0x1UL /* CF */ | 0x4UL /* PF */ | 0x10UL /* AF */ | 0x40UL /* ZF */ |     \
     0x80UL /* SF */ | 0x100UL /* TF */ | 0x200UL /* IF */ |                   \
     0x400UL /* DF */ | 0x800UL /* OF */ | 0x3000UL /* IOPL */ |               \
     0x4000UL /* NT */ | 0x10000UL /* RF */ | 0x40000UL /* AC */ |             \
     0x200000UL /* ID */)

extern char syscall_entry[];
extern uint64_t syscall_kernel_rsp;

/**
 * @brief Program SYSCALL: enable it, entry point, selectors, flags to clear.
 *
 * Runs once at boot, interrupts off.
 * @return 0
 */
static int
syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    // STAR[47:32]: kernel CS (SS = +8); STAR[63:48]: base for SYSRET
    wrmsr(MSR_STAR,
          ((uint64_t)(USER32_CS - 3) << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_FMASK);
    return 0;
}
initcall(arch, syscall_init);

/**
 * @brief Make @p top the stack the CPU uses when it enters from user mode.
 * @param top the current thread's kernel stack top
 * @pre interrupts off (called by the scheduler)
 */
void
arch_set_kernel_stack(vaddr_t top)
{
    tss_set_rsp0(top);
    syscall_kernel_rsp = top;
}

/**
 * @brief Load the FS base (user thread-local storage).
 * @param base the value arch_prctl(ARCH_SET_FS) stored for the thread
 */
void
arch_set_fs_base(uint64_t base)
{
    wrmsr(MSR_FS_BASE, base);
}

/**
 * @brief Size of the register frame a system call or trap saves.
 * @return sizeof(struct trap_frame)
 */
size_t
arch_frame_size(void)
{
    return sizeof(struct trap_frame);
}

/**
 * @brief Set the value a frame returns to user mode in rax.
 * @param frame a struct trap_frame
 * @param value the result
 */
void
arch_frame_set_return(void *frame, uint64_t value)
{
    ((struct trap_frame *)frame)->rax = value;
}

/**
 * @brief Make a frame resume user mode at @p rip with stack @p rsp, fresh.
 * @param frame the current thread's user frame
 * @param rip   the new program counter
 * @param rsp   the new stack pointer
 */
void
arch_frame_reset(void *frame, uint64_t rip, uint64_t rsp)
{
    struct trap_frame *tf = frame;
    __builtin_memset(tf, 0, sizeof(*tf));
    tf->rip = rip;
    tf->rsp = rsp;
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    tf->rflags = RFLAGS_IF | 0x2;
}

#if CHAPTER >= 4
/**
 * @brief Make a frame resume user mode on the stack @p rsp (clone's new
 *        stack), the other registers unchanged.
 * @param frame a copy of a user frame
 * @param rsp   the new stack pointer
 */
void
arch_frame_set_stack(void *frame, uint64_t rsp)
{
    ((struct trap_frame *)frame)->rsp = rsp;
}
#endif

/**
 * @brief Read a system call's number and arguments from its frame.
 *
 * Linux's x86_64 convention: number in rax; arguments in rdi, rsi, rdx,
 * r10, r8, r9 (r10, not rcx: SYSCALL overwrites rcx with the return rip).
 * @param frame the frame syscall_entry built
 * @param args  receives the six arguments
 * @return the system-call number
 */
uint64_t
arch_syscall_args(const void *frame, long args[6])
{
    const struct trap_frame *tf = frame;
    args[0] = tf->rdi;
    args[1] = tf->rsi;
    args[2] = tf->rdx;
    args[3] = tf->r10;
    args[4] = tf->r8;
    args[5] = tf->r9;
    return tf->rax;
}

#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)

static uint8_t fpu_clean[512] __aligned(16);

/**
 * @brief Let user programs use SSE, and record a clean FPU state.
 *
 * The kernel itself never touches the FPU or SSE registers (it is built
 * with -mgeneral-regs-only), but every C library uses SSE: the CPU must be
 * told the OS saves that state (CR4.OSFXSR), or SSE instructions fault.
 * The state after FNINIT becomes the template of every new program.
 * @return 0
 */
static int
fpu_init(void)
{
    uint64_t cr0 = (read_cr0() & ~CR0_EM) | CR0_MP;
    __asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0));
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4));
    __asm__ __volatile__("fninit; fxsave %0" : "=m"(fpu_clean));
    return 0;
}
initcall(arch, fpu_init);

/**
 * @brief Save the FPU/SSE registers into @p area (512 bytes, 16-aligned).
 * @param area the outgoing thread's save area
 */
void
arch_fpu_save(void *area)
{
    __asm__ __volatile__("fxsave (%0)" : : "r"(area) : "memory");
}

/**
 * @brief Load the FPU/SSE registers from @p area.
 * @param area the incoming thread's save area
 */
void
arch_fpu_restore(const void *area)
{
    __asm__ __volatile__("fxrstor (%0)" : : "r"(area) : "memory");
}

/**
 * @brief Fill @p area with the clean state a new program starts with.
 * @param area a 512-byte, 16-aligned save area
 */
void
arch_fpu_reset(void *area)
{
    __builtin_memcpy(area, fpu_clean, sizeof(fpu_clean));
}
