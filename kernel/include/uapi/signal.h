/**
 * @file
 * @ingroup uapi
 * @brief Linux signals on x86_64: numbers, flags and the structs of the ABI.
 *
 * The layouts here are what a C library compiled for Linux expects: the
 * kernel's struct sigaction (rt_sigaction's argument, not the C library's
 * own struct), siginfo_t (128 bytes), stack_t, and the signal frame the
 * kernel writes on the user stack before running a handler: a return
 * address (the library's restorer, which calls rt_sigreturn), a struct
 * ucontext with the saved registers, and the siginfo. The static_asserts
 * pin every offset a C library reads.
 */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
/** The first real-time signal (the C library keeps a few for itself:
 *  musl's SIGRTMIN is 35). */
#define SIGRTMIN 32
/** The last real-time signal. */
#define SIGRTMAX 64
/** Signals are 1..NSIG-1 (real-time signals 32..64 included). */
#define NSIG 65

/** @name Special handlers (struct k_sigaction.handler). */
///@{
#define SIG_DFL 0 /**< the default action */
#define SIG_IGN 1 /**< discard the signal */
///@}

/** @name sa_flags bits. */
///@{
#define SA_NOCLDSTOP 0x00000001 /**< no SIGCHLD when a child stops */
#define SA_NOCLDWAIT 0x00000002 /**< children do not become zombies */
#define SA_SIGINFO 0x00000004   /**< three-argument handler */
#define SA_RESTORER 0x04000000  /**< sa_restorer is valid (x86_64: always) */
#define SA_ONSTACK 0x08000000   /**< run on the sigaltstack */
#define SA_RESTART 0x10000000   /**< restart interrupted system calls */
#define SA_NODEFER 0x40000000   /**< do not block the signal in its handler */
#define SA_RESETHAND 0x80000000 /**< back to SIG_DFL once delivered */
///@}

/** @name rt_sigprocmask's how. */
///@{
#define SIG_BLOCK 0   /**< add to the mask */
#define SIG_UNBLOCK 1 /**< remove from the mask */
#define SIG_SETMASK 2 /**< replace the mask */
///@}

/** @name si_code values. */
///@{
#define SI_USER 0        /**< kill() */
#define SI_KERNEL 0x80   /**< sent by the kernel */
#define SI_QUEUE (-1)    /**< sigqueue() */
#define SI_TIMER (-2)    /**< a POSIX timer expired */
#define SI_MESGQ (-3)    /**< a message arrived on an empty queue */
#define SI_ASYNCIO (-4)  /**< asynchronous I/O completed */
#define SI_SIGIO (-5)    /**< queued SIGIO */
#define SI_TKILL (-6)    /**< tkill() or tgkill() */
#define SI_ASYNCNL (-60) /**< asynchronous name lookup completed */
#define ILL_ILLOPN 2     /**< SIGILL: illegal operand (ud2) */
#define FPE_INTDIV 1     /**< SIGFPE: integer divide by zero */
#define SEGV_MAPERR 1    /**< SIGSEGV: nothing mapped there */
#define SEGV_ACCERR 2    /**< SIGSEGV: mapped, access not allowed */
#define BUS_ADRALN 1     /**< SIGBUS: misaligned access */
#define BUS_ADRERR 2     /**< SIGBUS: no such byte (a file page past EOF) */
#define TRAP_BRKPT 1     /**< SIGTRAP: breakpoint */
#define TRAP_TRACE 2     /**< SIGTRAP: single-step (RFLAGS.TF) */
#define CLD_EXITED 1     /**< SIGCHLD: the child exited */
#define CLD_KILLED 2     /**< SIGCHLD: the child was killed */
#define CLD_DUMPED 3     /**< SIGCHLD: killed, and dumped core */
#define CLD_TRAPPED 4    /**< SIGCHLD: a traced child trapped */
#define CLD_STOPPED 5    /**< SIGCHLD: the child stopped */
#define CLD_CONTINUED 6  /**< SIGCHLD: the stopped child continued */
///@}

/** @name sigaltstack flags. */
///@{
#define SS_ONSTACK 1     /**< the thread is running on the alternate stack */
#define SS_DISABLE 2     /**< no alternate stack */
#define MINSIGSTKSZ 2048 /**< the smallest alternate stack accepted */
///@}

#ifndef __ASSEMBLY__
#include "kernel/types.h"

/** A set of signals: bit sig-1 for signal sig (sigsetsize is 8). */
typedef uint64_t k_sigset_t;

/** The bit of signal @p sig in a k_sigset_t. */
#define SIGBIT(sig) (1ULL << ((sig)-1))

