"""Chapter 4 tests: the console as a terminal (line discipline, termios).

Why these checks: an interactive shell needs the terminal to edit lines,
echo what is typed, turn the serial port's Enter (CR) into a newline,
hand single keys to a program in raw mode and make ^C a signal. A
discipline that loses an erase or echoes a line twice makes BusyBox ash
unusable long before any other test notices.

The host oracle does not apply here: typed input only exists on a
terminal, and on the host the program's stdin is /dev/null (it just says
so). Instead the test types random tokens with editing keys into the
serial port, one line after each of the program's prompts, and computes
what Linux's n_tty makes of them: the line read() returns and the echo
(ECHOE's "\\b \\b", ECHOCTL's "^C", ECHOK/ECHOKE wiping a killed line).

Groups (40 points):

  console  (30)  boot with `-- /bin/ttytest` (user/ttytest.c) and type:
                 canonical lines with DEL, ^H, ^U, ^W, ^C, ^V and ^D, then
                 bytes in raw mode; check the lines, the echo, the raw
                 bytes, FIONREAD, TCSAFLUSH dropping input, the VMIN=0
                 poll and the VTIME timeout.
  ldisc    (10)  `test=ldisc` (kernel/tty/tty_test.c): the discipline fed
                 keys from inside the kernel and read without blocking:
                 -EAGAIN on an empty queue, a half line not readable,
                 short reads, ^D, ^C flushing, raw bytes, VMIN=0.
"""

import re
import subprocess
from pathlib import Path

from grading.gradelib import (assert_equal, assert_true, boot, boot_selftest,
                              chapter, expect, result, test, token)

REPO = Path(__file__).resolve().parent.parent.parent
RUB = "\b \b"  # how ECHOE wipes one echoed column


def chapter_initrd():
    """The initramfs `make` packs for the graded chapter (built if missing)."""
    path = REPO / "build" / ("ch%02d" % chapter()) / "initrd.cpio"
    if not path.exists():
        subprocess.run(["make", "-s", "initrd", "CHAPTER=%d" % chapter()],
                       cwd=str(REPO), check=False)
    assert_true(path.exists(), "no %s: `make initrd` failed" % path)
    return str(path)


def escaped_reverse(s):
    """What ttytest prints for line s: reversed, non-printables as \\xNN."""
    return "".join(c if 0x20 <= ord(c) < 0x7f and c != "\\"
                   else "\\x%02x" % ord(c) for c in reversed(s))


def make_script():
    """Random typed lines: (keys, the line read() returns, the echo)."""
    a, b, c, d = token(3), token(3), token(4), token(3)
    e, f, g, h = token(3), token(3), token(3), token(4)
    i, j, k, m = token(3), token(5), token(2), token(2)
    return [
        # DEL and ^H each take back one character, echoed as "\b \b".
        (a + "x\x7f" + b + "y\x08\r", a + b + "\n",
         a + "x" + RUB + b + "y" + RUB + "\r\n"),
        # ^U kills the line: ECHOK+ECHOKE wipe it character by character.
        (c + " junk\x15" + d + "\r", d + "\n",
         c + " junk" + RUB * len(c + " junk") + d + "\r\n"),
        # ^W erases the last word only.
        (e + " " + f + "\x17" + g + "\r", e + " " + g + "\n",
         e + " " + f + RUB * len(f) + g + "\r\n"),
        # ^C echoes as "^C" and flushes the line; ^A is kept, shown "^A".
        (h + "\x03" + i + "\x01\r", i + "\x01\n",
         h + "^C" + i + "^A" + "\r\n"),
        # ^V makes the next key (here ^U) plain input: "^", "\b", "^U".
        (k + "\x16\x15" + m + "\r", k + "\x15" + m + "\n",
         k + "^\b^U" + m + "\r\n"),
        # ^D in the middle of a line ends it without a newline or echo.
        (j + "\x04", j, j),
        # ^D at the start of a line: read() returns 0.
        ("\x04", None, ""),
    ]


