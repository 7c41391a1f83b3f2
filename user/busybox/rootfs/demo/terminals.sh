#!/bin/sh
# Chapter 6 demo: ptys, stopped processes and timers without typing
# (chapters/06-terminals/demo.sh); job control itself is typed at the shell.
set -x
# a shell on a pseudo-terminal: script holds the master, sh the slave
script -q -c 'tty; ls -l /dev/pts; stty -a | head -2' /dev/null
# a stopped process is T in ps until SIGCONT
sleep 30 &
sleep 0.5 # (the shell's child has run sleep by now)
kill -STOP $!
ps -o pid,stat,comm
kill -CONT $!
kill $!
# a sleep stopped for a second and continued still ends on time (2 s):
# nanosleep goes on through restart_syscall with the time that was left
time sh -c 'sleep 2 & p=$!; sleep 0.5; kill -STOP $p; sleep 1; kill -CONT $p; wait $p'
