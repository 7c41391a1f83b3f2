"""Run Keel in QEMU: the one place that knows how.

Why one place: `make run`, `make qemu-gdb`, the grading harness and the
chapter demo scripts all start the same virtual machine. If each spelled out
its own QEMU flags they would drift apart, and a kernel that passes the
grader could behave differently on the student's terminal. This module
builds the command line, picks KVM or TCG, runs QEMU with a deadline, and
turns the way QEMU ended into a sentence a student can act on.

How a run ends (the contract with the kernel):

* The kernel writes a status S to the isa-debug-exit port 0xf4 and QEMU
  exits with code (S << 1) | 1. Status 0 means a clean power-off or a passed
  test, 1 a failed self-test, 2 a kernel panic or CPU exception.
* An even exit code (usually 0) means QEMU ended some other way: the user
  quit, or the guest reset (with -no-reboot a triple fault ends QEMU).
* A run that outlives its deadline is killed, with its process group.

Every deadline comes from timeout(), which scales a base number of seconds
by the environment variable KEEL_TIMEOUT_SCALE, so a slow machine (no KVM,
a busy CI runner) needs one knob, not a hunt through test files.

Environment variables:
    KEEL_TIMEOUT_SCALE  multiply every timeout (float, default 1)
    KEEL_ACCEL          force an accelerator: "kvm" (fails at once if the
                        KVM probe fails) or "tcg" (no probe)
    KEEL_QEMU           the QEMU program (default qemu-system-x86_64)
    KEEL_QEMU_FLAGS     extra QEMU arguments appended to every run

Command line (used by the Makefile), from the repository root:
    python3 -m tools.keelqemu run ISO [-m SIZE] [--log FILE]
                                  [--net [--fwd HOST:GUEST]...]
                                  [-- QEMU ARGS...]
    python3 -m tools.keelqemu gdb ISO PORT [-m SIZE] [--log FILE] [-- ...]
    python3 -m tools.keelqemu batch ISO [--timeout SECONDS] [--until REGEX]
                                        [--log FILE]

Python 3 standard library only; works on 3.9 and later.
"""

import argparse
import codecs
import json
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from tools.cache import cache_dir

QEMU_DEFAULT = "qemu-system-x86_64"
MEMORY_DEFAULT = "256M"
DEBUG_EXIT_PORT = "0xf4"

# What the kernel prints when it stops or crashes (see the module docstring).
PANIC_RE = re.compile(r"KERNEL PANIC: ?([^\r\n]*)")
EXCEPTION_RE = re.compile(r"EXCEPTION: [^\r\n]*")

# Kernel status numbers written to the isa-debug-exit port.
STATUS_OK = 0
STATUS_SELFTEST_FAILED = 1
STATUS_PANIC = 2


class QemuMissing(RuntimeError):
    """QEMU is not installed; raised so callers can say how to get it."""


def timeout(base_seconds):
    """Return base_seconds scaled by KEEL_TIMEOUT_SCALE.

    Every deadline in the harness goes through here so that one variable
    adapts all of them to a slow machine. A bad value is an error rather
    than silently ignored, because a typo would otherwise make every slow
    test fail for no visible reason.
    """
    raw = os.environ.get("KEEL_TIMEOUT_SCALE", "").strip()
    if not raw:
        return float(base_seconds)
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError("KEEL_TIMEOUT_SCALE must be a number, not %r" % raw)
    if scale <= 0:
        raise ValueError("KEEL_TIMEOUT_SCALE must be positive, not %r" % raw)
    return float(base_seconds) * scale


def qemu_program():
    """Return the QEMU program to run (KEEL_QEMU overrides the default).

    The override exists so the harness can be tested with a fake QEMU and so
    a course can point at a locally built QEMU.
    """
    return os.environ.get("KEEL_QEMU") or QEMU_DEFAULT


def check_qemu():
    """Return the path of QEMU, or raise QemuMissing with the fix.

    Checked before anything starts, so a missing package shows up as one
    clear sentence instead of a Python traceback from subprocess.
    """
    prog = qemu_program()
    path = shutil.which(prog)
    if path is None:
        raise QemuMissing(
            "%s not found; run `make deps` to install QEMU "
            "(Debian/Ubuntu package qemu-system-x86)" % prog)
    return path


def kvm_usable():
    """Tell whether /dev/kvm can really be used by this user.

    The device may exist without permission (CI runners, containers), so we
    check access and actually open it; KVM is only an acceleration and TCG
    always works, just slower.
    """
    dev = "/dev/kvm"
    if not os.access(dev, os.R_OK | os.W_OK):
        return False
    try:
        fd = os.open(dev, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    os.close(fd)
    return True


# The KVM probe: tools/kvmprobe.S, a guest that enters long mode, ring 3,
# makes SYSCALLs and takes an int3 from ring 3, then writes 0x21 to the
# debug-exit port, so QEMU exits with (0x21 << 1) | 1 = 67. Status 0x22
# (exit code 69) is the probe's own "an exception came where none should".
PROBE_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "kvmprobe.S")
_PROBE_RC = 67
_PROBE_FAILED_RC = 69
_PROBE_SECONDS = 10
_accel_cache = {}


class AccelError(ValueError):
    """KEEL_ACCEL=kvm was asked for, but this machine's KVM cannot run Keel."""


