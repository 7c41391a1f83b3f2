"""tools/stress.py: stress-ng on Keel and on Linux, side by side.

`make stress` runs a list of stress-ng's stressors (its own programs
that hammer one part of a kernel: fork, exec, pipes, mmap, signals,
timers, directories, ...) inside the last chapter's Keel, one after the
other, each for a bounded time, twice over; then the same on Debian's
Linux kernel in the same QEMU with the same initramfs. It prints a table:
per stressor, how it ended and its rate (bogo operations per second) on
each kernel, and the ratio. It fails when Keel panicked, hung (a
stressor that did not end), or did not give memory back: MemAvailable
after the last round more than LEAK_KB below what it was after the first
(the first warms the kernel's caches). A stressor that fails on Keel but
not on Linux is listed under the table with the lines it printed: a
finding, not a verdict, since a stressor may test a call Keel does not
have yet.

stress-ng is Debian's binary package (tools/deps.sh --stress fetches it
and its libraries): it is dynamically linked against glibc, so this also
runs glibc's loader and a dozen shared libraries. The staged folder,
added to the initramfs with ROOTFS_EXTRA, is

    /usr/bin/stress-ng, /lib64/ld-linux-x86-64.so.2,
    /lib/x86_64-linux-gnu/*.so.*   the program and the libraries it needs
    /stress/run.sh                 the driver below

`--quick` is the short form `make test` runs: every stressor for one
second, on Keel only, twice (so the memory check holds).

    make stress                                  # about 5 minutes under TCG
    make stress STRESSFLAGS="--stressors fork,pipe --seconds 10"
    python3 -m tools.stress --help

Logs: build/stress/. Python 3 standard library only.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from grading import linux_busybox
from tools import cache, keelqemu

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "stress"
LEAK_KB = 1024  # slab pages a kernel may keep after thousands of processes
CRASH = re.compile(r"KERNEL PANIC|EXCEPTION: |^BUG: |^WARNING: ", re.M)

# The stressors of the list that stress-ng 0.15 has: processes,
# memory, signals, time, files and directories, terminals (pty) and
# sockets (sock: TCP over the loopback; sockpair; udp).
STRESSORS = ["fork", "exec", "pipe", "mmap", "vm", "brk", "signal", "sigq",
             "timer", "clock", "dentry", "dir", "file-ioctl", "open", "poll",
             "rename", "seek", "tmpfs", "zombie", "pty", "sock", "sockpair",
             "udp"]
# stress-ng refuses to run these as root: they run as uid 1000
AS_USER = ["exec"]

# The driver: `/bin/sh /stress/run.sh SECONDS ROUNDS STRESSOR...`.
RUN_SH = r"""# run.sh SECONDS ROUNDS STRESSOR...: each stressor in turn, ROUNDS times
secs=$1; rounds=$2; shift 2
mkdir -p /tmp/stress && chmod 1777 /tmp /tmp/stress && cd /tmp/stress || exit 1
ifconfig lo 127.0.0.1 up 2>/dev/null
mem() {
    echo "== stress memory $1 $(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo)"
}
r=1
while [ $r -le $rounds ]; do
    for s in "$@"; do
        case " %(as_user)s " in
        *" $s "*) as="chpst -u 1000:1000" ;;
        *) as= ;;
        esac
        echo "== stress $s begin"
        $as /usr/bin/stress-ng --$s 1 --timeout ${secs}s --metrics-brief \
            --temp-path /tmp/stress </dev/null 2>&1
        echo "== stress $s end $?"
    done
    mem $r
    r=$((r + 1))
done
echo "== stress done"
"""

# stress-ng's exit statuses (stress-ng.h)
EXITS = {0: "ok", 1: "failure", 2: "failed", 3: "no resource",
         4: "not implemented", 5: "signalled", 6: "sys exit",
         7: "untrusted metrics"}


def needed(path):
    """The DT_NEEDED names of ELF file path (readelf -d)."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def stage(extra):
    """Lay out under extra the program, the libraries it needs (by
    DT_NEEDED, from the unpacked packages) and the driver."""
    root = Path(cache.deps_env().get("STRESS_NG_ROOT", ""))
    prog = root / "usr" / "bin" / "stress-ng"
    if not prog.is_file():
        sys.exit("stress: no stress-ng: run tools/deps.sh --stress")
    dirs = [root / d for d in ("lib/x86_64-linux-gnu",
                               "usr/lib/x86_64-linux-gnu", "lib64")]
    shutil.rmtree(extra, ignore_errors=True)
    libdir = extra / "lib" / "x86_64-linux-gnu"
    libdir.mkdir(parents=True)
    (extra / "lib64").mkdir()
    (extra / "usr" / "bin").mkdir(parents=True)
    (extra / "stress").mkdir()
    shutil.copy(prog, extra / "usr" / "bin")
    todo, seen, missing = [prog], set(), []
    while todo:
        for name in needed(todo.pop()):
            if name in seen:
                continue
            seen.add(name)
            found = next((d / name for d in dirs if (d / name).exists()),
                         None)
            if found is None:
                missing.append(name)
                continue
            shutil.copyfile(found.resolve(), libdir / name)
            todo.append(found.resolve())
    if missing:
        sys.exit("stress: libraries missing from STRESS_PACKAGES in "
                 "tools/deps.sh: %s" % ", ".join(sorted(missing)))
    loader = extra / "lib64" / "ld-linux-x86-64.so.2"
    shutil.copyfile(libdir / "ld-linux-x86-64.so.2", loader)
    for f in [extra / "usr" / "bin" / "stress-ng", loader]:
        f.chmod(0o755)
    (extra / "stress" / "run.sh").write_text(
        RUN_SH % {"as_user": " ".join(AS_USER)})


