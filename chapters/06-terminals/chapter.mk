# Chapter 6 (terminals): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists;
# RETIRED_FILES are earlier chapters' files this chapter replaces (their
# earlier forms are overlays of the chapters that brought them:
# `python3 tools/chapters.py retire PATH` keeps one).

CHAPTER_SLUGS += 06-terminals

# The chapter's own documents.
CHAPTER_FILES += \
	chapters/06-terminals/README.md \
	chapters/06-terminals/demo.sh \
	book/06-terminals.md \
	user/busybox/rootfs/demo/terminals.sh

# ---- job control: stop and continue, wait's WUNTRACED and WCONTINUED,
# ---- SIGCHLD's CLD_STOPPED and CLD_CONTINUED, orphaned process groups
KERNEL_SRCS += \
	kernel/proc/jobctl.c
CHAPTER_FILES += \
	user/jobctl.c \
	grading/tests/ch06_jobs.py
USER_PROGS += jobctl

# ---- terminals: many ttys, the controlling terminal, background I/O,
# ---- hang-up, ptys and devpts
KERNEL_SRCS += \
	kernel/tty/session.c \
	kernel/tty/pty.c \
	fs/devpts/devpts.c
CHAPTER_FILES += \
	fs/include/fs/devpts.h \
	kernel/include/uapi/pty.h \
	user/ptytest.c \
	user/busybox/rootfs/test/pty.sh \
	grading/tests/ch06_tty.py \
	exercises/06-terminals/2-pty.md
USER_PROGS += ptytest

# ---- the second console: the VGA screen and the PS/2 keyboard as tty1
KERNEL_SRCS += \
	kernel/tty/vt.c \
	kernel/tty/vt_screen.c \
	kernel/tty/keyboard.c \
	kernel/drivers/i8042.c
CHAPTER_FILES += \
	kernel/include/kernel/vt.h \
	kernel/include/kernel/vga.h \
	grading/host/test_vt.c \
	grading/tests/ch06_vt.py \
	grading/tests/ch06_boot.py \
	grading/tests/ch06_vt100.linux \
	grading/linux_vt.py
# the screen's interpreter and the keyboard's decoder, compiled for the
# host as they are
HOST_TESTS += vt
HOST_TEST_vt_SRCS := grading/host/test_vt.c
HOST_TEST_vt_KSRCS := kernel/tty/vt_screen.c kernel/tty/keyboard.c
HOST_TEST_vt_KFLAGS := -DCHAPTER=6

# ---- ptys under real programs: a master's writes wait for the slave's
# ---- reader, stty and the window size, BusyBox telnetd on a pty
KERNEL_SRCS += \
	kernel/syscalls/sockfd.c
CHAPTER_FILES += \
	user/ptyflow.c \
	user/sttytest.c \
	user/telnettest.c \
	grading/tests/ch06_ptyapps.py
USER_PROGS += ptyflow sttytest telnettest

# ---- timers: alarm, itimers, POSIX timers, timerfd, sleeping on queues
KERNEL_SRCS += \
	kernel/time/ktimer.c \
	kernel/time/itimer.c \
	kernel/time/posix_timer.c \
	kernel/syscalls/timer.c \
	fs/timerfd.c
CHAPTER_FILES += \
	kernel/include/kernel/timer.h \
	kernel/include/uapi/timer.h \
	fs/include/fs/timerfd.h \
	grading/tests/ch06_timers.py
USER_PROGS += timertest
CHAPTER_FILES += grading/host/test_ktimer.c
# the timer engine, compiled for the host as it is (the test supplies the
# clock, the locks and the scheduler)
HOST_TESTS += ktimer
HOST_TEST_ktimer_SRCS := grading/host/test_ktimer.c
HOST_TEST_ktimer_KSRCS := kernel/time/ktimer.c
HOST_TEST_ktimer_KFLAGS := -DCHAPTER=6

# ---- signals, complete: queued real-time signals, sigtimedwait, signalfd
KERNEL_SRCS += \
	kernel/proc/siginfo.c \
	kernel/proc/sigqueue.c \
	kernel/proc/sigwait.c \
	fs/anon.c \
	fs/signalfd.c \
	kernel/syscalls/sigqueue.c
CHAPTER_FILES += \
	kernel/include/uapi/signalfd.h \
	fs/include/fs/anon.h \
	user/rtsigtest.c \
	grading/tests/ch06_rtsig.py \
	exercises/06-terminals/1-rt-queue.md
USER_PROGS += rtsigtest

# ---- files this chapter replaces (added by `chapters.py retire`)
RETIRED_FILES += kernel/include/kernel/signal.h
RETIRED_FILES += kernel/time/clock.c
RETIRED_FILES += kernel/syscalls/time.c
RETIRED_FILES += kernel/include/kernel/clock.h
RETIRED_FILES += fs/procfs/root.c
RETIRED_FILES += kernel/include/kernel/tty.h
RETIRED_FILES += kernel/tty/tty.c
RETIRED_FILES += kernel/tty/ldisc.c
RETIRED_FILES += kernel/tty/ioctl.c
RETIRED_FILES += kernel/tty/ttydev.c
RETIRED_FILES += kernel/tty/tty_test.c
RETIRED_FILES += kernel/drivers/uart16550.c
RETIRED_FILES += fs/include/fs/chrdev.h
RETIRED_FILES += fs/devfs/chrdev.c
RETIRED_FILES += user/init.c
RETIRED_FILES += kernel/proc/procinfo.c
RETIRED_FILES += fs/devfs/devtmpfs.c
RETIRED_FILES += fs/open.c
RETIRED_FILES += kernel/proc/signal.c
RETIRED_FILES += kernel/proc/sigdeliver.c
RETIRED_FILES += kernel/include/uapi/signal.h
RETIRED_FILES += kernel/arch/x86_64/proc/signal.c
RETIRED_FILES += kernel/syscalls/wait.c
RETIRED_FILES += kernel/arch/x86_64/cpu/trap.c
RETIRED_FILES += fs/procfs/pidstat.c
RETIRED_FILES += kernel/drivers/vga_text.c
RETIRED_FILES += kernel/proc/proc.c
RETIRED_FILES += kernel/arch/x86_64/cpu/irq.c
RETIRED_FILES += kernel/proc/cputime.c
RETIRED_FILES += kernel/include/kernel/procinfo.h
RETIRED_FILES += fs/fdtable.c
RETIRED_FILES += kernel/syscalls/open.c
RETIRED_FILES += fs/tmpfs/unpack.c
