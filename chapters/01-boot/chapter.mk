# Chapter 1 (boot): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists.

CHAPTER_SLUGS += 01-boot

KERNEL_SRCS += \
	kernel/arch/x86_64/boot/header.S \
	kernel/arch/x86_64/boot/entry.S \
	kernel/arch/x86_64/cpu/cpu.c \
	kernel/arch/x86_64/cpu/gdt.c \
	kernel/arch/x86_64/cpu/idt.c \
	kernel/arch/x86_64/cpu/vectors.S \
	kernel/arch/x86_64/cpu/trap.c \
	kernel/arch/x86_64/cpu/irq.c \
	kernel/arch/x86_64/cpu/pic.c \
	kernel/arch/x86_64/cpu/stacktrace.c \
	kernel/arch/x86_64/cpu/power.c \
	kernel/init/main.c \
	kernel/init/multiboot2.c \
	kernel/init/cmdline.c \
	kernel/init/initcall.c \
	kernel/init/panic.c \
	kernel/init/selftest.c \
	kernel/init/backtrace_test.c \
	kernel/init/ubsan.c \
	kernel/lib/string.c \
	kernel/lib/vsprintf.c \
	kernel/lib/vsprintf_test.c \
	kernel/log/printk.c \
	kernel/log/ksyms.c \
	kernel/drivers/uart16550.c \
	kernel/drivers/vga_text.c \
	kernel/drivers/pit.c \
	kernel/drivers/cmos_rtc.c \
	kernel/time/time.c \
	kernel/time/time_test.c

# Headers and other files that belong to this chapter (for snapshots).
CHAPTER_FILES += \
	kernel/arch/x86_64/kernel.ld \
	kernel/arch/x86_64/include/asm/cpu.h \
	kernel/arch/x86_64/include/asm/frame.h \
	kernel/arch/x86_64/include/asm/io.h \
	kernel/arch/x86_64/include/asm/segment.h \
	kernel/arch/x86_64/include/asm/trap.h \
	kernel/include/kernel/arch.h \
	kernel/include/kernel/boot.h \
	kernel/include/kernel/cmdline.h \
	kernel/include/kernel/compiler.h \
	kernel/include/kernel/init.h \
	kernel/include/kernel/irq.h \
	kernel/include/kernel/ksyms.h \
	kernel/include/kernel/panic.h \
	kernel/include/kernel/printk.h \
	kernel/include/kernel/selftest.h \
	kernel/include/kernel/string.h \
	kernel/include/kernel/time.h \
	kernel/include/kernel/ubsan.h \
	kernel/include/kernel/types.h \
	kernel/include/uapi/errno.h \
	chapters/01-boot/README.md \
	chapters/01-boot/demo.sh \
	book/01-boot.md \
	grading/tests/ch01_boot.py \
	grading/host/test_vsprintf.c

# Host unit tests: the test program and the kernel sources it checks.
HOST_TESTS += vsprintf
HOST_TEST_vsprintf_SRCS := grading/host/test_vsprintf.c
# kernel files under test, compiled for the host with their names changed
# so they do not clash with the host C library (the oracle)
HOST_TEST_vsprintf_KSRCS := kernel/lib/vsprintf.c
HOST_TEST_vsprintf_KFLAGS := -Dvsnprintf=vsnprintf_kernel -Dsnprintf=snprintf_kernel
