# Chapter 4 (syscalls): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists.

CHAPTER_SLUGS += 04-syscalls

# The chapter's own documents and tests.
CHAPTER_FILES += \
	chapters/04-syscalls/README.md \
	chapters/04-syscalls/demo.sh

# ---- user memory: the exception table, mmap and friends

# ---- signals
KERNEL_SRCS += \
	kernel/proc/signal.c
CHAPTER_FILES += \
	kernel/include/kernel/signal.h \
	kernel/include/uapi/signal.h

# ---- the console as a terminal: input, termios
KERNEL_SRCS += \
	kernel/tty/tty.c
CHAPTER_FILES += \
	kernel/include/kernel/tty.h

# ---- files on the initramfs, pipes, the console as a file
KERNEL_SRCS += \
	fs/core/file.c

# ---- time, identity, limits and the rest of the process calls
KERNEL_SRCS += \
	kernel/time/clock.c \
	kernel/proc/cred.c \
	kernel/proc/clone.c \
	kernel/drivers/random.c \
	kernel/arch/x86_64/cpu/rdrand.c \
	kernel/syscalls/time.c \
	kernel/syscalls/uname.c \
	kernel/syscalls/cred.c \
	kernel/syscalls/rlimit.c \
	kernel/syscalls/info.c \
	kernel/syscalls/reboot.c \
	kernel/syscalls/clone.c \
	kernel/proc/shebang.c
CHAPTER_FILES += \
	kernel/include/kernel/shebang.h \
	kernel/include/kernel/clock.h \
	kernel/include/kernel/cred.h \
	kernel/include/kernel/random.h \
	kernel/include/uapi/time.h \
	kernel/include/uapi/utsname.h \
	kernel/include/uapi/resource.h \
	kernel/include/uapi/wait.h \
	user/timetest.c \
	user/proctest.c \
	user/unametest.c \
	user/shebangtest.c \
	user/rootfs/scripts/arg \
	user/rootfs/scripts/blank \
	user/rootfs/scripts/blanks \
	user/rootfs/scripts/empty \
	user/rootfs/scripts/long \
	user/rootfs/scripts/loop \
	user/rootfs/scripts/missing \
	user/rootfs/scripts/nest1 \
	user/rootfs/scripts/nest2 \
	user/rootfs/scripts/nest3 \
	user/rootfs/scripts/nest4 \
	user/rootfs/scripts/noarg \
	grading/tests/ch04_proc.py \
	exercises/04-syscalls/1-uname.md
USER_PROGS += timetest proctest unametest shebangtest
CHAPTER_FILES += grading/host/test_shebang.c

HOST_TESTS += shebang
HOST_TEST_shebang_SRCS := grading/host/test_shebang.c
# the pure #! parser, compiled for the host as it is
HOST_TEST_shebang_KSRCS := kernel/proc/shebang.c
HOST_TEST_shebang_KFLAGS := -DCHAPTER=4
HOST_TEST_shebang_CFLAGS := -DCHAPTER=4

# ---- userland: BusyBox (musl), busybox-static (glibc), test programs
