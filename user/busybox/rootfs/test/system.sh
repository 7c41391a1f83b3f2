# system.sh TOKEN: the system part of chapter 4's acceptance test.
#
# Like accept.sh (read its header): run by BusyBox's sh on Keel and, for
# the expected output, on Linux with the same binary. Kept apart from
# accept.sh because it is the part that needs uname (exercise 4.1): a
# kernel without uname fails this script's group, not the whole test.
# Signal handlers (the shell's trap) are graded with the signals instead.

cd "${ROOT:-/}" || exit 1
token=$1
export TZ=UTC

echo "== start $token"

echo "== system"
uname -s -m
date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %A'
date -u -d @0 '+%s %Y %j'
date -u -d '2024-02-29 12:34:56' '+%s %a %b %d'
now=$(date +%s)
[ "$now" -gt 1700000000 ] && echo "date: the clock is set"
sleep 1 && echo "sleep: woke up"
sleep 0.2 && echo "sleep: fractions"
# the shell's own "Terminated" for a background job depends on timing
{
    sleep 30 &
    pid=$!
    kill $pid
    wait $pid
    echo "kill: status $?"
    sleep 30 &
    pid=$!
    kill -9 $pid
    wait $pid
    echo "kill -9: status $?"
} 2>/dev/null
kill -0 $$ && echo "kill -0: self alive"
sh -c 'kill -TERM $$; echo never'
echo "killed child: status $?"

echo "== end $token"
