/**
 * @file
 * @ingroup syscalls
 * @brief The scheduler's calls: CPU affinity, getcpu and priorities.
 *
 * Keel runs on one CPU, so the affinity mask is one bit wide and getcpu
 * answers 0; nice values are kept per process (setpriority lowers them
 * only for root, as Linux does without CAP_SYS_NICE), and `nice`,
 * `renice` and `taskset` see Linux's answers.
 */
#include "kernel/compiler.h"
#include "kernel/cred.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define PRIO_PROCESS 0

/* Is @p pid the caller (0 or its own pid)? */
static bool
is_self(long pid)
{
    return pid == 0 || pid == proc_current()->pid;
}

/*
 * The process @p pid names for the affinity calls (0: the caller): 0, or
 * -ESRCH when there is none. With @p set, a process of another user needs
 * root (-EPERM), as Linux's check_same_owner() without CAP_SYS_NICE.
 */
static int
affinity_target(long pid, bool set)
{
    if (is_self(pid))
        return 0;
    const struct cred *me = &proc_current()->cred;
    int err = -ESRCH;
    irqflags_t flags = proc_table_lock();
    struct proc *p =
        pid > 0 && pid <= INT32_MAX ? proc_find_locked((int)pid) : NULL;
    if (p != NULL)
        err = !set || capable(CAP_SYS_NICE) || me->euid == p->cred.euid ||
                      me->euid == p->cred.uid
                  ? 0
                  : -EPERM;
    proc_table_unlock(flags);
    return err;
}

/**
 * @brief sched_getaffinity(pid, len, mask): one CPU, so the mask is 1.
 *
 * Any process may be asked about (taskset -p 1), as on Linux.
 * @param a the six argument registers
 * @return the size of the mask written (8); -EINVAL when len (32 bits)
 *         is not a positive multiple of 8 (checked first, as Linux does;
 *         2^31 * 8 wraps to 0 there too); -ESRCH
 *         for no such process; -EFAULT
 */
long
sys_sched_getaffinity(const long a[6])
{
    uint64_t mask = 1;
    uint32_t len = (uint32_t)a[1]; // an unsigned int, as Linux's
    // Linux: len * 8 (in 32 bits) must cover the CPUs, len a multiple of 8
    if ((uint32_t)(len * 8) < 1 || (len & 7))
        return -EINVAL;
    int err = affinity_target((int)a[0], false);
    if (err < 0)
        return err;
    if (copy_to_user(UPTR(a[2]), &mask, sizeof(mask)) < 0)
        return -EFAULT;
    return sizeof(mask);
}

/**
 * @brief sched_setaffinity(pid, len, mask): accepted if CPU 0 is in it.
 * @param a the six argument registers
 * @return 0; -EFAULT (the mask is read first, as on Linux); -ESRCH; -EPERM
 *         (another user's process, not root); -EINVAL for a mask without
 *         CPU 0
 */
long
sys_sched_setaffinity(const long a[6])
{
    uint64_t mask = 0;
    uint32_t len = (uint32_t)a[1]; // an unsigned int, as Linux's
    // Linux copies min(len, its mask size: 8 bytes here) bytes; a len of
    // 0 copies none and leaves the mask empty (-EINVAL below)
    if (len > 0 && copy_from_user(&mask, UPTR(a[2]), MIN(len, 8u)) < 0)
        return -EFAULT;
    uint8_t first = (uint8_t)mask;
    int err = affinity_target((int)a[0], true);
    if (err < 0)
        return err;
    return (first & 1) ? 0 : -EINVAL;
}

/**
 * @brief getcpu(cpu, node, cache): CPU 0, node 0; NULL pointers skipped.
 * @param a the six argument registers
 * @return 0 or -EFAULT
 */
long
sys_getcpu(const long a[6])
{
    uint32_t zero = 0;
    for (int i = 0; i < 2; i++) {
        if (a[i] != 0 && copy_to_user(UPTR(a[i]), &zero, 4) < 0)
            return -EFAULT;
    }
    return 0;
}

/**
 * @brief getpriority(which, who): the caller's nice value, as 20 - nice.
 * @param a the six argument registers
 * @return 1..40; -EINVAL for an unknown which; -ESRCH for another process
 */
long
sys_getpriority(const long a[6])
{
    if (a[0] < 0 || a[0] > 2)
        return -EINVAL;
    if (a[0] != PRIO_PROCESS || !is_self((int)a[1]))
        return -ESRCH;
    return 20 - proc_current()->nice;
}

/**
 * @brief setpriority(which, who, nice): remembered, the scheduler ignores it.
 * @param a the six argument registers
 * @return 0; -EACCES when a non-root process lowers its nice value;
 *         -EINVAL; -ESRCH
 */
long
sys_setpriority(const long a[6])
{
    struct proc *p = proc_current();
    long nice = (int)a[2];
    if (a[0] < 0 || a[0] > 2)
        return -EINVAL;
    if (a[0] != PRIO_PROCESS || !is_self((int)a[1]))
        return -ESRCH;
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
    if (nice < p->nice && !capable(CAP_SYS_NICE))
        return -EACCES;
    p->nice = (int)nice;
    return 0;
}