def _qemu_version():
    """QEMU's first --version line, or "" if it does not answer."""
    try:
        p = subprocess.run([qemu_program(), "--version"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout(10))
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (p.stdout.strip().splitlines() or [""])[0]


def probe_key():
    """What the probe's answer depends on: its source, QEMU, the host kernel.

    The answer is cached under this key, so a new QEMU, a new host kernel
    (which is where KVM lives) or a changed probe asks again.
    """
    import hashlib
    h = hashlib.sha256()
    with open(PROBE_SOURCE, "rb") as f:
        h.update(f.read())
    h.update(_qemu_version().encode())
    h.update(os.uname().release.encode())
    return h.hexdigest()[:16]


def _build_probe(tmp):
    """Assemble and link tools/kvmprobe.S into a flat image; return its path.

    gcc (for the preprocessor) and ld are Keel's build tools anyway.
    Raises OSError or CalledProcessError when they are missing or fail.
    """
    obj = os.path.join(tmp, "kvmprobe.o")
    img = os.path.join(tmp, "kvmprobe.bin")
    subprocess.run(["gcc", "-c", "-o", obj, PROBE_SOURCE], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)
    subprocess.run(["ld", "-m", "elf_x86_64", "-Ttext=0x100000",
                    "--oformat", "binary", "-o", img, obj], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)
    return img


def run_probe(accel="kvm"):
    """Boot the probe guest under accel; return (ok, reason).

    reason is one sentence a student can read: why this accelerator cannot
    run Keel, or "" when it can. Bounded by _PROBE_SECONDS (scaled).
    """
    import tempfile
    with tempfile.TemporaryDirectory(prefix="keelqemu-") as tmp:
        try:
            img = _build_probe(tmp)
        except (OSError, subprocess.CalledProcessError) as e:
            return False, "the probe could not be built (%s)" % e
        cmd = [qemu_program(), "-kernel", img, "-m", "16M",
               "-display", "none", "-serial", "none", "-monitor", "none",
               "-nodefaults", "-no-reboot", "-device",
               "isa-debug-exit,iobase=%s,iosize=0x04" % DEBUG_EXIT_PORT,
               "-cpu", "max", "-accel", accel]
        limit = timeout(_PROBE_SECONDS)
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=limit)
        except OSError as e:
            return False, "QEMU could not start (%s)" % e
        except subprocess.TimeoutExpired:
            return False, ("the probe guest did not finish in %gs"
                           % round(limit, 1))
    if p.returncode == _PROBE_RC:
        return True, ""
    if p.returncode == _PROBE_FAILED_RC:
        return False, ("the probe guest took a CPU exception entering ring 3"
                       " or in SYSCALL/SYSRET/int3")
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    if err:
        return False, "QEMU failed: %s" % err[0]
    return False, ("the probe guest reset (a triple fault) in long mode, "
                   "ring 3 or SYSCALL")


def kvm_verdict():
    """Return (ok, reason) for KVM on this machine, cached per machine.

    /dev/kvm can open fine and still be unusable: nested virtualization
    may reject CPU features (QEMU aborts at start), never run guest code
    (QEMU hangs), or run it wrongly (SYSCALL that stays in ring 3). The
    probe guest tests what Keel needs; its answer is kept in the cache
    folder under probe_key(), so only the first run on a machine pays.
    """
    if not kvm_usable():
        return False, "/dev/kvm is missing or not usable by this user"
    import json
    path = os.path.join(str(cache_dir()), "kvm-probe.json")
    key = probe_key()
    try:
        with open(path) as f:
            saved = json.load(f)
        if saved.get("key") == key:
            return bool(saved["ok"]), saved.get("reason", "")
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    ok, reason = run_probe("kvm")
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            json.dump({"key": key, "ok": ok, "reason": reason}, f)
        os.replace(path + ".tmp", path)
    except OSError:
        pass  # a read-only cache costs one probe per process, no more
    return ok, reason


def accelerator():
    """Return "kvm" or "tcg": KEEL_ACCEL if set, else what the host allows.

    KVM is chosen when /dev/kvm opens and the probe guest (kvm_verdict)
    runs on it; the answer is remembered for the life of the process.
    Choosing TCG although /dev/kvm exists is announced once on stderr with
    the probe's reason. KEEL_ACCEL=tcg skips the probe; KEEL_ACCEL=kvm runs
    it too and raises AccelError when it fails, so a forced KVM fails fast
    with a reason instead of every boot timing out.
    """
    forced = os.environ.get("KEEL_ACCEL", "").strip().lower()
    if forced and forced not in ("kvm", "tcg"):
        raise ValueError("KEEL_ACCEL must be kvm or tcg, not %r" % forced)
    if forced == "tcg":
        _accel_cache.setdefault("why", "KEEL_ACCEL=tcg")
        return "tcg"
    if "accel" not in _accel_cache:
        ok, reason = kvm_verdict()
        if forced == "kvm" and not ok:
            raise AccelError(
                "KEEL_ACCEL=kvm, but this machine's KVM cannot run Keel: %s."
                " Unset KEEL_ACCEL (or set KEEL_ACCEL=tcg) to use TCG."
                % reason)
        accel = "kvm" if ok else "tcg"
        why = "KEEL_ACCEL=kvm" if forced else (
            "the KVM probe passed" if ok else reason)
        if not ok and os.path.exists("/dev/kvm"):
            sys.stdout.flush()
            print("keelqemu: using TCG (slower): /dev/kvm is there, but %s"
                  % reason, file=sys.stderr)
        _accel_cache["accel"], _accel_cache["why"] = accel, why
    return _accel_cache["accel"]


