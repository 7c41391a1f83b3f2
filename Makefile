# Keel: the top-level Makefile.
#
#   make run                 build the kernel, a GRUB ISO, boot it in QEMU
#   make test                everything CI runs (check, unit tests, grades, book)
#   make run CHAPTER=1       the kernel as it stands at the end of chapter 1
#   make run HTTP_PORT=8080 SSH_PORT=2222 TELNET_PORT=2323 NGINX_PORT=8081
#                            (chapter 7 on) the host ports forwarded to the
#                            guest's ports 80, 22 and 23 (these are the
#                            defaults)
#   make grade CHAPTER=1 [TEST=name]
#   make print-kernel        build, then print the kernel ELF's path
#   make qemu-gdb            QEMU waiting for gdb (see .gdbinit)
#   make book                the HTML book in build/book/html/
#   make check               clang-format, cppcheck, the tree's structure
#                            (tools/treecheck.py); warnings are errors
#   make deps                install what the build needs (tools/deps.sh)
#   make busybox             BusyBox for chapter 4's initramfs (build/busybox/)
#   make servers             Dropbear, curl and ssh keys for chapter 7's
#                            initramfs (build/dropbear/, build/curl/, build/ssh/)
#   make bench               Keel against Linux in the same QEMU (tools/bench.py)
#   make oracle              record what the graded programs print on Linux
#                            (grading/linux/, grading/oracle.py)
#   make oracle-check        the same, failing when a recording changed
#   make busybox-testsuite   BusyBox's own testsuite on Keel and on Linux
#   make stress              stress-ng's stressors on Keel and on Linux
#   make test SANITIZE=1     (also run, grade) kernels with UBSAN and the
#                            stricter heap checks, in build/chNN/san/
#
# Chapters are views of one tree: chapters/NN-slug/chapter.mk lists the
# files chapter NN adds, and CHAPTER=N builds the union of chapters 1..N
# with -DCHAPTER=N. Each chapter builds in its own folder, build/chNN/.

MAKEFLAGS += --no-builtin-rules --no-print-directory
.SUFFIXES:
SHELL := /bin/bash

CHAPTER_DIRS := $(sort $(dir $(wildcard chapters/[0-9][0-9]-*/chapter.mk)))
LAST_CHAPTER := $(words $(CHAPTER_DIRS))
CHAPTER ?= $(LAST_CHAPTER)
CH := $(shell printf %02d $(CHAPTER))

ifeq ($(filter $(CHAPTER),$(shell seq 1 $(LAST_CHAPTER))),)
$(error CHAPTER=$(CHAPTER) does not exist: chapters are 1..$(LAST_CHAPTER))
endif

PYTHON := python3

KERNEL_SRCS :=
CHAPTER_FILES :=
HOST_TESTS :=
USER_PROGS :=
USER_GLIBC_PROGS :=
USER_DYN_PROGS :=
RETIRED_FILES :=
LWIP_FILES :=
KERNEL_HARDENING :=
include $(addsuffix chapter.mk,$(wordlist 1,$(CHAPTER),$(CHAPTER_DIRS)))

KEEL_VERSION := 0.1
B := build/ch$(CH)

# Where the kernel's sources come from. The tree holds the last chapter's
# kernel; an earlier chapter's kernel is compiled from its view, which
# tools/chapters.py writes into $(B)/src/ (its files only, guards
# resolved, earlier forms from chapters/NN-slug/overlay/ laid at their
# paths; only changed files are rewritten, so builds stay incremental).
# Edit the tree, never $(B)/src/: it is generated anew by every make.
ifeq ($(CHAPTER),$(LAST_CHAPTER))
SRC :=
else
SRC := $(B)/src/
VIEW_LOG := $(shell $(PYTHON) tools/chapters.py sources $(CHAPTER) $(SRC) 2>&1)
ifneq ($(.SHELLSTATUS),0)
$(error tools/chapters.py could not write chapter $(CHAPTER)'s sources: $(VIEW_LOG))
endif
endif
# A chapter may retire a file an earlier one added (RETIRED_FILES in its
# chapter.mk): the earlier form lives on as an overlay of the chapters
# that used it, and from the retiring chapter on the path holds the
# tree's file, or nothing (then it is not built).
GONE_FILES := $(foreach f,$(RETIRED_FILES),$(if $(wildcard $(SRC)$(f)),,$(f)))
KERNEL_SRCS := $(filter-out $(GONE_FILES),$(KERNEL_SRCS))
# SANITIZE=1 (make run, grade or test SANITIZE=1): every kernel file is
# built with the undefined-behaviour checks (kernel/init/ubsan.c) and
# KEEL_SANITIZE (red zones and poisoned frees in kmalloc and the frame
# allocator), in a folder of its own, so that the two builds never mix.
SANITIZE ?=
ifneq ($(filter-out 0 1,$(SANITIZE)),)
$(error SANITIZE=$(SANITIZE): say SANITIZE=1 (a debug build) or nothing)
endif
KB := $(B)$(if $(filter 1,$(SANITIZE)),/san)
KERNEL := $(KB)/keel.elf
ISO := $(KB)/keel.iso
CMDLINE ?=
# from chapter 3 on, the chapters' user programs boot as the initramfs
INITRD ?= $(if $(USER_PROGS),$(B)/initrd.cpio)

CC := gcc
LD := ld
NM := nm
GDB ?= gdb
QEMU ?= qemu-system-x86_64

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wundef -Wvla -Wimplicit-fallthrough
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) \
	-ffreestanding -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-common $(KERNEL_HARDENING)
