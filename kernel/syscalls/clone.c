/**
 * @file
 * @ingroup syscalls
 * @brief clone and vfork.
 *
 * clone is fork with options (kernel/proc/clone.c). Keel accepts what C
 * libraries pass for fork, vfork and posix_spawn: an exit signal, the
 * tid pointers, CLONE_VFORK, a new stack, and CLONE_VM together with
 * CLONE_VFORK (the memory is copied, see kernel/proc/clone.c). It
 * refuses with -EINVAL what needs threads, which come in a later
 * chapter: CLONE_VM alone, CLONE_THREAD, the other sharing flags and a
 * new TLS.
 */
#include "kernel/cred.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/signal.h"
#include "uapi/wait.h"

/** The clone flags Keel implements. */
#define CLONE_SUPPORTED                                                        \
    (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID |                  \
     CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)

/**
 * @brief clone(flags, stack, parent_tid, child_tid, tls).
 * @param a the six argument registers
 * @return the child's pid (0 in the child); -EINVAL for flags Keel does
 *         not implement (threads) or a stack outside user space;
 *         -EAGAIN; -ENOMEM
 */
long
sys_clone(const long a[6])
{
    struct clone_req req = {(unsigned long)a[0], (uint64_t)a[2], (uint64_t)a[3],
                            (uint64_t)a[1]};
    if (req.flags & ~(unsigned long)CLONE_SUPPORTED)
        return -EINVAL;
    // a stack in the kernel half could only fault (Linux lets it)
    if (req.stack >= USER_TOP)
        return -EINVAL;
    // sharing memory is only faked (a copy) for a vfork, never for threads
    if ((req.flags & CLONE_VM) && !(req.flags & CLONE_VFORK))
        return -EINVAL;
    return proc_clone(&req);
}

/**
 * @brief vfork(): the parent sleeps until the child execs or exits.
 * @param a the six argument registers (unused)
 * @return the child's pid (0 in the child); -EAGAIN; -ENOMEM
 */
long
sys_vfork(const long a[6] __unused)
{
    struct clone_req req = {CLONE_VFORK | SIGCHLD, 0, 0, 0};
    return proc_clone(&req);
}