/** rt_sigaction's struct sigaction (the kernel's layout, not libc's). */
struct k_sigaction {
    uint64_t handler;  /**< SIG_DFL, SIG_IGN or the handler's address */
    uint64_t flags;    /**< SA_* */
    uint64_t restorer; /**< where the handler returns to (rt_sigreturn) */
    k_sigset_t mask;   /**< blocked, in addition, while the handler runs */
};
_Static_assert(sizeof(struct k_sigaction) == 32, "k_sigaction layout");
_Static_assert(__builtin_offsetof(struct k_sigaction, mask) == 24,
               "k_sigaction: mask");

/**
 * siginfo_t: what a three-argument handler learns about its signal (also
 * what sigtimedwait and waitid write). Which member of the union is
 * meant follows from si_code and the signal (kernel/proc/siginfo.c).
 */
struct k_siginfo {
    int32_t signo; /**< the signal */
    int32_t err;   /**< si_errno (always 0 here) */
    int32_t code;  /**< SI_USER, SI_TKILL, SEGV_MAPERR, CLD_EXITED... */
    int32_t pad0;
    union {
        /** kill() and the kernel's own signals (SI_USER, SI_KERNEL) */
        struct {
            int32_t pid;  /**< sender */
            uint32_t uid; /**< sender's real user id */
        } kill;
        /** sigqueue(), tkill() and every other negative si_code */
        struct {
            int32_t pid;    /**< sender */
            uint32_t uid;   /**< sender's real user id */
            uint64_t value; /**< the union sigval */
        } rt;
        /** POSIX timers (SI_TIMER) */
        struct {
            int32_t tid;     /**< the timer's id */
            int32_t overrun; /**< expirations not delivered */
            uint64_t value;  /**< the timer's sigval */
        } timer;
        /** SIGCHLD (CLD_*) */
        struct {
            int32_t pid;    /**< the child */
            uint32_t uid;   /**< the child's real user id */
            int32_t status; /**< exit code, or the signal */
            int32_t pad1;
            int64_t utime; /**< user time, clock ticks (USER_HZ) */
            int64_t stime; /**< system time, clock ticks */
        } chld;
        /** faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) */
        struct {
            uint64_t addr; /**< the address (cr2, or the rip) */
        } fault;
        uint8_t pad[112];
    } u; /**< the fields of each kind of signal */
};
_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(__builtin_offsetof(struct k_siginfo, u) == 16,
               "siginfo: the union at 16");
_Static_assert(__builtin_offsetof(struct k_siginfo, u.rt.value) == 24,
               "siginfo: si_value at 24");
_Static_assert(__builtin_offsetof(struct k_siginfo, u.timer.overrun) == 20,
               "siginfo: si_overrun at 20");
_Static_assert(__builtin_offsetof(struct k_siginfo, u.chld.status) == 24,
               "siginfo: si_status at 24");
_Static_assert(__builtin_offsetof(struct k_siginfo, u.chld.utime) == 32,
               "siginfo: si_utime at 32");
_Static_assert(__builtin_offsetof(struct k_siginfo, u.chld.stime) == 40,
               "siginfo: si_stime at 40");

/** stack_t: an alternate signal stack. */
struct k_stack {
    uint64_t sp;   /**< lowest address */
    int32_t flags; /**< SS_ONSTACK, SS_DISABLE */
    int32_t pad0;
    uint64_t size; /**< bytes */
};
_Static_assert(sizeof(struct k_stack) == 24, "stack_t layout");

/** struct sigcontext: the registers of the interrupted code. */
struct k_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /**< user address of the 512-byte FXSAVE area */
    uint64_t reserved1[8];
};
_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");
_Static_assert(__builtin_offsetof(struct k_sigcontext, rip) == 128,
               "sigcontext: rip (REG_RIP 16)");

/** struct ucontext as the kernel writes it. */
struct k_ucontext {
    uint64_t flags;               /**< uc_flags */
    uint64_t link;                /**< uc_link (0) */
    struct k_stack stack;         /**< the sigaltstack at delivery */
    struct k_sigcontext mcontext; /**< the saved registers */
    k_sigset_t sigmask;           /**< the mask to restore */
};
_Static_assert(__builtin_offsetof(struct k_ucontext, mcontext) == 40,
               "ucontext: uc_mcontext at 40");
_Static_assert(__builtin_offsetof(struct k_ucontext, sigmask) == 296,
               "ucontext: uc_sigmask at 296");

/** The frame on the user stack when a handler starts (rsp points here). */
struct k_rt_sigframe {
    uint64_t pretcode;     /**< return address: sa_restorer */
    struct k_ucontext uc;  /**< third handler argument */
    struct k_siginfo info; /**< second handler argument */
};
_Static_assert(__builtin_offsetof(struct k_rt_sigframe, info) == 312,
               "rt_sigframe layout");
#endif

#endif /* UAPI_SIGNAL_H */
