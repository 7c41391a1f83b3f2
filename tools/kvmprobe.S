/*
 * tools/kvmprobe.S: a guest of a few hundred bytes that proves a KVM can
 * run Keel.
 *
 * Why it exists: /dev/kvm can open, and QEMU can start a guest on it, and
 * still the guest may not run as a real CPU would. One machine's nested
 * KVM ran SYSCALL without leaving ring 3: Keel's first system call then
 * faulted in its own entry code. A probe that only boots a real-mode boot
 * sector cannot see that. This one does, in order, what Keel does before
 * its first user program gets an answer:
 *
 *   1. enter long mode with paging (PAE, 4-level tables, one 2 MiB page);
 *   2. load a GDT with kernel and user segments and a 64-bit TSS, and an
 *      IDT whose every gate ends the probe with "failed" (status 0x22);
 *   3. program SYSCALL (EFER.SCE, STAR, LSTAR, FMASK) as Keel does;
 *   4. IRET to ring 3, where the user code makes a SYSCALL; the handler
 *      checks it really runs in ring 0 and SYSRETs back to ring 3;
 *   5. the user code takes an int3 (a DPL-3 gate: the CPU switches to the
 *      TSS's rsp0 stack and pushes a user frame, which the handler checks)
 *      and is IRETed back;
 *   6. a second SYSCALL writes status 0x21 to the isa-debug-exit port.
 *
 * QEMU then exits with code (0x21 << 1) | 1 = 67. Anything else (status
 * 0x22 for an unexpected exception, a reset from a triple fault, a hang
 * that tools/keelqemu.py's deadline ends) means this KVM cannot run Keel.
 *
 * QEMU loads it with -kernel as a Multiboot (version 1) image: the header's
 * "a.out kludge" (flag bit 16) gives the load addresses, so the file is a
 * flat binary linked at 1 MiB, entered in 32-bit protected mode without
 * paging. Built by tools/keelqemu.py with `as` and `ld` (binutils).
 */

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x18 /* SYSRET loads SS from STAR[63:48] + 8 */
#define USER_CS 0x20 /* and CS from STAR[63:48] + 16 */
#define TSS_SEL 0x28
#define PROBE_OK 0x21
#define PROBE_FAILED 0x22
#define DEBUG_EXIT_PORT 0xf4

    .text
    .code32
    .globl _start
_start:
/* The Multiboot 1 header, with the load addresses (flag bit 16). */
mb_header:
    .long 0x1badb002                 /* magic */
    .long 0x00010000                 /* flags: the address fields are valid */
    .long -(0x1badb002 + 0x00010000) /* checksum */
    .long mb_header                  /* header_addr */
    .long _start                     /* load_addr: the file starts here */
    .long 0                          /* load_end_addr: the whole file */
    .long 0                          /* bss_end_addr: no bss */
    .long entry32                    /* entry_addr */

entry32:
    cli
    /* The page tables: PML4[0] -> PDPT[0] -> PD[0], one 2 MiB page at 0
     * that holds this image, user-accessible so ring 3 can run it. */
    movl $pdpt + 0x7, pml4           /* present, writable, user */
    movl $pd + 0x7, pdpt
    movl $0x87, pd                   /* present, writable, user, 2 MiB */
    /* The TSS descriptor's base (the assembler cannot split an address) */
    movl $tss, %eax
    movw %ax, gdt_tss + 2
    shrl $16, %eax
    movb %al, gdt_tss + 4
    movb %ah, gdt_tss + 7
    lgdt gdtr
    /* PAE, the tables, long mode and SYSCALL in EFER, then paging. */
    movl %cr4, %eax
    orl $0x20, %eax
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx           /* EFER */
    rdmsr
    orl $0x101, %eax                 /* LME | SCE */
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax            /* PG | PE */
    movl %eax, %cr0
    ljmp $KERNEL_CS, $entry64

    .code64
entry64:
    movw $KERNEL_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq $kstack_top, %rsp
    /* Every gate goes to probe_fail, except #BP, which ring 3 may raise. */
    movq $idt, %rdi
    movl $256, %ecx
