/**
 * @file
 * @ingroup arch
 * @brief Control registers, MSRs and other one-instruction CPU wrappers.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include "kernel/types.h"

/**
 * @brief Read CR2.
 * @return the faulting linear address of the last page fault
 */
static inline uint64_t
read_cr2(void)
{
    uint64_t v;
    __asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
    return v;
}

/**
 * @brief Read CR3.
 * @return the physical address of the current top-level page table
 */
static inline uint64_t
read_cr3(void)
{
    uint64_t v;
    __asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
    return v;
}

/**
 * @brief Switch page tables (and flush non-global TLB entries).
 * @param v the physical address of the new top-level table, for CR3
 */
static inline void
write_cr3(uint64_t v)
{
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

/**
 * @brief Read CR0.
 * @return control register 0 (paging, protection, write-protect bits)
 */
static inline uint64_t
read_cr0(void)
{
    uint64_t v;
    __asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
    return v;
}

/**
 * @brief Read CR4.
 * @return control register 4 (PAE, SMEP, ... feature enables)
 */
static inline uint64_t
read_cr4(void)
{
    uint64_t v;
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
    return v;
}

/**
 * @brief Read model-specific register @p msr.
 * @param msr the register number (MSR_EFER, ...)
 * @return its 64-bit value (EDX:EAX)
 */
static inline uint64_t
rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/**
 * @brief Write @p val to model-specific register @p msr.
 * @param msr the register number
 * @param val the value, split into EDX:EAX
 */
static inline void
wrmsr(uint32_t msr, uint64_t val)
{
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)val),
                           "d"((uint32_t)(val >> 32)));
}

/**
 * @brief Read RFLAGS.
 * @return the flags register (RFLAGS_IF: interrupts on)
 */
static inline uint64_t
read_rflags(void)
{
    uint64_t v;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(v));
    return v;
}

/**
 * @brief Read RBP.
 * @return the frame pointer of the calling function
 */
static inline uint64_t
read_rbp(void)
{
    uint64_t v;
    __asm__ __volatile__("mov %%rbp, %0" : "=r"(v));
    return v;
}

/**
 * @brief Read DR6, the debug status: why the last debug exception came.
 * @return DR6 (DR6_BS: a single-step trap)
 */
static inline uint64_t
read_dr6(void)
{
    uint64_t v;
    __asm__ __volatile__("mov %%dr6, %0" : "=r"(v));
    return v;
}

/**
 * @brief Write DR6 (its status bits are sticky: the debug-exception
 *        handler clears them).
 * @param v the new value (DR6_CLEAR: no condition)
 */
static inline void
write_dr6(uint64_t v)
{
    __asm__ __volatile__("mov %0, %%dr6" : : "r"(v));
}

/** DR6.BS: the debug exception was a single step (RFLAGS.TF). */
#define DR6_BS (1UL << 14)
/** DR6 with no condition recorded (the reserved bits read as ones). */
#define DR6_CLEAR 0xffff0ff0UL

/** RFLAGS.TF: trap after each instruction (single-step). */
#define RFLAGS_TF (1UL << 8)

/** RFLAGS.IF: interrupts enabled. */
#define RFLAGS_IF (1UL << 9)

#endif /* ASM_CPU_H */
