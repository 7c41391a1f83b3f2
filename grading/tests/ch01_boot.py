"""Chapter 1 tests: the kernel boots, talks on the serial port, and fails well.

Why these checks: chapter 1 delivers the machinery every later chapter
leans on for debugging. If the banner, the command line, the memory map,
the timer, formatted printing and the exception report are not right, no
later test failure can be read. Every check here also runs when a later
chapter is graded, against that chapter's kernel.

Groups (75 points). Each exercise of chapter 1 is graded by exactly one
group, so a handout with an exercise stubbed loses exactly that group:

  boot       (15)  boot with `quiet=0 token=<random>` until `keel: boot
                   complete`. Children: banner, command line echoed with
                   the token, memory map.
  fault      (10)  boot with `test=fault`: a write to an unmapped page must
                   give exit status 2, a decoded #PF report and a
                   symbolized backtrace through selftest_fault.
  printk     (20)  exercise 1.1. Boot with `test=printk seed=<random>`:
                   twenty formatted lines must match, byte for byte, the
                   ones computed here (specification below).
  backtrace  (15)  exercise 1.2. Boot with `test=backtrace`: the walk from
                   three nested functions names them in order.
  timer      (15)  exercise 1.3. Idle until `uptime: 3 s` (ticks 1, 2, 3 in
                   real time), and `test=timer`: about HZ ticks during one
                   second of the CMOS clock.

The memory size of the boot group is also chosen at random per run, and
the memory-map check compares the reported total with it.

Printk test specification (kernel side: implement exactly this)
----------------------------------------------------------------

The command line holds `test=printk seed=S`, S a decimal number in
0 .. 4294967295. The kernel runs a xorshift32 generator:

    state = S, or 1 if S is 0                  (32-bit unsigned)
    next():  x = state
             x ^= x << 13   (mod 2^32)
             x ^= x >> 17
             x ^= x << 5    (mod 2^32)
             state = x
             return x                          (the new state)

For i = 0, 1, ..., 19, in order:

    a = next(); b = next(); c = next();
    printk("printk: %d|%u|%x|%08x|%-6d|%5u|%lx|%c|%s|%%\\n",
           (int32_t)a,                          // signed view of a
           b,                                   // uint32_t
           c,                                   // uint32_t
           a,                                   // uint32_t
           (int32_t)b % 100000,                 // C remainder: sign of b
           c % 100000,                          // uint32_t
           ((uint64_t)a << 32) | b,             // unsigned long
           33 + c % 94,                         // a character '!'..'~'
           name);                               // the string "s<i>": s0..s19

Each line starts with `printk: ` and is printed on its own line (LF or
CRLF). Nothing else on the console may start with `printk: `. After the
twentieth line the kernel prints `selftest: printk: PASS` and powers off
with status 0. expected_printk_lines() below is the reference.
"""

import re
import secrets

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              chapter, expect, expect_selftest, fail, lines,
                              result, test, token)

# Chosen once per run: a stub kernel cannot know them in advance.
RUN = {
    "token": token(),
    "seed": secrets.randbelow(1 << 32),
    "memory_mb": secrets.choice([160, 192, 224, 256, 288, 320]),
}

MASK32 = 0xFFFFFFFF
PRINTK_LINES = 20


# ------------------------------------------------------------------ boot


@test(0, "boot")
def test_boot():
    """Boot once to the end of kmain's set-up, stop: the group's console."""
    boot("quiet=0 token=%s" % RUN["token"], timeout=30,
         until=r"keel: boot complete", memory="%dM" % RUN["memory_mb"])


@test(5, "boot: banner", parent=test_boot)
def test_boot_banner():
    """The banner names the chapter that was built (catches a wrong build)."""
    m = expect(r"Keel (\S+) \(chapter (\d+)\) booting")
    assert_equal(int(m.group(2)), chapter(),
                 "the banner names the wrong chapter")


@test(5, "boot: cmdline echoed", parent=test_boot)
def test_boot_cmdline():
    """The kernel reads GRUB's command line; the random token proves it."""
    m = expect(r"cmdline: ([^\r\n]*)")
    words = m.group(1).split()
    for want in ("quiet=0", "token=%s" % RUN["token"]):
        assert_true(want in words, "cmdline line lacks %r: %r"
                    % (want, m.group(0)))


MMAP_RE = re.compile(r"mmap: \[0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\] "
                     r"([^\r\n]*?)\s*$", re.M)


def mmap_entries(text):
    """Parse `mmap:` lines into (start, size, type).

    The end address may be inclusive (0x...fff) or exclusive (0x...000);
    both conventions are accepted: an odd end is taken as inclusive.
    """
    out = []
    for m in MMAP_RE.finditer(text):
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        size = end - start + (1 if end & 1 else 0)
        out.append((start, size, m.group(3)))
    return out


