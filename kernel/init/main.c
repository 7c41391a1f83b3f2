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
        sched_idle(); // other threads first; sleep if there are none
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

/*
 * The console log level, as Linux reads it: `loglevel=N` shows messages of
 * levels below N (1 to 8) for the whole run; otherwise `quiet` hides the
 * informational messages of the boot. Every message still goes to the
 * kernel log (dmesg), whatever the console shows.
 */
static void
console_level_init(void)
{
    if (cmdline_has("loglevel")) {
        unsigned long level = cmdline_ulong("loglevel", 7);
        printk_set_console_loglevel(level < 1 ? 1 : level > 8 ? 8 : level);
    } else if (cmdline_flag("quiet")) {
        printk_set_console_loglevel(6); // notices and worse
    }
}

#if CHAPTER >= 2
/*
 * Memory comes first: the frame allocator from the memory map, the kernel
 * heap on top of it, then the kernel's own page tables (which take frames).
 */
static int
memory_init(void)
{
    pmm_init();     // physical frames from the memory map
    kmalloc_init(); // the kernel heap
    vmm_init();     // the kernel's own page tables
    return 0;
}
initcall(memory, memory_init);
#endif

#if CHAPTER >= 3
/* Threads need only memory: from here on kmain is a thread among others.
 * The programs to run are the initramfs, the first module. */
static int
threads_init(void)
{
    sched_init();
    initramfs_init();
    return 0;
}
initcall(threads, threads_init);

/*
 * Start process 1 from the initramfs: `init=PATH`, or /init; the words
 * after `--` on the command line are its arguments. Booted without an
 * initramfs (as chapters 1 and 2 are, and their tests still are) the
 * kernel has no programs and idles, showing its uptime. With one, an init
 * that cannot start leaves nothing to do: as Linux panics with "No
 * working init found", Keel says why and powers off with KEEL_EXIT_INIT
 * at once, so a harness sees the failure instead of waiting out a timeout.
 */
static int
start_init(void)
{
    const char *path = cmdline_get("init");
    if (path == NULL || *path == 0)
        path = "/init";
    const char *args[INIT_MAX_ARGS];
    int nargs = cmdline_init_args(args, INIT_MAX_ARGS);
    int err = proc_start_init(path, args, nargs);
    if (err < 0 && boot_info.nmodules == 0) {
        pr_info("keel: no initramfs, so no init; the kernel idles\n");
        return 0;
    }
    if (err < 0) {
        pr_emerg("keel: cannot start init %s (error %d: -2 no such file, "
                 "-8 not a program, -13 not executable); name another with "
                 "init=PATH\n",
                 path, err);
        pr_emerg("keel: power off (status %d)\n", KEEL_EXIT_INIT);
        arch_power_off(KEEL_EXIT_INIT);
    }
    // The console belongs to the programs now: a line such as "pid 54
    // killed by signal 15" must not land in the middle of their output.
    // Unless the command line chose a level (`loglevel=`, or `strace`,
    // whose lines are notices), only warnings and worse still show.
    show_uptime = false;
    if (!cmdline_has("loglevel") && !cmdline_has("strace"))
        printk_set_console_loglevel(CONSOLE_LOGLEVEL_RUN);
    return 0;
}
initcall(user, start_init);
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
    console_level_init(); // `loglevel=N`, `quiet`

    initcalls_run(1); // consoles: from here on printk reaches a screen
    pr_notice("Keel %s (chapter %d) booting\n", KEEL_VERSION, CHAPTER);
    if (mb_err < 0)
        panic("not started by a multiboot2 boot loader (magic 0x%x)", magic);
    pr_info("cmdline: %s\n", boot_info.cmdline);
    boot_info_print();
    initcalls_run(2); // memory, and what needs only memory

    arch_init(); // GDT, TSS, IDT, interrupt controllers
    initcalls_run(3);
    initcalls_run(4);
    initcalls_run(5); // drivers, the timer among them
    initcalls_run(6);
    arch_irq_enable();
    pr_info("keel: boot complete, interrupts on\n");

    const char *test = cmdline_get("test");
    if (test != NULL)
        selftest_main(test);
    initcalls_run(7); // user space
    idle_loop();
}
// [kmain]
