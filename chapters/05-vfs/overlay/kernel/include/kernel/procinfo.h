/**
 * @file
 * @ingroup proc
 * @brief A snapshot of one process, for /proc/[pid] (chapter 5).
 *
 * procfs must not hold the process table's lock while it formats text and
 * copies it to a user buffer, and a process may exit at any moment. So
 * kernel/proc/procinfo.c copies what /proc shows into a struct proc_info
 * under the lock, and the file system formats the copy at leisure.
 */
#ifndef KERNEL_PROCINFO_H
#define KERNEL_PROCINFO_H

#include "kernel/cred.h"
#include "kernel/proc.h"

/** What /proc/[pid]/stat, status and statm show of a process. */
struct proc_info {
    int pid;              /**< process id */
    int ppid;             /**< parent's id (0 for init) */
    int pgid;             /**< process group */
    int sid;              /**< session */
    int tty_nr;           /**< controlling terminal (Linux encoding) */
    int tpgid;            /**< its foreground group, or -1 */
    char state;           /**< 'R' running, 'S' sleeping, 'Z' zombie */
    char name[16];        /**< the command name (comm) */
    struct cred cred;     /**< user and group ids */
    unsigned umask;       /**< file creation mask */
    int nice;             /**< -20..19 */
    uint64_t utime;       /**< ticks it ran */
    uint64_t cutime;      /**< ticks its waited-for children ran */
    uint64_t start_ticks; /**< jiffies when it was forked */
    uint64_t vsize;       /**< bytes of address space in regions */
    uint64_t rss;         /**< pages present in memory */
    uint64_t data;        /**< bytes of writable private regions */
    uint64_t stack;       /**< bytes of the stack region */
    uint64_t text;        /**< bytes of executable regions */
    uint64_t brk_start;   /**< start of the heap */
    uint64_t brk;         /**< end of the heap */
    uint64_t start_stack; /**< top of the stack region */
    uint64_t arg_start;   /**< argument strings */
    uint64_t arg_end;     /**< end of them */
    uint64_t env_start;   /**< environment strings */
    uint64_t env_end;     /**< end of them */
    uint64_t sig_pending; /**< pending signals, bit n-1 for signal n */
    uint64_t sig_blocked; /**< blocked */
    uint64_t sig_ignored; /**< set to SIG_IGN */
    uint64_t sig_caught;  /**< with a handler */
};

/** One region of an address space, as /proc/[pid]/maps lists it. */
struct proc_vma {
    uint64_t start;  /**< first byte */
    uint64_t end;    /**< one past the last */
    unsigned prot;   /**< VM_READ | VM_WRITE | VM_EXEC */
    bool shared;     /**< MAP_SHARED */
    uint64_t offset; /**< file offset of a file mapping */
    int kind;        /**< PROC_VMA_* */
};

/** @name proc_vma kinds: what maps writes at the end of the line. */
///@{
#define PROC_VMA_ANON 0  /**< nothing */
#define PROC_VMA_IMAGE 1 /**< the program's file */
#define PROC_VMA_HEAP 2  /**< [heap] */
#define PROC_VMA_STACK 3 /**< [stack] */
///@}

int proc_info_get(int pid, struct proc_info *out);
int proc_info_next_pid(int from);
bool proc_info_alive(int pid);
int proc_info_vmas(int pid, struct proc_vma *out, int max);
long proc_info_read_mem(int pid, bool env, uint64_t off, void *buf, size_t len);
int proc_info_exe(int pid, char *buf, size_t size);
int proc_info_last_pid(void);
int failinject_get(int pid);
int failinject_set(int pid, long on);

#endif /* KERNEL_PROCINFO_H */
