"""BusyBox's own testsuite on Keel and on Linux, side by side.

The busybox source package ships testsuite/: `runtest` runs, for every
applet a BusyBox binary has, the old-style tests (testsuite/APPLET/*) and
the new-style ones (testsuite/APPLET.tests), printing one line
`PASS: name`, `FAIL: name`, `SKIPPED: name` or `UNTESTED: name` each.
This tool runs that suite inside Keel for both BusyBox binaries of the
initramfs (the musl build, /bin/busybox, and Debian's busybox-static,
/bin/busybox.glibc), then the same on Debian's Linux kernel in the same
QEMU with the same initramfs (grading/linux_busybox.py boots it), and
prints per binary: the tests passing on Linux, those passing on Keel, the
percentage of Linux's passes that Keel passes, and the list of tests that
pass on Linux but fail on Keel. Tests that fail on Linux too say nothing
about Keel (a few need a terminal, root's real files or a network).

The staged folder, added to the initramfs with ROOTFS_EXTRA, is

    /suite/run.sh          the driver: one runtest per binary
    /suite/testsuite/      the package's testsuite/ (runtest's cwd)
    /suite/musl/           bindir: busybox -> /bin/busybox, .config
    /suite/glibc/          bindir: busybox -> /bin/busybox.glibc, .config

where each .config is the binary's own build configuration (runtest skips
the tests of applets and features configured out).

    make busybox-testsuite                       # everything (~1 hour TCG)
    make busybox-testsuite BBTESTFLAGS="--applets sed,grep --only keel"
    python3 -m tools.bbtestsuite --help

Exit status 0 when, for every binary run, Keel passes at least --goal
percent (default 95) of the tests that pass on Linux. Logs: build/bbtestsuite/.
Python 3 standard library only.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from grading import linux_busybox
from tools import cache, keelqemu

REPO = Path(__file__).resolve().parent.parent

OUT = REPO / "build" / "bbtestsuite"
RESULT_RE = re.compile(r"^(PASS|FAIL|SKIPPED|UNTESTED): (.*?)\s*$")

# The driver, run by BusyBox's sh as `/bin/sh /suite/run.sh NAME... -- APPLET...`.
RUN_SH = r"""# run.sh BINDIR... [-- APPLET...]: BusyBox's testsuite once per bindir
names=
while [ $# -gt 0 ] && [ "$1" != -- ]; do names="$names $1"; shift; done
[ "$1" = -- ] && shift
mkdir -p /tmp
for n in $names; do
    cd /suite/testsuite || exit 1
    echo "== bbsuite $n begin"
    bindir=/suite/$n ./runtest "$@" </dev/null 2>&1
    echo "== bbsuite $n end $?"
done
dmesg 2>/dev/null | grep "kstack:" | tail -n 1
"""

BINARIES = {"musl": "/bin/busybox", "glibc": "/bin/busybox.glibc"}

# Tests left out (SKIPPED) by default: each computes for hours under QEMU's
# emulation (TCG), on Linux as on Keel, and tests the applet, not the
# kernel. --all runs them too.
SLOW = ["bc parsing of numbers", "bc printing of numbers"]

# Put into testing.sh's testing() after its own SKIP check: a test named
# in /suite/skip is SKIPPED.
SKIP_HOOK = """  if [ -f /suite/skip ] && grep -qxF "$NAME" /suite/skip
  then
    echo "SKIPPED: $NAME"
    return 0
  fi
"""


def stage(extra, names, skip):
    """Lay out the /suite folder of the module docstring under @extra,
    with the test names in @skip left out."""
    src = Path(cache.deps_env().get("BUSYBOX_SRC", ""))
    if not (src / "testsuite" / "runtest").is_file():
        sys.exit("bbtestsuite: no busybox source: run make deps")
    configs = {"musl": REPO / "build" / "busybox" / ".config",
               "glibc": src / "debian" / "config" / "pkg" / "static"}
    shutil.rmtree(extra, ignore_errors=True)
    suite = extra / "suite"
    shutil.copytree(src / "testsuite", suite / "testsuite", symlinks=True)
    for n in names:
        (suite / n).mkdir(parents=True)
        shutil.copyfile(configs[n], suite / n / ".config")
        os.symlink(BINARIES[n], suite / n / "busybox")
    (suite / "run.sh").write_text(RUN_SH)
    (suite / "skip").write_text("".join(t + "\n" for t in skip))
    testing = suite / "testsuite" / "testing.sh"
    text = testing.read_text()
    anchor = '    echo "SKIPPED: $NAME"\n    return 0\n  fi\n'
    if anchor not in text:
        sys.exit("bbtestsuite: testing.sh has no SKIP check to extend")
    testing.write_text(text.replace(anchor, anchor + SKIP_HOOK, 1))


def make(*args):
    """Run make in the repository with @args; exit on failure."""
    r = subprocess.run(["make", "-s"] + list(args), cwd=REPO)
    if r.returncode != 0:
        sys.exit("bbtestsuite: make %s failed" % " ".join(args))


def results(output):
    """{binary: {test: PASS|FAIL|...}} from a console log."""
    out, cur = {}, None
    for line in output.replace("\r", "").splitlines():
        m = re.match(r"== bbsuite (\w+) (begin|end)", line)
        if m:
            cur = m.group(1) if m.group(2) == "begin" else None
            if cur:
                out[cur] = {}
            continue
        m = RESULT_RE.match(line)
        if cur and m:
            # a name repeated (two tests, one title) counts as passed only
            # when every one of them passed
            prev = out[cur].get(m.group(2))
            out[cur][m.group(2)] = m.group(1) if prev in (None, "PASS") \
                else prev
    return out


def words(names, applets):
    """init's arguments: the driver, the bindirs, the applets."""
    return ",".join(["/bin/sh", "/suite/run.sh"] + names +
                    (["--"] + applets if applets else []))


def run_keel(kernel, initrd, names, applets, limit):
    """Boot Keel with the staged initramfs; the console text."""
    iso = OUT / "keel.iso"
    cmdline = "quiet -- " + words(names, applets)
    subprocess.run(["sh", str(REPO / "tools" / "mkiso.sh"), str(kernel),
                    str(iso), cmdline, str(initrd)], check=True)
    res = keelqemu.run(iso, limit, str(OUT / "keel.log"), memory="512M")
    print("bbtestsuite: Keel: %s (%.0fs)" % (res.reason, res.elapsed))
    return res.output


def run_linux(initrd, names, applets, limit):
    """Boot Debian's kernel with the same initramfs; the console text."""
    res = linux_busybox.boot_linux(Path(initrd), [words(names, applets)],
                                   limit, str(OUT / "linux.log"))
    print("bbtestsuite: Linux: %s (%.0fs)" % (res.reason, res.elapsed))
    return res.output


def compare(linux, keel, names, goal):
    """Print the table and the lists; True when every binary meets @goal."""
    ok = True
    print("%-6s %8s %8s %8s %7s" % ("binary", "tests", "linux", "keel",
                                    "keel/L"))
    lists = []
    for n in names:
        lx, kl = linux.get(n, {}), keel.get(n, {})
        lpass = {t for t, s in lx.items() if s == "PASS"}
        kpass = {t for t, s in kl.items() if s == "PASS"}
        both = lpass & kpass
        pct = 100.0 * len(both) / len(lpass) if lpass else 0.0
        ok = ok and pct >= goal
        print("%-6s %8d %8d %8d %6.1f%%" % (n, len(lx), len(lpass),
                                            len(kpass), pct))
        lists.append((n, sorted(lpass - kpass), kl))
    for n, missing, kl in lists:
        print("\n%s: %d pass on Linux but not on Keel:" % (n, len(missing)))
        for t in missing:
            print("  %s: %s" % (kl.get(t, "missing"), t))
    return ok


def main():
    """Stage, boot Keel and Linux, compare (see the module docstring)."""
    global OUT
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", default=str(REPO / "build" / "ch05" /
                                           "keel.elf"))
    p.add_argument("--chapter", type=int, default=5)
    p.add_argument("--binaries", default="musl,glibc",
                   help="comma list of musl, glibc")
    p.add_argument("--applets", default="",
                   help="comma list: only these applets' tests")
    p.add_argument("--only", choices=["keel", "linux"], default=None)
    p.add_argument("--timeout", type=float, default=3600,
                   help="seconds per boot (scaled by KEEL_TIMEOUT_SCALE)")
    p.add_argument("--goal", type=float, default=95.0)
    p.add_argument("--all", action="store_true",
                   help="also the tests that take hours under TCG")
    p.add_argument("--out", default=str(REPO / "build" / "bbtestsuite"),
                   help="folder for the logs and the staged files")
    p.add_argument("--from-logs", action="store_true",
                   help="boot nothing: compare build/bbtestsuite/*.log")
    a = p.parse_args()
    OUT = Path(a.out).resolve()
    names = [n for n in a.binaries.split(",") if n]
    if any(n not in BINARIES for n in names):
        sys.exit("bbtestsuite: --binaries takes musl and glibc")
    applets = [x for x in a.applets.split(",") if x]
    if a.from_logs:
        keel, linux = (results((OUT / f).read_text(errors="replace"))
                       for f in ("keel.log", "linux.log"))
        return 0 if compare(linux, keel, names, a.goal) else 1
    OUT.mkdir(parents=True, exist_ok=True)
    extra = OUT / "extra"
    stage(extra, names, [] if a.all else SLOW)
    make("initrd", "CHAPTER=%d" % a.chapter, "ROOTFS_EXTRA=%s" % extra)
    initrd = OUT / "initrd.cpio"
    shutil.copyfile(REPO / "build" / ("ch%02d" % a.chapter) / "initrd.cpio",
                    initrd)
    limit = keelqemu.timeout(a.timeout)
    keel = linux = {}
    if a.only != "linux":
        keel = results(run_keel(a.kernel, initrd, names, applets, limit))
    if a.only != "keel":
        linux = results(run_linux(initrd, names, applets, limit))
    if a.only is not None:
        for n, tests in (keel or linux).items():
            counts = {}
            for s in tests.values():
                counts[s] = counts.get(s, 0) + 1
            print("%s: %s" % (n, ", ".join("%s %d" % kv for kv in
                                             sorted(counts.items()))))
            for t, s in sorted(tests.items()):
                if s == "FAIL":
                    print("  FAIL: %s" % t)
        return 0
    return 0 if compare(linux, keel, names, a.goal) else 1


if __name__ == "__main__":
    sys.exit(main())
