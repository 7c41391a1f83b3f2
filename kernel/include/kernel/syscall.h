/**
 * @file
 * @ingroup syscalls
 * @brief The system-call table and the prototypes of every sys_* function.
 *
 * A system call is a function of up to six 64-bit arguments returning a
 * 64-bit result: a count or value on success, -errno on failure, exactly
 * what user space sees in rax. Each family of calls lives in its own thin
 * file under kernel/syscalls/ and registers in the one table, table.c.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/compiler.h"
#include "kernel/types.h"

/** The shape of every system-call function: the six argument registers. */
typedef long (*syscall_fn)(const long a[6]);

/** One table entry: the function and the Linux name, for logs. */
struct syscall_entry {
    syscall_fn fn;    /**< NULL: not implemented (-ENOSYS) */
    const char *name; /**< as in Linux's syscall table */
};

extern const struct syscall_entry syscall_table[];

void syscall_dispatch(void *frame);

long sys_write(const long a[6]);
long sys_writev(const long a[6]);
long sys_read(const long a[6]);
long sys_ioctl(const long a[6]);
long sys_fork(const long a[6]);
long sys_execve(const long a[6]);
long sys_exit(const long a[6]);
long sys_wait4(const long a[6]);
long sys_getpid(const long a[6]);
long sys_getppid(const long a[6]);
long sys_gettid(const long a[6]);
long sys_getuid(const long a[6]);
long sys_sched_yield(const long a[6]);
long sys_arch_prctl(const long a[6]);
long sys_set_tid_address(const long a[6]);
long sys_brk(const long a[6]);
long sys_rt_sigaction(const long a[6]);
long sys_rt_sigprocmask(const long a[6]);

#endif /* KERNEL_SYSCALL_H */
