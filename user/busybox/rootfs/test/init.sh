#!/bin/busybox sh
# /test/init.sh: a `#!` script started as init (`init=/test/init.sh`),
# as most initramfs images start one. Graded by the busybox-init group
# (grading/tests/ch05_init.py), a regression test of two bugs:
#  - a `#!` /init did not start ("keel: cannot start /init (error -8)"),
#    and the kernel then idled until the harness's timeout;
#  - kernel lines such as "keel: pid 54 (busybox) killed by signal 13"
#    landed in the middle of a script's output, where Linux shows none.
# $1: the run's token.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
echo "init.sh: pid $$, token $1"
# seq dies of SIGPIPE once head has its line: a process killed by a
# signal, whose kernel line must not show
seq 100000 | head -n 1
echo "init.sh: seq | head ended with status $?"
echo "init.sh: done $1"
