/**
 * @file
 * @ingroup syscalls
 * @brief sysinfo: uptime, memory, processes and load in one structure.
 *
 * What `free` and `uptime` read when there is no /proc, and what C
 * libraries use for get_phys_pages(): the frame allocator's counts, the
 * clock and the process table, copied out in Linux's layout.
 */
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/resource.h"

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
