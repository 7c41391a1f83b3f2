# Chapter 5 (VFS): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists;
# RETIRED_FILES are earlier chapters' files this chapter replaces.

CHAPTER_SLUGS += 05-vfs

# The chapter's own documents.
CHAPTER_FILES += \
	chapters/05-vfs/README.md

# ---- the VFS core: inodes, dentries, super blocks, mounts, path walk;
# ---- tmpfs as the root, filled from the initramfs; the file calls

# ---- devfs and procfs

# ---- poll and select on wait queues, FIFOs, sendfile
# poll and select sleep once on the files' wait queues (watches) instead
# of chapter 4's tick-by-tick re-check; sendfile copies through a
# kernel buffer lent to the file operations.
RETIRED_FILES += \
	fs/core/poll.c \
	kernel/syscalls/poll.c
KERNEL_SRCS += \
	fs/core/select.c \
	fs/core/sendfile.c \
	kernel/syscalls/select.c \
	kernel/syscalls/sendfile.c
CHAPTER_FILES += \
	fs/include/fs/poll.h \
	user/polltest.c \
	user/sendfiletest.c \
	user/fifotest.c \
	grading/tests/ch05_poll.py \
	exercises/05-vfs/3-select.md
USER_PROGS += polltest sendfiletest fifotest

# ---- conformance programs and BusyBox scripts