KERNEL_CPPFLAGS := -DCHAPTER=$(CHAPTER) -DKEEL_VERSION='"$(KEEL_VERSION)"' \
	-I$(SRC)kernel/include -I$(SRC)kernel/arch/x86_64/include \
	-I$(SRC)fs/include -I$(SRC)net/include -I$(B)/gen
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	-T $(SRC)kernel/arch/x86_64/kernel.ld

KOBJS := $(patsubst %,$(KB)/obj/%.o,$(KERNEL_SRCS))

# The undefined-behaviour checks Linux's UBSAN makes, and a few more
# (signed overflow: Keel is not built with -fwrapv). Alignment is left
# out, as on x86 Linux: the CPU allows it and packed headers rely on it.
# kernel/init/ubsan_test.c always has them (its self-test proves the
# runtime); SANITIZE=1 gives them to every file but the runtime itself.
UBSAN_FLAGS := -fsanitize=shift,integer-divide-by-zero,unreachable \
	-fsanitize=vla-bound,null,signed-integer-overflow,bounds,object-size \
	-fsanitize=bool,enum,nonnull-attribute,returns-nonnull-attribute \
	-fsanitize=pointer-overflow,builtin
# (object-size is off there: its array case is the bounds check's, once)
$(KB)/obj/kernel/init/ubsan_test.c.o: KERNEL_CFLAGS += $(UBSAN_FLAGS) \
	-fno-sanitize=object-size
ifeq ($(SANITIZE),1)
KERNEL_CFLAGS += $(UBSAN_FLAGS)
KERNEL_CPPFLAGS += -DKEEL_SANITIZE=1
$(KB)/obj/kernel/init/ubsan.c.o: KERNEL_CFLAGS += -fno-sanitize=all
endif

