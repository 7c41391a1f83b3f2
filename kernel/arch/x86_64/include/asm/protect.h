/**
 * @file
 * @ingroup arch
 * @brief The CPU's guards between the kernel and user memory: SMEP,
 *        SMAP and UMIP (kernel/arch/x86_64/cpu/protect.c).
 */
#ifndef ASM_PROTECT_H
#define ASM_PROTECT_H

#include "asm/trap.h"
#include "kernel/types.h"

/** Non-zero when SMAP is on: user copies open it with stac and close it
 *  with clac (mm/usercopy.S reads this byte). */
extern uint8_t cpu_smap;

bool guard_violation(const struct trap_frame *tf, uint64_t addr);
long arch_probe_user_nosmap(const void *src);

#endif /* ASM_PROTECT_H */
