/**
 * @file
 * @ingroup boot
 * @brief From GRUB's 32-bit protected mode to 64-bit C code in the higher half.
 *
 * GRUB leaves the CPU in 32-bit protected mode, paging off. Long mode needs
 * paging on, so before anything else we build page tables that map:
 *
 *   - the first 4 GiB at virtual 0 (identity), so the instruction after
 *     "enable paging" still runs;
 *   - the same 4 GiB at DMAP_BASE (the direct map, PML4 slot 256);
 *   - the first 1 GiB at KERNEL_VMA (PML4 slot 511, PDPT slot 510), where
 *     the kernel is linked.
 *
 * All with 2 MiB pages: one PML4, two PDPTs and four page directories. Then:
 * PAE on, CR3 = PML4, EFER.LME (and NXE) on, paging on; a far jump into a
 * 64-bit code segment; an absolute jump to the higher half; drop the
 * identity map; call kmain(magic, info).
 *
 * This file runs before any C code, so it may use only registers and its
 * own memory. Addresses of symbols linked in the higher half are turned into
 * physical ones by subtracting KERNEL_VMA (see PHYS below).
 */
#include "asm/segment.h"

#define KERNEL_VMA 0xffffffff80000000
#define PHYS(sym) ((sym) - KERNEL_VMA)

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define CR0_PG (1 << 31)
#define CR0_WP (1 << 16)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define MB2_BOOT_MAGIC 0x36d76289

    .section .boot.text, "ax"
    .code32
    .globl _start32
// [start32]
_start32:
    cli
    cld
    movl $PHYS(boot_stack_top), %esp
    /* keep GRUB's magic and info pointer for kmain (edi/esi survive) */
    movl %eax, %edi
    movl %ebx, %esi

    cmpl $MB2_BOOT_MAGIC, %eax
    jne no_multiboot2
    call check_long_mode
    call build_boot_page_tables

    /* PAE on, page tables in, long mode (and no-execute if present) on */
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $1, %ebp            /* set by check_long_mode when NX exists */
    jz 1f
    orl $EFER_NXE, %eax
1:  wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP), %eax
    movl %eax, %cr0

    /* now in compatibility mode: load a GDT with a 64-bit code segment */
    lgdt boot_gdt_ptr
    ljmp $KERNEL_CS, $long_mode_low
// [start32]

/* CPUID: is there a long mode (and NX)? Sets EBP bit 0 when NX exists. */
check_long_mode:
    xorl %ebp, %ebp
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    testl $(1 << 20), %edx
    jz 1f
    orl $1, %ebp
1:  ret

/*
 * Fill the boot page tables (they live in .bss, already zeroed by GRUB).
 * PD k (k = 0..3) maps GiB k with 512 entries of 2 MiB.
 */
build_boot_page_tables:
    /* PML4[0] and PML4[256] -> boot_pdpt_low, PML4[511] -> boot_pdpt_high */
    movl $PHYS(boot_pdpt_low) + PTE_P + PTE_W, %eax
    movl %eax, PHYS(boot_pml4)
    movl %eax, PHYS(boot_pml4) + 256 * 8
    movl $PHYS(boot_pdpt_high) + PTE_P + PTE_W, %eax
    movl %eax, PHYS(boot_pml4) + 511 * 8
    /* PDPT_low[0..3] -> the four page directories */
    movl $PHYS(boot_pd) + PTE_P + PTE_W, %eax
    xorl %ecx, %ecx
1:  movl %eax, PHYS(boot_pdpt_low)(, %ecx, 8)
    addl $4096, %eax
    incl %ecx
    cmpl $4, %ecx
    jne 1b
    /* PDPT_high[510] -> the first page directory (the first GiB) */
    movl $PHYS(boot_pd) + PTE_P + PTE_W, %eax
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8
    /* 2048 PD entries: entry i maps physical i * 2 MiB */
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P + PTE_W + PTE_PS), %eax
    movl %eax, PHYS(boot_pd)(, %ecx, 8)
    /* the upper half of the entry: bits 32+ of i * 2 MiB */
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, PHYS(boot_pd) + 4(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 2b
    ret

/* Not started by a multiboot2 loader: say so on the VGA screen and stop. */
no_multiboot2:
    movl $msg_no_mb2, %esi
    jmp vga_fail
no_long_mode:
    movl $msg_no_lm, %esi
vga_fail:
    movl $0xb8000, %edi
1:  lodsb
    testb %al, %al
    jz 2f
    movb $0x4f, %ah           /* white on red */
    stosw
    jmp 1b
2:  hlt
    jmp 2b

    .code64
long_mode_low:
    /* we run at a low address; continue at the linked, higher-half one */
    movabsq $long_mode_high, %rax
    jmp *%rax

    .section .boot.rodata, "a"
msg_no_mb2:
    .asciz "Keel: not started by a multiboot2 boot loader (use GRUB)"
msg_no_lm:
    .asciz "Keel: this CPU has no 64-bit long mode"

    .balign 8
boot_gdt:
    .quad 0                       /* 0x00 null */
    .quad 0                       /* 0x08 unused */
    .quad 0x00af9a000000ffff      /* 0x10 kernel code, 64-bit */
    .quad 0x00cf92000000ffff      /* 0x18 kernel data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
    .code64
// [long_mode_high]
long_mode_high:
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $boot_stack_top, %rsp
    /* the identity map has done its job: remove it, flush the TLB */
    movq $0, boot_pml4(%rip)
    movq %cr3, %rax
    movq %rax, %cr3
    /* kmain(magic, info): edi and esi still hold GRUB's values */
    movl %edi, %edi
    movl %esi, %esi
    xorl %ebp, %ebp           /* the end of every backtrace */
    call kmain
1:  hlt
    jmp 1b
// [long_mode_high]

    .section .bss
    .balign 4096
    .globl boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    /* unmapped by vmm_init (chapter 2): running off the stack faults */
    .globl boot_stack_guard
boot_stack_guard:
    .skip 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 16384
boot_stack_top:
