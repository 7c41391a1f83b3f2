/**
 * @file
 * @ingroup fs
 * @brief /proc/[pid]/stat, status and statm: a process in numbers.
 *
 * The three files say the same things three ways. `stat` is one line of
 * 52 space-separated fields in a fixed order (proc(5)), made for programs:
 * BusyBox ps and top read the state, the parent, the times and the memory
 * sizes from it by position. `status` is the same for people: one
 * "Name:\tvalue" line each. `statm` gives the memory sizes in pages.
 *
 * All three format a struct proc_info, a snapshot that
 * kernel/proc/procinfo.c copies under the process table's lock; a process
 * that has gone meanwhile leaves the file empty.
 */
#include "fs/procfs.h"
#include "kernel/procinfo.h"

/** Linux's PF_RANDOMIZE: what `flags` shows for a user process. */
#define STAT_FLAGS 0x400000
/** "No limit" for rsslim: RLIM_INFINITY. */
#define RLIM_NONE 0xffffffffffffffffUL
/** The signal a process sends its parent at exit: SIGCHLD. */
#define STAT_EXIT_SIGNAL 17

// [pid_stat]
/**
 * @brief /proc/[pid]/stat: the process in one line of 52 fields.
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_stat(struct pbuf *b, int pid)
{
    struct proc_info pi;
    if (proc_info_get(pid, &pi) < 0)
        return;
    // >>> exercise 5.2 pid-stat
    // 1-13: who it is and who is around it; flags; page faults (none kept)
    pbuf_printf(b, "%d (%s) %c %d %d %d %d %d %u 0 0 0 0 ", pi.pid, pi.name,
                pi.state, pi.ppid, pi.pgid, pi.sid, pi.tty_nr, pi.tpgid,
                STAT_FLAGS);
    // 14-22: times in ticks, priority and nice, threads, start time
    pbuf_printf(b, "%lu 0 %lu 0 %d %d 1 0 %lu ", pi.utime, pi.cutime,
                20 + pi.nice, pi.nice, pi.start_ticks);
    // 23-28: memory: bytes of address space, resident pages, limits
    pbuf_printf(b, "%lu %lu %lu 0 0 %lu 0 0 ", pi.vsize, pi.rss, RLIM_NONE,
                pi.start_stack);
    // 31-34: signals (the obsolete decimal masks), 35-52: the rest
    pbuf_printf(b,
                "%lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 %lu %lu %lu %lu "
                "%lu 0\n",
                pi.sig_pending, pi.sig_blocked, pi.sig_ignored, pi.sig_caught,
                STAT_EXIT_SIGNAL, pi.brk_start, pi.arg_start, pi.arg_end,
                pi.env_start, pi.env_end);
    // === stub: the file is empty, so ps and top find no processes
    // (void)b;
    // <<< exercise 5.2 pid-stat
}
// [pid_stat]

/* The state as status spells it. */
static const char *
state_name(char state)
{
    switch (state) {
    case 'R':
        return "R (running)";
    case 'Z':
        return "Z (zombie)";
    default:
        return "S (sleeping)";
    }
}

/* status's memory lines (a zombie has none). */
static void
status_memory(struct pbuf *b, const struct proc_info *pi)
{
    pbuf_printf(b,
                "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8d kB\n"
                "VmPin:\t%8d kB\nVmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n"
                "RssAnon:\t%8lu kB\nRssFile:\t%8d kB\nRssShmem:\t%8d kB\n"
                "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
                "VmLib:\t%8d kB\nVmPTE:\t%8d kB\nVmSwap:\t%8d kB\n",
                pi->vsize / 1024, pi->vsize / 1024, 0, 0, pi->rss * 4,
                pi->rss * 4, pi->rss * 4, 0, 0, pi->data / 1024,
                pi->stack / 1024, pi->text / 1024, 0, 0, 0);
}

/**
 * @brief /proc/[pid]/status: the process for people, a field a line.
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_status(struct pbuf *b, int pid)
{
    struct proc_info pi;
    if (proc_info_get(pid, &pi) < 0)
        return;
    const struct cred *c = &pi.cred;
    pbuf_printf(b,
                "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\n"
                "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
                pi.name, pi.umask, state_name(pi.state), pi.pid, pi.pid,
                pi.ppid);
    pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c->uid,
                c->euid, c->suid, c->euid, c->gid, c->egid, c->sgid, c->egid);
    pbuf_printf(b, "FDSize:\t%d\nGroups:\t", 64);
    for (uint32_t i = 0; i < c->ngroups && i < NGROUPS_MAX; i++)
        pbuf_printf(b, "%u ", c->groups[i]);
    pbuf_printf(b, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
                pi.pid, pi.pid, pi.pgid, pi.sid);
    if (pi.state != 'Z')
        status_memory(b, &pi);
    pbuf_printf(b,
                "Threads:\t1\nSigQ:\t0/%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
                "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
                proc_limit() / 2, pi.sig_pending, 0UL, pi.sig_blocked,
                pi.sig_ignored, pi.sig_caught);
    pbuf_printf(b,
                "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\n"
                "CapBnd:\t%016lx\nCapAmb:\t%016lx\nNoNewPrivs:\t0\n"
                "Seccomp:\t0\n",
                c->cap_inheritable, c->cap_permitted, c->cap_effective,
                CAP_FULL_SET, 0UL);
}

/**
 * @brief /proc/[pid]/statm: memory sizes in pages.
 *
 * size resident shared text lib data dt: Linux's order; shared, lib and
 * dt are 0 here (no shared libraries, no file cache).
 * @param b   the buffer
 * @param pid the process
 */
void
proc_show_pid_statm(struct pbuf *b, int pid)
{
    struct proc_info pi;
    if (proc_info_get(pid, &pi) < 0)
        return;
    pbuf_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", pi.vsize / PAGE_SIZE, pi.rss,
                pi.text / PAGE_SIZE, (pi.data + pi.stack) / PAGE_SIZE);
}
