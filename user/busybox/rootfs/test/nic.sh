# nic.sh TOKEN HOSTPORT: the network card, from inside and from the host.
#
# QEMU's user network puts us at 10.0.2.15 (its DHCP server says so),
# the gateway at 10.0.2.2 and maps 10.0.2.2 to the host's own loopback:
# HOSTPORT is a web server the grader runs there. The grader also
# forwards ports of the host's 127.0.0.1 to our ports 80, 5000, 5001
# (TCP) and 5003 (UDP). This script first reaches out (ping, wget), then
# starts the servers, says "listening", and waits for the grader to type
# a line once its clients are done (a page, 50 connections at once,
# 10 MiB each way, a datagram). Every wait is bounded.
tok=$1
hp=$2
retry() { # retry N CMD...: run CMD up to N times, 0.2 s apart
    n=$1
    shift
    while [ "$n" -gt 0 ]; do
        "$@" 2>/dev/null && return 0
        usleep 200000
        n=$((n - 1))
    done
    return 1
}
echo "== card"
if ! retry 100 sh -c "ifconfig eth0 | grep -q 'inet addr:10.0.2.15'"; then
    echo "no address from DHCP: nothing more to try"
    exit 1
fi
ifconfig eth0 | grep -o 'HWaddr [0-9A-F:]*\|inet addr:[0-9.]*  Bcast:[0-9.]*  Mask:[0-9.]*\|UP BROADCAST RUNNING'
route -n | grep '^0.0.0.0\|^10.0.2.0' | tr -s ' '
grep 1af41000 /proc/bus/pci/devices | cut -f2,18
cat /etc/resolv.conf
echo "== ping"
ping -c 3 -W 5 10.0.2.2 | grep -o '3 packets transmitted, 3 packets received'
echo "== wget"
wget -q -T 10 -O - "http://10.0.2.2:$hp/$tok.txt"
echo "wget: $?"
echo "== serve"
mkdir -p /tmp/w && echo "guest-$tok" > /tmp/w/index.html
httpd -p 80 -h /tmp/w
dd if=/dev/urandom of=/tmp/out bs=4096 count=2560 2>/dev/null
echo "out: $(md5sum < /tmp/out | cut -d' ' -f1)"
# nc ends when the host's end does, after the last byte
nc -l -p 5000 < /dev/null > /tmp/in &
p1=$!
nc -l -p 5001 < /tmp/out > /dev/null &
p2=$!
udpecho 5003 1 > /tmp/udpecho &
p3=$!
retry 50 sh -c "netstat -tln | grep -q ':5001 ' && netstat -tln | grep -q ':80 ' && grep -q listening /tmp/udpecho"
echo "listening"
# the host now fetches pages, sends and reads 10 MiB, sends a datagram,
# and types a line when it is done (or gave up): servers still waiting
# for a client then are stopped
read -t 200 answer
echo "host: $answer"
case $answer in
*sent*) # the host sent its 10 MiB: let nc read it to the end
    (sleep 60; kill $p1 2>/dev/null) &
    wait $p1
    ;;
esac
kill $p1 $p2 $p3 2>/dev/null
wait $p1 $p2 $p3
echo "in: $(md5sum < /tmp/in | cut -d' ' -f1)"
cat /tmp/udpecho
echo "== end $tok"
