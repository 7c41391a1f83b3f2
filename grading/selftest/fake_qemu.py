#!/usr/bin/env python3
"""A stand-in for qemu-system-x86_64, so the harness can be tested without
a kernel, QEMU or KVM.

Why: the grader must be trustworthy before the kernel it grades exists, and
its failure paths (timeouts, panics, wrong output) are hard to provoke with
a real kernel on demand. This script speaks QEMU's interface as the harness
uses it: it takes the same arguments, prints the "serial console" on
stdout and exits with (status << 1) | 1 like isa-debug-exit.

The -cdrom file is JSON, in one of two forms:

  {"actions": [...]}      a script, for testing tools/keelqemu.py:
        {"out": "text"}          print to the console
        {"err": "text"}          print to stderr
        {"raw_hex": "ff0a"}      write these bytes to the console
        {"sleep": 0.5}           wait
        {"echo_stdin": 5}        read 5 bytes of input, print them back
        {"stdin_ready": true}    print "ready: yes" if input is waiting
        {"child_pid_file": "f"}  start a sleeping child; write its pid to f
        {"exit": 2}              debug-exit with kernel status 2
        {"rc": 0}                exit with this raw code
        {"hang": true}           sleep forever

  {"kernel": ..., "cmdline": ...}   written by the fake tools/mkiso.sh:
        simulate a chapter-1 Keel kernel that reads the command line and
        runs the self-test `test=NAME` names (printk, fault, backtrace,
        timer), or idles printing its uptime. FAKE_KEEL_BUGS (comma list)
        switches on deliberate bugs, so the tests can check that each
        chapter-1 test catches its bug and only it:
          banner-chapter       the banner names the wrong chapter
          no-token             the cmdline line drops the token= word
          printk-sign          printk's %d prints the unsigned value
          triple-fault         the page fault resets the machine
          fault-hang           after the fault report the kernel hangs
          backtrace-one-frame  the stack walker stops after the innermost
                               frame (the handout of exercise 1.2)
          dead-timer           no timer interrupt ever arrives (the
                               handout of exercise 1.3)
          fast-ticks           the timer fires far too often
          rtc-stuck            the CMOS clock never advances

FAKE_QEMU_ARGV, if set, names a file that receives the argument list.
"""

import ctypes
import json
import os
import select
import subprocess
import sys
import time

TICK = 0.75  # seconds per simulated uptime tick (tests need >= 0.7)


def out(text):
    """Write console text at once, as a UART would."""
    sys.stdout.write(text)
    sys.stdout.flush()


def debug_exit(status):
    """Leave like QEMU's isa-debug-exit does."""
    sys.exit((status << 1) | 1)


def arg_after(argv, flag, default=None):
    """The value following flag in argv, or default."""
    if flag in argv and argv.index(flag) + 1 < len(argv):
        return argv[argv.index(flag) + 1]
    return default


def run_actions(actions):
    """Play a keelqemu test script (see the module docstring)."""
    for act in actions:
        if "out" in act:
            out(act["out"])
        elif "raw_hex" in act:
            sys.stdout.flush()
            sys.stdout.buffer.write(bytes.fromhex(act["raw_hex"]))
            sys.stdout.buffer.flush()
        elif "err" in act:
            sys.stderr.write(act["err"])
            sys.stderr.flush()
        elif "sleep" in act:
            time.sleep(act["sleep"])
        elif "echo_stdin" in act:
            data = sys.stdin.buffer.read(act["echo_stdin"])
            out("got: %s\n" % data.decode())
        elif "stdin_ready" in act:
            ready, _, _ = select.select([sys.stdin], [], [], 0)
            out("ready: %s\n" % ("yes" if ready else "no"))
        elif "child_pid_file" in act:
            child = subprocess.Popen([sys.executable, "-c",
                                      "import time; time.sleep(60)"])
            with open(act["child_pid_file"], "w") as f:
                f.write(str(child.pid))
        elif "exit" in act:
            debug_exit(act["exit"])
        elif "rc" in act:
            sys.exit(act["rc"])
        elif act.get("hang"):
            while True:
                time.sleep(1)
    sys.exit(0)


