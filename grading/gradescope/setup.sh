#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs what `make deps` installs: compiler, QEMU, GRUB tools, python3.
set -euo pipefail
cd "$(dirname "$0")"
apt-get update -q
apt-get install -y -q make
bash grader/tools/deps.sh --no-sources
