# Chapter 7 (networking): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists;
# RETIRED_FILES are earlier chapters' files this chapter replaces (their
# earlier forms are overlays of the chapters that brought them:
# `python3 tools/chapters.py retire PATH` keeps one).

CHAPTER_SLUGS += 07-networking

# The chapter's own documents.
CHAPTER_FILES += \
	chapters/07-networking/README.md \
	chapters/07-networking/demo.sh \
	book/07-networking.md \
	book/figures/packet-path.dot \
	book/figures/socket-file.dot \
	book/figures/lwip-port.dot

# ---- the contract between NIC drivers and the stack
CHAPTER_FILES += \
	net/include/net/netdev.h

# ---- PCI and the virtio network card
KERNEL_SRCS += \
	kernel/drivers/pci.c \
	kernel/drivers/pci_proc.c \
	kernel/drivers/virtio_pci.c \
	kernel/drivers/virtio_net.c \
	kernel/drivers/pci_test.c \
	kernel/arch/x86_64/cpu/elcr.c \
	kernel/arch/x86_64/mm/ioremap.c
CHAPTER_FILES += \
	kernel/include/kernel/pci.h \
	kernel/include/kernel/virtio.h \
	grading/tests/ch07_pci.py

# ---- the lwIP port and the sockets

# lwIP's own files, from Debian's source package (src/ of lwIP 2.1.3):
# the core, IPv4 with ARP, DHCP and ICMP, and the Ethernet layer. Not its
# sockets or netconn API (Keel's sockets are on the raw API), not IPv6.
LWIP_FILES += \
	core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c \
	core/sys.c core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c \
	core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
	core/ipv4/ip4_frag.c core/ipv4/ip4.c core/ipv4/ip4_addr.c \
	netif/ethernet.c
KERNEL_SRCS += \
	net/core.c \
	net/netif.c \
	net/socket.c \
	net/tcp.c \
	net/udp.c \
	net/ifioctl.c \
	net/procnet.c \
	kernel/syscalls/socket.c
CHAPTER_FILES += \
	net/include/net/net.h \
	net/sock.h \
	kernel/include/uapi/socket.h \
	kernel/include/uapi/if.h \
	net/port/include/lwipopts.h \
	net/port/include/arch/cc.h \
	net/port/libc/string.h \
	net/port/libc/stdlib.h \
	net/port/libc/stdio.h

# ---- socket conformance programs: TCP and UDP over 127.0.0.1 compared
# ---- with Linux, a fuzzer of socket calls, a UDP echo server
CHAPTER_FILES += \
	user/socktest.c \
	user/sockfuzz.c \
	user/udpecho.c \
	user/busybox/rootfs/test/net.sh \
	user/busybox/rootfs/test/nic.sh \
	user/busybox/rootfs/www/index.html \
	user/busybox/rootfs/etc/hosts \
	user/busybox/rootfs/etc/resolv.conf \
	grading/tests/ch07_sockets.py \
	grading/tests/ch07_net.py
USER_PROGS += socktest sockfuzz udpecho

# ---- epoll and eventfd: readiness of many files at once
KERNEL_SRCS += \
	fs/eventfd.c \
	fs/eventpoll.c \
	fs/epoll_ready.c \
	kernel/syscalls/epoll.c
CHAPTER_FILES += \
	fs/eventpoll.h \
	fs/include/fs/epoll.h \
	kernel/include/uapi/eventpoll.h \
	user/epolltest.c \
	grading/tests/ch07_epoll.py \
	exercises/07-networking/4-epoll.md \
	book/figures/epoll.dot
USER_PROGS += epolltest

# ---- signal-driven I/O: O_ASYNC, F_SETOWN and SIGIO (nginx's master
# sets it on the socketpair of each worker)
KERNEL_SRCS += \
	fs/fasync.c
CHAPTER_FILES += \
	fs/include/fs/fasync.h \
	kernel/include/uapi/fasync.h \
	user/asynctest.c
USER_PROGS += asynctest

# ---- AF_UNIX: local sockets, socketpair, passing files and credentials
KERNEL_SRCS += \
	net/unix.c \
	net/unix_name.c \
	net/unix_opt.c \
	net/unix_msg.c \
	net/unix_recv.c \
	net/unix_gc.c
CHAPTER_FILES += \
	net/unix.h \
	book/figures/unix-rights.dot \
	user/unixtest.c \
	user/unixfuzz.c \
	user/busybox/rootfs/test/unix.sh \
	grading/tests/ch07_unix.py
USER_PROGS += unixtest unixfuzz

# ---- real servers: dropbear (ssh), curl, BusyBox telnetd, nginx
# Dropbear, curl and nginx from Debian's source packages
# (tools/servers.sh), the ssh keys made at build time, all in this
# chapter's initramfs; init starts dropbear, telnetd and nginx;
# ch07_ssh.py logs in from the host and loads nginx with 200 keep-alive
# connections (grading/httpload.py).
ROOTFS_SERVERS := 1
CHAPTER_FILES += \
	tools/servers.sh \
	user/servers/localoptions.h \
	user/servers/nginx.conf \
	grading/httpload.py \
	grading/selftest/test_httpload.py \
	book/figures/ssh-login.dot \
	user/busybox/rootfs/test/servers.sh \
	grading/tests/ch07_ssh.py \
	user/execat.c \
	user/srvopts.c
# execveat, which Dropbear's fexecve reaches, and the socket options it
# sets, against Linux
USER_PROGS += execat srvopts

# ---- files this chapter replaces (added by `chapters.py retire`)
RETIRED_FILES += kernel/syscalls/sockfd.c
RETIRED_FILES += fs/procfs/inode.c
RETIRED_FILES += fs/include/fs/procfs.h
RETIRED_FILES += kernel/arch/x86_64/kernel.ld
RETIRED_FILES += kernel/arch/x86_64/cpu/irq.c
RETIRED_FILES += user/init.c
RETIRED_FILES += kernel/syscalls/process.c
RETIRED_FILES += fs/file.c
RETIRED_FILES += fs/poll.c
RETIRED_FILES += fs/include/fs/poll.h
RETIRED_FILES += kernel/syscalls/fd.c
RETIRED_FILES += kernel/syscalls/prctl.c