# ------------------------------------------------------- simulated kernel


def xorshift32(seed):
    """The printk test's generator, written out independently."""
    x = seed % (1 << 32)
    if x == 0:
        x = 1
    while True:
        x = (x ^ (x << 13)) % (1 << 32)
        x = x ^ (x >> 17)
        x = (x ^ (x << 5)) % (1 << 32)
        yield x


def c_format(i, a, b, c, bugs):
    """Format one printk line with the C library, as the kernel would."""
    fmt = b"%d|%u|%x|%08x|%-6d|%5u|%lx|%c|%s|%%"
    if "printk-sign" in bugs:
        fmt = b"%u|%u|%x|%08x|%-6d|%5u|%lx|%c|%s|%%"
    sa = ctypes.c_int32(a).value
    sb = ctypes.c_int32(b).value
    rem = int(sb - int(sb / 100000) * 100000)  # C truncating remainder
    buf = ctypes.create_string_buffer(256)
    libc = ctypes.CDLL(None)
    libc.snprintf(buf, 256, fmt, ctypes.c_int32(sa), ctypes.c_uint32(b),
                  ctypes.c_uint32(c), ctypes.c_uint32(a), ctypes.c_int32(rem),
                  ctypes.c_uint32(c % 100000), ctypes.c_uint64((a << 32) | b),
                  ctypes.c_int(33 + c % 94), ("s%d" % i).encode())
    return buf.value.decode()


def printk_test(seed, bugs):
    """The kernel's printk self-test."""
    selftest_start("printk")
    gen = xorshift32(seed)
    for i in range(20):
        a, b, c = next(gen), next(gen), next(gen)
        out("printk: %s\r\n" % c_format(i, a, b, c, bugs))
    selftest_end("printk")


def power_off(status):
    """Print the power-off line and leave through debug-exit."""
    out("keel: power off (status %d)\r\n" % status)
    debug_exit(status)


def selftest_start(name):
    """The line the kernel prints before running a self-test."""
    out("selftest: %s: running\r\n" % name)


def selftest_end(name, reason=None):
    """Report a self-test's verdict and power off, as selftest_main does."""
    if reason is None:
        out("selftest: %s: PASS\r\n" % name)
    else:
        out("selftest: %s: FAIL: %s\r\n" % (name, reason))
    out("selftest: 1 run, %d failed\r\n" % (reason is not None))
    power_off(0 if reason is None else 1)


def walk_stack(frames, bugs):
    """The frame-pointer walk, innermost first; the handout's walker
    stops after the first frame."""
    return frames[:1] if "backtrace-one-frame" in bugs else frames


def fault_test(bugs):
    """A page fault in selftest_fault, reported the way Keel reports it."""
    selftest_start("fault")
    out("selftest: fault: writing to 0xdead0000\r\n")
    if "triple-fault" in bugs:
        sys.exit(0)
    out("EXCEPTION: #PF Page Fault (vector 14) err=0x2 "
        "(not-present write kernel)\r\n")
    out("  rip=ffffffff80101234 cr2=0x00000000dead0000 "
        "rsp=ffffffff80200f00\r\n")
    out("backtrace:\r\n")
    for frame in walk_stack(["[<ffffffff80101234>] selftest_fault+0x14/0x30",
                             "[<ffffffff80100e40>] selftest_main+0x60/0x110",
                             "[<ffffffff80100100>] kmain+0x80/0x120"], bugs):
        out("  %s\r\n" % frame)
    if "fault-hang" in bugs:
        while True:
            time.sleep(1)
    out("KERNEL PANIC: unhandled exception 14\r\n")
    power_off(2)


BT_WANT = ["bt_level3", "bt_level2", "bt_level1", "selftest_backtrace"]


