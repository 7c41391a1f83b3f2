/**
 * @file
 * @ingroup syscalls
 * @brief prctl: a process's own settings (its name, for ps and top).
 *
 * Only PR_SET_NAME and PR_GET_NAME: the 15-byte name that ps shows and
 * that a thread library sets; every other option is -EINVAL.
 */
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

#define PR_SET_NAME 15
#define PR_GET_NAME 16

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
