# Chapter 4 (syscalls): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists.

CHAPTER_SLUGS += 04-syscalls

# Chapter 3's console-only read and write, its start-up calls (ioctl,
# brk and signal calls accepted) and its wait4 (WNOHANG only) give way
# to the files, the memory calls, the signals and the process calls
# below.
RETIRED_FILES += \
	kernel/syscalls/write.c \
	kernel/syscalls/startup.c \
	kernel/syscalls/wait.c

# The chapter's own documents and tests.
CHAPTER_FILES += \
	chapters/04-syscalls/README.md \
	chapters/04-syscalls/demo.sh \
	book/04-syscalls.md

# ---- the stack protector: every function with a local array checks a
# random canary before it returns (kernel/init/stackprotector.c); the
# last -f option wins over the Makefile's -fno-stack-protector
KERNEL_HARDENING += -fstack-protector-strong -mstack-protector-guard=global
KERNEL_SRCS += kernel/init/stackprotector.c

# ---- user memory: the exception table, mmap and friends
KERNEL_SRCS += \
	kernel/arch/x86_64/mm/usercopy.S \
	kernel/arch/x86_64/mm/extable.c \
	kernel/arch/x86_64/cpu/protect.c \
	kernel/arch/x86_64/cpu/protect_test.c \
	kernel/mm/vma.c \
	kernel/mm/mmap.c \
	kernel/mm/mremap.c \
	kernel/proc/oom.c \
	kernel/syscalls/mmap.c
CHAPTER_FILES += \
	kernel/arch/x86_64/include/asm/protect.h \
	kernel/include/uapi/mman.h \
	exercises/04-syscalls/2-getcwd.md \
	grading/tests/ch04_mm.py \
	user/efaulttest.c \
	user/mmaptest.c \
	user/mmapfile.c \
	user/memhog.c
USER_PROGS += efaulttest mmaptest mmapfile memhog

# ---- signals
KERNEL_SRCS += \
	kernel/proc/signal.c \
	kernel/proc/sigdeliver.c \
	kernel/proc/pgrp.c \
	kernel/arch/x86_64/proc/signal.c \
	kernel/syscalls/signal.c \
	kernel/syscalls/pgrp.c
CHAPTER_FILES += \
	kernel/include/kernel/signal.h \
	kernel/include/uapi/signal.h \
	grading/tests/ch04_signals.py \
	exercises/04-syscalls/3-signal-frame.md \
	user/sigtest.c \
	user/sigfault.c \
	user/pgrptest.c \
	user/sigabuse.c
USER_PROGS += sigtest sigfault pgrptest sigabuse

# ---- the console as a terminal: input, termios
KERNEL_SRCS += \
	kernel/tty/tty.c \
	kernel/tty/ldisc.c \
	kernel/tty/ioctl.c \
	kernel/tty/tty_test.c
CHAPTER_FILES += \
	kernel/include/kernel/tty.h \
	kernel/include/uapi/termios.h \
	user/ttytest.c \
	grading/tests/ch04_tty.py
USER_PROGS += ttytest

# ---- files on the initramfs, pipes, the console as a file
KERNEL_SRCS += \
	fs/file.c \
	fs/fdtable.c \
	fs/namei.c \
	fs/stat.c \
	fs/regular.c \
	fs/dev.c \
	fs/pipe.c \
	fs/poll.c \
	fs/initramfs/tree.c \
	kernel/syscalls/read.c \
	kernel/syscalls/open.c \
	kernel/syscalls/stat.c \
	kernel/syscalls/dir.c \
	kernel/syscalls/cwd.c \
	kernel/syscalls/fd.c \
	kernel/syscalls/pipe.c \
	kernel/syscalls/poll.c \
	kernel/syscalls/rofs.c
CHAPTER_FILES += \
	fs/include/fs/file.h \
	kernel/include/uapi/fcntl.h \
	kernel/include/uapi/poll.h \
	kernel/include/uapi/stat.h \
	user/errname.h \
	user/filetest.c \
	user/pipetest.c \
	user/sigpipetest.c \
	user/rootfs/files/hello.txt \
	user/rootfs/files/empty.txt \
	user/rootfs/files/sub/deep.txt \
	user/rootfs/files/link \
	user/rootfs/files/hellolink \
	user/rootfs/files/dirlink \
	user/rootfs/files/uplink \
	user/rootfs/files/dangling \
	user/rootfs/files/loop1 \
	user/rootfs/files/loop2 \
	grading/tests/ch04_files.py
USER_PROGS += filetest pipetest sigpipetest

# ---- time, identity, limits and the rest of the process calls
KERNEL_SRCS += \
	kernel/time/clock.c \
	kernel/proc/cred.c \
	kernel/proc/rlimit.c \
	kernel/proc/cputime.c \
	kernel/proc/clone.c \
	kernel/random/random.c \
	kernel/arch/x86_64/cpu/rdrand.c \
	kernel/syscalls/time.c \
	kernel/syscalls/uname.c \
	kernel/syscalls/cred.c \
	kernel/syscalls/rlimit.c \
	kernel/syscalls/sysinfo.c \
	kernel/syscalls/random.c \
	kernel/syscalls/sched.c \
	kernel/syscalls/prctl.c \
	kernel/syscalls/futex.c \
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

# ---- tests across areas: glibc builds, bad input, a system-call fuzzer
# The chapter's programs again, linked against glibc (/bin/<name>.glibc),
# and two programs of bad arguments: badinput (each case's errno compared
# with Linux) and sysfuzz (random calls; the kernel must survive);
# trustregress and trustsig are the regression tests of bad input that
# once crashed, hung or misanswered (trustsig catches the signals, so it
# runs in the signals group, exercise 4.3's).
USER_PROGS += badinput sysfuzz trustregress trustsig
USER_GLIBC_PROGS += hello forktest cowtest exectest waittest segvtest \
	deeprec badinput
CHAPTER_FILES += \
	user/badinput.c \
	user/sysfuzz.c \
	user/trustregress.c \
	user/trustsig.c \
	grading/tests/ch04_libc.py
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

# ---- make bench
# The lmbench-style benchmark that tools/bench.py runs on Keel and on
# Linux from the same small initramfs (/init, /bin/bench, /dev), and the
# book's appendix on how its numbers are measured.
USER_PROGS += bench
CHAPTER_FILES += \
	user/bench.c \
	tools/bench.py \
	book/bench.md
