#!/usr/bin/env bash
#
# tools/gradescope-check.sh -- run the Gradescope autograder of a chapter
# the way Gradescope runs it, in a fresh Debian 12 root, and check what
# it gives: full marks for the reference (the chapter's snapshot), and
# for the handout exactly the exercises' points lost.
#
#   tools/gradescope-check.sh CHAPTER [ROOTFS]    (as root; make gradescope-check)
#
# 1. ROOTFS (default build/gradescope/root) is made with debootstrap
#    (minbase, bookworm, from the machine's Debian mirror) unless it is
#    there already; nothing of this machine is inside but what follows.
# 2. `make autograder`'s zip is unpacked in ROOTFS/autograder/source, as
#    Gradescope unpacks it, and its setup.sh runs in a chroot: it must
#    install everything the grade needs from nothing.
# 3. For each of the snapshot and the handout: the tree is copied to
#    ROOTFS/autograder/submission, run_autograder runs in the chroot, and
#    ROOTFS/autograder/results/results.json is checked against
#    Gradescope's schema and the expected score.
#
# Slow (a Debian root, QEMU and a toolchain are installed, two grades
# run): not part of `make test`. Needs root (chroot, mounts) and network
# access to the Debian archive. Leaves ROOTFS in place for the next run.

set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "gradescope-check: $*" >&2; exit 1; }
say() { echo "gradescope-check: $*"; }

(($# >= 1)) || die "usage: $0 CHAPTER [ROOTFS]"
chapter=$1
root=$(realpath -m "${2:-build/gradescope/root}")
ch=$(printf %02d "$chapter")
mkdir -p build/gradescope
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || die "needs debootstrap (apt-get install debootstrap)"

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}

if [ ! -x "$root/usr/bin/apt-get" ]; then
    say "debootstrap bookworm into $root ($mirror)"
    mkdir -p "$root"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi

# the chroot's /proc, /dev and /sys while it runs; undone on any exit
mounted=()
cleanup() {
    local m
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -l "${mounted[i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
for m in proc sys dev dev/pts; do
    mkdir -p "$root/$m"
    case $m in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount -t sysfs sys "$root/sys" ;;
    *) mount --bind "/$m" "$root/$m" ;;
    esac
    mounted+=("$root/$m")
done
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

say "the bundle: make autograder CHAPTER=$chapter"
make -s autograder CHAPTER="$chapter" >/dev/null
zip=build/autograder-ch$ch.zip
rm -rf "$root/autograder"
mkdir -p "$root/autograder/source" "$root/autograder/results"
python3 - "$zip" "$root/autograder/source" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = info.external_attr >> 16 & 0o777
        if mode:
            os.chmod(path, mode)
PY

say "setup.sh in the chroot (installs what the grade needs)"
start=$SECONDS
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    DEBIAN_FRONTEND=noninteractive \
    bash /autograder/source/setup.sh >"build/gradescope/setup-ch$ch.log" 2>&1 ||
    die "setup.sh failed; see build/gradescope/setup-ch$ch.log"
say "setup.sh: ok ($((SECONDS - start)) s)"

# grade one tree: KIND is snapshot or handout
grade() {
    local kind=$1 tree=build/gradescope/$1-ch$ch
    rm -rf "$tree"
    python3 tools/chapters.py "$kind" "$chapter" "$tree" >/dev/null
    rm -rf "$root/autograder/submission" "$root/autograder/results"
    mkdir -p "$root/autograder/results"
    cp -a "$tree" "$root/autograder/submission"
    local start=$SECONDS
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        bash /autograder/source/run_autograder \
        >"build/gradescope/$kind-ch$ch.log" 2>&1 || true
    cp "$root/autograder/results/results.json" "build/gradescope/$kind-ch$ch.json" ||
        die "$kind: no results.json; see build/gradescope/$kind-ch$ch.log"
    say "$kind: graded in $((SECONDS - start)) s"
}

grade snapshot
grade handout
python3 - "$chapter" build/gradescope/snapshot-ch$ch.json \
    build/gradescope/handout-ch$ch.json <<'PY'
import json, sys
sys.path.insert(0, "tools")
import chapters

chapter = int(sys.argv[1])
bad = 0


def schema(path):
    """Gradescope's results.json: what it reads, of the right types."""
    global bad
    r = json.load(open(path))
    problems = []
    if not isinstance(r.get("score"), (int, float)):
        problems.append("no numeric top-level score")
    if not isinstance(r.get("tests"), list) or not r["tests"]:
        problems.append("no tests list")
    for t in r.get("tests", []):
        for key, kind in (("name", str), ("score", (int, float)),
                          ("max_score", (int, float)), ("output", str)):
            if not isinstance(t.get(key), kind):
                problems.append("a test without %s: %r" % (key, t)[:120])
        if t.get("status") not in ("passed", "failed"):
            problems.append("a status Gradescope does not know: %r"
                            % t.get("status"))
        if t.get("visibility", "visible") not in (
                "hidden", "after_due_date", "after_published", "visible"):
            problems.append("a visibility Gradescope does not know")
    if problems:
        bad += 1
        print("gradescope-check: %s: %s" % (path, "; ".join(problems[:5])))
    return r


snap = schema(sys.argv[2])
full = sum(t["max_score"] for t in snap["tests"])
if snap["score"] != full:
    bad += 1
    print("gradescope-check: snapshot: %s of %s" % (snap["score"], full))
else:
    print("gradescope-check: snapshot: full marks, %s of %s" % (full, full))
hand = schema(sys.argv[3])
exercises = chapters.exercises_of(chapter)
want = sum(ex["points"] or 0 for ex in exercises.values())
lost = full - hand["score"]
if lost != want:
    bad += 1
    print("gradescope-check: handout: lost %s points, the exercises are "
          "worth %s" % (lost, want))
else:
    print("gradescope-check: handout: loses exactly its exercises' %s "
          "points (%s of %s)" % (want, hand["score"], full))
sys.exit(1 if bad else 0)
PY
