"""Chapter 6 tests: many terminals, the controlling terminal, ptys.

Why these checks: every terminal program that is not on the console (a
terminal emulator's shell, an ssh or telnet login, `script`, `expect`)
runs on a pseudo-terminal, and job control (^Z, `fg`, `bg`, a background
job that tries to read) rests on the controlling terminal's rules. A
pty that loses echo, a missing CR, a slave that cannot be named by
ttyname(), or a background read that is not stopped all break real
programs in ways a unit test of one call would not see.

One boot runs, in a random order, /bin/ptytest, /bin/hello and the
BusyBox script /test/pty.sh with a random token.

  pty      (30)  exercise 6.2. `ptytest` (user/ptytest.c) equals Linux:
                 posix_openpt/grantpt/unlockpt/ptsname, the locked slave,
                 ttyname and stat against fstat, echo and ONLCR both ways,
                 canonical lines and FIONREAD, raw mode; the controlling
                 terminal (open by a session leader, TIOCGSID, TIOCGPGRP,
                 /dev/tty, ENXIO/ENOTTY/EPERM for other sessions,
                 TIOCSPGRP's errors); SIGTTIN and SIGTTOU for background
                 reads, TOSTOP writes and tcsetattr, EIO for ignored
                 SIGTTIN and orphaned groups; SIGWINCH; hang-up when the
                 master closes and when the session leader exits; EIO
                 for a master whose slaves are closed; 20000 bytes of
                 slave output through the 4 KiB ring (the writer waits
                 for the master); poll on both ends; the System V
                 termio requests (TCGETA, TCSETAW, TCSETAF) and the
                 termios lock (TIOCGLCKTRMIOS).
  script   (10)  exercise 6.2. BusyBox `script -c "tty; stty -a"` runs a
                 shell on a pty: tty says /dev/pts/N, stty shows a sane
                 terminal (icanon, echo, opost, onlcr, ^C as intr), and
                 the token comes back.
  ttydevs  (10)  the device nodes carry Linux's numbers (ttyS0 4,64;
                 console 5,1; tty 5,0; the screen's tty0 4,0, tty1 4,1,
                 vcs1 7,1 and vcsa1 7,129; ptmx 5,2; devpts mounted on
                 /dev/pts with its ptmx), and /dev/tty without a
                 controlling terminal fails with ENXIO. No pty is needed.

Python 3 standard library only.
"""

import re
import secrets

from grading.gradelib import assert_equal, assert_true, boot, result, test
from grading import oracle
from grading.progtest import chapter_initrd, sections, user_lines

TOKEN = secrets.token_hex(4)


def script_section(name):
    """Lines of pty.sh's section `== name`, up to the next one."""
    out, inside = [], False
    for line in user_lines().splitlines():
        if line.startswith("== "):
            inside = line == "== " + name
            continue
        if inside:
            out.append(line)
    return out


@test(0, "tty")
def test_tty():
    """Boot: ptytest, hello and pty.sh in a random order."""
    order = ["/bin/ptytest", "/bin/hello", "/bin/sh,/test/pty.sh,%s" % TOKEN]
    secrets.SystemRandom().shuffle(order)
    boot("quiet -- %s" % " ".join(order), timeout=180,
         initrd=chapter_initrd())


@test(30, "pty: ptytest equals Linux", parent=test_tty)
def test_pty():
    """Names, data both ways, the controlling terminal, job control,
    hang-up (user/ptytest.c)."""
    got = sections(user_lines()).get("ptytest")
    assert_true(got is not None, "no `init: /bin/ptytest exited` line: the "
                "program did not run to its end\n  run ended: %s"
                % result().reason)
    got = [ln for ln in got[:-1] if not ln.startswith("init: ")]
    want = oracle.linux_output("ptytest", []).splitlines()
    assert_equal(got, want, "/bin/ptytest printed something else than on "
                 "Linux:")


@test(10, "script: BusyBox script runs a shell on a pty", parent=test_tty)
def test_script():
    """tty names a slave; stty -a shows sane settings; the token."""
    lines = script_section("script")
    text = "\n".join(lines)
    assert_true(any(re.fullmatch(r"/dev/pts/\d+", ln) for ln in lines),
                "`tty` inside script did not print /dev/pts/N:\n%s" % text)
    for flag in ("icanon", "echo", "opost", "onlcr", "isig", "icrnl"):
        assert_true(re.search(r"(^|\s)%s(\s|$)" % flag, text, re.M),
                    "stty -a on the pty does not show %s:\n%s" % (flag, text))
    assert_true(re.search(r"intr = \^C", text),
                "stty -a on the pty does not show intr = ^C:\n%s" % text)
    assert_true("token-" + TOKEN in lines,
                "the echo of the token did not come back through the "
                "pty:\n%s" % text)


@test(10, "ttydevs: terminal device numbers, /dev/tty without a ctty",
      parent=test_tty)
def test_ttydevs():
    """Linux's numbers for the nodes; ENXIO for /dev/tty."""
    nodes = script_section("nodes")
    want = ["/dev/ttyS0 character special file 4,40",
            "/dev/console character special file 5,1",
            "/dev/tty character special file 5,0",
            "/dev/tty0 character special file 4,0",
            "/dev/tty1 character special file 4,1",
            "/dev/vcs1 character special file 7,1",
            "/dev/vcsa1 character special file 7,81",
            "/dev/ptmx character special file 5,2",
            "/dev/pts/ptmx character special file 5,2",
            "devpts on /dev/pts type devpts"]
    assert_equal(nodes, want, "the terminal nodes are not Linux's:")
    noctty = script_section("no ctty")
    assert_true(len(noctty) == 2 and "No such device or address" in noctty[0]
                and noctty[1] == "status 1",
                "/dev/tty without a controlling terminal should fail with "
                "ENXIO:\n%s" % "\n".join(noctty))
