/**
 * @file
 * @ingroup uapi
 * @brief Linux x86_64 system-call numbers (arch/x86/entry/syscalls).
 *
 * Part of the ABI: a static program built for Linux puts exactly these
 * numbers in rax. Only the calls Keel implements so far are listed; the
 * table in kernel/syscalls/table.c answers every other number with
 * -ENOSYS.
 */
#ifndef UAPI_UNISTD_H
#define UAPI_UNISTD_H

#define __NR_read 0
#define __NR_write 1
#define __NR_brk 12
#define __NR_rt_sigaction 13
#define __NR_rt_sigprocmask 14
#define __NR_ioctl 16
#define __NR_writev 20
#define __NR_sched_yield 24
#define __NR_getpid 39
#define __NR_fork 57
#define __NR_vfork 58
#define __NR_execve 59
#define __NR_exit 60
#define __NR_wait4 61
#define __NR_getuid 102
#define __NR_getgid 104
#define __NR_geteuid 107
#define __NR_getegid 108
#define __NR_getppid 110
#define __NR_arch_prctl 158
#define __NR_gettid 186
#define __NR_set_tid_address 218
#define __NR_exit_group 231

/** One past the highest number the table knows. */
#define NR_SYSCALLS 335

#endif /* UAPI_UNISTD_H */
