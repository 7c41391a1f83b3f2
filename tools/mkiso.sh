#!/bin/sh
# mkiso.sh KERNEL.elf OUT.iso [CMDLINE] [INITRD]
#
# Make a bootable GRUB ISO: GRUB (BIOS) loads KERNEL by multiboot2 with
# CMDLINE and, if given, INITRD as the first module. The menu has a timeout
# of 0, so the kernel starts at once. Output of grub-mkrescue is kept out of
# sight unless it fails.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 KERNEL.elf OUT.iso [CMDLINE] [INITRD]" >&2
    exit 2
fi
kernel=$1
out=$2
cmdline=${3:-}
initrd=${4:-}

if ! command -v grub-mkrescue >/dev/null 2>&1; then
    echo "mkiso: grub-mkrescue not found: run 'make deps'" >&2
    exit 1
fi

tree=$(mktemp -d "${TMPDIR:-/tmp}/keel-iso.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
cp "$kernel" "$tree/boot/keel.elf"
{
    echo 'set timeout=0'
    echo 'set default=0'
    echo 'menuentry "Keel" {'
    echo "    multiboot2 /boot/keel.elf $cmdline"
    if [ -n "$initrd" ]; then
        cp "$initrd" "$tree/boot/initrd.cpio"
        echo '    module2 /boot/initrd.cpio initrd'
    fi
    echo '    boot'
    echo '}'
} >"$tree/boot/grub/grub.cfg"

log=$(mktemp "${TMPDIR:-/tmp}/keel-mkrescue.XXXXXX")
if ! grub-mkrescue -o "$out" "$tree" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "mkiso: grub-mkrescue failed (need grub-pc-bin, xorriso, mtools: run 'make deps')" >&2
    exit 1
fi
rm -f "$log"
