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

# ---- conformance programs and BusyBox scripts
# Linux is the oracle: each program makes its files under the directory
# named by its first argument (a temporary folder on the host).
USER_PROGS += fdshare appendrace pipesem integrity badpaths
CHAPTER_FILES += \
	user/fdshare.c \
	user/appendrace.c \
	user/pipesem.c \
	user/integrity.c \
	user/badpaths.c \
	user/busybox/rootfs/test/vfs.sh \
	grading/tests/ch05_files.py