def words(seconds, rounds, stressors):
    """init's arguments: the driver and its arguments."""
    return ",".join(["/bin/sh", "/stress/run.sh", str(seconds), str(rounds)]
                    + stressors)


def limit_for(seconds, rounds, stressors):
    """Seconds a boot may take: each stressor's time plus its start-up
    and the metrics (a slow TCG guest), every round, and the boot."""
    return keelqemu.timeout(90 + rounds * len(stressors) * (seconds + 25))


def boot_keel(kernel, initrd, seconds, rounds, stressors):
    """Boot Keel with the staged initramfs; the console text."""
    iso = OUT / "keel.iso"
    cmdline = "hangcheck=60 quiet -- " + words(seconds, rounds, stressors)
    subprocess.run(["sh", str(REPO / "tools" / "mkiso.sh"), str(kernel),
                    str(iso), cmdline, str(initrd)], check=True,
                   stdout=subprocess.DEVNULL)
    res = keelqemu.run(str(iso), limit_for(seconds, rounds, stressors),
                       str(OUT / "keel.log"), memory="512M")
    print("  STRESS  Keel: %s (%.0fs)" % (res.reason, res.elapsed),
          flush=True)
    return res.output


def boot_linux(initrd, seconds, rounds, stressors):
    """Boot Debian's kernel with the same initramfs; the console text."""
    res = linux_busybox.boot_linux(
        Path(initrd), [words(seconds, rounds, stressors)],
        limit_for(seconds, rounds, stressors), str(OUT / "linux.log"))
    print("  STRESS  Linux: %s (%.0fs)" % (res.reason, res.elapsed),
          flush=True)
    return res.output


def parse(output):
    """What a console says: {stressor: {status, rate, lines}} for the last
    round, the memory after each round, whether it finished, and the
    stressor that began but never ended (a hang), if any."""
    runs, memory, cur, lines, hung = {}, [], None, [], None
    for line in output.replace("\r", "").splitlines():
        m = re.match(r"== stress (\S+) begin", line)
        if m:
            cur, lines = m.group(1), []
            continue
        m = re.match(r"== stress (\S+) end (\d+)", line)
        if m and cur:
            runs[cur] = {"status": int(m.group(2)), "lines": lines,
                         "rate": rate(lines, cur)}
            cur = None
            continue
        m = re.match(r"== stress memory (\d+) (\d+)", line)
        if m:
            memory.append(int(m.group(2)))
            continue
        if cur:
            lines.append(line)
    done = "== stress done" in output
    if not done and cur:
        hung = cur
    return {"runs": runs, "memory": memory, "done": done, "hung": hung,
            "panic": bool(CRASH.search(output))}


def rate(lines, name):
    """Bogo operations per second (real time) from --metrics-brief."""
    for line in lines:
        m = re.match(r"stress-ng: metrc: \[\d+\] %s\s+(\d+)\s+[\d.]+\s+"
                     r"[\d.]+\s+[\d.]+\s+([\d.]+)" % re.escape(name), line)
        if m:
            return float(m.group(2))
    return None


def problems(lines):
    """The fail/error lines of a run, pids and numbers blanked."""
    out = []
    for line in lines:
        if re.match(r"stress-ng: (fail|error):", line):
            out.append(re.sub(r"\[\d+\]", "[N]", line))
    return out


def status_of(run):
    """A run's status in words."""
    if run is None:
        return "-"
    return EXITS.get(run["status"], "exit %d" % run["status"])


