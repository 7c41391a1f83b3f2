#!/usr/bin/env bash
# Instructor demo for chapter 2 (memory). Run from the repository root:
#
#     bash chapters/02-memory/demo.sh
#
# Each step says what to point out, waits for Enter, then runs. Every boot
# here ends by itself except the first (quit with Ctrl-A then X).
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "Boot chapter 2: the pmm: line (frames from the memory map) and the vmm: line (our own page tables). Ctrl-A X to quit."
make -s run CHAPTER=2

pause "The buddy allocator on the host: randomized alloc/free against a model."
make -s host-test

pause "Every self-test of chapters 1 and 2."
make -s run CHAPTER=2 CMDLINE="quiet test=all" || true

pause "A page fault report now explains the walk: PML4[0] is not present."
make -s run CHAPTER=2 CMDLINE="test=fault" || true

pause "Kernel text is read-only: 'protection write kernel'."
make -s run CHAPTER=2 CMDLINE="test=nx-text" || true

pause "A stack overflow hits the guard page; the double fault runs on its own stack."
make -s run CHAPTER=2 CMDLINE="test=stack-guard" || true

pause "The heap's red zone catches a write past the end of an object."
make -s run CHAPTER=2 CMDLINE="test=heap-overrun" || true

pause "What the primitives cost (emulated cycles; compare runs, not machines)."
make -s run CHAPTER=2 CMDLINE="quiet test=mm-bench" || true
