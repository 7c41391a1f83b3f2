# net.sh TOKEN: the loopback interface under BusyBox's network programs.
#
# Every server here listens on 127.0.0.1; a client starts only once
# netstat shows its server listening (a server started in the background
# may not be yet), and tries once, so nothing waits on a fixed sleep and
# a broken stack prints a wrong line, not a hang or a long loop. TOKEN
# is random per run: a stub cannot print the expected lines.
tok=$1
listening() { # listening PORT PID [t|u]: wait (up to 10 s) for server PID
    i=0
    while ! netstat -ln"${3:-t}" | grep -q ":$1 "; do
        [ $i -ge 100 ] && return 1
        kill -0 "$2" 2>/dev/null || return 1 # the server is gone
        usleep 100000
        i=$((i + 1))
    done
}
echo "== sockstat"
# socktest and sockfuzz have ended: every socket they made is freed
grep '^sockets:' /proc/net/sockstat
echo "== lo"
ifconfig lo | grep -o 'inet addr:[0-9.]*  Mask:[0-9.]*'
ifconfig lo | grep -o 'UP LOOPBACK RUNNING'
echo "== nc"
echo "nc-$tok" | nc -l -p 5000 &
listening 5000 $! && nc 127.0.0.1 5000 </dev/null
wait
echo "== httpd"
mkdir -p /tmp/www && echo "page-$tok" > /tmp/www/index.html
httpd -f -p 127.0.0.1:8081 -h /tmp/www &
httpd=$!
listening 8081 $httpd && wget -q -T 5 -O - http://127.0.0.1:8081/
echo "wget: $?"
wget -q -T 5 -O /dev/null http://127.0.0.1:8081/missing-$tok
echo "wget of a missing page: $?"
kill $httpd
wait $httpd
echo "== bulk"
dd if=/dev/urandom of=/tmp/out bs=4096 count=256 2>/dev/null
nc -l -p 5001 > /tmp/in &
listening 5001 $! && nc 127.0.0.1 5001 < /tmp/out
wait
cmp /tmp/out /tmp/in && echo "1 MiB to a listener: same bytes"
nc -l -p 5002 < /tmp/out &
listening 5002 $! && nc 127.0.0.1 5002 > /tmp/in2 </dev/null
wait
cmp /tmp/out /tmp/in2 && echo "1 MiB from a listener: same bytes"
echo "== udp"
udpecho 5003 1 > /tmp/udpecho &
listening 5003 $! u && echo "udp-$tok" | nc -u -w 2 127.0.0.1 5003
wait
cat /tmp/udpecho
echo "== end $tok"