SCRIPT = make_script()
RAW = token(4) + "\r\x03\x7fq"  # bytes for raw mode, 'q' ends them
FLUSHED = "zzz"  # typed after the 'q'; TCSAFLUSH must drop them


@test(0, "console")
def test_console():
    """Boot /bin/ttytest and type into the serial port after each prompt."""
    steps = [(r"ttytest: line %d\?\r?\n" % (n + 1), keys)
             for n, (keys, _, _) in enumerate(SCRIPT)]
    steps.append((r"ttytest: raw\?\r?\n", RAW + FLUSHED))
    boot("quiet -- /bin/ttytest", timeout=90, initrd=chapter_initrd(),
         input=steps)


def segment(n):
    """The console between prompt n and what ttytest printed next."""
    out = result().output
    m = re.search(r"ttytest: line %d\?\r\n(.*?)(rev\[|eof\r?\n)" % n, out,
                  re.S)
    assert_true(m is not None, "no answer to prompt %d\n  run ended: %s"
                % (n, result().reason))
    return m.group(1)


@test(3, "console: default termios (Linux's console settings)",
      parent=test_console)
def test_console_modes():
    """TCGETS returns ICANON, ECHO, ICRNL, OPOST... and INIT_C_CC."""
    expect([r"icanon=1 echo=1 echoe=1 isig=1 icrnl=1 opost=1",
            r"vintr=3 verase=127 vkill=21 veof=4 vmin=1 vtime=0"])


@test(3, "console: ioctls (window size, FIONREAD, EFAULT, ENOTTY)",
      parent=test_console)
def test_console_ioctls():
    """TIOCGWINSZ is 80x25 and TIOCSWINSZ sticks; nothing typed yet is 0
    bytes; a bad pointer is EFAULT (14), an unknown request ENOTTY (25)."""
    expect([r"winsize 25x80", r"set winsize 33x97", r"fionread 0",
            r"bad pointer: -1 errno 14", r"unknown request: -1 errno 25"])


@test(10, "console: canonical lines (erase, ^U, ^W, ^C, ^V, ^D)",
      parent=test_console)
def test_console_lines():
    """Each read() returns the edited line; ^D at a line start is EOF."""
    out = result().output
    for n, (keys, line, _) in enumerate(SCRIPT, 1):
        if line is None:
            continue
        body = line[:-1] if line.endswith("\n") else line
        want = "rev[%d%s]: %s" % (len(line), ",nl" if line.endswith("\n")
                                  else "", escaped_reverse(body))
        assert_true(want in out, "typed %r after prompt %d, expected the "
                    "program to print %r" % (keys, n, want))
    assert_true(re.search(r"ttytest: line 7\?\r\neof", out) is not None,
                "^D at the start of a line did not make read() return 0")


@test(4, "console: echo (ECHOE, ECHOCTL, ECHOKE)", parent=test_console)
def test_console_echo():
    """The echo of every typed line is exactly what Linux prints."""
    for n, (_, _, echo) in enumerate(SCRIPT, 1):
        assert_equal(segment(n), echo, "echo of line %d:" % n)


@test(10, "console: raw mode (VMIN=1, TCSAFLUSH, VMIN=0, VTIME)",
      parent=test_console)
def test_console_raw():
    """Single bytes, no echo, no CR translation, no ^C signal."""
    want = ["byte %02x" % ord(ch) for ch in RAW]
    out = result().output
    m = re.search(r"ttytest: raw\?\r\n(.*?)ttytest: done", out, re.S)
    assert_true(m is not None, "raw part did not finish\n  run ended: %s"
                % result().reason)
    got = [ln for ln in m.group(1).splitlines() if ln]
    assert_equal(got, want + ["queued after q: 3", "poll: 0",
                              "timeout: 0"],
                 "raw-mode bytes (no echo), then TCSAFLUSH dropping 3:")
    expect(r"init: /bin/ttytest exited with status 0")


@test(10, "ldisc")
def test_ldisc():
    """The in-kernel self-test of the line discipline passes."""
    boot_selftest("ldisc", timeout=60)