1:  movq $probe_fail, %rax
    movb $0x8e, %dl                  /* present, DPL 0, interrupt gate */
    call set_gate
    addq $16, %rdi
    loop 1b
    movq $idt + 3 * 16, %rdi
    movq $bp_handler, %rax
    movb $0xee, %dl                  /* present, DPL 3, interrupt gate */
    call set_gate
    lidt idtr
    movw $TSS_SEL, %ax
    ltr %ax
    /* SYSCALL: STAR's selectors, the entry point, and IF cleared on entry. */
    movl $0xc0000081, %ecx           /* STAR */
    xorl %eax, %eax
    movl $((USER_DS - 8) << 16) | KERNEL_CS, %edx
    wrmsr
    movl $0xc0000082, %ecx           /* LSTAR */
    movl $syscall_handler, %eax
    xorl %edx, %edx
    wrmsr
    movl $0xc0000084, %ecx           /* FMASK */
    movl $0x200, %eax
    wrmsr
    /* Into ring 3 the way Keel first gets there: an IRET frame. */
    pushq $USER_DS | 3
    pushq $ustack_top
    pushq $0x2
    pushq $USER_CS | 3
    pushq $user_code
    iretq

/* set_gate: write the gate at %rdi for handler %rax with type byte %dl. */
set_gate:
    movw %ax, (%rdi)
    movw $KERNEL_CS, 2(%rdi)
    movb $0, 4(%rdi)
    movb %dl, 5(%rdi)
    shrq $16, %rax
    movw %ax, 6(%rdi)
    shrq $16, %rax
    movl %eax, 8(%rdi)
    movl $0, 12(%rdi)
    ret

/* Ring 3. Each step checks the answer the kernel side put in eax. */
user_code:
    movl $1, %eax
    syscall
    cmpl $0x1111, %eax
    jne user_fail
    int3
    cmpl $0x2222, %eax
    jne user_fail
    movl $2, %eax
    syscall
user_fail:
    ud2                              /* #UD: probe_fail reports it */

/* The SYSCALL entry: must run in ring 0, on the user's stack (untouched). */
syscall_handler:
    movw %cs, %dx
    testb $3, %dl
    jnz cpl_wrong
    cmpl $1, %eax
    jne 1f
    movl $0x1111, %eax
    sysretq                          /* back to rcx, rflags from r11 */
1:  movb $PROBE_OK, %al
    outb %al, $DEBUG_EXIT_PORT
2:  hlt
    jmp 2b
cpl_wrong:
    /* Still in ring 3: the port is out of reach, so the #GP of this out
     * (or a later fault) ends the probe as a failure either way. */
    movb $PROBE_FAILED, %al
    outb %al, $DEBUG_EXIT_PORT
    ud2

/* int3 from ring 3: on the TSS's stack, with the user's cs in the frame. */
bp_handler:
    movw %cs, %dx
    testb $3, %dl
    jnz probe_fail
    cmpq $USER_CS | 3, 8(%rsp)
    jne probe_fail
    cmpq $tss_stack_top - 40, %rsp
    jne probe_fail
    movl $0x2222, %eax
    iretq

probe_fail:
    movb $PROBE_FAILED, %al
    outb %al, $DEBUG_EXIT_PORT
1:  hlt
    jmp 1b

/* The descriptor tables (data, but in .text: one flat image). */
    .balign 16
gdt:
    .quad 0
    .quad 0x00af9a000000ffff         /* 0x08 kernel code, 64-bit */
    .quad 0x00cf92000000ffff         /* 0x10 kernel data */
    .quad 0x00cff2000000ffff         /* 0x18 user data, DPL 3 */
    .quad 0x00affa000000ffff         /* 0x20 user code, 64-bit, DPL 3 */
gdt_tss:
    .quad 0x0000890000000067         /* 0x28 TSS: limit 103, base at run time */
    .quad 0
gdt_end:
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
idtr:
    .word 256 * 16 - 1
    .quad idt

    .balign 16
tss:
    .long 0
    .quad tss_stack_top              /* rsp0 */
    .fill 88, 1, 0
    .word 0
    .word 104                        /* I/O map base: none */

    .balign 4096
pml4:
    .fill 4096, 1, 0
pdpt:
    .fill 4096, 1, 0
pd:
    .fill 4096, 1, 0
idt:
    .fill 256 * 16, 1, 0
    .fill 4096, 1, 0
kstack_top:
    .fill 4096, 1, 0
tss_stack_top:
    .fill 4096, 1, 0
ustack_top:
