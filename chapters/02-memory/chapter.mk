# Chapter 2 (memory): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists.

CHAPTER_SLUGS += 02-memory

KERNEL_SRCS += \
	kernel/mm/buddy.c \
	kernel/mm/pmm.c \
	kernel/mm/pmm_test.c \
	kernel/arch/x86_64/mm/pgtable.c \
	kernel/mm/vmm.c \
	kernel/mm/vmm_test.c \
	kernel/mm/mm_bench.c

# Headers and other files that belong to this chapter (for snapshots).
CHAPTER_FILES += \
	kernel/include/kernel/list.h \
	kernel/include/kernel/mm.h \
	kernel/arch/x86_64/include/asm/pgtable.h \
	chapters/02-memory/README.md \
	chapters/02-memory/demo.sh \
	book/02-memory.md \
	grading/tests/ch02_memory.py

# Host unit tests: the test program and the kernel sources it checks.
HOST_TESTS += buddy
HOST_TEST_buddy_SRCS := grading/host/test_buddy.c
# the pure buddy allocator, compiled for the host as it is
HOST_TEST_buddy_KSRCS := kernel/mm/buddy.c
HOST_TEST_buddy_KFLAGS :=

# The kernel heap: slab caches and kmalloc on top of them.
KERNEL_SRCS += kernel/mm/slab.c kernel/mm/kmalloc.c kernel/mm/kmalloc_test.c

# The sanitizer's self-test (test=ubsan): the runtime is chapter 1's
# kernel/init/ubsan.c; SANITIZE=1 builds are explained in this chapter.
KERNEL_SRCS += kernel/init/ubsan_test.c
CHAPTER_FILES += grading/host/test_slab.c

HOST_TESTS += slab
HOST_TEST_slab_SRCS := grading/host/test_slab.c
# the slab caches, compiled for the host as they are (the test supplies
# the page hooks and a panic() that returns to the test)
HOST_TEST_slab_KSRCS := kernel/mm/slab.c
HOST_TEST_slab_KFLAGS :=
