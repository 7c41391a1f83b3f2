# net.sh TOKEN: the loopback interface under BusyBox's network programs.
#
# Every server here listens on 127.0.0.1 and every client retries until
# the server is there (a listener started in the background may not be
# listening yet), so nothing waits on a fixed sleep; each client gives
# up after a few seconds, so a broken stack prints a wrong line, not a
# hang. TOKEN is random per run: a stub cannot print the expected lines.
tok=$1
retry() { # retry CMD...: run CMD up to 20 times until it succeeds
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        "$@" 2>/dev/null && return 0
        usleep 200000
    done
    return 1
}
echo "== sockstat"
# socktest and sockfuzz have ended: every socket they made is freed
grep '^sockets:' /proc/net/sockstat
echo "== lo"
ifconfig lo | grep -o 'inet addr:[0-9.]*  Mask:[0-9.]*'
ifconfig lo | grep -o 'UP LOOPBACK RUNNING'
echo "== nc"
echo "nc-$tok" | nc -l -p 5000 &
retry nc 127.0.0.1 5000 </dev/null
wait
echo "== httpd"
mkdir -p /tmp/www && echo "page-$tok" > /tmp/www/index.html
httpd -p 127.0.0.1:8081 -h /tmp/www
retry wget -q -T 5 -O - http://127.0.0.1:8081/
echo "wget: $?"
retry wget -q -T 5 -O /dev/null http://127.0.0.1:8081/missing-$tok
echo "wget of a missing page: $?"
echo "== bulk"
dd if=/dev/urandom of=/tmp/out bs=4096 count=256 2>/dev/null
nc -l -p 5001 > /tmp/in &
retry nc 127.0.0.1 5001 < /tmp/out
wait
cmp /tmp/out /tmp/in && echo "1 MiB to a listener: same bytes"
nc -l -p 5002 < /tmp/out &
retry nc 127.0.0.1 5002 > /tmp/in2 </dev/null
wait
cmp /tmp/out /tmp/in2 && echo "1 MiB from a listener: same bytes"
echo "== udp"
udpecho 5003 1 > /tmp/udpecho &
retry grep -q listening /tmp/udpecho
echo "udp-$tok" | nc -u -w 2 127.0.0.1 5003
wait
cat /tmp/udpecho
echo "== end $tok"
