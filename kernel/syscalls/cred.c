/**
 * @file
 * @ingroup syscalls
 * @brief The user- and group-id calls: get*id, set*id, groups.
 *
 * Every setter is one of setresuid/setresgid (kernel/proc/cred.c) with
 * Linux's rules for which ids it touches:
 *
 * - setuid(u): root sets all three ids; anyone else only the effective
 *   one, to the real or saved id.
 * - setreuid(r, e): when the real id is set, or the effective one is set
 *   to something other than the old real id, the saved id follows the
 *   new effective id (so a dropped id cannot be taken back).
 */
#include "kernel/cred.h"
#include "kernel/compiler.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/* The current process's ids. */
static struct cred *
cred(void)
{
    return &proc_current()->cred;
}

/**
 * @brief getuid().
 * @param a the six argument registers (unused)
 * @return the real user id
 */
long
sys_getuid(const long a[6] __unused)
{
    return cred()->uid;
}

/**
 * @brief geteuid().
 * @param a the six argument registers (unused)
 * @return the effective user id
 */
long
sys_geteuid(const long a[6] __unused)
{
    return cred()->euid;
}

/**
 * @brief getgid().
 * @param a the six argument registers (unused)
 * @return the real group id
 */
long
sys_getgid(const long a[6] __unused)
{
    return cred()->gid;
}

/**
 * @brief getegid().
 * @param a the six argument registers (unused)
 * @return the effective group id
 */
long
sys_getegid(const long a[6] __unused)
{
    return cred()->egid;
}

/**
 * @brief setuid(uid).
 * @param a the six argument registers
 * @return 0, -EPERM or -EINVAL
 */
long
sys_setuid(const long a[6])
{
    long id = (uint32_t)a[0];
    if (capable(CAP_SETUID))
        return cred_setresuid(id, id, id);
    if (id != cred()->uid && id != cred()->suid)
        return -EPERM;
    return cred_setresuid(-1, id, -1);
}

/**
 * @brief setgid(gid).
 * @param a the six argument registers
 * @return 0, -EPERM or -EINVAL
 */
long
sys_setgid(const long a[6])
{
    long id = (uint32_t)a[0];
    if (capable(CAP_SETGID))
        return cred_setresgid(id, id, id);
    if (id != cred()->gid && id != cred()->sgid)
        return -EPERM;
    return cred_setresgid(-1, id, -1);
}

/* An id argument: -1 (as a 32-bit value) means "unchanged". */
static long
id_arg(long v)
{
    return (uint32_t)v == 0xffffffffu ? -1 : (long)(uint32_t)v;
}

/* setreuid/setregid's saved id: follows a new effective id when the real
 * one is set or the effective one leaves the old real id. */
static long
re_saved(long r, long e, uint32_t old_real)
{
    return (r != -1 || (e != -1 && e != old_real)) ? e : -1;
}

/**
 * @brief setreuid(ruid, euid).
 * @param a the six argument registers
 * @return 0, -EPERM or -EINVAL
 */
long
sys_setreuid(const long a[6])
{
    long r = id_arg(a[0]), e = id_arg(a[1]);
    struct cred *c = cred();
    if (!capable(CAP_SETUID) && r != -1 && r != c->uid && r != c->euid)
        return -EPERM;
    long s = re_saved(r, e, c->uid);
    if (s == -1 && r != -1)
        s = c->euid;
    return cred_setresuid(r, e, s);
}

/**
 * @brief setregid(rgid, egid).
 * @param a the six argument registers
 * @return 0, -EPERM or -EINVAL
 */
long
sys_setregid(const long a[6])
{
    long r = id_arg(a[0]), e = id_arg(a[1]);
    struct cred *c = cred();
    if (!capable(CAP_SETGID) && r != -1 && r != c->gid && r != c->egid)
        return -EPERM;
    long s = re_saved(r, e, c->gid);
    if (s == -1 && r != -1)
        s = c->egid;
    return cred_setresgid(r, e, s);
}

/**
 * @brief setresuid(ruid, euid, suid).
 * @param a the six argument registers
 * @return 0, -EPERM or -EINVAL
 */
long
sys_setresuid(const long a[6])
{
    return cred_setresuid(id_arg(a[0]), id_arg(a[1]), id_arg(a[2]));
}

