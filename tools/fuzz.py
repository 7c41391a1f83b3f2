"""tools/fuzz.py: the typed system-call fuzzer, run long, as a table.

`make fuzz SEEDS="1 2 3" MINUTES=10` boots the last chapter's kernel
once per seed with /init running `/bin/syscheck fuzz SEED SECONDS`
(user/syscheck.c, fuzz_main()): random calls from the system-call table
with typed arguments, in children of an ordinary user, restarted as they
die or block. Two seeds run at a time (QEMU without KVM uses one core).
Each boot's console goes to build/fuzz/seed-N.log.

A seed fails when the kernel panicked, hung (no report before the
deadline), could not kill a child (unkillable), or did not give memory
back: MemAvailable after the run (every process of the user killed, its
files removed) more than LEAK_KB below what it was before. The table
says which; the exit status is 1 if any seed failed.

Python 3 standard library only.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
from pathlib import Path

from tools import keelqemu

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "fuzz"
LEAK_KB = 1024  # slab pages a kernel may keep after thousands of processes
CRASH = re.compile(r"KERNEL PANIC|EXCEPTION: ")


def field(pattern, text, default=None):
    """The first group of pattern in text, or default."""
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else default


def run_seed(kernel, initrd, chapter, seed, seconds):
    """Boot once with seed; a dict of what the report says."""
    OUT.mkdir(parents=True, exist_ok=True)
    iso = OUT / ("seed-%s.iso" % seed)
    log = OUT / ("seed-%s.log" % seed)
    cmdline = "hangcheck=60 quiet -- /bin/syscheck,fuzz,%s,%d,%d" % (
        seed, seconds, chapter)
    subprocess.run(["sh", str(REPO / "tools" / "mkiso.sh"), str(kernel),
                    str(iso), cmdline, str(initrd)], check=True,
                   stdout=subprocess.DEVNULL)
    res = keelqemu.run(str(iso), keelqemu.timeout(seconds + 240), str(log))
    iso.unlink()
    out = res.output
    row = {"seed": seed, "seconds": seconds,
           "calls": int(field(r"^fuzz: (\d+) calls", out, "0")),
           "children": int(field(r"calls in (\d+) children", out, "0")),
           "blocked": int(field(r"^fuzz: blocked (\d+)", out, "0")),
           "unkillable": int(field(r"unkillable (\d+)", out, "0")),
           "panic": bool(CRASH.search(out)),
           "done": bool(re.search(r"^fuzz: done", out, re.M)),
           "killed": sum(int(n) for n in re.findall(
               r"(\d+) killed by signal", out)),
           "log": str(log.relative_to(REPO))}
    mem = re.search(r"^fuzz: memory before (-?\d+) kB, after (-?\d+) kB",
                    out, re.M)
    row["before"], row["after"] = (int(mem.group(1)), int(mem.group(2))) \
        if mem else (None, None)
    row["hang"] = not row["done"] and not row["panic"]
    row["leak"] = (mem is not None and
                   row["after"] < row["before"] - LEAK_KB)
    row["ok"] = (row["done"] and not row["panic"] and not row["unkillable"]
                 and not row["leak"])
    return row


def table(rows):
    """The Markdown table of the runs."""
    lines = ["| seed | min | calls | children | killed | blocked | panic | "
             "hang | unkillable | MemAvailable kB before / after | leak |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        mem = ("%s / %s" % (r["before"], r["after"])
               if r["before"] is not None else "-")
        lines.append("| %s | %g | %d | %d | %d | %d | %s | %s | %d | %s | %s |"
                     % (r["seed"], r["seconds"] / 60, r["calls"],
                        r["children"], r["killed"], r["blocked"],
                        "yes" if r["panic"] else "no",
                        "yes" if r["hang"] else "no", r["unkillable"], mem,
                        "yes" if r["leak"] else "no"))
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--chapter", type=int, required=True)
    p.add_argument("--seeds", default="1")
    p.add_argument("--minutes", type=float, default=1)
    p.add_argument("--jobs", type=int,
                   default=min(2, os.cpu_count() or 1))
    a = p.parse_args(argv)
    seeds = a.seeds.split()
    seconds = max(10, int(a.minutes * 60))
    print("  FUZZ    %d seed(s) x %d s, chapter %d, %d at a time (logs: %s)"
          % (len(seeds), seconds, a.chapter, a.jobs, OUT.relative_to(REPO)),
          flush=True)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = [pool.submit(run_seed, a.kernel, a.initrd, a.chapter, s,
                               seconds) for s in seeds]
        rows = []
        for f in futures:
            r = f.result()
            print("  FUZZ    seed %s: %s" % (r["seed"], "ok" if r["ok"] else
                                              "FAILED (see %s)" % r["log"]),
                  flush=True)
            rows.append(r)
    print(table(rows))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
