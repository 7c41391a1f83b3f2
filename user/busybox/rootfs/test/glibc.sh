# glibc.sh TOKEN: Debian's busybox-static (glibc) runs on Keel too.
#
# Run as `/bin/busybox.glibc sh /test/glibc.sh TOKEN` on Keel, and on Linux
# by grading/oracle.py with the same binary; the outputs must be equal.
# The glibc binary starts its own `sh -c` (by path, so it is the same
# binary again) with a few applets: echo, seq piped to wc, cat of a file.
# See test/accept.sh for the rules that keep the output the same.

cd "${ROOT:-/}" || exit 1
echo "== glibc $1"
bin/busybox.glibc sh -c 'echo "sh -c: $0 $1"; seq 5 | wc -l; \
cat test/data/fruits.txt; seq 100 | md5sum; printf "%s\n" done' glibc "$1"
echo "== end $1"
