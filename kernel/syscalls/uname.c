/**
 * @file
 * @ingroup syscalls
 * @brief uname, sethostname, setdomainname: what the system calls itself.
 *
 * uname(2) answers with six strings. Keel says "Linux": it speaks Linux's
 * system-call ABI, and C libraries and programs compare the name (and
 * parse the release "6.1.0" for features) before they use a call. The
 * host and domain names are the only ones that change: root sets them
 * with sethostname and setdomainname. They are kept here, one copy for
 * the whole machine (Linux would keep one per UTS namespace).
 *
 * Locking: uts_lock guards the two names, so uname never sees half a
 * name while another process sets it.
 */
#include "kernel/cred.h"
#include "kernel/string.h"
#include "kernel/sync.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"
#include "uapi/utsname.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.1"
#endif

/** The longest host or domain name (Linux's __NEW_UTS_LEN). */
#define UTS_NAME_MAX 64

static struct spinlock uts_lock = SPINLOCK_INIT("uts");
static char hostname[UTS_FIELD_LEN] = "keel";
static char domainname[UTS_FIELD_LEN] = "(none)";

/**
 * @brief uname(buf): fill a struct utsname.
 * @param a the six argument registers: the user's struct utsname
 * @return 0, or -EFAULT for a bad pointer
 */
long
sys_uname(const long a[6])
{
    long buf = a[0];
    // >>> exercise 4.1 uname
    struct utsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Linux", sizeof(u.sysname));
    strlcpy(u.release, "6.1.0-keel", sizeof(u.release));
    strlcpy(u.version, "#1 Keel " KEEL_VERSION, sizeof(u.version));
    strlcpy(u.machine, "x86_64", sizeof(u.machine));
    // the two names that change: copy them under the lock
    irqflags_t flags = spin_lock_irqsave(&uts_lock);
    strlcpy(u.nodename, hostname, sizeof(u.nodename));
    strlcpy(u.domainname, domainname, sizeof(u.domainname));
    spin_unlock_irqrestore(&uts_lock, flags);
    return copy_to_user(UPTR(buf), &u, sizeof(u));
    // === stub: uname fails, so programs cannot learn the system's name
    // (void)buf;
    // return -ENOSYS;
    // <<< exercise 4.1 uname
}

/* Set @p name (hostname or domainname) from @p len user bytes at @p src. */
static long
set_name(char *name, long src, long len)
{
    char buf[UTS_FIELD_LEN];
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (len < 0 || len > UTS_NAME_MAX)
        return -EINVAL;
    if (copy_from_user(buf, UPTR(src), (size_t)len) < 0)
        return -EFAULT;
    buf[len] = '\0';
    irqflags_t flags = spin_lock_irqsave(&uts_lock);
    memcpy(name, buf, (size_t)len + 1);
    spin_unlock_irqrestore(&uts_lock, flags);
    return 0;
}

/**
 * @brief sethostname(name, len): the name uname reports as nodename.
 * @param a the six argument registers
 * @return 0; -EPERM for non-root; -EINVAL for len < 0 or > 64; -EFAULT
 */
long
sys_sethostname(const long a[6])
{
    return set_name(hostname, a[0], a[1]);
}

/**
 * @brief setdomainname(name, len): the NIS domain name.
 * @param a the six argument registers
 * @return 0; -EPERM for non-root; -EINVAL for len < 0 or > 64; -EFAULT
 */
long
sys_setdomainname(const long a[6])
{
    return set_name(domainname, a[0], a[1]);
}