def accelerator_line():
    """One line naming the accelerator and why, for logs and `make run`."""
    accel = accelerator()
    return "keelqemu: accelerator %s (%s)" % (accel, _accel_cache.get(
        "why", "KEEL_ACCEL=%s" % accel))


def qemu_displays():
    """The display back ends this QEMU can open (`-display help`)."""
    try:
        p = subprocess.run([qemu_program(), "-display", "help"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL,
                           universal_newlines=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {ln.strip() for ln in p.stdout.splitlines()[1:] if ln.strip()}


def display_args(graphic):
    """QEMU's -display arguments for `make run GRAPHIC=graphic`.

    graphic: "1" (a window: GTK, else SDL; without a desktop, VNC), "vnc"
    (a VNC server on 127.0.0.1:5900), or "curses" (the screen drawn in
    this terminal, the serial console then only in its log). Prints where
    the screen is; raises ValueError with the fix when it cannot be shown.
    """
    if graphic == "curses":
        print("keel: the screen is drawn here: Esc then 3 shows the serial "
              "console, Esc then 2 QEMU's monitor (type quit), Esc then 1 "
              "the screen again", flush=True)
        return ["-display", "curses"]
    desktop = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if graphic == "vnc" or (graphic == "1" and not desktop):
        if graphic == "1":
            print("keel: no desktop here (DISPLAY is not set): the screen "
                  "is served over VNC instead", flush=True)
        print("keel: the screen: a VNC viewer on 127.0.0.1:5900 "
              "(GRAPHIC=curses draws it in this terminal)", flush=True)
        return ["-display", "vnc=127.0.0.1:0"]
    if graphic != "1":
        raise ValueError("GRAPHIC=%s: say 1 (a window), vnc or curses"
                         % graphic)
    have = qemu_displays()
    for ui in ("gtk", "sdl"):
        if ui in have:
            print("keel: the screen opens in a QEMU window (%s)" % ui,
                  flush=True)
            return ["-display", ui]
    raise ValueError("this QEMU cannot open a window (no gtk or sdl "
                     "display); install Debian's qemu-system-gui "
                     "(`bash tools/deps.sh --graphic`), or use "
                     "GRAPHIC=vnc or GRAPHIC=curses")


def qemu_command(iso, memory=None, extra_args=None, interactive=False,
                 gdb_port=None, linux=None, display=None):
    """Build the QEMU argument list for booting iso (or linux).

    Headless runs put the serial port on stdio so the harness reads the
    kernel's console from a pipe. Interactive runs multiplex the QEMU
    monitor onto the same terminal (Ctrl-A C switches, Ctrl-A X quits) and
    turn off signal handling so Ctrl-C reaches the guest's shell instead of
    killing QEMU. -no-reboot makes a triple fault end QEMU instead of
    looping through the firmware forever.

    iso: the GRUB image to boot. memory: QEMU -m value (default 256M).
    extra_args: more QEMU arguments, appended last so they can override.
    gdb_port: if set, QEMU waits for a debugger on that TCP port.
    display: -display arguments that show the screen (display_args());
    None: no screen. With curses the terminal is the screen's, so the
    serial console goes to its log only.
    linux: instead of iso, a (kernel, initrd, command line) triple that
    QEMU's own loader boots (-kernel, -initrd, -append): how Debian's
    Linux runs beside Keel in the same machine (grading/linux_busybox.py).
    """
    if linux is not None:
        kernel, initrd, append = linux
        boot = ["-kernel", str(kernel), "-initrd", str(initrd),
                "-append", append]
    else:
        boot = ["-cdrom", str(iso)]
    cmd = [qemu_program()] + boot + ["-m", str(memory or MEMORY_DEFAULT)]
    cmd += display or ["-display", "none"]
    if display and "curses" in display:
        cmd += ["-serial", "vc", "-monitor", "vc"]
    elif interactive:
        cmd += ["-chardev", "stdio,id=keelcon,mux=on,signal=off",
                "-serial", "chardev:keelcon",
                "-mon", "chardev=keelcon,mode=readline"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none"]
    cmd += ["-no-reboot",
            "-device",
            "isa-debug-exit,iobase=%s,iosize=0x04" % DEBUG_EXIT_PORT,
            "-cpu", "max",
            "-accel", accelerator()]
    if gdb_port is not None:
        cmd += ["-S", "-gdb", "tcp::%d" % int(gdb_port)]
    cmd += shlex.split(os.environ.get("KEEL_QEMU_FLAGS", ""))
    cmd += list(extra_args or [])
    return cmd


# The network card (chapter 7 on): a virtio-net-pci card on QEMU's
# user-mode network ("slirp"), which needs no privileges: the guest is
# 10.0.2.15, the gateway (the host) 10.0.2.2, the DNS proxy 10.0.2.3, and
# host ports may be forwarded to guest ports.
NET_ID = "n0"
NET_MODEL = "virtio-net-pci"


def net_forward(spec):
    """One hostfwd= rule: from "tcp:127.0.0.1:8080-:80" (as is), a
    (host_port, guest_port) pair or "HOST:GUEST" (TCP on 127.0.0.1)."""
    if isinstance(spec, str) and "-" in spec:
        return spec
    if isinstance(spec, str):
        host, sep, guest = spec.partition(":")
        if not sep or not host.isdigit() or not guest.isdigit():
            raise ValueError("a forward is HOSTPORT:GUESTPORT, not %r" % spec)
        spec = (int(host), int(guest))
    host, guest = spec
    return "tcp:127.0.0.1:%d-:%d" % (int(host), int(guest))


def net_args(forwards=(), model=NET_MODEL, options=""):
    """QEMU arguments for the network card, with host forwards.

    forwards: a list of rules for net_forward(), e.g. [(8080, 80)] makes
    127.0.0.1:8080 on the host reach port 80 in the guest. options: more
    -device properties, e.g. "mac=52:54:00:ab:cd:ef,addr=0x5" (the card's
    address, its PCI slot). Pass the result
    as extra_args (qemu_args= in grading.gradelib.boot). Any -netdev also
    drops the e1000 card QEMU adds by default, so the machine has exactly
    this one.
    """
    netdev = "user,id=%s" % NET_ID
    for f in forwards:
        netdev += ",hostfwd=" + net_forward(f)
    device = "%s,netdev=%s" % (model, NET_ID)
    if options:
        device += "," + options
    return ["-netdev", netdev, "-device", device]


def net_describe(forwards):
    """One line for `make run`: the guest's address and the forwards."""
    rules = [net_forward(f) for f in forwards]
    fwd = ", ".join("%s -> guest port %s" % (r.split(":", 1)[1]
                                             .rsplit("-", 1)[0],
                                             r.rsplit(":", 1)[1])
                    for r in rules)
    return ("keel: network card %s on QEMU's user network (guest 10.0.2.15,"
            " gateway 10.0.2.2)%s" % (NET_MODEL, "; " + fwd if fwd else ""))


def decode_status(rc):
    """Return the kernel's debug-exit status for QEMU exit code rc, or None.

    Only odd positive codes come from isa-debug-exit: (status << 1) | 1.
    """
    if rc is not None and rc > 0 and rc & 1:
        return rc >> 1
    return None


@dataclass
class RunResult:
    """How one QEMU run went: what the kernel printed and how it ended.

    output is the serial console as text (carriage returns kept: the kernel
    overwrites its uptime line with them). chunk_times records when each
    piece of output arrived, so a test can check that something took real
    time (a timer that ticks once per second cannot print three ticks in a
    millisecond).
    """

    output: str
    rc: Optional[int]
    status: Optional[int]
    elapsed: float
    reason: str
    stderr: str = ""
    log_path: Optional[str] = None
    timed_out: bool = False
    matched: bool = False
    command: List[str] = field(default_factory=list)
    chunk_times: List[Tuple[int, float]] = field(default_factory=list)

    def time_at(self, offset):
        """Seconds after start at which output character offset arrived.

        Returns None when offset lies beyond the output.
        """
        for end, when in self.chunk_times:
            if offset < end:
                return when
        return None

    def lines(self):
        """The output split into lines at CR, LF or CRLF.

        Splitting at a bare CR too turns "\\ruptime: 3 s" updates into lines
        of their own, which is what a reader of the terminal saw.
        """
        return re.split(r"\r\n|\r|\n", self.output)


def describe_end(output, rc, stderr, timed_out, matched, limit):
    """Return (status, reason) for a finished run.

    The order matters for the student: a panic or CPU exception explains a
    non-zero status or a hang better than the bare number, so their text
    wins over "exit status 2" and over "timeout".
    """
    if matched:
        return None, "matched"
    status = None if timed_out else decode_status(rc)
    # QEMU itself exits with 1 when it cannot start (bad option, missing
    # ISO); that would read as "status 0". The kernel never starts then, so
    # the console is empty and QEMU has complained on stderr.
    if status == 0 and rc == 1 and not output.strip() and stderr.strip():
        first = stderr.strip().splitlines()[0]
        return None, "QEMU failed to start: %s" % first
    if status == STATUS_OK:
        return status, "exit status 0"
    hung = "timeout after %gs" % round(limit, 1)
    exc = EXCEPTION_RE.search(output)
    panic = PANIC_RE.search(output)
    if exc or panic:
        reason = ("cpu exception: %s" % exc.group(0).strip() if exc
                  else "kernel panic: %s" % panic.group(1).strip())
        return status, reason + ("; then %s" % hung if timed_out else "")
    if timed_out:
        return None, hung
    if status is not None:
        return status, "exit status %d" % status
    return None, "unexpected reboot or QEMU exit (rc %s)" % rc


def _with_parent(cmd):
    """cmd, run so that it is killed when this process dies.

    A batch QEMU runs in a session of its own (see run), so nothing kills
    it when the grader is killed (a `timeout`, a closed terminal): it
    would go on, using a core, until its guest powers off, and a stuck
    guest never does. util-linux's setpriv asks the kernel for SIGKILL
    on the parent's death (PR_SET_PDEATHSIG), kept across the exec of
    QEMU. The parent is the thread that starts it: run() is called from
    the main thread only. Without setpriv, cmd as it is."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return cmd
    return [setpriv, "--pdeathsig", "KILL", "--"] + list(cmd)


def _kill_group(proc, grace=2.0):
    """Stop proc and everything in its process group.

    SIGTERM first so QEMU can restore the terminal; SIGKILL if it lingers.
    """
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _open_stdin(stdin, interactive):
    """Return (Popen stdin argument, bytes to feed or None).

    None means /dev/null for batch runs (a test must never wait on the
    grader's terminal) and the terminal for interactive ones. A str or bytes
    value is typed into the serial port; QEMU only takes bytes as fast as
    the guest UART accepts them, so it may be given all at once.
    """
    if stdin is None:
        return (None if interactive else subprocess.DEVNULL), None
    if isinstance(stdin, str):
        return subprocess.PIPE, stdin.encode()
    if isinstance(stdin, (bytes, bytearray)):
        return subprocess.PIPE, bytes(stdin)
    return stdin, None


class _Pump:
    """Copy QEMU's output into memory, a log file and optionally a terminal.

    Kept as a small class because the loop needs shared state: the decoded
    text so far, arrival times, and how far the `until` pattern has looked.
    """

    WINDOW = 65536  # how far back `until` re-scans, so long logs stay cheap

    def __init__(self, log, echo, until, start):
        """log: binary file or None; echo: binary stream or None; until:
        regex (text or compiled) or None; start: monotonic start time."""
        self.log = log
        self.echo = echo
        self.until = re.compile(until) if isinstance(until, str) else until
        self.start = start
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.text = []
        self.length = 0
        self.tail = ""
        self.times = []
        self.matched = False

    def feed(self, data):
        """Take one chunk of console bytes; return True once until matched."""
        if self.log:
            self.log.write(data)
            self.log.flush()
        if self.echo is not None:
            self.echo.write(data)
            self.echo.flush()
        piece = self.decoder.decode(data)
        if not piece:
            return self.matched
        self.text.append(piece)
        self.length += len(piece)
        self.times.append((self.length, time.monotonic() - self.start))
        if self.until is not None and not self.matched:
            self.tail = (self.tail + piece)[-self.WINDOW:]
            self.matched = self.until.search(self.tail) is not None
        return self.matched

    def finish(self):
        """Flush the decoder and return the whole output as text."""
        rest = self.decoder.decode(b"", final=True)
        if rest:
            self.text.append(rest)
            self.length += len(rest)
            self.times.append((self.length, time.monotonic() - self.start))
        return "".join(self.text)


# The PS/2 key (QEMU's "qcode") of each character a US keyboard types,
# and whether shift is held for it.
_QCODE_PLAIN = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus",
                "=": "equal", "[": "bracket_left", "]": "bracket_right",
                ";": "semicolon", "'": "apostrophe", "`": "grave_accent",
                "\\": "backslash", ",": "comma", ".": "dot", "/": "slash"}
_QCODE_SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5",
                  "^": "6", "&": "7", "*": "8", "(": "9", ")": "0",
                  "_": "minus", "+": "equal", "{": "bracket_left",
                  "}": "bracket_right", ":": "semicolon",
                  '"': "apostrophe", "~": "grave_accent", "|": "backslash",
                  "<": "comma", ">": "dot", "?": "slash"}


class Keys:
    """Keys to press on the machine's PS/2 keyboard (not the serial port).

    A step of input= (see _Typist) may be a Keys instead of text: when its
    pattern appears, each key is pressed and released through QEMU's QMP
    socket (`send-key`), as a person at the QEMU window would type.
    text is typed literally (uppercase and symbols with shift, "\\n" as
    Enter), except {name} for a key or chord by QEMU's name: {up},
    {down}, {left}, {right}, {esc}, {ctrl-c}, {ctrl-z}, {caps_lock},
    {backspace}, {home}, {f1}; {{ and }} type a brace.
    """

    def __init__(self, text, hold_ms=30):
        self.text = text
        self.hold_ms = hold_ms

    def chords(self):
        """The key chords to send, each a list of qcodes held together."""
        out, i, t = [], 0, self.text
        while i < len(t):
            c = t[i]
            if c in "{}" and t[i:i + 2] in ("{{", "}}"):
                out.append(["shift", _QCODE_SHIFTED[c]])
                i += 2
                continue
            if c == "{":
                end = t.index("}", i)
                out.append(t[i + 1:end].split("-"))
                i = end + 1
                continue
            if c.isalpha() and c.isupper():
                out.append(["shift", c.lower()])
            elif c.isalnum():
                out.append([c])
            elif c in _QCODE_PLAIN:
                out.append([_QCODE_PLAIN[c]])
            elif c in _QCODE_SHIFTED:
                out.append(["shift", _QCODE_SHIFTED[c]])
            else:
                raise ValueError("Keys: no key types %r" % c)
            i += 1
        return out


class _Keyboard:
    """The machine's keyboard through QEMU's QMP socket (opened lazily)."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""

    def _line(self):
        """The next JSON reply (events, which QMP interleaves, skipped)."""
        while True:
            while b"\n" not in self.buf:
                data = self.sock.recv(4096)
                if not data:
                    raise OSError("QMP socket closed")
                self.buf += data
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def _command(self, name, arguments=None):
        cmd = {"execute": name}
        if arguments:
            cmd["arguments"] = arguments
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        reply = self._line()
        if "error" in reply:
            raise OSError("QMP %s: %s" % (name, reply["error"]))

    def type(self, keys):
        """Press keys (a Keys); errors end the typing quietly (the checks
        then see what the screen did not get)."""
        try:
            if self.sock is None:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.settimeout(10)
                self.sock.connect(self.path)
                self._line()  # the greeting
                self._command("qmp_capabilities")
            for chord in keys.chords():
                self._command("send-key", {
                    "keys": [{"type": "qcode", "data": k} for k in chord],
                    "hold-time": keys.hold_ms})
        except (OSError, ValueError) as e:
            sys.stderr.write("keelqemu: keyboard: %s\n" % e)

    def close(self):
        if self.sock is not None:
            self.sock.close()



class Host:
    """A step of scripted input that is work on the host, not keys.

    When its pattern shows on the console, fn(match) runs in a thread of
    its own (the console keeps flowing meanwhile): a test's host side,
    such as connecting to a port the guest just said it listens on. What
    fn returns (a str, or None for nothing) is typed into the serial port
    when it ends, and only then do the later steps' patterns count: the
    guest can wait for the host's word (`read`) before it goes on. An
    exception in fn is kept in .error and types nothing.
    """

    def __init__(self, fn):
        self.fn = fn
        self.thread = None
        self.result = None
        self.error = None

    def start(self, match):
        """Run fn(match) in a daemon thread."""
        def body():
            try:
                self.result = self.fn(match)
            except Exception as e:  # reported by the test that asked
                self.error = e
        self.thread = threading.Thread(target=body, daemon=True)
        self.thread.start()

    def running(self):
        """True while fn has not returned."""
        return self.thread is not None and self.thread.is_alive()


class _Typist:
    """Type scripted input into the serial port once markers appear.

    steps: a list of (pattern, text) pairs; a text may be a Keys, pressed
    on the PS/2 keyboard instead (keyboard: the _Keyboard that does it).
    Each text is sent when its
    pattern (a regex, or None for "at once") matches the console output
    after the point where the previous pattern matched, so a program can
    print a prompt and get its answer only then: input that arrives before
    a program switches its terminal to raw mode would be line-edited. A
    pattern that never appears types nothing more; the run's deadline
    still ends it, so a script cannot hang the grader.
    """

    def __init__(self, steps, keyboard=None):
        self.steps = [(re.compile(p) if isinstance(p, str) else p,
                       t if isinstance(t, (Keys, Host)) else
                       t.encode() if isinstance(t, str) else bytes(t))
                      for p, t in steps]
        self.pos = 0  # where in the output the next pattern is searched
        self.keyboard = keyboard  # a _Keyboard, for steps that are Keys

    def due(self, text):
        """Bytes whose markers the output `text` now shows (maybe b"")."""
        out = b""
        while self.steps:
            pattern, data = self.steps[0]
            if isinstance(data, Host) and data.thread is not None:
                if data.running():
                    break  # the host is still at work
                if data.result:
                    out += data.result.encode()
                self.steps.pop(0)
                continue
            m = None
            if pattern is not None:
                m = pattern.search(text, self.pos)
                if m is None:
                    break
                self.pos = m.end()
            if isinstance(data, Host):
                data.start(m)
                continue
            if isinstance(data, Keys):
                self.keyboard.type(data)
            else:
                out += data
            self.steps.pop(0)
        return out

    def done(self):
        """True once every step has been typed."""
        return not self.steps

    def waiting(self):
        """True while a Host step runs: its end must be noticed even if
        the console stays quiet."""
        return bool(self.steps) and isinstance(self.steps[0][1], Host) \
            and self.steps[0][1].running()


def _pump_loop(proc, pump, feed, deadline, typist=None):
    """Move bytes between QEMU and us until it exits, matches or times out.

    Returns "exit", "matched" or "timeout". select() keeps one thread doing
    all of it, so there are no reader threads to clean up after a kill.
    """
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    err_chunks = []
    if proc.stderr is not None:
        sel.register(proc.stderr, selectors.EVENT_READ, "err")
    if proc.stdin is not None and (feed or typist is not None):
        os.set_blocking(proc.stdin.fileno(), False)
    if typist is not None:
        feed = typist.due("")
    if proc.stdin is not None and feed:
        sel.register(proc.stdin, selectors.EVENT_WRITE, "in")
    outcome = "exit"
    while sel.get_map():
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            outcome = "timeout"
            break
        hosting = typist is not None and typist.waiting()
        if hosting:
            wait = 0.1 if wait is None else min(wait, 0.1)
        events = sel.select(wait)
        if hosting and not typist.waiting():
            feed = _type_due(proc, typist, pump, feed, sel)
        for key, _ in events:
            if key.data == "in":
                feed = _write_some(proc.stdin, feed, sel,
                                   typist is None or typist.done())
                continue
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
            elif key.data == "err":
                err_chunks.append(data)
            elif pump.feed(data):
                outcome = "matched"
            if key.data == "out" and typist is not None:
                feed = _type_due(proc, typist, pump, feed, sel)
        if outcome == "matched":
            break
    sel.close()
    return outcome, b"".join(err_chunks)


def _write_some(stdin, feed, sel, last=True):
    """Write what the pipe takes of feed; when all is written stop
    watching stdin, and close it if this was the last input (last)."""
    try:
        n = os.write(stdin.fileno(), feed)
    except BlockingIOError:
        return feed
    except BrokenPipeError:
        n = len(feed)
    feed = feed[n:]
    if not feed:
        sel.unregister(stdin)
        if last:
            stdin.close()
    return feed


def _type_due(proc, typist, pump, feed, sel):
    """Queue the typist's input that the output so far has unlocked."""
    if proc.stdin is None or proc.stdin.closed:
        return feed
    more = typist.due("".join(pump.text))
    if more:
        if not feed:
            sel.register(proc.stdin, selectors.EVENT_WRITE, "in")
        feed += more
    return feed


def _drain(proc, pump, seconds=1.0):
    """Collect what is left in the pipes after QEMU was stopped."""
    end = time.monotonic() + seconds
    err = []
    for stream, is_err in ((proc.stdout, False), (proc.stderr, True)):
        if stream is None:
            continue
        os.set_blocking(stream.fileno(), False)
        while time.monotonic() < end:
            try:
                data = os.read(stream.fileno(), 65536)
            except BlockingIOError:
                break
            if not data:
                break
            if is_err:
                err.append(data)
            else:
                pump.feed(data)
    return b"".join(err)


def run(iso, timeout, log_path, stdin=None, interactive=False, until=None,
        memory=None, extra_args=None, gdb_port=None, input=None, linux=None,
        display=None):
    """Boot iso in QEMU, capture the serial console and say how it ended.

    iso: GRUB image. timeout: seconds (already scaled, see timeout());
    None means no deadline. log_path: the console is written there as it
    arrives (None: no log), so a log survives even if the caller dies.
    stdin: None (/dev/null, or the terminal when interactive), text to type
    into the serial port, or a file object. interactive: QEMU shares this
    terminal (monitor multiplexed, Ctrl-A X quits) and the console is also
    echoed to it. until: a regex; once the console matches it QEMU is
    stopped and the reason is "matched" (for kernels that idle forever).
    memory, extra_args, gdb_port, linux: see qemu_command() (with linux,
    iso is None). input: a list of
    (pattern, text) steps typed into the serial port as the console shows
    each pattern (see _Typist); not with stdin or interactive.

    Returns a RunResult. Raises QemuMissing if QEMU is not installed.
    """
    check_qemu()
    cmd = qemu_command(iso, memory, extra_args, interactive, gdb_port,
                       linux, display)
    if input is not None and (stdin is not None or interactive):
        raise ValueError("input= cannot be combined with stdin= or "
                         "an interactive run")
    stdin_arg, feed = _open_stdin(stdin, interactive)
    typist = keyboard = None
    if input is not None:
        if any(isinstance(t, Keys) for _, t in input):
            import tempfile
            sockdir = tempfile.mkdtemp(prefix="keelqmp-")
            keyboard = _Keyboard(os.path.join(sockdir, "qmp"))
            cmd += ["-qmp", "unix:%s,server=on,wait=off" % keyboard.path]
        stdin_arg, feed = subprocess.PIPE, b""
        typist = _Typist(input, keyboard)
    log = open(log_path, "wb") if log_path else None
    echo = sys.stdout.buffer if interactive else None
    start = time.monotonic()
    pump = _Pump(log, echo, until, start)
    proc = subprocess.Popen(
        cmd if interactive else _with_parent(cmd), stdin=stdin_arg,
        stdout=subprocess.PIPE,
        stderr=None if interactive else subprocess.PIPE,
        # A batch QEMU gets its own process group so a timeout can kill it
        # and anything it started; an interactive one must stay in ours to
        # own the terminal.
        start_new_session=not interactive)
    deadline = None if timeout is None else start + float(timeout)
    try:
        outcome, err = _pump_loop(proc, pump, feed, deadline, typist)
    except KeyboardInterrupt:
        outcome, err = "interrupted", b""
    if outcome != "exit":
        _kill_group(proc)
        err += _drain(proc, pump)
    rc = proc.wait()
    elapsed = time.monotonic() - start
    if keyboard is not None:
        keyboard.close()
        shutil.rmtree(os.path.dirname(keyboard.path), ignore_errors=True)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None and not stream.closed:
            stream.close()
    output = pump.finish()
    stderr = err.decode("utf-8", "replace")
    if outcome != "exit":
        # QEMU's note that we killed it is our doing, not the kernel's.
        stderr = "".join(ln for ln in stderr.splitlines(True)
                         if "terminating on signal" not in ln)
        err = stderr.encode()
    status, reason = describe_end(output, rc, stderr, outcome == "timeout",
                                  outcome == "matched", timeout or 0)
    if outcome == "interrupted":
        reason = "interrupted"
    if log:
        if stderr.strip():
            log.write(b"\n--- QEMU stderr ---\n" + err)
        log.write(b"\n--- " + accelerator_line().encode() + b" ---\n")
        log.close()
    return RunResult(output=output, rc=rc, status=status, elapsed=elapsed,
                     reason=reason, stderr=stderr, log_path=log_path,
                     timed_out=outcome == "timeout",
                     matched=outcome == "matched", command=cmd,
                     chunk_times=pump.times)


def _cli_interactive(args, gdb_port=None):
    """`run` and `gdb`: QEMU on this terminal until the user quits it.

    Exit code 0 when the kernel powered off cleanly or the user quit;
    otherwise the kernel's status (or 1), so `make run` fails visibly when
    the kernel panicked.
    """
    print(accelerator_line(), flush=True)
    if gdb_port is None:
        print("keel: QEMU starting; quit with Ctrl-A then X", flush=True)
    else:
        print("keel: QEMU waiting for gdb on localhost:%d; "
              "quit with Ctrl-A then X" % gdb_port, flush=True)
    if args.net:
        forwards = args.fwd or []
        args.qemu_args = net_args(forwards) + args.qemu_args
        print(net_describe(forwards), flush=True)
    display = None
    if getattr(args, "graphic", None):
        display = display_args(args.graphic)
    if display and "curses" in display:
        # the terminal is QEMU's screen now: nothing to capture
        rc = subprocess.call(qemu_command(args.iso, args.memory,
                                          args.qemu_args, True, gdb_port,
                                          display=display))
        status = decode_status(rc)
        return 0 if status in (None, STATUS_OK) else status
    res = run(args.iso, None, args.log, interactive=True, memory=args.memory,
              extra_args=args.qemu_args, gdb_port=gdb_port, display=display)
    print("\r\nkeel: QEMU ended: %s" % _plain_reason(res), flush=True)
    if res.status == STATUS_OK or (res.status is None and res.rc == 0):
        return 0
    return res.status if res.status else 1


def _plain_reason(res):
    """Reason for a person at the terminal; rc 0 there is usually a quit."""
    if res.status is None and res.rc == 0:
        return "QEMU quit (no kernel status; a triple fault also ends here)"
    return res.reason


def _cli_batch(args):
    """`batch`: boot headless, echo the console, exit 0 only on status 0.

    For scripts and demos that want the grader's view of one boot without
    writing a test. A matched --until also counts as success.
    """
    print(accelerator_line(), file=sys.stderr, flush=True)
    if args.net:
        args.qemu_args = net_args(args.fwd or []) + args.qemu_args
    res = run(args.iso, timeout(args.timeout), args.log, until=args.until,
              memory=args.memory, extra_args=args.qemu_args)
    sys.stdout.write(res.output)
    if res.output and not res.output.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
    print("keel: %s (%.1fs)" % (res.reason, res.elapsed), file=sys.stderr)
    if res.status == STATUS_OK or res.matched:
        return 0
    return res.status if res.status else 1


def _parser():
    """Build the argparse parser for the three subcommands.

    Extra QEMU arguments are split off at "--" by main() before argparse
    sees them, so they can start with a dash.
    """
    p = argparse.ArgumentParser(
        prog="python3 -m tools.keelqemu",
        description="Run a Keel ISO in QEMU.",
        epilog="Arguments after -- are passed to QEMU unchanged.")
    sub = p.add_subparsers(dest="cmd")

    def common(sp, port=False):
        """The arguments every subcommand takes (and gdb's port)."""
        sp.add_argument("iso", help="GRUB ISO made by tools/mkiso.sh")
        if port:
            sp.add_argument("port", type=int, help="TCP port for gdb")
        sp.add_argument("-m", "--memory", default=None,
                        help="guest memory (QEMU -m), default 256M")
        sp.add_argument("--log", default=None, help="also save console here")
        sp.add_argument("--net", action="store_true",
                        help="add the network card (virtio-net, user "
                             "network)")
        sp.add_argument("--fwd", action="append", metavar="HOST:GUEST",
                        help="with --net: forward TCP 127.0.0.1:HOST to "
                             "the guest's port GUEST (repeatable)")

    r = sub.add_parser("run", help="run on this terminal")
    common(r)
    r.add_argument("--graphic", default=None, metavar="1|vnc|curses",
                   help="also show the machine's screen (tty1)")
    common(sub.add_parser("gdb", help="run and wait for gdb"), port=True)
    b = sub.add_parser("batch", help="run headless with a timeout")
    common(b)
    b.add_argument("--timeout", type=float, default=60,
                   help="base seconds, scaled by KEEL_TIMEOUT_SCALE")
    b.add_argument("--until", default=None,
                   help="stop with success when the console matches")
    return p


def main(argv=None):
    """Command-line entry point; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    qemu_args = []
    if "--" in argv:
        cut = argv.index("--")
        argv, qemu_args = argv[:cut], argv[cut + 1:]
    parser = _parser()
    args = parser.parse_args(argv)
    if args.cmd is None:
        parser.print_usage(sys.stderr)
        return 2
    args.qemu_args = qemu_args
    try:
        check_qemu()
        if args.cmd == "run":
            return _cli_interactive(args)
        if args.cmd == "gdb":
            return _cli_interactive(args, gdb_port=args.port)
        return _cli_batch(args)
    except (QemuMissing, ValueError) as e:
        print("keelqemu: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
