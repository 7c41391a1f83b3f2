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

# ---- userland: BusyBox (musl), busybox-static (glibc), test programs
# The initramfs gets BusyBox (musl, a link per applet), Debian's
# busybox-static as /bin/busybox.glibc and user/busybox/rootfs/ (/etc, the
# acceptance test's /test); the top-level Makefile's initrd rule reads it.
ROOTFS_BUSYBOX := 1
CHAPTER_FILES += \
	user/busybox/busybox.config \
	user/busybox/rootfs/etc/group \
	user/busybox/rootfs/etc/hostname \
	user/busybox/rootfs/etc/passwd \
	user/busybox/rootfs/etc/profile \
	user/busybox/rootfs/etc/shells \
	user/busybox/rootfs/test/accept.sh \
	user/busybox/rootfs/test/glibc.sh \
	user/busybox/rootfs/test/data/fruits.txt \
	user/busybox/rootfs/test/data/people.csv \
	user/busybox/rootfs/test/data/words.txt \
	user/busybox/rootfs/test/data/tree/tool.sh \
	user/busybox/rootfs/test/data/tree/a/one.txt \
	user/busybox/rootfs/test/data/tree/a/b/two.txt \
	tools/busybox.sh \
	grading/tests/ch04_busybox.py \
	grading/linux_busybox.py
