/**
 * @file
 * @ingroup arch
 * @brief Self-tests of the guards: SMAP stops a plain kernel read of user
 *        memory, SMEP a kernel jump into it (cpu/protect.c).
 *
 * Each makes an address space of its own with one user page, switches to
 * it, tries, and switches back. On a CPU without the guard the test says
 * so and passes: there is nothing to check there.
 */
#include "asm/cpu.h"
#include "asm/protect.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"
#include "kernel/uaccess.h"
#include "uapi/errno.h"

/** Where the tests map their user page. */
#define TEST_VA 0x10000000UL

/* A fresh address space with one user page at TEST_VA holding @p n bytes
 * of @p bytes, with rights @p prot; NULL (and a failure said) if not. */
static struct mm *
user_page(const void *bytes, size_t n, unsigned prot)
{
    struct mm *mm = mm_create();
    if (mm == NULL)
        return NULL;
    if (mm_map_anon(mm, TEST_VA, PAGE_SIZE, prot) < 0 ||
        mm_copy_to(mm, TEST_VA, bytes, n) < 0) {
        mm_destroy(mm);
        return NULL;
    }
    return mm;
}

// [selftest_smap]
static int
selftest_smap(void)
{
    if (!cpu_smap) {
        pr_notice("selftest: smap: this CPU has no SMAP: nothing to test\n");
        return 0;
    }
    struct mm *mm = user_page("keel", 5, VM_READ | VM_WRITE);
    if (mm == NULL)
        return selftest_fail("could not map a user page");
    char buf[5] = "";
    mm_activate(mm);
    int copied = copy_from_user(buf, UPTR(TEST_VA), sizeof(buf));
    long probe = arch_probe_user_nosmap((const void *)TEST_VA);
    mm_activate(NULL);
    mm_destroy(mm);
    if (copied != 0 || memcmp(buf, "keel", 5) != 0)
        return selftest_fail("copy_from_user of a user page failed (%d)",
                             copied);
    if (probe != -EFAULT)
        return selftest_fail("a plain kernel read of the page did not "
                             "fault (it read 0x%lx)",
                             probe);
    pr_notice("selftest: smap: copy_from_user reads the user page, a plain "
              "kernel read of it faults\n");
    return 0;
}
// [selftest_smap]
SELFTEST("smap", selftest_smap, 0);

static int
selftest_smep(void)
{
    static const uint8_t ret = 0xc3; // the page holds one instruction
    if (!(read_cr4() & (1UL << 20))) {
        pr_notice("selftest: smep: this CPU has no SMEP: nothing to test\n");
        return 0;
    }
    struct mm *mm = user_page(&ret, 1, VM_READ | VM_EXEC);
    if (mm == NULL)
        return selftest_fail("could not map a user page");
    mm_activate(mm);
    pr_notice("selftest: smep: calling the user page at 0x%lx\n", TEST_VA);
    ((void (*)(void))TEST_VA)();
    mm_activate(NULL);
    mm_destroy(mm);
    return selftest_fail("the kernel ran an instruction of a user page");
}
SELFTEST("smep", selftest_smep, SELFTEST_CRASHES);
