# Chapter 7 (networking): the files this chapter adds to the kernel.
#
# The top-level Makefile includes chapters/01-*/chapter.mk .. NN-*/chapter.mk
# for CHAPTER=NN, so a chapter's kernel is the union of these lists;
# RETIRED_FILES are earlier chapters' files this chapter replaces (their
# earlier forms are overlays of the chapters that brought them:
# `python3 tools/chapters.py retire PATH` keeps one).

CHAPTER_SLUGS += 07-networking

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
	book/07-networking.md \
	grading/tests/ch07_pci.py
# the card on its own, before the stack: weak stand-ins for netdev_*()
# and an ARP exchange with QEMU's gateway (drop once net/ defines them)
KERNEL_SRCS += \
	kernel/drivers/virtio_net_test.c
CHAPTER_FILES += \
	grading/tests/ch07_virtio_arp.py

# ---- the lwIP port and the sockets

# ---- files this chapter replaces (added by `chapters.py retire`)
RETIRED_FILES += kernel/arch/x86_64/kernel.ld
RETIRED_FILES += kernel/arch/x86_64/cpu/irq.c
