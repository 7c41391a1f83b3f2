#!/bin/sh
# Chapter 5 demo: mounts, and a full tmpfs (chapters/05-vfs/demo.sh).
set -x
mount
mkdir -p /mnt
mount -t tmpfs -o size=64k none /mnt
dd if=/dev/zero of=/mnt/big bs=1k
df /mnt
rm /mnt/big
df /mnt
umount /mnt
echo "the kernel goes on"
