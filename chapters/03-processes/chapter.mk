# Chapter 3 (processes): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists.

CHAPTER_SLUGS += 03-processes

# The initramfs: the newc cpio parser and the boot module it reads.
KERNEL_SRCS += \
	fs/initramfs/cpio.c \
	fs/initramfs/initramfs.c \
	fs/initramfs/initramfs_test.c
CHAPTER_FILES += \
	fs/include/fs/cpio.h \
	fs/include/fs/initramfs.h \
	grading/host/test_cpio.c

HOST_TESTS += cpio
HOST_TEST_cpio_SRCS := grading/host/test_cpio.c
# the pure cpio parser, compiled for the host as it is
HOST_TEST_cpio_KSRCS := fs/initramfs/cpio.c
HOST_TEST_cpio_KFLAGS :=

# Threads and the scheduler, locks and wait queues.
KERNEL_SRCS += \
	kernel/arch/x86_64/proc/switch.S \
	kernel/arch/x86_64/proc/context.c \
	kernel/arch/x86_64/proc/trapexit.c \
	kernel/mm/kstack.c \
	kernel/proc/sched.c \
	kernel/proc/thread.c \
	kernel/proc/sched_test.c \
	kernel/sync/spinlock.c \
	kernel/sync/waitqueue.c \
	kernel/sync/mutex.c \
	kernel/sync/lockdep.c \
	kernel/sync/lockdep_test.c
CHAPTER_FILES += \
	kernel/include/kernel/sched.h \
	kernel/include/kernel/sync.h

# The chapter's own documents and tests.
CHAPTER_FILES += \
	chapters/03-processes/README.md \
	chapters/03-processes/demo.sh \
	book/03-processes.md \
	grading/tests/ch03_processes.py

# User mode: address spaces, the system-call entry, processes.
KERNEL_SRCS += \
	kernel/arch/x86_64/cpu/syscall.S \
	kernel/arch/x86_64/cpu/user.c \
	kernel/arch/x86_64/mm/uvm_pgtable.c \
	kernel/mm/uvm.c \
	kernel/mm/uaccess.c \
	kernel/proc/proc.c \
	kernel/proc/proc_hooks.c \
	kernel/proc/exec.c \
	kernel/syscalls/table.c \
	kernel/syscalls/write.c \
	kernel/syscalls/process.c \
	kernel/syscalls/wait.c \
	kernel/syscalls/thread.c \
	kernel/syscalls/startup.c
CHAPTER_FILES += \
	kernel/include/kernel/proc.h \
	kernel/include/kernel/uaccess.h \
	kernel/include/kernel/syscall.h \
	kernel/include/uapi/unistd.h \
	kernel/syscalls/syscall_64.tbl

# The ELF loader and the initial user stack, and the loader's host test.
KERNEL_SRCS += \
	kernel/proc/elf.c \
	kernel/proc/ustack.c
CHAPTER_FILES += \
	kernel/include/uapi/elf.h \
	grading/host/test_elf.c

HOST_TESTS += elf
HOST_TEST_elf_SRCS := grading/host/test_elf.c
# elf_check and elf_load (against fake address-space functions in the
# test), and the stack builder; mm.h's user-space part needs CHAPTER >= 3
HOST_TEST_elf_KSRCS := kernel/proc/elf.c kernel/proc/ustack.c
HOST_TEST_elf_KFLAGS := -DCHAPTER=3
HOST_TEST_elf_CFLAGS := -DCHAPTER=3

# The first user programs (user/*.c, static with musl), packed with the
# files of user/rootfs/ into the initramfs that `make run` boots; their
# expected output is what they print on Linux (grading/oracle.py).
USER_PROGS += init hello forktest cowtest exectest waittest segvtest deeprec \
	forkbomb
CHAPTER_FILES += \
	user/init.c \
	user/hello.c \
	user/forktest.c \
	user/cowtest.c \
	user/exectest.c \
	user/waittest.c \
	user/segvtest.c \
	user/deeprec.c \
	user/forkbomb.c \
	user/rootfs/notelf.txt \
	grading/oracle.py \
	grading/progtest.py
