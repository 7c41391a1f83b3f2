/**
 * @file
 * @ingroup syscalls
 * @brief Process groups and sessions: setpgid, getpgid, getpgrp, setsid,
 *        getsid (the rules are in kernel/proc/pgrp.c).
 */
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"

/**
 * @brief setpgid(pid, pgid).
 * @param a the six argument registers
 * @return 0; -EINVAL; -ESRCH; -EPERM; -EACCES
 */
long
sys_setpgid(const long a[6])
{
    return pgrp_setpgid((int)a[0], (int)a[1]);
}

/**
 * @brief getpgid(pid) (0: the caller).
 * @param a the six argument registers
 * @return the group; -ESRCH
 */
long
sys_getpgid(const long a[6])
{
    return pgrp_getpgid((int)a[0]);
}

/**
 * @brief getpgrp(): the caller's group.
 * @param a the six argument registers (unused)
 * @return the group
 */
long
sys_getpgrp(const long a[6] __unused)
{
    return proc_current()->pgid;
}

/**
 * @brief setsid(): a new session and group, led by the caller.
 * @param a the six argument registers (unused)
 * @return the new session id; -EPERM for a group leader
 */
long
sys_setsid(const long a[6] __unused)
{
    return pgrp_setsid();
}

/**
 * @brief getsid(pid) (0: the caller).
 * @param a the six argument registers
 * @return the session; -ESRCH
 */
long
sys_getsid(const long a[6])
{
    return pgrp_getsid((int)a[0]);
}
