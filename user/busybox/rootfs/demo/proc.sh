#!/bin/sh
# Chapter 5 demo: kernel state as files (chapters/05-vfs/demo.sh).
set -x
sleep 5 &
ps
free
uptime
head -5 /proc/self/status
ls -l /proc/self/fd /proc/self/exe
cat /proc/mounts
