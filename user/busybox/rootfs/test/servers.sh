# servers.sh TOKEN HOSTPORT: the guest's side of the real-servers test.
#
# Typed at the console shell of an interactive boot, where init has
# started httpd, dropbear, telnetd and nginx. QEMU's user network maps
# 10.0.2.2 to the host's loopback, where the grader serves TOKEN on
# HOSTPORT. This script waits for the address and the four servers,
# fetches a page from the host and one from httpd over 127.0.0.1 with
# curl, makes a 1 MiB file for the host's scp to fetch and nginx's pages,
# says "ready: ok" (or "ready: no-address" when DHCP gave it none), and
# waits for the grader to type a line once its ssh, scp, telnet and nginx
# clients are done; then it prints the checksum of the file the host's
# scp sent, and how nginx fared (its processes, the alerts it logged).
# Every wait is bounded.
tok=$1
hp=$2
retry() { # retry S CMD...: run CMD, 0.2 s apart, for up to S seconds
    # (a deadline, not a count: under TCG one try of a pipeline can take
    # a second when the machine is busy)
    end=$(($(date +%s) + $1))
    shift
    until "$@" 2>/dev/null; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        usleep 200000
    done
}
listening() { # listening PORT...: netstat shows a listener on each
    for p in "$@"; do
        netstat -tln | grep -q ":$p " || return 1
    done
}
echo "== servers"
net=ok
if ! retry 20 sh -c "ifconfig eth0 | grep -q 'inet addr:10.0.2.15'"; then
    echo "no address from DHCP"
    net=no-address # the host need not try to reach us
fi
retry 10 listening 22 23 80 8080 || echo "not listening: $(netstat -tln)"
for p in execat srvopts; do
    echo "== $p"
    $p
    echo "$p: $?"
done
echo "== curl"
curl -sS -m 8 "http://10.0.2.2:$hp/$tok.txt"
echo "curl-host: $?"
echo "guest-$tok" >"/www/$tok.txt"
curl -sS -m 8 "http://127.0.0.1/$tok.txt"
echo "curl-guest: $?"
curl -sS -m 8 -o /dev/null -w "%{http_code}\n" "http://127.0.0.1/no-$tok.txt"
# nginx's pages: the token's line repeated to 16 KiB, as the host expects
yes "$tok" | head -c 16384 >"/www/$tok.big"
echo "== scp"
dd if=/dev/urandom of=/tmp/down.bin bs=4096 count=256 2>/dev/null
echo "down: $(sha256sum </tmp/down.bin | cut -d' ' -f1)"
echo "ready: $net"
# the host now logs in with ssh, copies files each way with scp and
# talks to telnetd; it types a line when it is done (or gave up)
read -t 200 answer
echo "host: $answer"
echo "up: $(sha256sum </tmp/up.bin 2>/dev/null | cut -d' ' -f1)"
echo "nginx-procs: $(pidof nginx | wc -w)"
echo "nginx-alerts: $(grep -c -E '\[(alert|crit|emerg)\]' /var/log/nginx/error.log)"
grep -E '\[(alert|crit|emerg)\]' /var/log/nginx/error.log | head -n 5
echo "== end $tok"
