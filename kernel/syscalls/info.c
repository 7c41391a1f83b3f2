/**
 * @file
 * @ingroup syscalls
 * @brief sysinfo, getrandom, the CPU-affinity calls, prctl, priorities,
 *        the robust-futex list and reboot.
 *
 * Small calls that C libraries make at start-up or that tools such as
 * `free`, `uptime`, `nice` and `poweroff` need. Keel runs on one CPU, so
 * the affinity calls see a mask of one bit; there are no futexes yet, so
 * the robust list is only remembered.
 */
#include "kernel/arch.h"
#include "kernel/cred.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/random.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/resource.h"

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PRIO_PROCESS 0
#define ROBUST_LIST_HEAD_SIZE 24

/**
 * @brief sysinfo(info): uptime, memory from the frame allocator, processes.
 * @param a the six argument registers
 * @return 0 or -EFAULT
 */
long
sys_sysinfo(const long a[6])
{
    struct sysinfo si;
    memset(&si, 0, sizeof(si));
    si.uptime = (int64_t)(time_jiffies() / HZ);
    si.totalram = pmm_total_frames() * PAGE_SIZE;
    si.freeram = pmm_free_frames() * PAGE_SIZE;
    si.procs = (uint16_t)proc_count();
    si.mem_unit = 1;
#if CHAPTER >= 5
    // the load averages in 16-bit fixed point (Linux's SI_LOAD_SHIFT)
    unsigned long avg[3];
    unsigned running;
    sched_loadavg(avg, &running);
    for (int i = 0; i < 3; i++)
        si.loads[i] = avg[i] * 65536 / 100;
#endif
    return copy_to_user(UPTR(a[0]), &si, sizeof(si));
}

/**
 * @brief getrandom(buf, count, flags): pseudo-random bytes (see
 *        kernel/drivers/random.c: not cryptographic). Never blocks.
 * @param a the six argument registers
 * @return count; -EINVAL for unknown flags or GRND_RANDOM with
 *         GRND_INSECURE; -EFAULT
 */
long
sys_getrandom(const long a[6])
{
    long buf = a[0];
    size_t count = (size_t)a[1];
    unsigned long flags = (unsigned long)a[2];
    uint8_t chunk[256];
    if (flags & ~(unsigned long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
        return -EINVAL;
    if (count > 0x7ffff000) // Linux's MAX_RW_COUNT
        count = 0x7ffff000;
    // the whole buffer first, as Linux: a kernel one is -EFAULT even for
    // 0 bytes
    if (!user_access_ok(UPTR(buf), count))
        return -EFAULT;
    for (size_t done = 0; done < count;) {
        size_t k = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
        // a huge request gives way to a signal, with what it has so far
        if (done > 0 && signal_pending())
            return (long)done;
        random_bytes(chunk, k);
        if (copy_to_user(UPTR(buf + done), chunk, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
    }
    return (long)count;
}

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
        err = !set || cred_is_root() || me->euid == p->cred.euid ||
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
 * @return the size of the mask written (8); -EINVAL when len is not a
 *         positive multiple of 8 (checked first, as Linux does); -ESRCH
 *         for no such process; -EFAULT
 */
long
sys_sched_getaffinity(const long a[6])
{
    uint64_t mask = 1;
    if ((unsigned long)a[1] < 8 || (a[1] & 7))
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
    uint8_t first = 0;
    if (a[1] <= 0)
        return -EINVAL;
    if (copy_from_user(&first, UPTR(a[2]), 1) < 0)
        return -EFAULT;
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
 * @brief prctl(option, ...): PR_SET_NAME and PR_GET_NAME.
 * @param a the six argument registers
 * @return 0; -EINVAL for other options (partial); -EFAULT
 */
long
sys_prctl(const long a[6])
{
    struct proc *p = proc_current();
    char name[16];
    if (a[0] == PR_GET_NAME)
        return copy_to_user(UPTR(a[1]), p->name, sizeof(p->name));
    if (a[0] != PR_SET_NAME)
        return -EINVAL;
    // like Linux: up to 15 bytes, a fault ends the name where it happens
    long n = strncpy_from_user(name, UPTR(a[1]), sizeof(name));
    if (n == -EFAULT)
        return -EFAULT;
    name[sizeof(name) - 1] = '\0';
    strlcpy(p->name, name, sizeof(p->name));
    strlcpy(thread_current()->name, name, sizeof(p->name));
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
    if (nice < p->nice && !cred_is_root())
        return -EACCES;
    p->nice = (int)nice;
    return 0;
}

/**
 * @brief set_robust_list(head, len): remembered for the futex chapter.
 * @param a the six argument registers
 * @return 0, or -EINVAL when len is not the size of the list head (24)
 */
long
sys_set_robust_list(const long a[6])
{
    if (a[1] != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    proc_current()->robust_list = (uint64_t)a[0];
    return 0;
}

/**
 * @brief get_robust_list(pid, head_ptr, len_ptr): the caller's only.
 * @param a the six argument registers
 * @return 0; -ESRCH for another process; -EFAULT
 */
long
sys_get_robust_list(const long a[6])
{
    uint64_t head = proc_current()->robust_list;
    uint64_t len = ROBUST_LIST_HEAD_SIZE;
    if (!is_self((int)a[0]))
        return -ESRCH;
    if (copy_to_user(UPTR(a[1]), &head, 8) < 0 ||
        copy_to_user(UPTR(a[2]), &len, 8) < 0)
        return -EFAULT;
    return 0;
}