def backtrace_test(bugs):
    """test=backtrace: name the frames of three nested calls."""
    selftest_start("backtrace")
    names = walk_stack(BT_WANT + ["selftest_main", "kmain"], bugs)
    for i, name in enumerate(names):
        out("backtrace-test: frame %d: %s\r\n" % (i, name))
    reason = None
    if len(names) < len(BT_WANT):
        reason = "walk stopped after %d frames" % len(names)
    selftest_end("backtrace", reason)


HZ = 100


def timer_test(bugs):
    """test=timer: count the ticks of one CMOS-clock second (bounded)."""
    selftest_start("timer")
    ticks = HZ
    if "dead-timer" in bugs:
        ticks = 0
    elif "fast-ticks" in bugs:
        ticks = 20 * HZ
    if "rtc-stuck" in bugs:
        reason = "wall clock does not advance"
    elif ticks == 0:
        reason = "no timer interrupts in one second"
    elif not HZ // 2 <= ticks <= HZ * 3 // 2:
        reason = "%d ticks in one second, expected about %d" % (ticks, HZ)
    else:
        reason = None
    selftest_end("timer", reason)


def memory_map(mb):
    """Print a SeaBIOS-like map for mb MiB of RAM (inclusive ends)."""
    top = mb << 20
    rows = [(0, 0x9FBFF, "available"), (0x9FC00, 0x9FFFF, "reserved"),
            (0xF0000, 0xFFFFF, "reserved"),
            (0x100000, top - 0x20001, "available"),
            (top - 0x20000, top - 1, "reserved")]
    for start, end, kind in rows:
        out("mmap: [0x%016x-0x%016x] %s\r\n" % (start, end, kind))


def idle(bugs):
    """The idle loop: `uptime: 0 s` at the first tick, then one update per
    second, forever (none at all when the timer is dead: the CPU sleeps
    waiting for an interrupt that never comes)."""
    if "dead-timer" in bugs:
        while True:
            time.sleep(1)
    n = 0
    while True:
        out("\ruptime: %d s" % n)
        time.sleep(0 if "fast-ticks" in bugs else TICK)
        n += 1


SELFTESTS = {"fault": fault_test, "backtrace": backtrace_test,
             "timer": timer_test}


def simulate(image, argv):
    """Behave like a chapter-1 Keel kernel booted with image's cmdline."""
    bugs = set(filter(None, os.environ.get("FAKE_KEEL_BUGS", "").split(",")))
    with open(image["kernel"]) as f:
        chapter = int(f.read().split("=")[1])
    if "banner-chapter" in bugs:
        chapter += 1
    words = dict(w.split("=", 1) for w in image["cmdline"].split() if "=" in w)
    out("Keel 0.0-fake (chapter %d) booting\r\n" % chapter)
    line = image["cmdline"]
    if "no-token" in bugs:
        line = " ".join(w for w in line.split() if not w.startswith("token="))
    out("cmdline: %s\r\n" % line)
    memory_map(int(arg_after(argv, "-m", "256M").rstrip("M")))
    out("keel: boot complete, interrupts on\r\n")
    test = words.get("test")
    if test == "printk":
        printk_test(int(words.get("seed", "0")), bugs)
    elif test in SELFTESTS:
        SELFTESTS[test](bugs)
    elif test is not None:
        out("selftest: %s: FAIL: no such test (try test=list)\r\n" % test)
        out("selftest: 0 run, 1 failed\r\n")
        power_off(1)
    idle(bugs)


def main():
    """Dispatch on the kind of -cdrom file."""
    argv = sys.argv[1:]
    if os.environ.get("FAKE_QEMU_ARGV"):
        with open(os.environ["FAKE_QEMU_ARGV"], "w") as f:
            json.dump(argv, f)
    iso = arg_after(argv, "-cdrom")
    try:
        with open(iso) as f:
            image = json.load(f)
    except (OSError, TypeError, ValueError) as e:
        sys.stderr.write("qemu-system-x86_64: -cdrom %s: %s\n" % (iso, e))
        sys.exit(1)
    if "actions" in image:
        run_actions(image["actions"])
    simulate(image, argv)


if __name__ == "__main__":
    main()
