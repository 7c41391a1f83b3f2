# accept.sh TOKEN: chapter 4's acceptance test, "BusyBox runs".
#
# Run by BusyBox's sh, on Keel as `/bin/sh /test/accept.sh TOKEN` (init
# runs it), on Linux by grading/oracle.py with the same busybox binary,
# PATH in a folder of links to it and ROOT set to the staged initramfs.
# The two outputs must be equal, so the script prints nothing that
# differs between the two systems: it works in ROOT with relative paths,
# prints no owners, inode or device numbers, link counts or file times,
# only fixed dates, and uname's -s and -m. It writes no file (the
# initramfs is read-only in chapter 4): pipes, reads and /dev/null only.
# Output that goes to the console on Keel and to a pipe on Linux is piped
# (`ls | cat`): ls prints columns and colours on a terminal.
#
# Each section starts with a line `== name` and the script ends with
# `== end TOKEN`; the grading test compares the sections one by one.
# TOKEN is random per run, so a canned output cannot pass.

cd "${ROOT:-/}" || exit 1
token=$1
export TZ=UTC
D=test/data

echo "== start $token"

echo "== text"
echo "hello, $token"
printf '%s|%5d|%-4s|%x|%o|%c\n' keel 42 ab 255 8 xyz
printf 'a\tb\\n\n'
basename /usr/lib/libc.so.6 .6
basename test/data/fruits.txt .txt
dirname /usr/lib/libc.so.6
dirname fruits.txt
cat $D/fruits.txt
head -n 2 $D/fruits.txt
tail -n 2 $D/fruits.txt
tail -n +5 $D/fruits.txt
cat $D/fruits.txt $D/words.txt | wc -l
wc $D/words.txt
wc -c <$D/people.csv
cat -n $D/words.txt | head -n 2
echo "a b c" | tr 'a-z' 'A-Z'

echo "== filters"
grep red $D/fruits.txt
grep -c the $D/words.txt
grep -i -n 'quick' $D/words.txt
grep -v -e apple -e banana $D/fruits.txt
grep -E '^(ada|ken):' $D/people.csv
grep -q busybox $D/words.txt && echo "grep -q: found"
sed 's/red/RED/' $D/fruits.txt
sed -n '2,3p' $D/people.csv
sed -e '1d' -e 's/:/ /g' $D/people.csv
echo "hello world" | sed 's/\(hello\) \(world\)/\2 \1/'
awk '{ n[$1] += $2 } END { for (k in n) print k, n[k] }' $D/fruits.txt | sort
awk -F: 'NR > 1 && $2 > 50 { printf "%-6s %3d\n", $1, $2 }' $D/people.csv
awk 'BEGIN { x = 7; y = 3; print x * y, x / y, x % y, length("keel") }'
cut -d: -f1,3 $D/people.csv
cut -c1-3 $D/words.txt
sort $D/fruits.txt
sort -t: -k2 -n $D/people.csv
sort -k2 -n -r $D/fruits.txt | head -n 3
cut -d' ' -f1 $D/fruits.txt | sort | uniq -c
cut -d' ' -f3 $D/fruits.txt | sort -u

echo "== bytes"
printf 'Keel\001\377\n' | od -An -tx1
printf 'ABC' | od -c
od -An -tx1 -N 8 $D/words.txt
hexdump -C $D/people.csv | head -n 3
printf 'xyz' | hexdump -C
md5sum $D/fruits.txt $D/words.txt
printf 'abc' | md5sum
printf '%s' "$token" | md5sum

echo "== shell"
sh -c 'echo "sh -c: $0 $1 $#"' zero one two
sh -c 'exit 3'
echo "sh -c exit: $?"
expr 6 \* 7
expr length keel
expr 17 / 5 + 1
expr abc = abc
test 3 -lt 5 && echo "test: 3 < 5"
[ keel = keel ] && echo "[ ]: equal"
[ -z "" ] && [ -n x ] && echo "[ ]: -z -n"
if [ 2 -gt 9 ]; then echo wrong; else echo "[ ]: 2 not > 9"; fi
true
echo "true: $?"
false
echo "false: $?"
! false && echo "! false"
x=0
for i in 1 2 3 4; do x=$((x + i * i)); done
echo "arith: $x $((7 % 3)) $((1 << 10))"
case $token in
[0-9a-f]*) echo "case: hex" ;;
*) echo "case: other" ;;
esac
n=0
while [ $n -lt 3 ]; do n=$((n + 1)); done
echo "while: $n"
f() { echo "function: $# args, last $2"; return 4; }
f a b
echo "function status: $?"
echo "subshell: $(echo inner | tr a-z A-Z) ${#token}"
(exit 5)
echo "( ) status: $?"
v=$(seq 3 | tr '\n' ' ')
echo "seq: $v"
seq 2 3 11
seq -s , 5
seq 10 | xargs echo
seq 7 | xargs -n 3 echo row
echo a b c | xargs -n 1 | wc -l
env -i A=1 B=two env | sort
env -i Z=9 sh -c 'echo "env -i: $Z ${HOME:-no home}"'
echo "pipeline:" $(cat $D/words.txt | grep -i fox | wc -l)
echo "to null" >/dev/null && echo "/dev/null: ok"
cat $D/nosuchfile 2>/dev/null || echo "missing file: status $?"
read -r first rest <$D/words.txt
echo "read: $first / $rest"
while read -r name age city; do
    echo "row $name"
done <<EOF
$(sed -n '2,3p' $D/people.csv | tr : ' ')
EOF

echo "== files"
ls $D | cat
ls -a $D/tree | cat
ls -l $D/fruits.txt $D/tree/tool.sh | awk '{ print $1, $5, $NF }'
ls -ld $D/tree | cut -c1
ls -F $D/tree | cat
stat -c '%A %s %F %n' $D/fruits.txt $D/tree/tool.sh
stat -c '%F' $D/tree
stat -c '%F %N' bin/sh
find $D -name '*.txt' | sort
find $D -type d | sort
find $D/tree -type f -name 't*' | sort
find $D -name '*.txt' | xargs wc -l | sort
[ -f $D/fruits.txt ] && echo "[ -f ]: yes"
[ -d $D/tree ] && echo "[ -d ]: yes"
[ -x $D/tree/tool.sh ] && echo "[ -x ]: yes"
[ -L bin/sh ] && echo "[ -L ]: bin/sh is a link"
[ -e $D/none ] || echo "[ -e ]: none is absent"
$D/tree/tool.sh
for cmd in sh ls sed awk mount ifconfig; do
    w=$(which $cmd)
    echo "which $cmd: ${w#*/hostroot}"
done
which nosuchcommand || echo "which nosuchcommand: status $?"
readlink bin/sh
cat etc/hostname
grep '^root:' etc/passwd | cut -d: -f1,6,7

echo "== end $token"
