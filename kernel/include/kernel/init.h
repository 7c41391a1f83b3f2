/**
 * @file
 * @ingroup init
 * @brief Init calls: how subsystems and drivers hook into boot.
 *
 * A subsystem does not get a line in main.c; it registers a function with
 * `initcall(level, fn)`. The macro puts a pointer to fn into a linker
 * section named after the level, and initcalls_run() runs the sections in
 * order. A later chapter thus adds a driver by adding a file, with no edit
 * to code that already exists (DESIGN.md: registration through linker sets).
 *
 * @snippet kernel/include/kernel/init.h initcall
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include "kernel/compiler.h"

/** An init call: 0 on success or a negative errno (logged, boot goes on). */
typedef int (*initcall_fn)(void);

/** One entry of an init-call linker set. */
struct initcall {
    initcall_fn fn;   /**< the function to run */
    const char *name; /**< its name, for the boot log */
};

// [initcall]
/**
 * Run @p fn during boot at @p level: one of console (1, output devices),
 * memory (2, the allocators; then threads, also 2, what needs only
 * memory: the scheduler), arch (3, CPU and
 * interrupt set-up), core (4, time), driver (5), late (6), user (7, after
 * boot is complete: user space).
 */
#define initcall(level, fn)                                                    \
    static const struct initcall __initcall_##fn __used __aligned(8)           \
        __section(".initcall." #level) = {fn, #fn}
// [initcall]

void initcalls_run(int level);

#endif /* KERNEL_INIT_H */
