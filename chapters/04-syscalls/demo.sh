#!/usr/bin/env bash
# Instructor demo for chapter 4 (system calls). Run from the repository
# root:  bash chapters/04-syscalls/demo.sh
# Each step says what to point out, waits for Enter, then runs; every boot
# ends by itself except the shell, which ends with `exit`.
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "What a static musl program asks of the kernel: every call, decoded."
make -s run CHAPTER=4 CMDLINE="strace -- /bin/hello" || true

pause "The same program built with glibc: more start-up calls (brk, prlimit64, rseq -> ENOSYS ...)."
make -s run CHAPTER=4 CMDLINE="strace -- /bin/hello.glibc" || true

pause "Bad pointers, fds and flags: every errno as Linux gives it, and the kernel goes on."
make -s run CHAPTER=4 CMDLINE="-- /bin/badinput" || true

pause "Signals: handlers, masks, faults caught by a handler."
make -s run CHAPTER=4 CMDLINE="-- /bin/sigtest" || true

pause "The BusyBox shell. Try: ls -l /bin | head; seq 5 | xargs echo; sleep 1; date; exit"
make -s run CHAPTER=4 || true
