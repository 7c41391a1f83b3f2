#!/usr/bin/env bash
# Instructor demo for chapter 5 (the VFS). Run from the repository root:
#   bash chapters/05-vfs/demo.sh
# Each step says what to point out, waits for Enter, then runs; every boot
# ends by itself except the shell, which ends with `exit`. The scripts
# the steps run are in user/busybox/rootfs/demo/ (/demo in the initramfs).
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "A root that can be written: files, links, a program written at run time."
make -s run CHAPTER=5 CMDLINE="-- /demo/files.sh" || true

pause "Mounts and a full tmpfs: ENOSPC, and the kernel goes on."
make -s run CHAPTER=5 CMDLINE="-- /demo/mounts.sh" || true

pause "/proc: what ps, free and uptime read."
make -s run CHAPTER=5 CMDLINE="-- /demo/proc.sh" || true

pause "The shell. Try: mkfifo /tmp/f; (echo through a fifo > /tmp/f &); cat /tmp/f; top -n 1; exit"
make -s run CHAPTER=5 || true
