"""Chapter 6 tests: ptys under the programs that live on them.

Why these checks: a pty is only worth what the programs on it see. A
program that pastes into a terminal or a server that copies its client's
typing to a shell (telnetd, sshd) writes the master faster than the
shell reads; a lost byte there is a corrupted command. `stty` is how a
user and a script see and set a terminal, and its answers are those of
the kernel's defaults for a new pty. telnetd puts everything together:
it opens /dev/ptmx, starts a session whose controlling terminal is the
slave, and copies between its client and the master.

One boot runs, in a random order, /bin/ptyflow, /bin/sttytest,
/bin/telnettest and /bin/hello; each program's section of the console
must equal what the same binary prints on the host's Linux.

  pty-flow  (10)  exercise 6.2. /bin/ptyflow (user/ptyflow.c), the
                  regression test of the bug "a master write into a
                  full slave input queue drops bytes": O_NONBLOCK master
                  writes stop with EAGAIN and poll says not writable,
                  every byte written arrives in order; a blocking 64 KiB
                  write to a slow raw-mode reader returns the whole count
                  and nothing is lost; in canonical mode a full queue of
                  complete lines stops the writer, and a line longer
                  than the queue is cut, not waited for.
  stty      (10)  exercise 6.2. /bin/sttytest (user/sttytest.c): BusyBox
                  stty on the slave of a new pty, read from the master:
                  `stty -a` shows Linux's defaults for a new pty (speed,
                  a 0x0 window, the control characters, -hupcl);
                  `stty rows 40 cols 100` sets the size and sends
                  SIGWINCH to the foreground group (none when the size
                  set is the same); a TIOCSWINSZ on the master does too;
                  `stty raw -echo`, `stty sane`, `stty intr ^A erase ^H`
                  show in `stty -a`.
  telnetd   (15)  exercise 6.2. /bin/telnettest (user/telnettest.c)
                  runs BusyBox `telnetd -i` on two pipes and plays its
                  client (setsockopt and getpeername on a pipe fail with
                  ENOTSOCK, on a closed descriptor with EBADF, and
                  telnetd goes on); telnetd opens a pty and starts a
                  shell in a new session on the slave; the client
                  answers the window size (NAWS), types commands and
                  `exit`: the test sees
                  telnetd's negotiation, `tty` naming /dev/pts/N, 42 for
                  $((6*7)), `stty size` 40 100, the shell leading its
                  session and group in the foreground, and telnetd's
                  exit status 0. Linux runs the same binaries (telnetd
                  needs no privilege in inetd mode: it only opens
                  /dev/ptmx).

Python 3 standard library only.
"""

import secrets

from grading.gradelib import boot, expect_not, test
from grading.progtest import chapter_initrd, program_matches

ORDER = ["/bin/ptyflow", "/bin/sttytest", "/bin/telnettest", "/bin/hello"]
secrets.SystemRandom().shuffle(ORDER)


@test(0, "ptyapps")
def test_ptyapps():
    """Boot; /init runs the pty programs and hello in a random order."""
    boot("quiet -- %s" % " ".join(ORDER), timeout=240,
         initrd=chapter_initrd())


CRASH = r"EXCEPTION|KERNEL PANIC"


def check(name):
    """Program `name`'s section equals Linux's; the kernel did not crash."""
    program_matches(name, ORDER)
    expect_not(CRASH)


@test(10, "pty-flow: a master's writes wait for the slave's reader",
      parent=test_ptyapps)
def test_pty_flow():
    """No input lost into a full slave queue: EAGAIN, a blocking 64 KiB
    write, canonical lines (user/ptyflow.c)."""
    check("ptyflow")


@test(10, "stty: stty -a and the window size on a new pty",
      parent=test_ptyapps)
def test_stty():
    """BusyBox stty -a on a fresh pty, rows 40 cols 100, SIGWINCH, raw,
    sane (user/sttytest.c)."""
    check("sttytest")


@test(15, "telnetd: BusyBox telnetd -i serves a shell on a pty",
      parent=test_ptyapps)
def test_telnetd():
    """telnetd's negotiation, tty, $((6*7)), the window size from NAWS,
    the shell leads its session in the foreground, telnetd's exit
    (user/telnettest.c)."""
    check("telnettest")
