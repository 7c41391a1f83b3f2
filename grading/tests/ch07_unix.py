"""Chapter 7 tests: AF_UNIX sockets, passing files and credentials.

Why these checks: local sockets are how the programs of one machine talk
(syslog, D-Bus, X11, a database's local clients, ssh's agent), and
passing an open file from one process to another over one is how
privilege-separated servers hand out what they opened. A conformance
program runs each corner on Keel and on the host's Linux, and the two
must print the same lines; a last run of it counts the AF_UNIX sockets
still alive (/proc/net/unix), which must be none; BusyBox's syslogd and
logger then talk over /dev/log.

One boot runs /bin/unixtest with every part, /bin/unixfuzz with a
random seed, then /test/unix.sh with a random token (which first counts
the sockets left).

  unix-stream    (7)  unixtest stream: socketpair, read and write,
                      MSG_PEEK, MSG_WAITALL, FIONREAD, shutdown, EPIPE
                      and SIGPIPE, a writer blocked by SO_SNDBUF.
  unix-conn      (7)  conn: bind to a path (a socket in stat), listen,
                      connect, accept4, names, ECONNREFUSED, a full
                      backlog, unlink.
  unix-names     (4)  names: abstract names, autobind, bind's errors.
  unix-dgram     (6)  dgram: sendto a path, senders' names, MSG_TRUNC,
                      connected datagrams, EPERM, ECONNREFUSED.
  unix-seqpacket (4)  seqpacket: records over a connection.
  unix-rights   (12)  exercise 7.5. rights: SCM_RIGHTS between
                      processes, MSG_CMSG_CLOEXEC, MSG_CTRUNC, MSG_PEEK.
  unix-rights-errors (3) rights_errors: bad control messages;
                      ETOOMANYREFS past RLIMIT_NOFILE files in flight.
  unix-gc        (4)  gc: files in flight when both ends
                      close; sockets passed over themselves; a chain of
                      300 socket pairs closed at once (a kernel that
                      closes it recursively overflows its stack).
  unix-creds     (4)  creds: SO_PEERCRED, SCM_CREDENTIALS.
  unix-poll      (4)  poll: readiness of pairs, listeners, shut ends.
  unix-misc      (3)  misc: options' defaults and bounds, fstat, open()
                      of a socket's path, SO_RCVTIMEO, false credentials.
  unix-fuzz      (3)  /bin/unixfuzz: random AF_UNIX calls, control
                      messages and files passed in cycles; the kernel
                      survives and the program ends its run.
  unix-leak      (3)  after unixtest and unixfuzz, /proc/net/unix lists
                      no socket: the collector freed every cycle.
  bb-syslog      (3)  BusyBox logger to syslogd over /dev/log; netstat
                      -x lists it (/proc/net/unix in Linux's format).

Python 3 standard library only.
"""

import secrets

from grading.gradelib import (assert_equal, assert_true, boot, expect,
                              expect_not, test, token)
from grading import oracle
from grading.progtest import chapter_initrd, sections, user_lines
from grading.tests.ch07_sockets import parts

TOKEN = token()
SEED = secrets.randbelow(1 << 30) + 1
CRASH = r"EXCEPTION|KERNEL PANIC"


@test(0, "unix")
def test_unix():
    """Boot; /init runs unixtest (all parts), unixfuzz and unix.sh."""
    boot("quiet -- /bin/unixtest,all /bin/unixfuzz,%d,3000 "
         "/bin/sh,/test/unix.sh,%s" % (SEED, TOKEN), timeout=240,
         initrd=chapter_initrd())


_HOST = {}


def host_parts():
    """unixtest's parts as Linux prints them (run once)."""
    if not _HOST:
        _HOST.update(parts(oracle.linux_output("unixtest", ["all"]).splitlines()))
    return _HOST


