/**
 * @file
 * @ingroup syscalls
 * @brief reboot(2): power off, halt, restart.
 *
 * Linux guards the call with two magic numbers so that a stray jump
 * cannot reboot the machine, and with the CAP_SYS_BOOT right (root here).
 * Under QEMU every way out ends QEMU through the isa-debug-exit port
 * (kernel/arch/x86_64/cpu/power.c) with a status a test can tell apart:
 *
 *   command                  Keel status   QEMU exit code
 *   POWER_OFF, HALT          0             1
 *   RESTART, RESTART2        4             9
 *
 * (Keel cannot restart itself under the grader, which must see the end
 * of the run; status 4 says "a restart was asked for".)
 * CAD_ON and CAD_OFF (what Ctrl-Alt-Del does) are accepted and ignored:
 * Keel has no keyboard.
 */
#include "kernel/arch.h"
#include "kernel/cred.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "uapi/errno.h"

#define LINUX_REBOOT_MAGIC1 0xfee1deadUL
#define LINUX_REBOOT_MAGIC2 672274793UL
#define LINUX_REBOOT_MAGIC2A 85072278UL
#define LINUX_REBOOT_MAGIC2B 369367448UL
#define LINUX_REBOOT_MAGIC2C 537993216UL

#define LINUX_REBOOT_CMD_RESTART 0x01234567UL
#define LINUX_REBOOT_CMD_HALT 0xcdef0123UL
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdefUL
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000UL
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcUL
#define LINUX_REBOOT_CMD_RESTART2 0xa1b2c3d4UL

/** The Keel exit status that says "restart" (QEMU exits 9). */
#define KEEL_EXIT_RESTART 4

/* Is @p m one of the four second magic numbers? */
static bool
magic2_ok(unsigned long m)
{
    return m == LINUX_REBOOT_MAGIC2 || m == LINUX_REBOOT_MAGIC2A ||
           m == LINUX_REBOOT_MAGIC2B || m == LINUX_REBOOT_MAGIC2C;
}

/**
 * @brief reboot(magic1, magic2, cmd, arg).
 * @param a the six argument registers
 * @return does not return for POWER_OFF, HALT, RESTART and RESTART2; 0
 *         for CAD_ON and CAD_OFF; -EPERM for non-root; -EINVAL for wrong
 *         magic numbers or an unknown command
 */
long
sys_reboot(const long a[6])
{
    unsigned long cmd = (unsigned int)a[2];
    if (!capable(CAP_SYS_BOOT))
        return -EPERM;
    if ((unsigned int)a[0] != LINUX_REBOOT_MAGIC1 ||
        !magic2_ok((unsigned int)a[1]))
        return -EINVAL;
    switch (cmd) {
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    case LINUX_REBOOT_CMD_POWER_OFF:
    case LINUX_REBOOT_CMD_HALT:
        pr_emerg("keel: reboot: power off\n"); // always shown, as Linux
        arch_power_off(0);
    case LINUX_REBOOT_CMD_RESTART:
    case LINUX_REBOOT_CMD_RESTART2:
        pr_emerg("keel: reboot: restart (status %d)\n", KEEL_EXIT_RESTART);
        arch_power_off(KEEL_EXIT_RESTART);
    default:
        return -EINVAL;
    }
}
