# vfs.sh TOKEN: chapter 5's BusyBox test, "the shell works on files".
#
# Run by BusyBox's sh, on Keel as `/bin/sh /test/vfs.sh TOKEN` (init runs
# it, in /), on Linux by grading/oracle.py with the same busybox binary in
# a fresh temporary folder. The two outputs must be equal, so the script
# makes everything in a scratch folder vfs-TOKEN under the working
# directory, reads its data from ${ROOT}/test/data, and prints no owners,
# inode or device numbers, directory sizes, block counts, times other than
# fixed ones it set itself, or orders that depend on the file system
# (`find` and `tar t` output is sorted). File names carry the token, so a
# canned output cannot pass. The script removes its folder at the end.
#
# Sections start with `== name`; the grading test compares them one by
# one (grading/tests/ch05_files.py).

token=$1
export TZ=UTC
umask 022
D=${ROOT:-}/test/data
S=vfs-$token
mkdir "$S" && cd "$S" || exit 1
# names as printed: the token replaced by TOKEN
show() { sed "s/$token/TOKEN/g"; }

echo "== start $token"

echo "== redirect"
echo "first $token" >f-$token
echo second >>f-$token
cat f-$token | show
cat <f-$token | wc -l
{ echo out; echo err >&2; } >both 2>&1
cat both
{ echo to-null; echo kept >&2; } 2>&1 >/dev/null
ls nonexistent-$token 2>&1 | show
cat nonexistent 2>/dev/null || echo "cat: status $?"
cat <<EOF >heredoc
expanded: ${S%"${S#???}"}... ${#token} $((6 * 7))
EOF
cat heredoc
cat <<'EOF'
quoted: $token $((1 + 1)) `echo no`
EOF
cat <<-EOF
	tabs stripped: $((2 + 3))
		two tabs stripped too
	EOF
exec 3>fd3
echo "through fd 3" >&3
echo "again fd 3" >&3
exec 3>&-
cat fd3
exec 4<fd3
read -r line <&4
echo "read from fd 4: $line"
read -r line <&4
echo "read from fd 4: $line"
exec 4<&-
set -C
(echo clobber >both) 2>/dev/null || echo "noclobber: refused"
echo forced >|both
set +C
cat both
echo "a b" >'name with spaces'
cat 'name with spaces'
echo "x" >>new-by-append
wc -c <new-by-append

echo "== subst"
x=$(cat f-$token | tail -n 1)
echo "subst: $x"
echo "nested: $(echo "$(echo inner)" | tr a-z A-Z)"
echo "backticks: `echo old style`"
n=$(ls | wc -l)
echo "files so far: $n"
seq 1 5 | while read -r i; do echo "line $i"; done | tail -n 2
count=0
while read -r w; do count=$((count + 1)); done <$D/words.txt
echo "words.txt lines: $count"
echo hello | tee t1 t2 | wc -c
cat t1 t2
seq 100 | grep 7 | wc -l
seq 1000 | sort -r | head -n 3
printf '%s\n' c a b | sort | tr '\n' ' '
echo
echo "pipe status: $(false | true; echo $?)"

echo "== files"
mkdir -p a/b/c a/b/d
touch a/b/c/x-$token a/b/y
echo data >a/b/d/z
ls a/b | cat
ls -R a | show
cp f-$token a/copy
cp -r a acopy
mv acopy moved
ls moved/b/c | show
cmp a/copy moved/copy && echo "cp -r: same bytes"
ln f-$token hard
stat -c '%s %h %F' hard f-$token
echo more >>hard
cat f-$token | show
ln -s f-$token soft
ln -s ../f-$token a/up
readlink soft | show
cat a/up | show
stat -c '%F' soft f-$token a
[ -L soft ] && echo "[ -L soft ]: yes"
[ f-$token -ef hard ] && echo "hard link: same file"
rm f-$token
cat hard | show
cat soft 2>/dev/null || echo "dangling: status $?"
ln -sf hard soft
cat soft | show
chmod 640 hard
stat -c '%a %A' hard
chmod u+x,g-r,o+w hard
stat -c '%a %A' hard
chmod 755 a
stat -c '%a %A %F' a
touch -d '2021-03-04 05:06:07' hard
stat -c '%Y' hard
touch -d '2020-01-02 03:04:05' a/copy
touch -d '2022-01-02 03:04:05' moved/copy
ls -t a/copy moved/copy hard | cat
cp -p hard preserved
stat -c '%a %Y' preserved
mv preserved a/b/
ls a/b | cat
mv a/b/preserved renamed-$token
ls | show
mkdir e
mv renamed-$token e/
ls e | show
rm -r moved
ls | show
rmdir a 2>&1 | show
rm -r a
rm missing-$token 2>&1 | show
rm -f missing-$token && echo "rm -f: ok"
mkdir -p p/q/r && rmdir -p p/q/r && echo "rmdir -p: ok"
[ -e p ] || echo "p: gone"
touch empty
stat -c '%s' empty
[ -s empty ] || echo "[ -s ]: empty"

echo "== find"
mkdir -p tree/src/lib tree/doc tree/empty
for n in alpha beta gamma; do
    echo "$n $token" >tree/src/$n.c
    echo "$n" >tree/doc/$n.txt
done
cp $D/words.txt tree/doc/words.txt
echo "int lib;" >tree/src/lib/lib.c
find tree | sort
find tree -type f -name '*.c' | sort
find tree -type d | sort
find tree -type f -name '*.txt' | xargs cat | sort | uniq -c
find tree -name '*.c' -print0 | xargs -0 grep -l "$token" | sort
find tree -name '*.c' | xargs wc -l | sort
find tree -type d -empty
find tree -name 'g*' -exec echo found {} \; | sort
find tree -newer tree/src/alpha.c -name 'nothing' | wc -l
cat $D/words.txt $D/fruits.txt | tr ' ' '\n' | sort | uniq -c | sort -k1,1nr -k2 | head -n 5
wc -l -w -c <$D/people.csv
wc tree/doc/*.txt

echo "== tar"
tar cf tree.tar tree
tar tf tree.tar | sort
mkdir out
tar xf tree.tar -C out
diff -r tree out/tree && echo "diff -r: same"
# the files' bytes, the token replaced (it is in the .c files), hashed
(cd tree && find . -type f | sort | xargs cat) | show | md5sum
(cd out/tree && find . -type f | sort | xargs cat) | show | md5sum
ln -s src/alpha.c tree/link
chmod 700 tree/src/lib
tar czf tree.tgz tree
rm -r tree
tar xzf tree.tgz
readlink tree/link
stat -c '%a %F' tree/src/lib tree/link
cat tree/link | show
diff -r tree out/tree | show
cp -a tree treecopy
diff -r tree treecopy && echo "cp -a: same"
tar cf - tree | tar tf - | sort | wc -l

echo "== edit"
printf 'one\ntwo\nthree\nfour\n' >e-$token
sed -i 's/o/0/g' e-$token
cat e-$token
sed -i -e '1d' -e '$a\
five' e-$token
cat e-$token
cp e-$token e2
sed -i 's/three/THREE/' e2
cmp e-$token e2 | show
cmp -s e-$token e-$token && echo "cmp -s: same"
head -c 5 e2 && echo
tail -c 5 e2
head -n 2 e2
tail -n +3 e2
truncate -s 3072 zeros
dd if=zeros of=z2 bs=1024 count=2 2>/dev/null
wc -c <z2
od -An -tx1 -N 4 z2
printf 'abcdefghij' >d1
dd if=d1 of=d2 bs=1 skip=2 count=5 2>/dev/null
cat d2 && echo
printf 'XY' | dd of=d1 bs=1 seek=3 conv=notrunc 2>/dev/null
cat d1 && echo
dd if=d1 bs=4 count=1 2>/dev/null | od -c | head -n 1
truncate -s 4 d1
cat d1 && echo
truncate -s 8 d1
od -An -c d1
echo "appended" >>d1
wc -c <d1
md5sum d1 | cut -d' ' -f1
split -b 3 d1 part- 2>/dev/null && cat part-* | cmp - d1 && echo "split: ok"

echo "== fifo"
mkfifo pipe-$token
stat -c '%F' pipe-$token
ls -l pipe-$token | cut -c1
cat pipe-$token >fifo-out &
printf 'through the fifo %s\n' line1 line2 >pipe-$token
wait
cat fifo-out
(seq 3 >pipe-$token) &
wc -l <pipe-$token
wait

echo "== exec"
# programs and scripts made at run time run from the tmpfs
# (a name that starts with "busybox": it takes the applet from argv[1])
cp "${ROOT:-}/bin/busybox" busybox-$token
./busybox-$token echo "exec of a copy: ok"
./busybox-$token sh -c 'echo "its own sh: $0"' arg0
chmod 644 busybox-$token
./busybox-$token true 2>/dev/null
echo "without x bits: status $?"
chmod 755 busybox-$token
printf '#!%s sh\necho "script: $1 $#"\nexit 3\n' "$PWD/busybox-$token" >script
chmod +x script
./script one two
echo "script status: $?"
# no #! line: execve fails with ENOEXEC and sh runs the file itself, by
# executing /proc/self/exe (BusyBox's own binary) on it
printf 'echo "no #! line: $1"\n' >plain
chmod +x plain
./plain x
seq 1 200000 >big
wc -l <big
md5sum <big | cut -d' ' -f1
sort -rn big | head -n 2
tail -n 1 big
rm big busybox-$token

echo "== cleanup"
cd ..
rm -r "$S"
[ -e "$S" ] || echo "scratch removed"
echo "== end $token"
