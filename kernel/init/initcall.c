/**
 * @file
 * @ingroup init
 * @brief Run the init calls of one level, in link order.
 *
 * The linker script gathers each level's `.initcall.<level>` entries between
 * two symbols, `__initcallN_start` and `__initcallN_end`; this file walks
 * them. An init call that fails is reported and boot goes on: a missing
 * device should not stop the kernel. Boot only; no locking.
 */
#include "kernel/init.h"
#include "kernel/printk.h"

extern const struct initcall __initcall1_start[], __initcall1_end[];
extern const struct initcall __initcall2_start[], __initcall2_end[];
extern const struct initcall __initcall3_start[], __initcall3_end[];
extern const struct initcall __initcall4_start[], __initcall4_end[];
extern const struct initcall __initcall5_start[], __initcall5_end[];
extern const struct initcall __initcall6_start[], __initcall6_end[];
extern const struct initcall __initcall7_start[], __initcall7_end[];

static const struct initcall *const level_start[] = {
    __initcall1_start, __initcall2_start, __initcall3_start, __initcall4_start,
    __initcall5_start, __initcall6_start, __initcall7_start,
};
static const struct initcall *const level_end[] = {
    __initcall1_end, __initcall2_end, __initcall3_end, __initcall4_end,
    __initcall5_end, __initcall6_end, __initcall7_end,
};

/**
 * @brief Run every init call registered at @p level.
 * @param level 1 (console) to 7 (user), see kernel/init.h
 */
void
initcalls_run(int level)
{
    if (level < 1 || level > 7)
        return;
    for (const struct initcall *c = level_start[level - 1];
         c < level_end[level - 1]; c++) {
        int err = c->fn();
        if (err < 0)
            pr_err("init: %s failed with error %d\n", c->name, err);
    }
}
