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

# ---- the lwIP port and the sockets

# ---- files this chapter replaces (added by `chapters.py retire`)
RETIRED_FILES += kernel/arch/x86_64/kernel.ld
RETIRED_FILES += kernel/arch/x86_64/cpu/irq.c
