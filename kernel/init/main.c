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
#if CHAPTER >= 2
#include "kernel/mm.h"
#endif
#if CHAPTER >= 3
#include "fs/initramfs.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#endif

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.1"
#endif

void kmain(uint32_t magic, paddr_t info);

/*
 * With nothing else to run, sleep until the next interrupt and, once a
 * second, rewrite the uptime line in place ("\r", no newline).
 */
static bool show_uptime = true;

static __noreturn void
idle_loop(void)
{
    uint64_t shown = UINT64_MAX; // print "uptime: 0 s" at once
    bool quiet = cmdline_flag("quiet");
    for (;;) {
#if CHAPTER >= 3
        if (!sched_yield()) // other threads first; sleep if there are none
            arch_idle();
#else
        arch_idle();
#endif
        uint64_t secs = time_jiffies() / HZ;
        if (secs != shown && !quiet && show_uptime) {
            shown = secs;
            printk(KERN_NOTICE "\ruptime: %lu s", secs);
        }
    }
}

#if CHAPTER >= 3
/* Start process 1 from the initramfs: `init=PATH`, or /init; the words
 * after `--` on the command line are its arguments. */
static void
start_init(void)
{
    const char *path = cmdline_get("init");
    if (path == NULL || *path == 0)
        path = "/init";
    const char *args[INIT_MAX_ARGS];
    int nargs = cmdline_init_args(args, INIT_MAX_ARGS);
    int err = proc_start_init(path, args, nargs);
    if (err < 0)
        pr_warn("keel: cannot start %s (error %d); the kernel idles\n", path,
                err);
    else
        show_uptime = false; // the console belongs to the programs now
}
#endif

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
#if CHAPTER >= 2
    pmm_init();     // physical frames from the memory map
    kmalloc_init(); // the kernel heap
    vmm_init();     // the kernel's own page tables
#endif
#if CHAPTER >= 3
    sched_init();     // from here on kmain is a thread among others
    initramfs_init(); // the first module: the programs to run
#endif

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
#if CHAPTER >= 3
    start_init();
#endif
    idle_loop();
}
// [kmain]
