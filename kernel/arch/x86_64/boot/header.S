/**
 * @file
 * @ingroup boot
 * @brief The multiboot2 header: how GRUB recognises Keel as a kernel.
 *
 * GRUB scans the first 32 KiB of the kernel file for this 8-byte aligned
 * block: a magic number, the architecture (0 = i386 protected mode), the
 * length, and a checksum that makes the four fields sum to zero. Tags
 * follow; we ask for none beyond the mandatory end tag, so GRUB loads the
 * ELF segments at their physical addresses and jumps to the ELF entry
 * point (_start32 in entry.S) in 32-bit protected mode with paging off,
 * EAX = 0x36d76289 and EBX = the physical address of the boot information.
 */

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

    .section .multiboot2, "a"
    .balign 8
// [header]
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* end tag: type 0, flags 0, size 8 */
    .balign 8
    .word 0
    .word 0
    .long 8
mb2_header_end:
// [header]