def table(keel, linux, stressors):
    """The Markdown table, then the stressors that fail only on Keel."""
    rows = ["| stressor | Keel | bogo ops/s | Linux | bogo ops/s | "
            "Keel/Linux |", "|---|---|---|---|---|---|"]
    findings = []
    for s in stressors:
        k, lx = keel["runs"].get(s), linux["runs"].get(s) if linux else None
        kr = k["rate"] if k else None
        lr = lx["rate"] if lx else None
        ratio = "%.2f" % (kr / lr) if kr and lr else "-"
        rows.append("| %s | %s | %s | %s | %s | %s |" % (
            s, status_of(k), "%.0f" % kr if kr else "-", status_of(lx),
            "%.0f" % lr if lr else "-", ratio))
        if k is None:
            continue
        # without Linux beside it, only the stressors' own failures: the
        # errors (no /sys here) are the environment's, as on Linux
        extra = [p for p in problems(k["lines"])
                 if (linux is None and "fail:" in p) or
                 (lx is not None and p not in problems(lx["lines"]))]
        if (k["status"] != 0 and (lx is None or lx["status"] == 0)) or extra:
            findings.append((s, extra))
    text = "\n".join(rows)
    if findings:
        text += ("\n\nOn Keel and not on Linux:\n" if linux else
                 "\n\nFailures on Keel:\n")
        for s, extra in findings:
            text += "  %s:\n" % s
            for p in extra or ["(no message; see the log)"]:
                text += "    %s\n" % p
    return text


def verdict(keel):
    """(ok, what went wrong) for the Keel run."""
    bad = []
    if keel["panic"]:
        bad.append("the kernel panicked or reported a bug")
    if keel["hung"]:
        bad.append("stressor %s did not end (a hang)" % keel["hung"])
    elif not keel["done"]:
        bad.append("the run did not finish")
    mem = keel["memory"]
    if len(mem) >= 2 and mem[-1] < mem[0] - LEAK_KB:
        bad.append("MemAvailable fell %d kB between the first round and "
                   "the last (%d kB, then %d kB): a leak"
                   % (mem[0] - mem[-1], mem[0], mem[-1]))
    return not bad, bad


def main(argv=None):
    """Stage, boot Keel and Linux (two at a time), compare."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--chapter", type=int, required=True)
    p.add_argument("--stressors", default=",".join(STRESSORS),
                   help="comma list (default: %(default)s)")
    p.add_argument("--seconds", type=int, default=5,
                   help="each stressor's time (default %(default)s)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--only", choices=["keel", "linux"], default=None)
    p.add_argument("--quick", action="store_true",
                   help="the short form: 1 s each, Keel only")
    a = p.parse_args(argv)
    stressors = [s for s in a.stressors.split(",") if s]
    if a.quick:
        a.seconds, a.only = 1, "keel"
    OUT.mkdir(parents=True, exist_ok=True)
    extra = OUT / "extra"
    stage(extra)
    r = subprocess.run(["make", "-s", "initrd", "CHAPTER=%d" % a.chapter,
                        "ROOTFS_EXTRA=%s" % extra], cwd=REPO)
    if r.returncode != 0:
        sys.exit("stress: make initrd failed")
    initrd = OUT / "initrd.cpio"
    shutil.copyfile(REPO / "build" / ("ch%02d" % a.chapter) / "initrd.cpio",
                    initrd)
    # the chapter's own initramfs, without the stress files, for the next
    # make: the archive records ROOTFS_EXTRA and is made anew without it
    print("  STRESS  %d stressors x %d s x %d rounds, %s (logs: %s)"
          % (len(stressors), a.seconds, a.rounds,
             "Keel only" if a.only == "keel" else
             "Linux only" if a.only == "linux" else "Keel and Linux",
             OUT.relative_to(REPO)), flush=True)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        fk = (pool.submit(boot_keel, a.kernel, initrd, a.seconds, a.rounds,
                          stressors) if a.only != "linux" else None)
        fl = (pool.submit(boot_linux, initrd, a.seconds, a.rounds,
                          stressors) if a.only != "keel" else None)
        keel = parse(fk.result()) if fk else None
        linux = parse(fl.result()) if fl else None
    if keel is None:
        print(table(linux, None, stressors))
        return 0
    print(table(keel, linux, stressors))
    mem = keel["memory"]
    print("\nKeel MemAvailable after each round: %s kB (leak if the last "
          "is more than %d kB below the first)"
          % (", ".join(str(m) for m in mem) or "-", LEAK_KB))
    ok, bad = verdict(keel)
    for b in bad:
        print("  STRESS  FAILED: %s (see %s)" % (
            b, (OUT / "keel.log").relative_to(REPO)))
    if ok:
        print("  STRESS  no panic, no hang, no leak")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