@test(5, "boot: memory map", parent=test_boot)
def test_boot_mmap():
    """The multiboot2 memory map is printed and adds up to the machine.

    The guest gets a random amount of memory; the available ranges must
    total between 85% and 100% of it (firmware keeps a little), must not
    overlap, and must include memory above 1 MiB where the kernel lives.
    """
    entries = mmap_entries(result().output)
    assert_true(entries, "no `mmap: [0x...-0x...] <type>` lines")
    avail = sorted((s, n) for s, n, kind in entries if kind == "available")
    assert_true(avail, "no memory range of type `available`")
    for (s1, n1), (s2, _) in zip(avail, avail[1:]):
        assert_true(n1 > 0 and s1 + n1 <= s2,
                    "available ranges overlap at 0x%x" % s2)
    assert_true(any(s >= 0x100000 for s, _ in avail),
                "no available memory above 1 MiB")
    total, mem = sum(n for _, n in avail), RUN["memory_mb"] << 20
    assert_true(0.85 * mem <= total <= mem + 4096,
                "available memory adds up to %d KiB; the guest has %d KiB"
                % (total >> 10, mem >> 10))


# ----------------------------------------------------------------- fault


@test(0, "fault")
def test_fault():
    """Boot the fault self-test: a write to an unmapped address."""
    boot("test=fault", timeout=30)


@test(2, "fault: exit status 2", parent=test_fault)
def test_fault_status():
    """A CPU exception in the kernel stops QEMU with status 2, no hang."""
    assert_status(2)


def exception_block(text):
    """The #PF report: from its EXCEPTION line up to `backtrace:` (or 40
    lines when there is none)."""
    m = re.search(r"EXCEPTION: #PF[^\r\n]*", text)
    if m is None:
        return None, None
    rest = text[m.start():]
    end = re.search(r"^\s*backtrace:", rest, re.M)
    if end:
        return m, rest[:end.start()]
    return m, "\n".join(re.split(r"\r\n|\r|\n", rest)[:40])


@test(4, "fault: page fault decoded", parent=test_fault)
def test_fault_decoded():
    """The report names the exception and decodes the error code and CR2."""
    expect(r"EXCEPTION: #PF", msg="no `EXCEPTION: #PF` line")
    m, block = exception_block(result().output)
    assert_true(re.search(r"#PF Page Fault \(vector 14\)", m.group(0)),
                "the exception line should read `EXCEPTION: #PF Page Fault "
                "(vector 14) ...`, got:\n  %s" % m.group(0))
    for word in ("not-present", "write"):
        assert_true(re.search(r"(?<![\w-])%s(?![\w-])" % word, block),
                    "the #PF report does not decode the error code as "
                    "`%s`" % word)
    assert_true(re.search(r"cr2=0x[0-9a-fA-F]+", block),
                "the #PF report lacks `cr2=0x...`")


FRAME_RE = re.compile(r"^\s*\[<([0-9a-fA-F]{16})>\] ([\w.$]+)"
                      r"\+0x([0-9a-fA-F]+)/0x([0-9a-fA-F]+)", re.M)


@test(4, "fault: backtrace symbolized", parent=test_fault)
def test_fault_backtrace():
    """The backtrace walks frame pointers and names functions with offsets.

    One frame must be in selftest_fault (the function that faulted or its
    caller); every frame's offset must lie inside its function when the
    function's size is known (non-zero).
    """
    text = result().output
    m = expect(r"^\s*backtrace:", msg="no `backtrace:` line")
    frames = FRAME_RE.findall(text, m.end())
    assert_true(frames, "no frames like `  [<ffffffff80123456>] "
                "name+0x1a/0x40` after `backtrace:`")
    for addr, name, off, size in frames:
        assert_true(int(addr, 16) >= 0xFFFF800000000000,
                    "frame %s is not a kernel address" % addr)
        # Size 0 means unknown (an assembly label without .size).
        assert_true(int(size, 16) == 0 or int(off, 16) < int(size, 16),
                    "frame %s+0x%s/0x%s: offset past the end" % (
                        name, off, size))
    names = [f[1] for f in frames]
    assert_true(any("selftest_fault" in n for n in names),
                "no frame in selftest_fault; frames: %s" % ", ".join(names))


# ---------------------------------------------------------------- printk


def xorshift32(seed):
    """Yield the xorshift32 sequence of the printk specification above."""
    x = (seed & MASK32) or 1
    while True:
        x ^= (x << 13) & MASK32
        x ^= x >> 17
        x ^= (x << 5) & MASK32
        yield x


def _s32(x):
    """The int32_t view of a 32-bit unsigned value."""
    return x - (1 << 32) if x & 0x80000000 else x