def unix_part(name):
    """Part `name` of unixtest printed what it prints on Linux."""
    got = sections(user_lines()).get("unixtest")
    assert_true(got is not None, "no `init: /bin/unixtest exited` line: "
                "unixtest did not run to its end")
    want = host_parts().get(name)
    assert_true(want is not None, "the Linux recording did not run part " + name)
    assert_equal(parts(got[:-1]).get(name, ["(part %s missing)" % name]),
                 want, "unixtest part %s printed something else than on "
                 "Linux:" % name)
    expect_not(CRASH)


@test(7, "unix-stream: socketpair, shutdown, EPIPE, SO_SNDBUF",
      parent=test_unix)
def test_unix_stream():
    """unixtest stream (user/unixtest.c)."""
    unix_part("stream")


@test(7, "unix-conn: paths, listen, connect, accept", parent=test_unix)
def test_unix_conn():
    """unixtest conn."""
    unix_part("conn")


@test(4, "unix-names: abstract names and autobind", parent=test_unix)
def test_unix_names():
    """unixtest names."""
    unix_part("names")


@test(6, "unix-dgram: datagrams by name and connected", parent=test_unix)
def test_unix_dgram():
    """unixtest dgram."""
    unix_part("dgram")


@test(4, "unix-seqpacket: records over a connection", parent=test_unix)
def test_unix_seqpacket():
    """unixtest seqpacket."""
    unix_part("seqpacket")


@test(12, "unix-rights: passing files with SCM_RIGHTS", parent=test_unix)
def test_unix_rights():
    """unixtest rights (exercise 7.5)."""
    unix_part("rights")


@test(3, "unix-rights-errors: bad control messages", parent=test_unix)
def test_unix_rights_errors():
    """unixtest rights_errors."""
    unix_part("rights_errors")


@test(4, "unix-gc: files in flight are not leaked", parent=test_unix)
def test_unix_gc():
    """unixtest gc."""
    unix_part("gc")


@test(4, "unix-creds: SO_PEERCRED and SCM_CREDENTIALS", parent=test_unix)
def test_unix_creds():
    """unixtest creds."""
    unix_part("creds")


@test(4, "unix-poll: readiness of local sockets", parent=test_unix)
def test_unix_poll():
    """unixtest poll."""
    unix_part("poll")


@test(3, "unix-misc: options, fstat, timeouts, false credentials",
      parent=test_unix)
def test_unix_misc():
    """unixtest misc."""
    unix_part("misc")


@test(3, "unix-fuzz: random AF_UNIX calls leave the kernel standing",
      parent=test_unix)
def test_unix_fuzz():
    """unixfuzz with a random seed ends its run; no crash."""
    expect([r"unixfuzz: seed %d, 3000 calls done" % SEED,
            r"init: /bin/unixfuzz exited with status 0"],
           msg="unixfuzz must end its run (the seed repeats it: "
           "/bin/unixfuzz SEED 3000)")
    expect_not(CRASH)


@test(3, "unix-leak: no AF_UNIX socket outlives its program",
      parent=test_unix)
def test_unix_leak():
    """/proc/net/unix after unixtest and unixfuzz lists no socket."""
    expect([r"== leak\s+unix sockets: 0\s"],
           msg="every AF_UNIX socket unixtest made must be freed, files "
           "in flight included (/proc/net/unix lists none after it)")
    expect_not(CRASH)


@test(3, "bb-syslog: BusyBox logger to syslogd over /dev/log",
      parent=test_unix)
def test_bb_syslog():
    """/test/unix.sh: syslogd binds /dev/log, netstat -x lists it,
    logger's line reaches it."""
    text = user_lines()
    start, end = text.find("== syslog"), text.find("== end %s" % TOKEN)
    assert_true(start >= 0 and end > start,
                "/test/unix.sh did not run to its end")
    lines = text[start:end].splitlines()
    for want in ["/dev/log is a socket", "netstat -x lists /dev/log",
                 "unixsh: log-" + TOKEN]:
        assert_true(want in lines, "/test/unix.sh did not print %r:\n  %s"
                    % (want, "\n  ".join(lines)))
    expect_not(CRASH)
