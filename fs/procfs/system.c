/**
 * @file
 * @ingroup fs
 * @brief The system-wide files of /proc: memory, time, load, processor.
 *
 * Each function here is a show function (procfs.h): it writes the text of
 * one file, in the format Linux gives it (Documentation/filesystems/
 * proc.rst), from numbers the kernel keeps anyway: the frame allocator's
 * counts (meminfo), the clock and the scheduler's idle ticks (uptime,
 * stat), the scheduler's load average (loadavg), CPUID (cpuinfo).
 * Programs parse these files by field name or position, so the names,
 * the order and the units matter more than the values: BusyBox free
 * looks for "MemAvailable:", top for "cpu " and "MemTotal:".
 *
 * Keel has one CPU, no swap, and no page cache apart from tmpfs, so many
 * of Linux's fields are honest zeros.
 */
#include "fs/procfs.h"
#include "kernel/arch.h"
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/procinfo.h"
#include "kernel/sched.h"
#include "kernel/time.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.1"
#endif

/* One meminfo line: the label padded to 16 columns, kB right-aligned. */
static void
mem_line(struct pbuf *b, const char *label, uint64_t kb)
{
    pbuf_printf(b, "%-16s%8lu kB\n", label, kb);
}

// [meminfo]
/**
 * @brief /proc/meminfo: memory in kB, by Linux's field names.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_meminfo(struct pbuf *b, int pid)
{
    (void)pid;
    // what the heap keeps but does not use (empty slabs, and in a
    // SANITIZE=1 build its quarantine of freed blocks) goes back to the
    // frames first: Linux counts such reclaimable memory as available,
    // and a leak check that compares two readings must not see the
    // quarantine's churn as a leak
    kmalloc_shrink();
    uint64_t total = pmm_total_frames() * (PAGE_SIZE / 1024);
    uint64_t free = pmm_free_frames() * (PAGE_SIZE / 1024);
    uint64_t slab = kmalloc_bytes_in_use() / 1024;
    mem_line(b, "MemTotal:", total);
    mem_line(b, "MemFree:", free);
    mem_line(b, "MemAvailable:", free);
    mem_line(b, "Buffers:", 0);
    mem_line(b, "Cached:", 0);
    mem_line(b, "SwapCached:", 0);
    mem_line(b, "Active:", 0);
    mem_line(b, "Inactive:", 0);
    mem_line(b, "SwapTotal:", 0);
    mem_line(b, "SwapFree:", 0);
    mem_line(b, "Dirty:", 0);
    mem_line(b, "AnonPages:", total - free);
    mem_line(b, "Mapped:", 0);
    mem_line(b, "Shmem:", 0);
    mem_line(b, "Slab:", slab);
    mem_line(b, "SReclaimable:", 0);
    mem_line(b, "SUnreclaim:", slab);
    mem_line(b, "KernelStack:", 0);
    mem_line(b, "PageTables:", 0);
    mem_line(b, "CommitLimit:", total);
    mem_line(b, "Committed_AS:", total - free);
    mem_line(b, "VmallocTotal:", 0);
    mem_line(b, "VmallocUsed:", 0);
}
// [meminfo]

/**
 * @brief /proc/uptime: seconds since boot and seconds the CPU idled.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_uptime(struct pbuf *b, int pid)
{
    (void)pid;
    uint64_t up = time_jiffies(), idle, busy;
    sched_cpu_ticks(&idle, &busy);
    pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", up / HZ, up % HZ * 100 / HZ,
                idle / HZ, idle % HZ * 100 / HZ);
}

/**
 * @brief /proc/loadavg: the three load averages, running/all, newest pid.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_loadavg(struct pbuf *b, int pid)
{
    (void)pid;
    unsigned long avg[3];
    unsigned running;
    sched_loadavg(avg, &running);
    int all = proc_count();
    pbuf_printf(b, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d\n", avg[0] / 100,
                avg[0] % 100, avg[1] / 100, avg[1] % 100, avg[2] / 100,
                avg[2] % 100, running, all, proc_info_last_pid());
}

/**
 * @brief /proc/version: the kernel's name, release and build.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_version(struct pbuf *b, int pid)
{
    (void)pid;
    // the release and version uname(2) reports (kernel/syscalls/uname.c)
    pbuf_printf(b, "Linux version 6.1.0-keel (keel@keel) (gcc %s) #1 Keel %s\n",
                __VERSION__, KEEL_VERSION);
}

/**
 * @brief /proc/cpuinfo: one processor, as Linux's x86 code prints it.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_cpuinfo(struct pbuf *b, int pid)
{
    (void)pid;
    struct cpu_identity id;
    arch_cpu_identify(&id);
    pbuf_printf(b,
                "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\n"
                "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n"
                "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
                "cpu cores\t: 1\napicid\t\t: 0\nfpu\t\t: yes\n"
                "flags\t\t: %s\nclflush size\t: 64\ncache_alignment\t: 64\n"
                "address sizes\t: 40 bits physical, 48 bits virtual\n\n",
                id.vendor, id.family, id.model, id.model_name, id.stepping,
                id.flags);
}

/**
 * @brief /proc/stat: CPU time by kind, context switches, boot time, forks.
 *
 * Times are in USER_HZ ticks (100 a second, Keel's HZ). Keel does not
 * tell user from system time: busy ticks count as user time.
 * @param b   the buffer
 * @param pid unused (0)
 */
void
proc_show_stat(struct pbuf *b, int pid)
{
    (void)pid;
    uint64_t idle, busy;
    unsigned long avg[3];
    unsigned running;
    sched_cpu_ticks(&idle, &busy);
    sched_loadavg(avg, &running);
    for (int i = 0; i < 2; i++) // "cpu" (all of them) and "cpu0"
        pbuf_printf(b, "cpu%s %lu 0 0 %lu 0 0 0 0 0 0\n", i == 0 ? " " : "0",
                    busy, idle);
    uint64_t btime = time_wallclock() - time_jiffies() / HZ;
    pbuf_printf(b,
                "intr 0\nctxt %lu\nbtime %lu\nprocesses %d\n"
                "procs_running %u\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 "
                "0 0 0\n",
                sched_switches(), btime, proc_info_last_pid(),
                running > 0 ? running : 1);
}
