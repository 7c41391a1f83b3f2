#!/usr/bin/env bash
# Instructor demo for chapter 3 (processes: threads and scheduling). Run
# from the repository root:  bash chapters/03-processes/demo.sh
# Each step says what to point out, waits for Enter, then runs; every boot
# ends by itself.
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "Four threads yield in turn: round-robin order, results returned through join."
make -s run CHAPTER=3 CMDLINE="test=threads" || true

pause "Two threads never yield; the timer preempts them: both counts grow."
make -s run CHAPTER=3 CMDLINE="test=preempt" || true

pause "Producer and consumer sleeping on wait queues: 1000 hand-offs."
make -s run CHAPTER=3 CMDLINE="test=waitqueue" || true

pause "A mutex with a yield inside the critical section: still exactly 800."
make -s run CHAPTER=3 CMDLINE="test=mutex" || true

pause "The cpio reader on the host: a fuzzed archive never reads out of bounds."
make -s host-test