/**
 * @brief setresgid(rgid, egid, sgid).
 * @param a the six argument registers
 * @return 0, -EPERM or -EINVAL
 */
long
sys_setresgid(const long a[6])
{
    return cred_setresgid(id_arg(a[0]), id_arg(a[1]), id_arg(a[2]));
}

/* Copy three ids out to three user words. */
static long
put_three(long ua, long ub, long uc, uint32_t a, uint32_t b, uint32_t c)
{
    if (copy_to_user(UPTR(ua), &a, 4) < 0 ||
        copy_to_user(UPTR(ub), &b, 4) < 0 || copy_to_user(UPTR(uc), &c, 4) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief getresuid(ruid, euid, suid).
 * @param a the six argument registers
 * @return 0 or -EFAULT
 */
long
sys_getresuid(const long a[6])
{
    struct cred *c = cred();
    return put_three(a[0], a[1], a[2], c->uid, c->euid, c->suid);
}

/**
 * @brief getresgid(rgid, egid, sgid).
 * @param a the six argument registers
 * @return 0 or -EFAULT
 */
long
sys_getresgid(const long a[6])
{
    struct cred *c = cred();
    return put_three(a[0], a[1], a[2], c->gid, c->egid, c->sgid);
}

/**
 * @brief getgroups(size, list): size 0 asks only for the count.
 * @param a the six argument registers
 * @return the number of groups; -EINVAL when size is too small; -EFAULT
 */
long
sys_getgroups(const long a[6])
{
    struct cred *c = cred();
    long size = (int)a[0];
    if (size == 0)
        return c->ngroups;
    if (size < c->ngroups)
        return -EINVAL;
    // no group, no copy: Linux touches the list only to write a group
    if (c->ngroups > 0 &&
        copy_to_user(UPTR(a[1]), c->groups, c->ngroups * 4) < 0)
        return -EFAULT;
    return c->ngroups;
}

/** Linux's limit on a setgroups list (its NGROUPS_MAX). */
#define LINUX_NGROUPS_MAX 65536

/**
 * @brief setgroups(size, list): root only.
 *
 * Linux takes up to 65536 groups; Keel keeps NGROUPS_MAX. A list in
 * between is read whole first, so a bad pointer is -EFAULT as on Linux,
 * and only then refused with -EINVAL.
 * @param a the six argument registers
 * @return 0; -EPERM for non-root; -EINVAL for size < 0 or past
 *         NGROUPS_MAX, or a gid of -1; -EFAULT
 */
long
sys_setgroups(const long a[6])
{
    long size = (int)a[0];
    uint32_t groups[NGROUPS_MAX];
    if (!capable(CAP_SETGID))
        return -EPERM;
    if (size < 0 || size > LINUX_NGROUPS_MAX)
        return -EINVAL;
    for (long at = NGROUPS_MAX; at < size; at += NGROUPS_MAX) {
        long n = MIN(size - at, (long)NGROUPS_MAX);
        if (copy_from_user(groups, UPTR((uint64_t)a[1] + (uint64_t)at * 4),
                           n * 4) < 0)
            return -EFAULT; // the part past what Keel keeps: read, dropped
    }
    if (copy_from_user(groups, UPTR(a[1]), MIN(size, (long)NGROUPS_MAX) * 4) <
        0)
        return -EFAULT;
    if (size > NGROUPS_MAX)
        return -EINVAL;
    for (long i = 0; i < size; i++)
        if (groups[i] == (uint32_t)-1)
            return -EINVAL; // Linux: not a valid gid
    struct cred *c = cred();
    memcpy(c->groups, groups, size * 4);
    c->ngroups = (uint32_t)size;
    return 0;
}

/* ---- capabilities ------------------------------------------------------ */

/** @name capget's header versions (linux/capability.h) */
///@{
#define CAP_VERSION_1 0x19980330 /**< 32-bit sets: one data word each */
#define CAP_VERSION_2 0x20071026 /**< 64-bit sets (deprecated) */
#define CAP_VERSION_3 0x20080522 /**< 64-bit sets: two data words each */
///@}
/** One 32-bit part of the three sets, as capget writes them. */
struct cap_data {
    uint32_t effective, permitted, inheritable;
};

/*
 * The version in the header at @p hdr, checked as Linux's
 * cap_validate_magic() checks it: the number of cap_data words in *@p n.
 * An unknown version is answered with the current one written back to
 * the header, and -EINVAL.
 */
static long
cap_version(uint64_t hdr, unsigned *n)
{
    uint32_t version;
    if (copy_from_user(&version, UPTR(hdr), 4) < 0)
        return -EFAULT;
    if (version == CAP_VERSION_1) {
        *n = 1;
        return 0;
    }
    if (version == CAP_VERSION_2 || version == CAP_VERSION_3) {
        *n = 2;
        return 0;
    }
    version = CAP_VERSION_3;
    if (copy_to_user(UPTR(hdr), &version, 4) < 0)
        return -EFAULT;
    return -EINVAL;
}

/* The header's pid, checked: 0 (the caller), or -EFAULT or -EINVAL. */
static long
cap_pid(uint64_t hdr, int32_t *pid)
{
    if (copy_from_user(pid, UPTR(hdr + 4), 4) < 0)
        return -EFAULT;
    return *pid < 0 ? -EINVAL : 0;
}

/**
 * @brief capget(hdr, data): a process's capability sets (kernel/proc/cred.c
 *        says how they follow its uids).
 *
 * The errors are Linux's, in its order: the header's version first (an
 * unknown one is -EINVAL, with the current version written back; a NULL
 * @p data with any version is a probe and returns 0), then the pid (-1 and
 * below: -EINVAL; a process that does not exist: -ESRCH), then the copy.
 *
 * @param a the six argument registers: the header {version, pid} and the
 *          data array (one cap_data for version 1, two otherwise)
 * @return 0; -EFAULT, -EINVAL, -ESRCH
 * Locking: takes the process table's lock to read another process's ids.
 */
long
sys_capget(const long a[6])
{
    unsigned n = 0;
    long err = cap_version((uint64_t)a[0], &n);
    if (a[1] == 0)
        return err == -EINVAL ? 0 : err;
    if (err < 0)
        return err;
    int32_t pid;
    err = cap_pid((uint64_t)a[0], &pid);
    if (err < 0)
        return err;
    struct proc *self = proc_current();
    irqflags_t flags = proc_table_lock();
    struct proc *p = pid == 0 ? self : proc_find_locked(pid);
    struct cred c = p != NULL ? p->cred : self->cred;
    proc_table_unlock(flags);
    if (p == NULL)
        return -ESRCH;
    struct cap_data d[2] = {
        {(uint32_t)c.cap_effective, (uint32_t)c.cap_permitted,
         (uint32_t)c.cap_inheritable},
        {(uint32_t)(c.cap_effective >> 32), (uint32_t)(c.cap_permitted >> 32),
         (uint32_t)(c.cap_inheritable >> 32)},
    };
    if (copy_to_user(UPTR(a[1]), d, n * sizeof(d[0])) < 0)
        return -EFAULT;
    return 0;
}

/**
 * @brief capset(hdr, data): set the caller's capability sets.
 *
 * Errors in Linux's order: the header's version (as capget; a NULL
 * @p data is no probe here: -EFAULT), the pid (another process's sets
 * cannot be set: -EPERM), the copy of the data, then the rules of
 * cred_capset(). Bits past the last capability are dropped, as Linux
 * drops them.
 *
 * @param a the six argument registers: the header and the data array
 * @return 0; -EFAULT, -EINVAL, -EPERM
 */
long
sys_capset(const long a[6])
{
    unsigned n = 0;
    long err = cap_version((uint64_t)a[0], &n);
    if (err < 0)
        return err;
    int32_t pid;
    if (copy_from_user(&pid, UPTR((uint64_t)a[0] + 4), 4) < 0)
        return -EFAULT;
    if (pid != 0 && pid != proc_current()->pid)
        return -EPERM;
    struct cap_data d[2] = {{0, 0, 0}, {0, 0, 0}};
    if (copy_from_user(d, UPTR(a[1]), n * sizeof(d[0])) < 0)
        return -EFAULT;
#define CAP_SET(field)                                                         \
    ((((uint64_t)d[1].field << 32) | d[0].field) & CAP_FULL_SET)
    return cred_capset(CAP_SET(effective), CAP_SET(permitted),
                       CAP_SET(inheritable));
#undef CAP_SET
}
