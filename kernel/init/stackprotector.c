/**
 * @file
 * @ingroup init
 * @brief The stack protector: a random word between a function's arrays
 *        and its return address, checked before it returns.
 *
 * From chapter 4 on the kernel is compiled with
 * `-fstack-protector-strong`. GCC then gives every function that has a
 * local array, or a local whose address is taken, a canary: the
 * prologue copies a secret word just below the saved frame pointer and
 * return address, and the epilogue compares it before `ret`. An
 * overflow of a local buffer, the classic way a bad length turns into
 * a hijacked return, has to write over the canary first; the epilogue
 * sees it changed and calls __stack_chk_fail() instead of returning.
 *
 *     higher addresses
 *     | return address     |  <- what an overflow is after
 *     | saved rbp          |
 *     | canary             |  <- copied from __stack_chk_guard
 *     | char buf[16]       |  <- overflows upwards, into the canary
 *     lower addresses
 *
 * `-mstack-protector-guard=global` makes the secret one global word,
 * __stack_chk_guard, instead of Linux's per-CPU slot at %gs:40 (Keel
 * runs one CPU and keeps nothing per CPU in GS). A secret known at
 * build time protects nothing, so stackguard_init() replaces it with a
 * random word at the very start of boot, from RDRAND when the CPU has
 * it (the time-stamp counter otherwise). Its lowest byte is zero, as
 * glibc's is: a string copy that runs over the end of a buffer stops at
 * that byte and cannot write the canary back intact.
 *
 * The guard may change only while no protected function is between its
 * prologue and its epilogue: that function would see a different word
 * on its way out. stackguard_init() therefore runs as the first console
 * init call, when the only frames on the stack are kmain's and
 * initcalls_run()'s (neither has an array, so neither has a canary),
 * and is itself built without one.
 *
 * Locking: none; the guard is written once, before any thread exists.
 */
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/string.h"

/** The canary every protected function copies; random from boot on. */
uint64_t __stack_chk_guard = 0x2e6c65656b2e2e00UL;

void __stack_chk_fail(void);

/**
 * @brief Called by a protected function's epilogue when its canary
 *        changed: the function wrote past one of its local arrays.
 *
 * The stack is not to be trusted any more (the return address above the
 * canary may be overwritten too), so there is nothing to return to:
 * stop, naming the function whose frame was hit.
 */
__noreturn void
__stack_chk_fail(void)
{
    // the call is the function's last instruction: its return address
    // is one past the end, so name the byte before it
    char where[96];
    ksym_format(where, sizeof(where),
                (uint64_t)__builtin_return_address(0) - 1);
    panic("stack-protector: the stack of %s was overwritten (a local "
          "array overflowed)",
          where);
}

// [stackguard_init]
/* At boot, before anything else: a random canary, lowest byte zero. */
__attribute__((no_stack_protector)) static int
stackguard_init(void)
{
    uint64_t word;
    bool rdrand = arch_rdrand(&word);
    if (!rdrand)
        word = arch_cycles() * 0x9e3779b97f4a7c15UL;
    __stack_chk_guard = word & ~0xffUL;
    pr_info("stack-protector: canary from %s\n", rdrand ? "rdrand" : "tsc");
    return 0;
}
// [stackguard_init]
initcall(console, stackguard_init);

/*
 * The self-test: overflow a local array by a length the compiler cannot
 * see, as a bad length from a caller would. The canary is hit and the
 * machine stops, which is the pass.
 */
static volatile size_t smash_len = 48;

static __noinline void
smash(void)
{
    char buf[16];
    memset(buf, 'k', smash_len);
    barrier(); // buf is used: the write cannot be dropped
}

static int
selftest_stackguard(void)
{
    if (__stack_chk_guard == 0x2e6c65656b2e2e00UL)
        return selftest_fail("the canary is still its build-time value");
    pr_notice("selftest: stackguard: writing %zu bytes into a 16-byte "
              "array\n",
              (size_t)smash_len);
    smash();
    return selftest_fail("an overflow of a local array went unnoticed");
}
SELFTEST("stackguard", selftest_stackguard, SELFTEST_CRASHES);
