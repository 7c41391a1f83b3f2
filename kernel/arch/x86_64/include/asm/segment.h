/**
 * @file
 * @ingroup arch
 * @brief GDT layout: segment selectors, the same numbers Linux uses.
 *
 * In long mode segments barely matter, but the CPU still needs a code and a
 * data descriptor for each privilege level and a TSS. Keel lays them out
 * exactly as Linux does, so user-visible values (the CS in a signal frame,
 * 0x33) match what programs expect, and SYSCALL/SYSRET (chapter 3) find
 * their selectors where the STAR MSR says.
 *
 * @verbatim
 *   index selector  descriptor
 *     0    0x00     null
 *     2    0x10     kernel code (64-bit)     __KERNEL_CS
 *     3    0x18     kernel data              __KERNEL_DS
 *     4    0x23     user code (32-bit)       __USER32_CS
 *     5    0x2b     user data                __USER_DS
 *     6    0x33     user code (64-bit)       __USER_CS
 *     8    0x40     TSS (16 bytes: 8 and 9)  GDT_TSS
 * @endverbatim
 * This header is shared with assembly, so it holds only macros.
 */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H

#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER32_CS 0x23
#define USER_DS 0x2b
#define USER_CS 0x33
#define GDT_TSS 0x40
#define GDT_ENTRIES 10

#endif /* ASM_SEGMENT_H */
