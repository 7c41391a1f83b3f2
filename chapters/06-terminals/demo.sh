#!/usr/bin/env bash
# Instructor demo for chapter 6 (terminals). Run from the repository root:
#   bash chapters/06-terminals/demo.sh
# Each step says what to point out, waits for Enter, then runs; every boot
# ends by itself except the shell, which ends with `exit`. The script the
# first step runs is user/busybox/rootfs/demo/terminals.sh (/demo in the
# initramfs).
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "A shell on a pty, a stopped process in ps (T), a sleep stopped and continued."
make -s run CHAPTER=6 CMDLINE="-- /demo/terminals.sh" || true

pause "Job control at the shell. Try: sleep 100, ^Z, jobs, bg, jobs, fg, ^C; vi /tmp/f; exit"
make -s run CHAPTER=6 || true

pause "The machine's own screen and keyboard as tty1: a QEMU window (VNC without a desktop) with a second shell. On the screen: tty; vi /tmp/f; top. From the serial shell: printf '\\033[7m hi \\033[m\\n' > /dev/tty1; cat /dev/vcs1; exit"
make -s run CHAPTER=6 GRAPHIC=1 || true
