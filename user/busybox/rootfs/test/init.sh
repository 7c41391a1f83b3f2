#!/bin/busybox sh
# /test/init.sh: a `#!` script started as init (`init=/test/init.sh`),
# as most initramfs images start one. Graded by the busybox-init group
# (grading/tests/ch04_busybox.py), a regression test of two bugs:
#  - a `#!` /init did not start ("keel: cannot start /init (error -8)"),
#    and the kernel then idled until the harness's timeout;
#  - kernel lines such as "keel: pid 54 (busybox) killed by signal 15"
#    landed in the middle of a script's output, where Linux shows none.
# $1: the run's token.
export PATH=/bin
echo "init.sh: pid $$, token $1"
sleep 10 &
kill $!
wait $!
echo "init.sh: the background sleep ended with status $?"
echo "init.sh: done $1"
