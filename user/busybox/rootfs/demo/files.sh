#!/bin/sh
# Chapter 5 demo: a root that can be written (chapters/05-vfs/demo.sh).
set -x
echo hello > /tmp/a
ln /tmp/a /tmp/b
ln -s a /tmp/c
ls -li /tmp
stat -c '%n: inode %i, %h links, %s bytes' /tmp/a /tmp/b
cp /bin/busybox /tmp/bb
/tmp/bb echo "run from a file written at run time"
rm /tmp/a
cat /tmp/b
