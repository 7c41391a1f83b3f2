#!/usr/bin/env bash
# Instructor demo for chapter 6 (terminals). Run from the repository root:
#   bash chapters/06-terminals/demo.sh
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "The shell with job control. Try: sleep 100, ^Z, jobs, bg, fg, ^C; exit"
make -s run CHAPTER=6 || true
