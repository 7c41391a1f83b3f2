/**
 * @file
 * @ingroup arch
 * @brief The signal frame on the user stack, and rt_sigreturn.
 *
 * To run a handler, the kernel makes the program look as if it had called
 * the handler itself at the point it was interrupted. Below the user's
 * stack pointer (past the 128-byte red zone the ABI lets leaf functions
 * use) it writes:
 *
 * @verbatim
 *   higher   the interrupted code's stack
 *            128 bytes of red zone, left alone
 *            the FPU/SSE state (FXSAVE, 512 bytes, 64-aligned)
 *            struct k_siginfo         <- rsi (second argument)
 *            struct k_ucontext        <- rdx (third argument): every
 *                                        register, the mask to restore
 *   rsp ->   return address = sa_restorer
 * @endverbatim
 *
 * and points rip at the handler with rdi = the signal number. When the
 * handler returns, `ret` jumps to the C library's restorer, which makes
 * the rt_sigreturn system call with rsp just above the return address,
 * i.e. at the ucontext: arch_signal_return() reads it back.
 *
 * The ucontext is in user memory, so the program may have changed it:
 * rt_sigreturn takes only what a user may set. The frame's cs, with RPL 3
 * as Linux forces it, must be the user code selector: Linux's iretq to
 * any other (a kernel selector with RPL 3, a null one) faults and the
 * program gets SIGSEGV, so Keel refuses the frame (SIGSEGV too; Keel has
 * no 32-bit mode, so the 32-bit user code selector is refused as well).
 * ss becomes the user data selector whatever the frame says (Linux's
 * force_valid_ss), so ring 3 stays ring 3. rflags
 * keeps IF and IOPL (only arithmetic flags, DF, TF, AC and RF come from
 * the frame), rip and rsp must be user addresses (an iretq to a
 * non-canonical rip would fault in the kernel), and the FPU state's MXCSR
 * loses bits the CPU does not support (fxrstor would fault on them).
 */
#include "kernel/signal.h"
#include "asm/cpu.h"
#include "asm/segment.h"
#include "asm/trap.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/** The rflags bits a signal frame may change (Linux's FIX_EFLAGS). */
#define RFLAGS_USER 0x50dd5UL /* CF PF AF ZF SF TF DF OF, RF, AC */
#define RFLAGS_DF (1UL << 10)
#define RFLAGS_RF (1UL << 16)
/** Bytes below rsp that a leaf function may use without moving rsp. */
#define RED_ZONE 128
/** The FXSAVE area. */
#define FXSAVE_SIZE 512
/** Offsets of MXCSR and its mask of supported bits in the FXSAVE area. */
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28

/* Copy the registers of @p tf into a sigcontext. (__unused: only the
 * exercise's code calls it; a handout still builds without it.) */
static __unused void
save_regs(struct k_sigcontext *sc, const struct trap_frame *tf)
{
    sc->r8 = tf->r8, sc->r9 = tf->r9, sc->r10 = tf->r10, sc->r11 = tf->r11;
    sc->r12 = tf->r12, sc->r13 = tf->r13, sc->r14 = tf->r14;
    sc->r15 = tf->r15, sc->rdi = tf->rdi, sc->rsi = tf->rsi;
    sc->rbp = tf->rbp, sc->rbx = tf->rbx, sc->rdx = tf->rdx;
    sc->rax = tf->rax, sc->rcx = tf->rcx, sc->rsp = tf->rsp;
    sc->rip = tf->rip, sc->rflags = tf->rflags;
    sc->cs = USER_CS, sc->ss = USER_DS;
    sc->trapno = tf->vector < 32 ? tf->vector : 0;
    sc->err = tf->vector < 32 ? tf->error : 0;
    sc->cr2 = tf->vector == 14 ? read_cr2() : 0;
}

/* Copy a (checked) sigcontext back into @p tf. */
static void
load_regs(struct trap_frame *tf, const struct k_sigcontext *sc)
{
    tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
    tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14;
    tf->r15 = sc->r15, tf->rdi = sc->rdi, tf->rsi = sc->rsi;
    tf->rbp = sc->rbp, tf->rbx = sc->rbx, tf->rdx = sc->rdx;
    tf->rax = sc->rax, tf->rcx = sc->rcx, tf->rsp = sc->rsp;
    tf->rip = sc->rip;
    tf->rflags = (tf->rflags & ~RFLAGS_USER) | (sc->rflags & RFLAGS_USER) |
                 RFLAGS_IF | 0x2;
    tf->cs = USER_CS; // whatever the frame says: user mode
    tf->ss = USER_DS;
    tf->vector = 0x100; // as after a system call, not a trap
    tf->error = 0;
}

/* The siginfo a handler sees for @p sig sent with @p info. */
static __unused void
fill_siginfo(struct k_siginfo *si, int sig, const struct sig_info *info)
{
    uint64_t faults = SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) |
                      SIGBIT(SIGFPE) | SIGBIT(SIGTRAP);
    si->signo = sig;
    si->code = info->code;
    if ((faults & SIGBIT(sig)) && info->code > 0) {
        si->u.addr = info->addr;
    } else {
        si->u.kill.pid = info->pid;
        si->u.kill.uid = 0;
        si->u.kill.status = info->status;
    }
}

/* Where the frame goes: the alternate stack, if asked for and not on it;
 * else below the red zone. */
static __unused uint64_t
frame_top(const struct trap_frame *tf, const struct k_sigaction *act,
          const struct k_stack *alt)
{
    uint64_t sp = tf->rsp;
    bool on_alt = sp - alt->sp < alt->size;
    if ((act->flags & SA_ONSTACK) && !(alt->flags & SS_DISABLE) && !on_alt)
        return alt->sp + alt->size;
    return sp - RED_ZONE;
}

