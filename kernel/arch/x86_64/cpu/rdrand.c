/**
 * @file
 * @ingroup arch
 * @brief The CPU's random-number instruction, RDRAND, when it has one.
 *
 * CPUID leaf 1 sets bit 30 of ECX on CPUs with RDRAND. The instruction
 * sets the carry flag when it delivered a number; Intel advises retrying
 * a few times when it did not.
 */
#include "kernel/arch.h"
#include "kernel/random.h"

#define CPUID_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES 10

/* Does the CPU have RDRAND? */
static bool
has_rdrand(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c & CPUID_ECX_RDRAND) != 0;
}

/**
 * @brief A 64-bit random number from the CPU.
 * @param out receives the number
 * @return true, or false when the CPU has no RDRAND or it kept failing
 */
bool
arch_rdrand(uint64_t *out)
{
    static int known = -1; // -1: not asked yet
    if (known < 0)
        known = has_rdrand();
    for (int i = 0; known && i < RDRAND_RETRIES; i++) {
        uint8_t ok;
        __asm__ __volatile__("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}