# lwIP (from chapter 7): its sources are compiled from Debian's source
# package in the cache (LWIP_SRC, from deps.env below), never copied into
# the tree. LWIP_FILES (a chapter.mk's list) name files under its src/.
# Its headers, Keel's port (net/port/include: lwipopts.h, arch/cc.h) and
# the three C-library headers lwIP includes (net/port/libc; -I, not
# -isystem, so that make tracks them) are on every
# kernel file's include path; `make check` keeps lwIP's headers inside
# net/. lwIP is someone else's code: it is compiled with its own,
# quieter warnings, and Keel's -Werror is not imposed on it.
ifneq ($(LWIP_FILES),)
-include $(or $(KEEL_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/keel)/deps.env
LWIP_OBJS := $(patsubst %,$(KB)/obj/lwip/%.o,$(LWIP_FILES))
KOBJS += $(LWIP_OBJS)
KERNEL_CPPFLAGS += -I$(SRC)net/port/include -I$(SRC)net/port/libc \
	-I$(LWIP_SRC)/src/include
LWIP_CFLAGS := $(filter-out -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wundef -Wimplicit-fallthrough,$(KERNEL_CFLAGS)) \
	-Wno-unused-parameter -Wno-address
# lwIP is someone else's code: SANITIZE=1 checks Keel's, not lwIP's
LWIP_CFLAGS := $(filter-out $(UBSAN_FLAGS),$(LWIP_CFLAGS))
endif

.PHONY: all kernel iso print-kernel print-last-chapter print-srcs run qemu-gdb gdb grade \
	test check format host-test book deps deps-auto clean \
	compile_commands.json snapshot handout branches lint-chapters autograder \
	user initrd busybox servers bench busybox-testsuite oracle \
	gradescope-check classroom-check oracle-check fuzz stress

all: kernel

kernel: $(KERNEL)

print-kernel: $(KERNEL)
	@echo $(KERNEL)

print-last-chapter:
	@echo $(LAST_CHAPTER)

# the kernel sources this chapter builds (tools/treecheck.py reads them)
print-srcs:
	@echo $(KERNEL_SRCS)

# The system-call table, numbers, names and prototypes, generated from
# kernel/syscalls/syscall_64.tbl (the script rewrites only changed files).
SYSCALL_TBL := $(wildcard kernel/syscalls/syscall_64.tbl)
GEN := $(if $(SYSCALL_TBL),$(B)/gen/.stamp)
$(B)/gen/.stamp: tools/gen-syscalls.py kernel/syscalls/syscall_64.tbl \
		kernel/include/uapi/errno.h Makefile
	@mkdir -p $(dir $@)
	@echo "  GEN     $(B)/gen (system-call table)"
	@$(PYTHON) tools/gen-syscalls.py kernel $(CHAPTER) $(B)/gen
	@touch $@

$(KB)/obj/%.c.o: $(SRC)%.c Makefile $(CHAPTER_DIRS:%=%chapter.mk) | $(GEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(KB)/obj/lwip/%.c.o: $(LWIP_SRC)/src/%.c Makefile $(SRC)net/port/include/lwipopts.h
	@test -n "$(LWIP_SRC)" || { echo "error: lwIP's source is missing: run make deps" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/$*.c"
	@$(CC) $(KERNEL_CPPFLAGS) $(LWIP_CFLAGS) -MMD -MP -c $< -o $@

$(KB)/obj/%.S.o: $(SRC)%.S Makefile | $(GEN)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KERNEL_CPPFLAGS) -D__ASSEMBLY__ -g -MMD -MP -c $< -o $@

# Two links: the first one's function symbols become the symbol table of
# the second (kernel/log/ksyms.c). .ksyms follows .text in the linker
# script, so filling it moves no function; the cmp proves it.
$(KERNEL): $(KOBJS) $(SRC)kernel/arch/x86_64/kernel.ld tools/gen-ksyms.sh
	@echo "  LD      $@"
	@NM=$(NM) sh tools/gen-ksyms.sh > $(KB)/ksyms0.S
	@$(CC) -c $(KB)/ksyms0.S -o $(KB)/ksyms0.o
	@$(LD) $(KERNEL_LDFLAGS) -o $(KB)/keel.pass1.elf $(KOBJS) $(KB)/ksyms0.o
	@NM=$(NM) sh tools/gen-ksyms.sh $(KB)/keel.pass1.elf > $(KB)/ksyms.S
	@$(CC) -c $(KB)/ksyms.S -o $(KB)/ksyms.o
	@$(LD) $(KERNEL_LDFLAGS) -o $@.tmp $(KOBJS) $(KB)/ksyms.o
	@NM=$(NM) sh tools/gen-ksyms.sh $@.tmp | cmp -s - $(KB)/ksyms.S || \
		{ echo "error: symbol table moved between links" >&2; exit 1; }
	@mv $@.tmp $@

-include $(KOBJS:.o=.d)

iso: $(ISO)

$(ISO): $(KERNEL) tools/mkiso.sh $(INITRD) FORCE
	@echo "  ISO     $@ (cmdline: $(CMDLINE))"
	@sh tools/mkiso.sh $(KERNEL) $@ "$(CMDLINE)" $(INITRD)

FORCE:

# GRAPHIC=1 (a window), GRAPHIC=vnc or GRAPHIC=curses (this terminal) also
# show the machine's screen, where a second shell runs on tty1 (chapter 6:
# the kernel word `vtshell` asks init for it).
# From chapter 7 on the machine has a network card on QEMU's user network,
# with the host's 127.0.0.1:HTTP_PORT, :SSH_PORT, :TELNET_PORT and
# :NGINX_PORT forwarded to the guest's ports 80 (BusyBox httpd), 22
# (dropbear), 23 (telnetd) and 8080 (nginx); keelqemu prints them at start.
HTTP_PORT ?= 8080
SSH_PORT ?= 2222
TELNET_PORT ?= 2323
NGINX_PORT ?= 8081
RUN_NET := $(if $(filter-out 1 2 3 4 5 6,$(CHAPTER)),--net \
	--fwd $(HTTP_PORT):80 --fwd $(SSH_PORT):22 --fwd $(TELNET_PORT):23 \
	--fwd $(NGINX_PORT):8080)
# how to log in from the host to the ssh server and telnetd init starts
# (recursive: SSH_KEY is set further down)
RUN_LOGIN = $(if $(ROOTFS_SERVERS),echo "keel: log in with: ssh -p \
	$(SSH_PORT) -i $(SSH_KEY) -o StrictHostKeyChecking=no -o \
	UserKnownHostsFile=/dev/null root@127.0.0.1  (or: telnet 127.0.0.1 \
	$(TELNET_PORT)); web: http://127.0.0.1:$(HTTP_PORT)/ (BusyBox httpd) and \
	http://127.0.0.1:$(NGINX_PORT)/ (nginx)")

run: deps-auto
	@if [ "$(GRAPHIC)" = 1 ]; then bash tools/deps.sh --graphic --check \
		>/dev/null 2>&1 || bash tools/deps.sh --graphic; fi
	@$(MAKE) $(ISO) CHAPTER=$(CHAPTER) \
		CMDLINE="$(strip $(CMDLINE) $(if $(GRAPHIC),vtshell))"
	@$(RUN_LOGIN)
	@$(PYTHON) -m tools.keelqemu run $(if $(GRAPHIC),--graphic $(GRAPHIC)) \
		$(RUN_NET) $(ISO)

GDBPORT := $(shell expr 26000 + $$(id -u) % 5000)

qemu-gdb: deps-auto
	@$(MAKE) $(ISO) CHAPTER=$(CHAPTER) CMDLINE="$(CMDLINE)"
	@sed -e "s|@KERNEL@|$(KERNEL)|; s|@PORT@|$(GDBPORT)|" tools/gdbinit.in > .gdbinit
	@echo "*** QEMU waits for gdb on port $(GDBPORT): in another terminal run 'make gdb'"
	@$(PYTHON) -m tools.keelqemu gdb $(RUN_NET) $(ISO) $(GDBPORT)

# the debugger side of qemu-gdb: loads .gdbinit explicitly (gdb's auto-load
# refuses a .gdbinit in the current folder unless told it is safe)
gdb:
	@test -f .gdbinit || { echo "run 'make qemu-gdb' first (it writes .gdbinit)" >&2; exit 1; }
	@$(GDB) -q -x .gdbinit

grade: deps-auto kernel $(INITRD)
	@$(PYTHON) -m grading.grade --chapter $(CHAPTER) \
		$(if $(TEST),--test $(TEST)) $(GRADEFLAGS)

# ---- user programs and the initramfs -----------------------------------------
#
# Chapters list their programs in USER_PROGS: each is one C file in user/,
# linked static against musl. The initramfs is a newc cpio archive of a
# folder laid out as the root file system: /init, /bin/<the others>, and
# the files of user/rootfs/. grading/oracle.py runs the same binaries on
# Linux with ROOT set to that folder, for the expected output.

USER_CC := musl-gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror
USER_BINS := $(USER_PROGS:%=build/user/%)
USER_ROOT := build/user/root
USER_ROOTFS := $(shell find user/rootfs -type f 2>/dev/null)
# The headers the programs share (user/errname.h, errno names): a change
# rebuilds them all. Chapter 4 adds errname.h, so the views of chapters
# 1 to 3 have none (and no program that includes it).
USER_HEADERS := $(wildcard user/*.h)

# Chapters may list programs in USER_GLIBC_PROGS too: the same C files,
# linked static against glibc (gcc -static), as build/user/glibc/<name>,
# in the initramfs as /bin/<name>.glibc. glibc's start-up asks the kernel
# for more than musl's (TLS, robust futex list, rseq, ...), so the same
# test run under both C libraries checks that Keel speaks enough Linux
# for either. With the list empty the initramfs is what it was.
USER_GLIBC_CC := gcc
USER_GLIBC_BINS := $(USER_GLIBC_PROGS:%=build/user/glibc/%)

# And in USER_DYN_PROGS: the same C files linked dynamically against
# glibc (gcc's default: a position-independent program whose PT_INTERP
# names /lib64/ld-linux-x86-64.so.2), as build/user/dyn/<name>, in the
# initramfs as /bin/<name>.dyn. The loader and the libraries they need
# (ldd's list: Debian's libc6, which gcc links against) are copied from
# this machine to the same paths in the initramfs.
USER_DYN_BINS := $(USER_DYN_PROGS:%=build/user/dyn/%)

user: $(USER_BINS) $(USER_GLIBC_BINS) $(USER_DYN_BINS)

initrd: $(INITRD)

$(USER_BINS): build/user/%: user/%.c $(USER_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  USERCC  $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

$(USER_GLIBC_BINS): build/user/glibc/%: user/%.c $(USER_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  GLIBCC  $<"
	@$(USER_GLIBC_CC) $(USER_CFLAGS) -o $@ $<

$(USER_DYN_BINS): build/user/dyn/%: user/%.c $(USER_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  DYNCC   $<"
	@$(USER_GLIBC_CC) $(filter-out -static,$(USER_CFLAGS)) -o $@ $<

# ---- BusyBox (chapter 4 on) ---------------------------------------------------
#
# BusyBox from Debian's source package (tools/deps.sh fetches it), static
# with musl, built out of tree in build/busybox/ from user/busybox/busybox.config;
# rebuilt only when that file or the source version changes. A chapter
# whose chapter.mk sets ROOTFS_BUSYBOX := 1 gets in its initramfs
# /bin/busybox, a link per applet, Debian's busybox-static as
# /bin/busybox.glibc and the files of user/busybox/rootfs/ (tools/busybox.sh).
# build/user/root is shared by the chapters: build/user/root.chapter says
# whose files it holds, and another chapter's initramfs restages it.

KEEL_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/keel
-include $(KEEL_CACHE)/deps.env
BUSYBOX := build/busybox/busybox
BUSYBOX_CONFIG := user/busybox/busybox.config
BUSYBOX_STAMP := build/busybox/.source-$(notdir $(BUSYBOX_SRC))
BUSYBOX_ENV := BUSYBOX_SRC="$(BUSYBOX_SRC)" BUSYBOX_GLIBC="$(BUSYBOX_GLIBC)" \
	MUSL_INCLUDE="$(MUSL_INCLUDE)" KEEL_CACHE="$(KEEL_CACHE)"
INITRD_BUSYBOX := $(if $(ROOTFS_BUSYBOX),$(BUSYBOX) $(BUSYBOX_GLIBC) \
	tools/busybox.sh $(shell find user/busybox/rootfs ! -type l 2>/dev/null))
# an initramfs made with (or, last time, with) ROOTFS_EXTRA is made anew
INITRD_EXTRA := $(if $(ROOTFS_EXTRA)$(shell cat $(B)/initrd.extra 2>/dev/null),FORCE)
INITRD_RESTAGE := $(if $(filter $(CH),$(shell cat $(USER_ROOT).chapter 2>/dev/null)),,FORCE)

# like run and grade, `make busybox` first installs what is missing; the
# initramfs rule reaches $(BUSYBOX) directly and tools/busybox.sh then runs
# tools/deps.sh itself when the source is missing
busybox: deps-auto
	@$(MAKE) $(BUSYBOX)

$(BUSYBOX): $(BUSYBOX_CONFIG) $(BUSYBOX_STAMP) tools/busybox.sh
	@$(BUSYBOX_ENV) bash tools/busybox.sh build $@ $(BUSYBOX_CONFIG)

$(BUSYBOX_STAMP):
	@mkdir -p $(dir $@) && rm -f build/busybox/.source-* && touch $@

# Chapter 7's servers (built below): defined here, before the rule that
# lists them, because make expands a rule's prerequisites as it reads it.
DROPBEAR := build/dropbear/dropbearmulti
CURL := build/curl/curl
NGINX := build/nginx/nginx
SSH_KEY := build/ssh/id_ed25519
INITRD_SERVERS := $(if $(ROOTFS_SERVERS),$(DROPBEAR) $(CURL) $(NGINX) \
	$(SSH_KEY).pub tools/servers.sh user/servers/nginx.conf)

# /notelf.txt must be executable whatever the checkout's file modes: on
# Linux (the oracle) execve would say EACCES before looking inside it.
# ROOTFS_EXTRA=dir adds a folder of your own files on top.
$(B)/initrd.cpio: $(USER_BINS) $(USER_GLIBC_BINS) $(USER_DYN_BINS) \
		$(USER_ROOTFS) Makefile \
		$(INITRD_EXTRA) $(INITRD_BUSYBOX) $(INITRD_SERVERS) $(INITRD_RESTAGE)
	@echo "  CPIO    $@"
	@rm -rf $(USER_ROOT) && mkdir -p $(USER_ROOT)/bin $(dir $@)
	@cp -a user/rootfs/. $(USER_ROOT)/
	@if [ -n "$(ROOTFS_EXTRA)" ]; then cp -a "$(ROOTFS_EXTRA)"/. $(USER_ROOT)/; fi
	@chmod 755 $(USER_ROOT)/notelf.txt
	@for p in $(USER_PROGS); do \
		if [ $$p = init ]; then cp build/user/$$p $(USER_ROOT)/init; \
		else cp build/user/$$p $(USER_ROOT)/bin/$$p; fi; done
	@for p in $(USER_GLIBC_PROGS); do \
		cp build/user/glibc/$$p $(USER_ROOT)/bin/$$p.glibc; done
	@for p in $(USER_DYN_PROGS); do \
		cp build/user/dyn/$$p $(USER_ROOT)/bin/$$p.dyn; done
	@if [ -n "$(USER_DYN_BINS)" ]; then \
		for lib in $$(ldd $(USER_DYN_BINS) | sed -n 's|^[^/]*\(/[^ ]*\) [(]0x.*|\1|p' | \
				sort -u); do \
			mkdir -p $(USER_ROOT)$$(dirname $$lib) && \
			cp -L $$lib $(USER_ROOT)$$lib || exit 1; done; fi
	@$(if $(ROOTFS_BUSYBOX),$(BUSYBOX_ENV) bash tools/busybox.sh rootfs $(USER_ROOT))
	@$(if $(ROOTFS_SERVERS),$(SERVERS_ENV) bash tools/servers.sh rootfs $(USER_ROOT))
	@echo $(CH) > $(USER_ROOT).chapter
	@echo "$(ROOTFS_EXTRA)" > $(B)/initrd.extra
	@cd $(USER_ROOT) && find . | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet > $(CURDIR)/$@.tmp
	@mv $@.tmp $@

# ---- Dropbear, curl and nginx (chapter 7 on) ---------------------------------
#
# Real network programs from Debian's source packages (tools/deps.sh
# fetches them), static with musl, built out of tree by tools/servers.sh:
# Dropbear's multi-call binary (dropbear, dropbearkey, dropbearconvert,
# dbclient, scp) in build/dropbear/ with user/servers/localoptions.h, and
# curl (HTTP only) in build/curl/, nginx (epoll, static files, with
# user/servers/nginx.conf) in build/nginx/; each rebuilt only when its source
# version or the script changes. build/ssh/ holds the keys the built
# dropbearkey makes on the host, once: the server's ed25519 host key and
# root's key pair (id_ed25519 in OpenSSH's format, for `ssh -i`). A
# chapter whose chapter.mk sets ROOTFS_SERVERS := 1 gets in its initramfs
# /usr/sbin/dropbear and the other links, /usr/bin/curl, /usr/sbin/nginx,
# /etc/dropbear/dropbear_ed25519_host_key and /root/.ssh/authorized_keys.
DROPBEAR_SRC := $(or $(DROPBEAR_SRC),$(realpath $(KEEL_CACHE)/src/dropbear))
CURL_SRC := $(or $(CURL_SRC),$(realpath $(KEEL_CACHE)/src/curl))
NGINX_SRC := $(or $(NGINX_SRC),$(realpath $(KEEL_CACHE)/src/nginx))
DROPBEAR_STAMP := build/dropbear/.source-$(notdir $(DROPBEAR_SRC))
CURL_STAMP := build/curl/.source-$(notdir $(CURL_SRC))
NGINX_STAMP := build/nginx/.source-$(notdir $(NGINX_SRC))
SERVERS_ENV := DROPBEAR_SRC="$(DROPBEAR_SRC)" CURL_SRC="$(CURL_SRC)" \
	NGINX_SRC="$(NGINX_SRC)" \
	MUSL_INCLUDE="$(MUSL_INCLUDE)" KEEL_CACHE="$(KEEL_CACHE)"

servers: deps-auto
	@$(MAKE) $(DROPBEAR) $(CURL) $(NGINX) $(SSH_KEY).pub

$(DROPBEAR): $(DROPBEAR_STAMP) tools/servers.sh user/servers/localoptions.h
	@$(SERVERS_ENV) bash tools/servers.sh dropbear $@

$(CURL): $(CURL_STAMP) tools/servers.sh
	@$(SERVERS_ENV) bash tools/servers.sh curl $@

$(NGINX): $(NGINX_STAMP) tools/servers.sh
	@$(SERVERS_ENV) bash tools/servers.sh nginx $@

$(DROPBEAR_STAMP) $(CURL_STAMP) $(NGINX_STAMP):
	@mkdir -p $(dir $@) && rm -f $(dir $@).source-* && touch $@

# made once, by the built dropbearkey; `rm -r build/ssh` makes new keys
$(SSH_KEY).pub: | $(DROPBEAR)
	@bash tools/servers.sh keys $(@D)

# ---- make bench: Keel against Linux ----------------------------------------
#
# The last chapter's kernel and Debian's (fetched by tools/deps.sh --linux
# when missing) boot alternately in the same QEMU with one small initramfs
# (/init, /bin/bench, /dev); tools/bench.py prints the table. BENCH_RUNS
# boots each (default 5); BENCHFLAGS passes more, e.g. --json FILE,
# --quick, --no-icount, --no-memsearch (skip the smallest -m search),
# --only-memsearch. A benchmark, not a test: nothing here gates CI.
BENCH_RUNS ?= 5
BENCHFLAGS ?=

bench: deps-auto
	@if ! grep -qs '^LINUX_VMLINUZ=.' $(KEEL_CACHE)/deps.env || \
		[ ! -f "$$(sed -n 's/^LINUX_VMLINUZ=//p' $(KEEL_CACHE)/deps.env)" ]; then \
		echo "  BENCH   fetching the Debian kernel (tools/deps.sh --linux)"; \
		bash tools/deps.sh --linux || exit 1; fi
	@echo "  BENCH   building Keel (chapter $(LAST_CHAPTER)), init and bench"
	@$(MAKE) CHAPTER=$(LAST_CHAPTER) build/ch$(shell printf %02d $(LAST_CHAPTER))/keel.elf \
		build/user/init build/user/bench
	@$(PYTHON) -m tools.bench --keel build/ch$(shell printf %02d $(LAST_CHAPTER))/keel.elf \
		--init build/user/init --bench build/user/bench \
		--runs $(BENCH_RUNS) $(BENCHFLAGS)

# ---- make busybox-testsuite: BusyBox's own tests, Keel against Linux ----------
#
# The testsuite/ of the busybox source package, run by its runtest inside
# the last chapter's Keel for both BusyBox binaries (musl and Debian's
# busybox-static), then the same on Debian's Linux kernel in the same QEMU
# and initramfs (tools/bbtestsuite.py; logs in build/bbtestsuite/). It
# prints what passes on each and what passes on Linux but not on Keel.
# About an hour under TCG: not part of make test. BBTESTFLAGS passes more,
# e.g. --applets sed,grep, --binaries musl, --only keel, --from-logs.
BBTESTFLAGS ?=

busybox-testsuite: deps-auto
	@if ! grep -qs '^LINUX_VMLINUZ=.' $(KEEL_CACHE)/deps.env || \
		[ ! -f "$$(sed -n 's/^LINUX_VMLINUZ=//p' $(KEEL_CACHE)/deps.env)" ]; then \
		echo "  BBTEST  fetching the Debian kernel (tools/deps.sh --linux)"; \
		bash tools/deps.sh --linux || exit 1; fi
	@$(MAKE) CHAPTER=$(LAST_CHAPTER) build/ch$(shell printf %02d $(LAST_CHAPTER))/keel.elf \
		$(BUSYBOX)
	@$(PYTHON) -m tools.bbtestsuite --chapter $(LAST_CHAPTER) \
		--kernel build/ch$(shell printf %02d $(LAST_CHAPTER))/keel.elf $(BBTESTFLAGS)

# ---- make fuzz: the typed system-call fuzzer, run long -----------------------
#
# /bin/syscheck's fuzz mode (user/syscheck.c) in the last chapter's kernel:
# random calls from the system-call table with typed arguments, as an
# ordinary user, for MINUTES per seed; two seeds at a time. tools/fuzz.py
# prints a table (calls, children, panics, hangs, unkillable children,
# memory before and after) and fails on a panic, a hang or a leak. Not
# part of make test: the short form of random calls there is chapter 4's
# sysfuzz group. `make fuzz SANITIZE=1` fuzzes the debug kernel (UBSAN,
# the stricter heap, the lock checker): any report stops it, as a panic.
SEEDS ?= 1
MINUTES ?= 1

fuzz: deps-auto
	@if [ ! -f tools/fuzz.py ]; then \
		echo "make fuzz: the fuzzer comes with chapter 5"; exit 1; fi
	@$(MAKE) -s CHAPTER=$(LAST_CHAPTER) kernel initrd
	@$(PYTHON) -m tools.fuzz --chapter $(LAST_CHAPTER) \
		--kernel build/ch$(shell printf %02d $(LAST_CHAPTER))$(if $(filter 1,$(SANITIZE)),/san)/keel.elf \
		--initrd build/ch$(shell printf %02d $(LAST_CHAPTER))/initrd.cpio \
		--seeds "$(SEEDS)" --minutes $(MINUTES)

# ---- make stress: stress-ng on Keel and on Linux ------------------------------
#
# Debian's stress-ng (tools/deps.sh --stress fetches it and the shared
# libraries it needs; it is dynamically linked against glibc) runs a list
# of its stressors one after the other in the last chapter's kernel, each
# for STRESS_SECONDS, twice over, then the same on Debian's Linux in the
# same QEMU and initramfs (tools/stress.py; logs in build/stress/). It
# prints the table (how each ended, bogo ops/s on each kernel) and fails
# on a panic, a hang or a leak. STRESSFLAGS passes more, e.g.
# --stressors fork,pipe, --rounds 3, --only keel, --quick (the form make
# test runs). `make stress SANITIZE=1` stresses the debug kernel.
STRESS_SECONDS ?= 5
STRESSFLAGS ?=

stress: deps-auto
	@if [ ! -f tools/stress.py ]; then \
		echo "make stress: stress-ng runs from chapter 5 (dynamic programs)"; exit 1; fi
	@if [ -z "$(filter --quick,$(STRESSFLAGS))" ] && \
		{ ! grep -qs '^LINUX_VMLINUZ=.' $(KEEL_CACHE)/deps.env || \
		[ ! -f "$$(sed -n 's/^LINUX_VMLINUZ=//p' $(KEEL_CACHE)/deps.env)" ]; }; then \
		echo "  STRESS  fetching the Debian kernel (tools/deps.sh --linux)"; \
		bash tools/deps.sh --linux || exit 1; fi
	@if ! grep -qs '^STRESS_NG_ROOT=.' $(KEEL_CACHE)/deps.env; then \
		echo "  STRESS  fetching stress-ng (tools/deps.sh --stress)"; \
		bash tools/deps.sh --stress || exit 1; fi
	@$(MAKE) -s CHAPTER=$(LAST_CHAPTER) kernel
	@$(PYTHON) -m tools.stress --chapter $(LAST_CHAPTER) \
		--kernel build/ch$(shell printf %02d $(LAST_CHAPTER))$(if $(filter 1,$(SANITIZE)),/san)/keel.elf \
		--seconds $(STRESS_SECONDS) $(STRESSFLAGS)

# ---- chapters as views of the tree (tools/chapters.py) -----------------------

OUT ?= build/$@-ch$(CH)

snapshot handout:
	@python3 tools/chapters.py $@ $(CHAPTER) $(OUT)
	@echo "  build it: make -C $(OUT) run   grade it: make -C $(OUT) grade"

branches:
	@python3 tools/chapters.py branches

# the Gradescope bundle: setup.sh, run_autograder, grader/ (grading/README.md)
autograder:
	@python3 -m tools.autograder $(CHAPTER) build/autograder-ch$(CH).zip

# the zip, run as Gradescope runs it in a fresh Debian 12 root (as root;
# slow: not part of make test)
gradescope-check:
	@bash tools/gradescope-check.sh $(CHAPTER)

# the chapter's GitHub Classroom workflow, its steps run here (slow: not
# part of make test)
classroom-check:
	@$(PYTHON) tools/classroom-check.py $(CHAPTER)

lint-chapters:
	@python3 tools/chapters.py lint

# ---- checks and tests ------------------------------------------------------

# CHECK_BUILDS=0: skip the chapter builds (make test builds every
# chapter's snapshot, with the same -Werror, right after)
CHECK_BUILDS ?= 1

C_FILES = $(shell git ls-files -co --exclude-standard -- 'kernel/*.c' 'kernel/*.h' 'fs/*.c' 'fs/*.h' 'net/*.c' 'net/*.h' 'grading/host/*.c' 'user/*.c' 'user/*.h' 'chapters/*.c' 'chapters/*.h' 2>/dev/null)

check: deps-auto $(GEN)
	@echo "  CHECK   clang-format"
	@clang-format --dry-run --Werror $(C_FILES)
	@echo "  CHECK   cppcheck"
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --suppress=missingIncludeSystem \
		-D__GNUC__ -DCHAPTER=$(CHAPTER) -Ikernel/include \
		-Ikernel/arch/x86_64/include -Ifs/include -Inet/include -I$(B)/gen \
		$(filter-out user/% chapters/%,$(filter %.c,$(C_FILES)))
	@if [ -f tools/treecheck.py ]; then \
		echo "  CHECK   the tree's structure (tools/treecheck.py)"; \
		$(PYTHON) tools/treecheck.py; fi
	@if [ -f tools/gen-syscheck.py ]; then \
		echo "  CHECK   the bad-input checklist covers the system-call table"; \
		$(PYTHON) tools/gen-syscheck.py check; fi
	@if [ "$(CHECK_BUILDS)" = 1 ]; then \
		echo "  CHECK   kernel builds for every chapter with -Werror"; \
		for n in $$(seq 1 $(LAST_CHAPTER)); do \
		$(MAKE) kernel CHAPTER=$$n || exit 1; done; fi

format:
	@clang-format -i $(C_FILES)

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Ikernel/include \
	-Ifs/include -fsanitize=address,undefined -fno-sanitize-recover=all

define host_test_rule
build/host/test_$(1): $$(HOST_TEST_$(1)_SRCS) $$(HOST_TEST_$(1)_KSRCS) grading/host/hostcheck.h
	@mkdir -p build/host/$(1)
	@echo "  HOSTCC  $$@"
	@for f in $$(HOST_TEST_$(1)_KSRCS); do \
		$$(CC) $$(HOST_CFLAGS) $$(HOST_TEST_$(1)_KFLAGS) -c $$$$f \
			-o build/host/$(1)/$$$$(basename $$$$f .c).o || exit 1; done
	@$$(CC) $$(HOST_CFLAGS) $$(HOST_TEST_$(1)_CFLAGS) -o $$@ \
		$$(HOST_TEST_$(1)_SRCS) \
		$$(patsubst %.c,build/host/$(1)/%.o,$$(notdir $$(HOST_TEST_$(1)_KSRCS)))
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

host-test: $(HOST_TESTS:%=build/host/test_%)
	@set -e; for t in $^; do echo "  RUN     $$t"; ./$$t; done

book: deps-auto
	@mkdir -p build/book/gen
	@$(if $(SYSCALL_TBL),$(PYTHON) tools/gen-syscalls.py markdown build/book/gen/compat.md)
	@$(if $(SYSCALL_TBL),$(PYTHON) tools/gen-syscalls.py kernel 99 build/book/kgen)
	@echo "  DOXYGEN book -> build/book/html/index.html"
	@KEEL_BOOK_NET=$(if $(wildcard net),net) doxygen book/Doxyfile > build/book/doxygen.log 2>&1 || \
		{ cat build/book/doxygen.log; exit 1; }

test: deps-auto
	@QUICK=$(QUICK) bash tools/test.sh

# ---- the recorded Linux answers ---------------------------------------------
#
# Grading compares programs with what they print on Linux, read from
# grading/linux/ (grading/oracle.py). `make oracle` makes those files
# anew: it fetches Debian's kernel, grades the last chapter with
# KEEL_ORACLE=record (every answer the grade asks for is recorded by
# booting Linux in QEMU with the same initramfs; the grade's own verdicts
# do not matter here), removes the recordings no test asked for, and
# shows what changed. Commit grading/linux/ afterwards.

oracle: deps-auto
	@bash tools/deps.sh --linux >/dev/null
	@$(if $(TEST),true,$(PYTHON) -m grading.oracle --reset)
	@mkdir -p build/oracle
	@echo "  ORACLE  grading chapter $(LAST_CHAPTER), recording Linux's answers (about 15 minutes; log: build/oracle/grade.log)"
	@KEEL_ORACLE=record $(MAKE) grade CHAPTER=$(LAST_CHAPTER) \
		$(if $(TEST),TEST=$(TEST)) > build/oracle/grade.log 2>&1 || true
	@grep -h "^oracle: recorded" build/oracle/grade.log | sed 's/^/  /' || true
	@$(if $(TEST),true,$(PYTHON) -m grading.oracle --prune)
	@git status --short grading/linux
	@git diff --stat grading/linux | tail -n 1

# the check that the committed recordings are what Linux says today: record
# them all anew, and fail when anything changed (a stale recording)
oracle-check: oracle
	@if [ -z "$$(git status --porcelain grading/linux)" ]; then \
		echo "  ORACLE  every recording is what Linux prints"; \
	else echo "  ORACLE  recordings changed (git diff grading/linux)"; exit 1; fi

# ---- environment -------------------------------------------------------------

deps:
	@bash tools/deps.sh

# make run / test call this: a quick check, the full install only if needed.
deps-auto:
	@bash tools/deps.sh --check >/dev/null 2>&1 || bash tools/deps.sh

compile_commands.json: $(GEN)
	@$(PYTHON) tools/compile-commands.py $(CC) "$(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS)" $(KERNEL_SRCS) > $@
	@echo "  GEN     $@"

clean:
	rm -rf build .gdbinit
