# unix.sh TOKEN: BusyBox's syslogd and logger talking over /dev/log, an
# AF_UNIX datagram socket that syslogd binds and logger (musl's syslog())
# connects to; netstat -x finds it in /proc/net/unix. TOKEN is random
# per run: a stub cannot print the line.
tok=$1
echo "== leak"
# unixtest and unixfuzz have ended: every AF_UNIX socket it made is freed, files that
# were in flight and sockets passed over themselves included
echo "unix sockets: $(sed 1d /proc/net/unix | wc -l)"
echo "== syslog"
rm -f /dev/log /tmp/messages
syslogd -n -O /tmp/messages &
pid=$!
i=0
while [ ! -S /dev/log ] && [ $i -lt 50 ]; do # wait (up to 5 s) for its bind
    usleep 100000
    i=$((i + 1))
done
[ -S /dev/log ] && echo "/dev/log is a socket"
# netstat reads /proc/net/unix: Linux's format, to the column
netstat -ax | grep -q 'DGRAM.* /dev/log$' && echo "netstat -x lists /dev/log"
logger -t unixsh "log-$tok"
i=0
while ! grep -q "log-$tok" /tmp/messages 2>/dev/null && [ $i -lt 50 ]; do
    usleep 100000
    i=$((i + 1))
done
grep -o "unixsh: log-$tok" /tmp/messages
kill $pid
wait
echo "== end $tok"
