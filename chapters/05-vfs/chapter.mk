# Chapter 5 (VFS): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists;
# RETIRED_FILES are earlier chapters' files this chapter replaces.

CHAPTER_SLUGS += 05-vfs

# The chapter's own documents.
CHAPTER_FILES += \
	chapters/05-vfs/README.md \
	chapters/05-vfs/demo.sh \
	book/05-vfs.md \
	user/busybox/rootfs/demo/files.sh \
	user/busybox/rootfs/demo/mounts.sh \
	user/busybox/rootfs/demo/proc.sh

# ---- the VFS core: inodes, dentries, super blocks, mounts, path walk;
# ---- tmpfs as the root, filled from the initramfs; the file calls
RETIRED_FILES += \
	fs/include/fs/file.h \
	fs/initramfs/tree.c \
	fs/namei.c \
	fs/file.c \
	fs/stat.c \
	fs/regular.c \
	kernel/syscalls/rofs.c \
	kernel/syscalls/open.c \
	kernel/syscalls/stat.c \
	kernel/syscalls/dir.c \
	kernel/syscalls/cwd.c
KERNEL_SRCS += \
	fs/inode.c \
	fs/dcache.c \
	fs/mount.c \
	fs/open.c \
	fs/create.c \
	fs/remove.c \
	fs/attr.c \
	fs/memfd.c \
	kernel/mm/filemap.c \
	kernel/syscalls/memfd.c \
	fs/tmpfs/tmpfs.c \
	fs/tmpfs/file.c \
	fs/tmpfs/unpack.c \
	kernel/syscalls/namei.c \
	kernel/syscalls/attr.c \
	kernel/syscalls/mount.c
CHAPTER_FILES += \
	fs/include/fs/vfs.h \
	fs/include/fs/tmpfs.h \
	kernel/include/uapi/vfs.h \
	user/pathwalk.c \
	user/fscalls.c \
	user/permtest.c \
	user/mounttest.c \
	grading/tests/ch05_vfs.py \
	exercises/05-vfs/1-permission.md
USER_PROGS += pathwalk fscalls permtest mounttest

# ---- devfs and procfs
RETIRED_FILES += \
	fs/dev.c
KERNEL_SRCS += \
	kernel/arch/x86_64/cpu/cpuid.c \
	fs/devfs/chrdev.c \
	fs/devfs/devtmpfs.c \
	fs/devfs/mem.c \
	fs/devfs/kmsg.c \
	fs/procfs/file.c \
	fs/procfs/inode.c \
	fs/procfs/root.c \
	fs/procfs/super.c \
	fs/procfs/system.c \
	fs/procfs/pidstat.c \
	fs/procfs/pidfiles.c \
	kernel/tty/ttydev.c \
	kernel/log/klog.c \
	kernel/proc/procinfo.c \
	kernel/proc/failinject.c \
	kernel/syscalls/syslog.c
CHAPTER_FILES += \
	fs/include/fs/chrdev.h \
	fs/include/fs/procfs.h \
	kernel/include/kernel/procinfo.h \
	user/devtest.c \
	user/procfstest.c \
	user/busybox/rootfs/test/proctools.sh \
	grading/tests/ch05_procfs.py \
	exercises/05-vfs/2-pid-stat.md
USER_PROGS += devtest procfstest

# ---- poll and select on wait queues, FIFOs, sendfile
# poll and select sleep once on the files' wait queues (watches) instead
# of chapter 4's tick-by-tick re-check, and pipes gain names (FIFOs);
# sendfile copies through a kernel buffer lent to the file operations.
RETIRED_FILES += \
	fs/pipe.c \
	fs/poll.c \
	kernel/syscalls/poll.c
KERNEL_SRCS += \
	fs/sendfile.c \
	kernel/syscalls/sendfile.c
CHAPTER_FILES += \
	fs/include/fs/poll.h \
	user/polltest.c \
	user/sendfiletest.c \
	user/fifotest.c \
	grading/tests/ch05_poll.py \
	exercises/05-vfs/3-select.md
USER_PROGS += polltest sendfiletest fifotest

# ---- dynamically linked programs: glibc's loader maps libc.so.6 from
# the file system (user/hello.c as /bin/hello.dyn, the loader and libc
# in /lib64 and /lib), and execve's errors for a loader that is wrong;
# tools/stress.py runs Debian's stress-ng, a dynamic glibc program
# (make stress)
USER_PROGS += dyntest
USER_DYN_PROGS += hello
CHAPTER_FILES += \
	user/dyntest.c \
	grading/tests/ch05_dynamic.py \
	tools/stress.py

# ---- conformance programs and BusyBox scripts
# Linux is the oracle: each program makes its files under the directory
# named by its first argument (a temporary folder on the host).
USER_PROGS += fdshare appendrace pipesem integrity badpaths walkedge \
	fsfuzz shmtest syscheck exhaust failrun
CHAPTER_FILES += \
	user/exhaust.c \
	user/failrun.c \
	grading/tests/ch05_failinject.py \
	grading/tests/ch05_exhaust.py \
	user/syscheck.c \
	user/syscheck_cases.h \
	tools/gen-syscheck.py \
	tools/fuzz.py \
	grading/tests/ch05_checklist.py \
	user/shmtest.c \
	user/fdshare.c \
	user/appendrace.c \
	user/pipesem.c \
	user/integrity.c \
	user/badpaths.c \
	user/walkedge.c \
	user/fsfuzz.c \
	user/busybox/rootfs/test/vfs.sh \
	grading/tests/ch05_files.py \
	grading/tests/ch05_init.py
