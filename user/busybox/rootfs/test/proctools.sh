# proctools.sh TOKEN: BusyBox's process and system tools on /proc.
#
# Run by BusyBox's sh on Keel (chapter 5: procfs, devfs). What ps, top,
# free, uptime, mount, df and dmesg print depends on the machine (pids,
# memory, times), so grading/tests/ch05_procfs.py checks each section's
# format and the lines it can know: the headers, init as pid 1, and a
# background `sleep` whose arguments carry TOKEN (a number) and whose pid
# the script prints. Each section starts with a `== name` line. The last
# section runs user/devtest.c's Keel-only checks (mknod, /dev/kmsg).

token=$1

echo "== start $token"
sleep 500 "$token" &
bg=$!
echo "bg $bg"
# give the child time to exec sleep (before that it is a copy of sh)
i=0
while [ "$(cat /proc/$bg/comm 2>/dev/null)" != sleep ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done

echo "== ps"
ps
echo "== ps-o"
ps -o pid,ppid,stat,comm,args
echo "== top"
top -b -n 1
echo "== free"
free
echo "== uptime"
uptime
echo "== mount"
mount
echo "== df"
df
echo "== dmesg"
dmesg | head -n 3
echo "== task"
ls "/proc/$bg/task" | cat
ls /proc/self/task/ | wc -l
echo "== remount"
mkdir -p "/pt-dev-$token" "/pt-proc-$token"
mount -t devtmpfs devtmpfs "/pt-dev-$token" && ls -l "/pt-dev-$token/null" | cat
mount -t proc proc "/pt-proc-$token" && cat "/pt-proc-$token/self/comm"
umount "/pt-dev-$token" && umount "/pt-proc-$token" && echo unmounted
rmdir "/pt-dev-$token" "/pt-proc-$token"
echo "== devices"
/bin/devtest nxio "/dt-$token"
rmdir "/dt-$token"
/bin/devtest kmsg "devtest-$token"
kill $bg
wait $bg 2>/dev/null
echo "== end $token"
