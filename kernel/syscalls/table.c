/**
 * @file
 * @ingroup syscalls
 * @brief The one system-call table, and the dispatcher that uses it.
 *
 * syscall_entry (kernel/arch/x86_64/cpu/syscall.S) saves the user
 * registers and calls syscall_dispatch(): it reads the number from rax and
 * the arguments from rdi, rsi, rdx, r10, r8, r9, calls the function from
 * the table, and stores the result in the saved rax that returns to user
 * mode. An unknown number answers -ENOSYS and is logged once by name or
 * number. The `strace` command-line word logs every call and its result.
 */
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"
#include "uapi/unistd.h"

#define SYSCALL(nr, fn_) [__NR_##nr] = {fn_, #nr}

// [table]
const struct syscall_entry syscall_table[NR_SYSCALLS] = {
    SYSCALL(read, sys_read),
    SYSCALL(write, sys_write),
    SYSCALL(brk, sys_brk),
    SYSCALL(rt_sigaction, sys_rt_sigaction),
    SYSCALL(rt_sigprocmask, sys_rt_sigprocmask),
    SYSCALL(ioctl, sys_ioctl),
    SYSCALL(writev, sys_writev),
    SYSCALL(sched_yield, sys_sched_yield),
    SYSCALL(getpid, sys_getpid),
    SYSCALL(fork, sys_fork),
    SYSCALL(vfork, sys_fork),
    SYSCALL(execve, sys_execve),
    SYSCALL(exit, sys_exit),
    SYSCALL(wait4, sys_wait4),
    SYSCALL(getuid, sys_getuid),
    SYSCALL(getgid, sys_getuid),
    SYSCALL(geteuid, sys_getuid),
    SYSCALL(getegid, sys_getuid),
    SYSCALL(getppid, sys_getppid),
    SYSCALL(arch_prctl, sys_arch_prctl),
    SYSCALL(gettid, sys_gettid),
    SYSCALL(set_tid_address, sys_set_tid_address),
    SYSCALL(exit_group, sys_exit),
};
// [table]

static uint8_t warned[NR_SYSCALLS];
static bool strace_on;

/* Read the `strace` word once, not on every system call. */
static int
syscall_trace_init(void)
{
    strace_on = cmdline_has("strace");
    return 0;
}
initcall(late, syscall_trace_init);

/**
 * @brief Run the system call the saved registers ask for.
 * @param frame the struct trap_frame built by syscall_entry
 * @pre interrupts off (SYSCALL cleared IF); turned on here
 */
void
syscall_dispatch(void *frame)
{
    long a[6];
    thread_current()->user_frame = frame;
    arch_irq_enable();
    uint64_t nr = arch_syscall_args(frame, a);
    long ret = -ENOSYS;
    const struct syscall_entry *e =
        nr < NR_SYSCALLS ? &syscall_table[nr] : NULL;
    if (e != NULL && e->fn != NULL) {
        ret = e->fn(a);
    } else if (nr >= NR_SYSCALLS || !warned[nr]) {
        if (nr < NR_SYSCALLS)
            warned[nr] = 1;
        pr_warn("keel: %s called system call %lu: not implemented\n",
                proc_current()->name, nr);
    }
    if (strace_on)
        pr_notice("[%d] %s(0x%lx, 0x%lx, 0x%lx) = %ld\n", proc_current()->pid,
                  e != NULL && e->name ? e->name : "?", a[0], a[1], a[2], ret);
    // a successful execve has set up fresh registers: leave them alone
    if (!(nr == __NR_execve && ret == 0))
        arch_frame_set_return(frame, ret);
    arch_irq_disable();
}
