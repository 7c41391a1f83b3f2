/**
 * @file
 * @ingroup proc
 * @brief A process's identity and limits, and the rest of the process calls.
 *
 * Each process carries its credentials (real, effective and saved user
 * and group ids, supplementary groups), its resource limits, and what
 * clone asked for. All are copied at fork and survive execve. The
 * functions here are the mechanisms behind the system calls of
 * kernel/syscalls/cred.c, rlimit.c, sched.c and clone.c.
 */
#ifndef KERNEL_CRED_H
#define KERNEL_CRED_H

#include "kernel/types.h"
#include "uapi/resource.h"

/** The most supplementary groups a process may have (Linux: 65536). */
#define NGROUPS_MAX 32

/** @name Capabilities (linux/capability.h): the privileges of root,
 *  one bit each; the ones Keel checks */
///@{
#define CAP_CHOWN 0           /**< chown to anyone */
#define CAP_DAC_OVERRIDE 1    /**< ignore the permission bits */
#define CAP_DAC_READ_SEARCH 2 /**< read any file, search any directory */
#define CAP_FOWNER 3          /**< act as any file's owner (chmod, utimes) */
#define CAP_FSETID 4          /**< keep set-group-id on a chmod */
#define CAP_KILL 5            /**< signal anyone */
#define CAP_SETGID 6          /**< set any group id, setgroups */
#define CAP_SETUID 7          /**< set any user id */
#define CAP_SETPCAP 8         /**< add to the inheritable set */
#define CAP_NET_ADMIN 12      /**< configure interfaces, SO_PRIORITY > 6 */
#define CAP_SYS_ADMIN 21      /**< the rest: steal a tty, pass any pid... */
#define CAP_SYS_BOOT 22       /**< reboot */
#define CAP_SYS_NICE 23       /**< raise priority, others' affinity */
#define CAP_SYS_RESOURCE 24   /**< raise hard limits, past RLIMIT_NPROC */
#define CAP_MKNOD 27          /**< make device nodes */
#define CAP_LAST_CAP 40       /**< Linux 6.1's last: CAP_CHECKPOINT_RESTORE */
/** Every capability: root's sets. */
#define CAP_FULL_SET ((2UL << CAP_LAST_CAP) - 1)
///@}

/** Who a process is: user and group ids, Linux's three of each, and the
 *  capability sets that hold root's privileges. */
struct cred {
    uint32_t uid, euid, suid;     /**< real, effective, saved user id */
    uint32_t gid, egid, sgid;     /**< real, effective, saved group id */
    uint32_t ngroups;             /**< supplementary groups in use */
    uint32_t groups[NGROUPS_MAX]; /**< the supplementary groups */
    uint64_t cap_effective;       /**< what the process may do now */
    uint64_t cap_permitted;       /**< what it may take into effective */
    uint64_t cap_inheritable;     /**< what it may keep across execve */
};

/** What clone(2) asked for beyond a copy (see kernel/proc/clone.c). */
struct clone_req {
    unsigned long flags; /**< CLONE_* flags */
    uint64_t parent_tid; /**< CLONE_PARENT_SETTID: the parent's tid slot */
    uint64_t child_tid;  /**< CLONE_CHILD_SETTID / _CLEARTID: the child's */
    uint64_t stack;      /**< the child's stack pointer, or 0: the parent's */
};

/** @name clone flags Keel knows. */
///@{
#define CSIGNAL                                                                \
    0x000000ff /**< the low byte: the signal sent to the parent at exit */
#define CLONE_VM 0x00000100 /**< share the address space (refused: threads) */
#define CLONE_FS 0x00000200 /**< share the root, cwd and umask (refused) */
#define CLONE_FILES 0x00000400 /**< share the file-descriptor table (refused) */
#define CLONE_SIGHAND 0x00000800 /**< share the signal handlers (refused) */
#define CLONE_VFORK                                                            \
    0x00004000 /**< the parent sleeps until the child execs or exits */
#define CLONE_PARENT                                                           \
    0x00008000 /**< the child gets the caller's parent (refused) */
#define CLONE_THREAD 0x00010000 /**< a thread of the same process (refused) */
#define CLONE_SETTLS 0x00080000 /**< set the child's TLS (refused) */
#define CLONE_PARENT_SETTID                                                    \
    0x00100000 /**< write the child's tid at parent_tid */
#define CLONE_CHILD_CLEARTID                                                   \
    0x00200000 /**< zero the child's child_tid word at its exit */
#define CLONE_CHILD_SETTID                                                     \
    0x01000000 /**< write the child's tid at child_tid in the child */
///@}

struct proc;

int cred_setresuid(long r, long e, long s);
int cred_setresgid(long r, long e, long s);
bool capable(int cap);
bool cred_capable(const struct cred *c, int cap);
int cred_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/* resource limits (kernel/proc/rlimit.c) */
int rlimit_get(struct proc *p, unsigned res, struct rlimit *out);
int rlimit_set(struct proc *p, unsigned res, const struct rlimit *lim);

int proc_clone(const struct clone_req *req);

int proc_count(void);
int proc_waitid(int pid, bool keep, bool nohang, int *status, uint32_t *uid);
/* CPU time (kernel/proc/cputime.c) */
void proc_account_tick(void);

#endif /* KERNEL_CRED_H */
