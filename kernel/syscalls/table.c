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
 * number. The `strace` command-line word logs every call, its decoded
 * arguments and its result or errno name: the teaching view of the ABI.
 */
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#if CHAPTER >= 4
#include "kernel/signal.h"
#endif
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/unistd.h"

// [table]
/*
 * Every Linux number has an entry, so even an unimplemented call is logged
 * by name; the initialisers come from syscall_64.tbl, through
 * tools/gen-syscalls.py.
 */
const struct syscall_entry syscall_table[NR_SYSCALLS] = {
#include "syscall_table.inc"
};
// [table]

static const char *const errno_names[] = {
#include "errno_names.inc"
};

static uint8_t warned[NR_SYSCALLS];
static bool warned_beyond;
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
 * @brief The name of error number @p err ("ENOENT"), or NULL.
 * @param err a positive errno value
 * @return a static string, or NULL for a number Linux does not define
 */
const char *
errno_name(long err)
{
    if (err <= 0 || err >= (long)ARRAY_SIZE(errno_names))
        return NULL;
    return errno_names[err];
}

/* Append argument @p v of kind @p kind to @p buf (strace's view). */
static int
trace_arg(char *buf, size_t size, unsigned kind, long v)
{
    switch (kind) {
    case SA_INT:
        return snprintf(buf, size, "%ld", v);
    case SA_UINT:
        return snprintf(buf, size, "%lu", (unsigned long)v);
    case SA_OCT:
        return snprintf(buf, size, "0%lo", (unsigned long)v);
    case SA_STR: {
        char s[48];
        long n = strncpy_from_user(s, UPTR(v), sizeof(s));
        if (n == -ENAMETOOLONG)
            return snprintf(buf, size, "\"%.*s\"...", (int)sizeof(s) - 1, s);
        if (n >= 0)
            return snprintf(buf, size, "\"%s\"", s);
        return snprintf(buf, size, "0x%lx", v);
    }
    case SA_PTR:
        if (v == 0)
            return snprintf(buf, size, "NULL");
        return snprintf(buf, size, "0x%lx", v);
    default:
        return snprintf(buf, size, "0x%lx", v);
    }
}

/* Format "name(arg, arg, ...)" of call @p e with arguments @p a. */
static void
trace_call(char *buf, size_t size, const struct syscall_entry *e, uint64_t nr,
           const long a[6])
{
    size_t n = e != NULL ? (size_t)snprintf(buf, size, "%s(", e->name)
                         : (size_t)snprintf(buf, size, "syscall_%lu(", nr);
    for (unsigned i = 0; e != NULL && i < e->nargs && n < size; i++) {
        if (i > 0)
            n += snprintf(buf + n, size - n, ", ");
        if (n < size)
            n += trace_arg(buf + n, size - n, e->kinds[i], a[i]);
    }
    if (n < size)
        snprintf(buf + n, size - n, ")");
}

/* Print one strace line: the call, then its result or errno name. */
static void
trace_result(const char *call, long ret)
{
    int pid = proc_current()->pid;
    const char *err = ret < 0 && ret >= -4095 ? errno_name(-ret) : NULL;
    if (err != NULL)
        pr_notice("[%d] %s = -1 %s\n", pid, call, err);
    else if (ret >= -4095 && ret < 0x10000)
        pr_notice("[%d] %s = %ld\n", pid, call, ret);
    else
        pr_notice("[%d] %s = 0x%lx\n", pid, call, ret);
}

/**
 * @brief Run the system call the saved registers ask for.
 *
 * With `strace` on the command line, the arguments are decoded before the
 * call (a string may be gone after it: execve replaces the memory) and
 * printed with the result after it; a call that does not return (exit)
 * is printed before, with "= ?".
 * @param frame the struct trap_frame built by syscall_entry
 * @pre interrupts off (SYSCALL cleared IF); turned on here
 */
void
syscall_dispatch(void *frame)
{
    long a[6];
    char call[200];
    thread_current()->user_frame = frame;
    arch_irq_enable();
    uint64_t nr = arch_syscall_args(frame, a);
    const struct syscall_entry *e =
        nr < NR_SYSCALLS ? &syscall_table[nr] : NULL;
    if (strace_on) {
        trace_call(call, sizeof(call), e, nr, a);
        if (nr == __NR_exit || nr == __NR_exit_group)
            pr_notice("[%d] %s = ?\n", proc_current()->pid, call);
    }
    long ret = -ENOSYS;
    if (e != NULL && e->fn != NULL) {
        ret = e->fn(a);
    } else if (nr < NR_SYSCALLS ? !warned[nr] : !warned_beyond) {
        // once per call, and once for all numbers past the table, so a
        // program cannot flood the console with them
        if (nr < NR_SYSCALLS)
            warned[nr] = 1;
        else
            warned_beyond = true;
        pr_info("keel: %s called %s (%lu): not implemented%s\n",
                proc_current()->name, e != NULL ? e->name : "a number", nr,
                e != NULL ? "" : " (the first of those past the table)");
    }
    if (strace_on)
        trace_result(call, ret);
    // a successful execve has set up fresh registers: leave them alone
    if (!(nr == __NR_execve && ret == 0))
        arch_frame_set_return(frame, ret);
    // a call must let go of every lock it took
    lockdep_user_return(e != NULL && e->name != NULL ? e->name
                                                     : "a system call");
    arch_irq_disable();
    // back to user mode: pending work (signals: restarts, handlers)
    proc_return_to_user(frame, (long)nr);
}
