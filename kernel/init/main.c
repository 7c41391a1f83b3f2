/**
 * @file
 * @ingroup init
 * @brief kmain(): the boot order of Keel, readable top to bottom.
 *
 * entry.S arrives here in 64-bit mode, in the higher half, on the boot
 * stack, with interrupts off and GRUB's magic and information pointer as
 * arguments. From here on everything is C.
 *
 * @snippet kernel/init/main.c kmain
 */
#include "kernel/arch.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/time.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.1"
#endif

void kmain(uint32_t magic, paddr_t info);

/*
 * With nothing else to run, sleep until the next interrupt and, once a
 * second, rewrite the uptime line in place ("\r", no newline).
 */
static __noreturn void
idle_loop(void)
{
    uint64_t shown = UINT64_MAX; // print "uptime: 0 s" at once
    bool quiet = cmdline_flag("quiet");
    for (;;) {
        arch_idle();
        uint64_t secs = time_jiffies() / HZ;
        if (secs != shown && !quiet) {
            shown = secs;
            printk(KERN_NOTICE "\ruptime: %lu s", secs);
        }
    }
}

/**
 * @brief The C entry point, called once by entry.S.
 * @param magic EAX from GRUB: 0x36d76289 for multiboot2
 * @param info  EBX from GRUB: physical address of the information block
 */
// [kmain]
void
kmain(uint32_t magic, paddr_t info)
{
    int mb_err = multiboot2_parse(magic, info);
    cmdline_init(boot_info.cmdline);
    if (cmdline_flag("quiet"))
        printk_set_console_loglevel(6); // notices and worse only

    initcalls_run(1); // consoles: from here on printk reaches a screen
    pr_notice("Keel %s (chapter %d) booting\n", KEEL_VERSION, CHAPTER);
    if (mb_err < 0)
        panic("not started by a multiboot2 boot loader (magic 0x%x)", magic);
    pr_info("cmdline: %s\n", boot_info.cmdline);
    boot_info_print();

    arch_init(); // GDT, TSS, IDT, interrupt controllers
    initcalls_run(2);
    initcalls_run(3);
    initcalls_run(4); // drivers, the timer among them
    initcalls_run(5);
    arch_irq_enable();
    pr_info("keel: boot complete, interrupts on\n");

    const char *test = cmdline_get("test");
    if (test != NULL)
        selftest_main(test);
    idle_loop();
}
// [kmain]