def _c_rem(a, b):
    """C's a % b: truncates toward zero, so the result has a's sign."""
    r = abs(a) % b
    return -r if a < 0 else r


def expected_printk_lines(seed):
    """The twenty `printk: ` lines the kernel must print for seed.

    Python's % operator implements these conversions as C does (it accepts
    and ignores the `l` length modifier), which host tests cross-check
    against the C library's snprintf.
    """
    gen = xorshift32(seed)
    out = []
    for i in range(PRINTK_LINES):
        a, b, c = next(gen), next(gen), next(gen)
        out.append("printk: %d|%u|%x|%08x|%-6d|%5u|%lx|%c|%s|%%" % (
            _s32(a), b, c, a, _c_rem(_s32(b), 100000), c % 100000,
            (a << 32) | b, chr(33 + c % 94), "s%d" % i))
    return out


@test(0, "printk")
def test_printk():
    """Boot the printk self-test with this run's random seed."""
    boot("test=printk seed=%d" % RUN["seed"], timeout=30)


@test(15, "printk: formatted lines", parent=test_printk)
def test_printk_lines():
    """All twenty lines match the reference exactly, in order."""
    got = [ln for ln in lines() if ln.startswith("printk: ")]
    want = expected_printk_lines(RUN["seed"])
    if not got:
        fail("no lines starting with `printk: ` (seed=%d)" % RUN["seed"])
    assert_equal(got, want, "printk output differs from the reference "
                 "(seed=%d); first lines of a unified diff:" % RUN["seed"])


@test(5, "printk: self-test passes", parent=test_printk)
def test_printk_pass():
    """The kernel reports the printk self-test passed and powers off."""
    expect(r"selftest: printk: PASS")
    assert_status(0)


# ------------------------------------------------------------- backtrace


BT_WANT = ["bt_level3", "bt_level2", "bt_level1", "selftest_backtrace"]


@test(0, "backtrace")
def test_backtrace():
    """Boot the backtrace self-test: a stack walk from nested functions."""
    boot("test=backtrace", timeout=30)


@test(10, "backtrace: frames in order", parent=test_backtrace)
def test_backtrace_frames():
    """The walk names bt_level3, bt_level2, bt_level1, selftest_backtrace.

    The kernel prints each frame it saw as `backtrace-test: frame I: NAME`;
    a walker that stops after the innermost frame shows only bt_level3.
    """
    got = re.findall(r"backtrace-test: frame (\d+): (\S+)",
                     result().output)
    names = [name for _, name in got]
    assert_true(names, "no `backtrace-test: frame I: NAME` lines")
    assert_equal(names[:len(BT_WANT)], BT_WANT,
                 "the first frames of the walk are not the nested calls:")


@test(5, "backtrace: self-test passes", parent=test_backtrace)
def test_backtrace_pass():
    """The kernel reports the backtrace self-test passed and powers off."""
    expect_selftest("backtrace")


# ----------------------------------------------------------------- timer


@test(0, "timer")
def test_timer():
    """Boot and idle until the third uptime tick: the timer's console."""
    # about 5 s when the timer works (boot, then three ticks); a kernel
    # without timer interrupts prints `uptime: 0 s` and waits it out
    boot("quiet=0 token=%s" % RUN["token"], timeout=15,
         until=r"uptime: 3 s")


@test(8, "timer: uptime ticks", parent=test_timer)
def test_timer_uptime():
    """The timer interrupt works: ticks 1, 2, 3 appear, in order, in time.

    Ticks one second apart cannot arrive all at once, so tick 3 must come
    at least 1.4 s of wall time after tick 1.
    """
    res = result()
    ticks = list(re.finditer(r"uptime: (\d+) s", res.output))
    values = [int(m.group(1)) for m in ticks]
    assert_true(values, "no `uptime: N s` ticks\n  run ended: %s"
                % res.reason)
    for x, y in zip(values, values[1:]):
        assert_true(y > x, "uptime went from %d s to %d s" % (x, y))
    for want in (1, 2, 3):
        assert_true(want in values, "no `uptime: %d s` tick (saw %s)\n"
                    "  run ended: %s" % (want, values, res.reason))
    t1 = res.time_at(ticks[values.index(1)].start())
    t3 = res.time_at(ticks[values.index(3)].start())
    assert_true(t3 - t1 >= 1.4, "ticks 1 to 3 took %.2f s of real time, "
                "not about 2 s: is the timer programmed right?" % (t3 - t1))



@test(7, "timer: rate against the wall clock", parent=test_timer)
def test_timer_rate():
    """`test=timer`: about HZ ticks during one second of the CMOS clock."""
    boot("test=timer", timeout=30)
    expect_selftest("timer")
