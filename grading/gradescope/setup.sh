#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs what `make deps` installs: compiler, QEMU, GRUB tools, python3.
# From chapter 4 on the bundle holds the reference tree (grader/reference):
# BusyBox (and from chapter 7 Dropbear, curl and nginx) is built here once,
# from Debian's source packages, into the dependency cache, where every
# submission's build finds it (tools/prebuilt.sh) instead of spending
# minutes on it per submission.
set -euo pipefail
cd "$(dirname "$0")"
apt-get update -q
apt-get install -y -q make
if [ -d grader/reference ]; then
    bash grader/tools/deps.sh
    make -C grader/reference -s busybox
    if grep -qs '^ROOTFS_SERVERS' grader/reference/chapters/*/chapter.mk; then
        make -C grader/reference -s servers
    fi
else
    bash grader/tools/deps.sh --no-sources
fi
