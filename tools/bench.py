"""make bench: Keel against Linux, side by side in the same QEMU.

Both kernels boot from a GRUB ISO in the same QEMU (tools/keelqemu.py
builds the command line for both: same memory, CPU model, accelerator)
with the same small initramfs: /init (user/init.c), /bin/bench
(user/bench.c, which is also the tiny program of its fork+execve figure)
and /dev/console, /dev/null, /dev/zero. Only the kernel and its GRUB
menu entry differ: Keel is loaded by multiboot2, Linux (Debian's
linux-image-amd64, unpacked by `tools/deps.sh --linux`) by GRUB's `linux`
command. init runs `/bin/bench` from the command line after `--`.

The kernels alternate (Keel, Linux, Keel, ...) so that a slow moment of
the host hurts both alike; each figure is the median over the boots and
the spread (min..max) is shown beside it. Boot-to-userspace is measured
on the host: seconds from QEMU's start to the moment "init: started"
arrives on the serial console. A second table repeats one boot of each
under `-icount shift=0,sleep=off`: the guest clock then counts
instructions (one per nanosecond), so the numbers repeat from run to run
(to a fraction of a percent) and the host's load does not enter; one boot
each is enough there.

The timed boots also have a network card on QEMU's user network: the
benchmark measures TCP to a peer this script runs on the host (NetPeer)
through the card, each way, and loads Debian's virtio-net modules first
(Linux has that driver as modules; Keel has it built in and says
ENOSYS to finit_module).

A last small table gives min_memory: the smallest -m (MiB) at which each
kernel still reaches the shell and runs the benchmark, found by bisection
(see memsearch()); --no-memsearch skips it.

    python3 -m tools.bench --keel build/ch04/keel.elf \\
        --init build/user/init --bench build/user/bench [--runs 5] \\
        [--json FILE] [--no-icount] [--no-memsearch]

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import struct
import tempfile
import threading
import time
from pathlib import Path

from tools import cache, cpio, keelqemu

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent

OUT = REPO / "build" / "bench"
MEMORY = "256M"
ICOUNT = ["-icount", "shift=0,sleep=off"]
# Figures whose higher value is better; every other figure is a latency.
HIGHER_IS_BETTER = {"pipe_bw", "tcp_bw", "net_tx", "net_rx", "mem_free"}
# Debian's Linux has virtio-net as modules: these, loaded in this order
# by /bin/bench before its network figures (Keel has the driver built in)
NET_MODULES = ["kernel/drivers/virtio/virtio.ko",
               "kernel/drivers/virtio/virtio_ring.ko",
               "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
               "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
               "kernel/drivers/virtio/virtio_pci.ko",
               "kernel/net/core/failover.ko",
               "kernel/drivers/net/net_failover.ko",
               "kernel/drivers/net/virtio_net.ko"]
FIGURE_RE = re.compile(r"^([a-z_]+) ([0-9.]+) (us|MB/s|MiB)\s*$", re.M)
DONE_RE = r"init: all done"
# The goals: figure -> (ratio Keel/Linux, "<=" or ">=").
GOALS = {"boot_to_init": (0.25, "<="), "null_syscall": (0.8, "<="),
         "fork_exit": (1.0, "<="), "fork_exec": (1.0, "<="),
         "pipe_latency": (1.0, "<="), "pipe_bw": (1.0, ">="),
         "page_fault": (1.0, "<=")}


def initramfs(init, bench, modules=()):
    """The bench initramfs, the same for both kernels; modules: .ko
    files for /lib/netmods/1.ko, 2.ko, ... (Linux's network drivers)."""
    entries = [
        (".", 0o040755, b"", (0, 0)),
        ("bin", 0o040755, b"", (0, 0)),
        ("bin/bench", 0o100755, Path(bench).read_bytes(), (0, 0)),
        ("dev", 0o040755, b"", (0, 0)),
        ("dev/console", 0o020600, b"", (5, 1)),
        ("dev/null", 0o020666, b"", (1, 3)),
        ("dev/zero", 0o020666, b"", (1, 5)),
        ("init", 0o100755, Path(init).read_bytes(), (0, 0)),
    ]
    if modules:
        entries += [("lib", 0o040755, b"", (0, 0)),
                    ("lib/netmods", 0o040755, b"", (0, 0))]
        entries += [("lib/netmods/%d.ko" % (i + 1), 0o100644,
                     Path(m).read_bytes(), (0, 0))
                    for i, m in enumerate(modules)]
    return cpio.newc(entries)


def net_modules(vmlinuz):
    """The paths of NET_MODULES beside Debian's kernel, or [] when one is
    missing (Linux's network figures are then left out)."""
    tree = Path(vmlinuz).resolve().parent.parent / "lib" / "modules"
    found = sorted(tree.glob("*/"))
    if not found:
        return []
    paths = [found[0] / m for m in NET_MODULES]
    return paths if all(p.is_file() for p in paths) else []


CHUNK = 65536


class NetPeer(threading.Thread):
    """The host's end of the network figures (user/bench.c's protocol):
    "p" is echoed; "b" + count: that many 64 KiB chunks are read, then
    "k" answers; "r" + count: that many chunks are sent. One connection
    at a time, on 127.0.0.1:port (the guest's 10.0.2.2:port)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]

    def run(self):
        while True:
            conn, _ = self.sock.accept()
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    self.serve(conn)
                except OSError:
                    pass

    @staticmethod
    def exactly(conn, n):
        """n bytes from conn, or None at its end."""
        got = b""
        while len(got) < n:
            d = conn.recv(n - len(got))
            if not d:
                return None
            got += d
        return got

    def serve(self, conn):
        """Answer one guest's requests until it closes."""
        zeros = bytes(CHUNK)
        while True:
            op = conn.recv(1)
            if not op:
                return
            if op == b"p":
                conn.sendall(op)
                continue
            count = self.exactly(conn, 8)
            if count is None:
                return
            n = struct.unpack("<q", count)[0]
            if op == b"b":
                left = n * CHUNK
                while left > 0:
                    d = conn.recv(min(left, 1 << 20))
                    if not d:
                        return
                    left -= len(d)
                conn.sendall(b"k")
            elif op == b"r":
                for _ in range(n):
                    conn.sendall(zeros)


def linux_iso(kernel, initrd, out, args):
    """A GRUB ISO that boots Linux as tools/mkiso.sh boots Keel."""
    with tempfile.TemporaryDirectory(prefix="keel-bench-") as tree:
        boot = Path(tree) / "boot"
        (boot / "grub").mkdir(parents=True)
        shutil.copy(kernel, boot / "vmlinuz")
        shutil.copy(initrd, boot / "initrd.cpio")
        (boot / "grub" / "grub.cfg").write_text(
            "set timeout=0\nset default=0\nmenuentry \"Linux\" {\n"
            "    linux /boot/vmlinuz console=ttyS0 quiet panic=-1 "
            "rdinit=/init -- %s\n"
            "    initrd /boot/initrd.cpio\n    boot\n}\n" % args)
        r = subprocess.run(["grub-mkrescue", "-o", str(out), tree],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            sys.stdout.write(r.stdout.decode(errors="replace"))
            sys.exit("bench: grub-mkrescue failed for the Linux ISO")


def keel_iso(kernel, initrd, out, args, options=""):
    """Keel's GRUB ISO, made by tools/mkiso.sh as `make iso` makes it;
    options: more kernel command line words before init's arguments."""
    subprocess.run(["sh", str(TOOLS / "mkiso.sh"), str(kernel), str(out),
                    " ".join(["quiet", options, "--", args]), str(initrd)],
                   check=True)


def boot(iso, name, log, extra):
    """Boot iso once; return {figure: value} plus boot_to_init (seconds).

    QEMU is stopped as soon as init says it is done (Linux would panic
    when init exits; Keel powers off), so only the benchmark is timed.
    """
    res = keelqemu.run(iso, keelqemu.timeout(600), str(log), until=DONE_RE,
                       memory=MEMORY, extra_args=extra)
    figures = {m.group(1): float(m.group(2))
               for m in FIGURE_RE.finditer(res.output)}
    start = res.output.find("init: started")
    if not res.matched or start < 0 or "bench: end" not in res.output:
        sys.exit("bench: %s did not finish the benchmark (%s); see %s"
                 % (name, res.reason, log))
    figures["boot_to_init"] = res.time_at(start)
    # the guest clock against the host's over the benchmark: a kernel whose
    # clock runs fast or slow under TCG would report figures off by as much
    guest = re.search(r"bench: end guest ([0-9.]+) s", res.output)
    span = (res.time_at(res.output.find("bench: end")) -
            res.time_at(res.output.find("bench: begin")))
    if guest and span > 0:
        figures["clock_ratio"] = float(guest.group(1)) / span
    first = res.output.find("Keel ")
    if first >= 0:
        # Keel's own time from its first console line to /init
        figures["kernel_to_init"] = res.time_at(start) - res.time_at(first)
    return figures


# The memory search: -m between MEM_LO and MEM_HI MiB, to MEM_STEP MiB.
MEM_LO, MEM_HI, MEM_STEP = 4, 256, 2


def fits(iso, mib, log, limit):
    """Whether a kernel reaches the shell and runs the benchmark at -m mib.

    "Reaches and runs" means, within limit seconds of QEMU's start: the
    console shows "init: started" (/init, the shell of this initramfs, is
    running), then `bench quick` prints "bench: begin", every figure up to
    "bench: end", and /init says "init: all done", with no "killed by
    signal" on the way. Anything else does not fit: a panic or triple
    fault (QEMU runs with -no-reboot and Linux with panic=-1, so both end
    QEMU), a hang (the timeout), a killed benchmark, or firmware and GRUB
    themselves failing to load the kernel in so little memory.
    """
    res = keelqemu.run(iso, limit, str(log), until=DONE_RE,
                       memory="%dM" % mib)
    out = res.output
    ok = (res.matched and "init: started" in out and "bench: begin" in out
          and "bench: end" in out and "killed by signal" not in out)
    return ok, res.reason


def memsearch(isos):
    """Bisect -m for each kernel; return {name: {"mib", "boots", "seconds"}}.

    The first boot at MEM_HI must fit (else the search is void: mib None);
    its time, doubled, plus 5 s is the timeout of every smaller boot, so
    a kernel that hangs is given up fast. Then the usual bisection over
    the largest known failure and the smallest known fit, assuming that
    more memory never hurts; the result is the smallest -m, a multiple of
    MEM_STEP, that fitted.
    """
    out = {}
    for name, iso in isos.items():
        t0 = time.monotonic()
        boots = []

        def probe(mib, limit):
            t = time.monotonic()
            log = OUT / ("%s-mem-%d.log" % (name.lower(), mib))
            ok, why = fits(iso, mib, log, limit)
            boots.append({"mib": mib, "fits": ok, "reason": why})
            print("  BENCH   %s -m %dM: %s (%.0fs)" % (
                name, mib, "fits" if ok else "does not fit: " + why,
                time.monotonic() - t), flush=True)
            return ok

        if not probe(MEM_HI, keelqemu.timeout(300)):
            out[name] = {"mib": None, "boots": boots,
                         "seconds": time.monotonic() - t0}
            continue
        limit = 2 * (time.monotonic() - t0) + 5
        bad, good = MEM_LO - MEM_STEP, MEM_HI  # bad: below the range
        while good - bad > MEM_STEP:
            mid = (bad + good) // 2 // MEM_STEP * MEM_STEP
            mid = max(mid, MEM_LO) if mid > bad else bad + MEM_STEP
            if probe(mid, limit):
                good = mid
            else:
                bad = mid
        out[name] = {"mib": good, "boots": boots,
                     "seconds": time.monotonic() - t0}
    return out


def memtable(found):
    """Print the min_memory row; return it for the JSON file."""
    k, lx = found["Keel"]["mib"], found["Linux"]["mib"]
    ratio = k / lx if k and lx else None
    print("\nMemory: the smallest -m that reaches /init and runs `bench quick`"
          " (bisection, %d..%d MiB, to %d MiB)" % (MEM_LO, MEM_HI, MEM_STEP))
    print("%-14s %-5s %10s %10s %8s" % ("figure", "unit", "Keel", "Linux",
                                        "K/L"))
    print("%-14s %-5s %10s %10s %8s" % (
        "min_memory", "MiB", k if k else "-", lx if lx else "-",
        "%.2f" % ratio if ratio else "-"))
    print("K/L lower is better. Search took %.0f s (Keel) + %.0f s (Linux)."
          % (found["Keel"]["seconds"], found["Linux"]["seconds"]))
    return {"figure": "min_memory", "unit": "MiB", "keel": k, "linux": lx,
            "ratio": ratio, "higher_is_better": False,
            "lo": MEM_LO, "hi": MEM_HI, "step": MEM_STEP,
            "search": found}


def units(fig):
    """The unit a figure is printed in."""
    if fig in ("boot_to_init", "kernel_to_init"):
        return "s"
    if fig == "clock_ratio":
        return "x"
    if fig == "mem_free":
        return "MiB"
    return "MB/s" if fig in ("pipe_bw", "tcp_bw", "net_tx", "net_rx") \
        else "us"


def summary(runs):
    """{figure: {median, min, max, values}} over a list of boots."""
    out = {}
    for fig in runs[0]:
        vals = [r[fig] for r in runs if fig in r]
        out[fig] = {"median": statistics.median(vals), "min": min(vals),
                    "max": max(vals), "values": vals}
    return out


def fmt(v):
    """A value in at most 4 significant digits, for the table."""
    return "%.4g" % v


def table(title, keel, linux, spread, skip=()):
    """Print one table of figures; return its rows for the JSON file.

    skip: figures left out (host-timed ones in the deterministic table).
    """
    print("\n" + title)
    head = "%-14s %-5s %10s %10s %8s" % ("figure", "unit", "Keel", "Linux",
                                         "K/L")
    if spread:
        head += "  %-18s %-18s" % ("Keel min..max", "Linux min..max")
    print((head + "  goal").rstrip())
    rows = []
    for fig in [f for f in keel if f not in skip]:
        k = keel[fig]["median"]
        lx = linux.get(fig, {}).get("median")
        ratio = k / lx if lx else None
        goal = GOALS.get(fig)
        verdict = ""
        if goal and ratio is not None:
            ok = ratio <= goal[0] if goal[1] == "<=" else ratio >= goal[0]
            verdict = "%s %g %s" % (goal[1], goal[0], "met" if ok else "MISSED")
        line = "%-14s %-5s %10s %10s %8s" % (
            fig, units(fig), fmt(k), fmt(lx) if lx else "-",
            "%.2f" % ratio if ratio else "-")
        if spread:
            line += "  %-18s %-18s" % (
                fmt(keel[fig]["min"]) + ".." + fmt(keel[fig]["max"]),
                (fmt(linux[fig]["min"]) + ".." + fmt(linux[fig]["max"]))
                if fig in linux else "-")
        print((line + "  " + verdict).rstrip())
        rows.append({"figure": fig, "unit": units(fig), "keel": keel[fig],
                     "linux": linux.get(fig), "ratio": ratio,
                     "higher_is_better": fig in HIGHER_IS_BETTER})
    print("K/L = Keel/Linux: lower is better, except pipe_bw, tcp_bw, net_tx, net_rx (MB/s) and "
          "mem_free (MiB, sysinfo's freeram at the start) where higher is "
          "better.")
    if spread:
        print("clock_ratio = guest seconds / host seconds over the benchmark "
              "run (1: the guest clock keeps real time); kernel_to_init = "
              "Keel's first console line to /init.")
    return rows


def series(isos, runs, extra, label):
    """Boot the kernels alternately runs times; return their summaries."""
    got = {name: [] for name in isos}
    for i in range(runs):
        for name, iso in isos.items():
            t0 = time.monotonic()
            print("  BENCH   %s boot %d/%d%s" % (name, i + 1, runs, label),
                  end="", flush=True)
            log = OUT / ("%s%s-%d.log" % (name.lower(), label.strip()
                                          .replace(" ", "-"), i + 1))
            got[name].append(boot(iso, name, log, extra))
            print(" (%.0fs)" % (time.monotonic() - t0), flush=True)
    return {name: summary(v) for name, v in got.items()}


def main():
    """Build the initramfs and the two ISOs, boot, print the tables."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--keel", required=True, help="Keel's kernel ELF")
    p.add_argument("--init", required=True, help="/init (user/init.c)")
    p.add_argument("--bench", required=True, help="/bin/bench")
    p.add_argument("--runs", type=int,
                   default=int(os.environ.get("BENCH_RUNS") or 5))
    p.add_argument("--quick", action="store_true",
                   help="bench quick: half the time, 3 repetitions")
    p.add_argument("--no-icount", action="store_true",
                   help="skip the deterministic -icount table")
    p.add_argument("--no-memsearch", action="store_true",
                   help="skip the search for the smallest -m")
    p.add_argument("--only-memsearch", action="store_true",
                   help="run only the search for the smallest -m")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    initrd = OUT / "initrd.cpio"
    initrd.write_bytes(initramfs(a.init, a.bench))
    linux = cache.vmlinuz("bench")
    # the timed runs add the network card, Linux's drivers for it, and
    # the host's end of the network figures (the memory search does not)
    peer = NetPeer()
    peer.start()
    net_initrd = OUT / "initrd-net.cpio"
    net_initrd.write_bytes(initramfs(a.init, a.bench, net_modules(linux)))
    words = "/bin/bench" + (",quick" if a.quick else "") + \
        ",net=%d" % peer.port
    print("  BENCH   initramfs %s (%d KiB: /init, /bin/bench, /dev; "
          "with Linux's network drivers: %d KiB)"
          % (initrd, initrd.stat().st_size // 1024,
             net_initrd.stat().st_size // 1024))
    isos = {"Keel": OUT / "keel.iso", "Linux": OUT / "linux.iso"}
    keel_iso(a.keel, net_initrd, isos["Keel"], words, "ip=off")
    linux_iso(linux, net_initrd, isos["Linux"], words)
    net = keelqemu.net_args()
    print("  BENCH   Keel %s, Linux %s; QEMU -m %s -cpu max -accel %s"
          % (a.keel, linux, MEMORY, keelqemu.accelerator()))
    result = {"runs": a.runs, "memory": MEMORY,
              "accel": keelqemu.accelerator(), "linux": linux}
    if not a.only_memsearch:
        s = series(isos, a.runs, net, "")
        result["timed"] = table(
            "Timed: median of %d boot(s) each, alternating (wall clock "
            "under %s)" % (a.runs, keelqemu.accelerator().upper()),
            s["Keel"], s["Linux"], True)
    if not a.no_icount and not a.only_memsearch:
        d = series(isos, 1, ICOUNT + net, " icount")
        result["icount"] = table(
            "Deterministic: -icount shift=0,sleep=off, one boot each "
            "(repeatable, so one is enough; host-timed boot figures left out)",
            d["Keel"], d["Linux"], False,
            skip=("boot_to_init", "kernel_to_init", "clock_ratio"))
    if not a.no_memsearch:
        mem = {"Keel": OUT / "keel-mem.iso", "Linux": OUT / "linux-mem.iso"}
        keel_iso(a.keel, initrd, mem["Keel"], "/bin/bench,quick")
        linux_iso(linux, initrd, mem["Linux"], "/bin/bench,quick")
        result["min_memory"] = memtable(memsearch(mem))
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=2) + "\n")
        print("  BENCH   wrote %s" % a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
