#!/usr/bin/env bash
# Instructor demo for chapter 1 (boot). Run from the repository root:
#
#     bash chapters/01-boot/demo.sh
#
# Each step says what to point out, waits for Enter, then runs. QEMU runs
# on this terminal; the boots that end by themselves need no keys, the
# interactive one ends with Ctrl-A then X.
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "Build chapter 1's kernel; the last line is the ELF GRUB will load."
make -s print-kernel CHAPTER=1

pause "The ELF's program headers: .boot at physical 1 MiB, the rest linked at 0xffffffff80100000 but loaded just above 1 MiB."
readelf -lW "$(make -s print-kernel CHAPTER=1)" | sed -n '/Program Headers/,/Section to/p'

pause "Boot it. Point out: banner, cmdline, memory map, then uptime ticking. Quit with Ctrl-A X."
make -s run CHAPTER=1 CMDLINE="demo=hello"

pause "The self-tests this kernel carries (test=list); QEMU exits by itself."
make -s run CHAPTER=1 CMDLINE="quiet test=list" || true

pause "A deliberate page fault: decoded error code, CR2, registers, symbolized backtrace; status 2."
make -s run CHAPTER=1 CMDLINE="test=fault" || true

pause "The grader: one boot per group, random tokens, a score."
make -s grade CHAPTER=1 || true

echo
echo "Done. Next: 'make qemu-gdb CHAPTER=1', then in another terminal 'make gdb', 'break kmain', 'continue'."
