# pty.sh TOKEN: terminals seen from BusyBox: the device nodes, and
# `script` running a shell on a pseudo-terminal.
#
# script(1) opens /dev/ptmx, starts `sh -c CMD` in a new session with the
# slave as its controlling terminal and copies the master's output to
# its own; so the lines between "== script" and "== end" went through
# the pty: tty names the slave, stty -a shows its settings.
echo "== nodes"
for n in /dev/ttyS0 /dev/console /dev/tty /dev/tty0 /dev/tty1 /dev/vcs1 \
    /dev/vcsa1 /dev/ptmx /dev/pts/ptmx; do
    echo "$n $(stat -c '%F %t,%T' $n)"
done
mount | grep devpts | cut -d' ' -f1-5
echo "== no ctty"
setsid sh -c 'cat /dev/tty 2>&1; echo "status $?"' </dev/null
echo "== script"
script -q -c "tty; stty -a; echo token-$1" /dev/null
echo "== end $1"