/**
 * @brief Build the signal frame on the user stack; aim the registers at
 *        the handler.
 * @param frame   the user registers (struct trap_frame), changed on success
 * @param sig     the signal
 * @param info    who sent it, for the siginfo
 * @param act     its action (a handler; SA_RESTORER required, as on Linux)
 * @param oldmask the mask rt_sigreturn restores
 * @param alt     the alternate signal stack
 * @return 0; -EFAULT when the frame cannot be written or the handler or
 *         restorer is not a user address (the caller kills the process)
 */
// [signal_frame]
int
arch_signal_frame(void *frame, int sig, const struct sig_info *info,
                  const struct k_sigaction *act, k_sigset_t oldmask,
                  const struct k_stack *alt)
{
    // >>> exercise 4.3 signal-frame
    struct trap_frame *tf = frame;
    uint8_t fx[FXSAVE_SIZE] __aligned(16);
    struct k_rt_sigframe f;
    if (!(act->flags & SA_RESTORER) || act->handler >= USER_TOP ||
        act->restorer >= USER_TOP)
        return -EFAULT;
    // the FPU state, then the frame, aligned so that the handler starts
    // as after a call: rsp + 8 a multiple of 16
    uint64_t fpstate = (frame_top(tf, act, alt) - FXSAVE_SIZE) & ~63UL;
    uint64_t sp = ((fpstate - sizeof(f)) & ~15UL) - 8;
    __builtin_memset(&f, 0, sizeof(f));
    f.pretcode = act->restorer;
    f.uc.stack = *alt;
    save_regs(&f.uc.mcontext, tf);
    f.uc.mcontext.fpstate = fpstate;
    f.uc.mcontext.oldmask = oldmask;
    f.uc.sigmask = oldmask;
    fill_siginfo(&f.info, sig, info);
    arch_fpu_save(fx);
    if (copy_to_user(UPTR(fpstate), fx, sizeof(fx)) < 0 ||
        copy_to_user(UPTR(sp), &f, sizeof(f)) < 0)
        return -EFAULT;
    // handler(sig, &info, &uc), returning to the restorer
    tf->rip = act->handler;
    tf->rsp = sp;
    tf->rdi = sig;
    tf->rsi = sp + __builtin_offsetof(struct k_rt_sigframe, info);
    tf->rdx = sp + __builtin_offsetof(struct k_rt_sigframe, uc);
    tf->rax = 0;
    tf->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF);
    return 0;
    // === stub: no frame: the process is killed by SIGSEGV
    // (void)frame, (void)sig, (void)info, (void)act, (void)oldmask;
    // (void)alt;
    // return -EFAULT;
    // <<< exercise 4.3 signal-frame
}
// [signal_frame]

/* Load the FPU state saved at user address @p uaddr, made safe. */
static int
load_fpstate(uint64_t uaddr)
{
    uint8_t fx[FXSAVE_SIZE] __aligned(16);
    uint8_t now[FXSAVE_SIZE] __aligned(16);
    if (copy_from_user(fx, UPTR(uaddr), sizeof(fx)) < 0)
        return -EFAULT;
    arch_fpu_save(now);
    uint32_t mask = *(uint32_t *)(now + FX_MXCSR_MASK);
    if (mask == 0)
        mask = 0xffbf; // the default when the CPU reports none
    *(uint32_t *)(fx + FX_MXCSR) &= mask;
    arch_fpu_restore(fx);
    return 0;
}

/**
 * @brief rt_sigreturn: restore the registers a signal frame saved.
 * @param frame the user registers of the rt_sigreturn call
 * @param mask  receives the mask to restore
 * @return 0 (the system call then returns the restored rax, so as not to
 *         change it); -EFAULT when the frame is unreadable or holds a
 *         non-user rip or rsp or a code selector other than the user's
 *         (the frame is then left as it was; the caller sends SIGSEGV)
 * @pre the current thread's own FPU state is live
 */
int
arch_signal_return(void *frame, k_sigset_t *mask)
{
    struct trap_frame *tf = frame;
    struct k_ucontext uc;
    // the handler's `ret` popped pretcode: rsp points at the ucontext
    if (copy_from_user(&uc, UPTR(tf->rsp), sizeof(uc)) < 0)
        return -EFAULT;
    const struct k_sigcontext *sc = &uc.mcontext;
    if (sc->rip >= USER_TOP || sc->rsp >= USER_TOP || (sc->cs | 3) != USER_CS)
        return -EFAULT;
    if (sc->fpstate != 0 && load_fpstate(sc->fpstate) < 0)
        return -EFAULT;
    load_regs(tf, sc);
    *mask = uc.sigmask;
    return 0;
}

/**
 * @brief Make a system call happen again: back over `syscall` (2 bytes),
 *        with its number in rax again.
 * @param frame the user registers
 * @param nr    the system call's number
 */
void
arch_frame_restart(void *frame, long nr)
{
    struct trap_frame *tf = frame;
    tf->rip -= 2;
    tf->rax = nr;
}

/**
 * @brief The value a frame returns in rax (a system call's result).
 * @param frame the user registers
 * @return rax
 */
long
arch_frame_result(const void *frame)
{
    return (long)((const struct trap_frame *)frame)->rax;
}

/**
 * @brief The user stack pointer in a frame.
 * @param frame the user registers
 * @return rsp
 */
uint64_t
arch_frame_user_sp(const void *frame)
{
    return ((const struct trap_frame *)frame)->rsp;
}
