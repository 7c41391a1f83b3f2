/**
 * @file
 * @ingroup syscalls
 * @brief The system-call table and the prototypes of every sys_* function.
 *
 * A system call is a function of up to six 64-bit arguments returning a
 * 64-bit result: a count or value on success, -errno on failure, exactly
 * what user space sees in rax. Each family of calls lives in its own thin
 * file under kernel/syscalls/ and has one line in the one table,
 * kernel/syscalls/syscall_64.tbl, from which the dispatch array, the names
 * and these prototypes are generated.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/compiler.h"
#include "kernel/types.h"

/** The shape of every system-call function: the six argument registers. */
typedef long (*syscall_fn)(const long a[6]);

/** How strace prints one argument (the kinds of syscall_64.tbl). */
enum syscall_arg_kind {
    SA_INT,  /**< signed decimal */
    SA_UINT, /**< unsigned decimal */
    SA_HEX,  /**< hexadecimal (flags, commands) */
    SA_OCT,  /**< octal (file modes) */
    SA_PTR,  /**< a user address */
    SA_STR,  /**< a user string, printed quoted */
};

/** One table entry: the function, the Linux name, the argument kinds. */
struct syscall_entry {
    syscall_fn fn;    /**< NULL: not implemented (-ENOSYS) */
    const char *name; /**< as in Linux's syscall table */
    uint8_t nargs;    /**< how many arguments strace prints */
    uint8_t kinds[6]; /**< enum syscall_arg_kind of each */
};

extern const struct syscall_entry syscall_table[];

void syscall_dispatch(void *frame);
const char *errno_name(long err);
#if CHAPTER >= 4 && CHAPTER < 6
/* the rusage that wait4 and waitid hand back (kernel/syscalls/wait.c) */
int wait_put_rusage(long ru);
#endif
#if CHAPTER >= 6
/* a struct rusage with these CPU times (kernel/syscalls/time.c) */
int rusage_put(long dst, uint64_t ticks, uint64_t sys_ticks,
               int64_t maxrss_kib);
#endif

/* sys_* prototypes, generated from syscall_64.tbl for this chapter */
#include "syscall_protos.h"

#endif /* KERNEL_SYSCALL_H */
