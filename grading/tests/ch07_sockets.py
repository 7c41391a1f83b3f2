"""Chapter 7 tests: sockets over the loopback interface, 127.0.0.1.

Why these checks: sockets are how nearly every program that talks to
another does it, and the socket calls have more corner cases than any
other family: the states of a TCP connection, what poll says in each,
the errors in the order Linux gives them. A conformance program runs
each corner on Keel and on the host's Linux, and the two must print the
same lines; BusyBox's own network programs (nc, httpd, wget) then talk
to each other through the stack; a fuzzer of socket calls must not
bring the kernel down. All of it runs without a network card: lwIP's
loopback interface carries it.

One boot runs /bin/socktest with every part, then /bin/sockfuzz with a
random seed, then /test/net.sh with a random token.

  sock-tcp      (15)  exercise 7.2. socktest part tcp: connect and accept, accept4's
                      flags, the names of both ends, MSG_PEEK,
                      MSG_DONTWAIT, MSG_WAITALL, 1 MiB echoed back and
                      checksummed, shutdown, a peer's close, EPIPE and
                      SIGPIPE (MSG_NOSIGNAL).
  sock-nonblock (10)  exercise 7.2. part nonblock: EINPROGRESS, poll,
                      SO_ERROR, ECONNREFUSED blocking and not.
  sock-poll     (10)  exercise 7.2. part poll: readiness of a listener
                      and of a connection in each of its states; select.
  sock-errors   (10)  exercise 7.2. part errors: EADDRINUSE,
                      SO_REUSEADDR over TIME_WAIT, ENOTCONN, EISCONN,
                      EBADF, ENOTSOCK, EFAULT, EINVAL...
  sock-opts     (10)  exercise 7.2. part opts: getsockopt and setsockopt.
  sock-udp      (10)  exercise 7.3. part udp: datagrams, their senders,
                      their boundaries, MSG_TRUNC, sendmsg and recvmsg.
  sock-edge     (5)   exercise 7.2. part edge: what a small stack often
                      gets wrong (resets, a 0-byte recv, EDOM, a
                      connect or sendto to 0.0.0.0, which is this host).
  sockfuzz      (10)  /bin/sockfuzz: random socket calls with random
                      arguments; the kernel survives, the program ends
                      its run, and every socket is freed after it
                      (/proc/net/sockstat: sockets: used 0).
  bb-loopback   (15)  exercise 7.2. /test/net.sh: BusyBox ifconfig
                      shows lo; nc moves a line; httpd serves a page to
                      wget (and a 404); 1 MiB each way through nc,
                      compared with cmp.
  bb-udp        (5)   exercise 7.3. /test/net.sh: BusyBox nc -u to
                      /bin/udpecho and back.

Python 3 standard library only.
"""

import re
import secrets

from grading.gradelib import (assert_equal, assert_true, boot, expect,
                              expect_not, test, token)
from grading import oracle
from grading.progtest import chapter_initrd, sections, user_lines

TOKEN = token()
SEED = secrets.randbelow(1 << 30) + 1
CRASH = r"EXCEPTION|KERNEL PANIC"


@test(0, "sockets")
def test_sockets():
    """Boot; /init runs socktest (all parts), sockfuzz and net.sh."""
    boot("quiet -- /bin/socktest,all /bin/sockfuzz,%d,3000 "
         "/bin/sh,/test/net.sh,%s" % (SEED, TOKEN), timeout=300,
         initrd=chapter_initrd())


def parts(lines):
    """socktest's output split at its "== part" lines: {part: lines}."""
    out, cur = {}, None
    for line in lines:
        m = re.match(r"== (\w+)$", line)
        if m:
            cur = out.setdefault(m.group(1), [])
        elif cur is not None:
            cur.append(line)
    return out


_HOST = {}


def host_parts():
    """socktest's parts as Linux prints them (run once)."""
    if not _HOST:
        _HOST.update(parts(oracle.linux_output("socktest", ["all"])
                           .splitlines()))
    return _HOST


def part_matches(name):
    """Part `name` of socktest printed what it prints on Linux."""
    got = sections(user_lines()).get("socktest")
    assert_true(got is not None, "no `init: /bin/socktest exited` line: "
                "socktest did not run to its end")
    want = host_parts().get(name)
    assert_true(want is not None, "the Linux recording did not run part " + name)
    got = got[:-1]  # init's own line ends the section
    assert_equal(parts(got).get(name, ["(part %s missing)" % name]), want,
                 "socktest part %s printed something else than on Linux:"
                 % name)
    expect_not(CRASH)


@test(15, "sock-tcp: TCP connections over 127.0.0.1", parent=test_sockets)
def test_sock_tcp():
    """socktest tcp (user/socktest.c)."""
    part_matches("tcp")


@test(10, "sock-nonblock: non-blocking connect, SO_ERROR, ECONNREFUSED",
      parent=test_sockets)
def test_sock_nonblock():
    """socktest nonblock."""
    part_matches("nonblock")


@test(10, "sock-poll: poll and select on sockets", parent=test_sockets)
def test_sock_poll():
    """socktest poll."""
    part_matches("poll")


@test(10, "sock-errors: the socket calls' errors", parent=test_sockets)
def test_sock_errors():
    """socktest errors."""
    part_matches("errors")


@test(10, "sock-opts: getsockopt and setsockopt", parent=test_sockets)
def test_sock_opts():
    """socktest opts."""
    part_matches("opts")


@test(10, "sock-udp: UDP datagrams", parent=test_sockets)
def test_sock_udp():
    """socktest udp."""
    part_matches("udp")


@test(5, "sock-edge: resets, empty reads, EDOM", parent=test_sockets)
def test_sock_edge():
    """socktest edge."""
    part_matches("edge")


@test(10, "sockfuzz: random socket calls leave the kernel standing",
      parent=test_sockets)
def test_sockfuzz():
    """sockfuzz with a random seed ends its run; no crash."""
    expect([r"sockfuzz: seed %d, 3000 calls done" % SEED,
            r"init: /bin/sockfuzz exited with status 0",
            r"== sockstat\s+sockets: used 0\s"],
           msg="sockfuzz must end, and every socket it made be freed "
           "(/proc/net/sockstat after it says `sockets: used 0`)")
    expect_not(CRASH)


def net_section():
    """The lines of /test/net.sh, from its first part to its end."""
    text = user_lines()
    start = text.find("== sockstat")
    end = text.find("== end %s" % TOKEN)
    assert_true(start >= 0 and end > start,
                "/test/net.sh did not run to its end")
    return text[start:end].splitlines()


@test(15, "bb-loopback: BusyBox ifconfig, nc, httpd and wget over lo",
      parent=test_sockets)
def test_bb_loopback():
    """ifconfig lo; nc; httpd + wget; 1 MiB each way."""
    lines = net_section()
    for want in ["inet addr:127.0.0.1  Mask:255.0.0.0",
                 "UP LOOPBACK RUNNING",
                 "nc-" + TOKEN,
                 "page-" + TOKEN, "wget: 0",
                 "wget of a missing page: 1",
                 "1 MiB to a listener: same bytes",
                 "1 MiB from a listener: same bytes"]:
        assert_true(want in lines, "/test/net.sh did not print %r:\n  %s"
                    % (want, "\n  ".join(lines)))
    expect_not(CRASH)


@test(5, "bb-udp: BusyBox nc -u to a UDP echo server", parent=test_sockets)
def test_bb_udp():
    """nc -u sends a datagram to /bin/udpecho and prints the echo."""
    lines = net_section()
    for want in ["udp-" + TOKEN, "udpecho: 1 echoed"]:
        assert_true(want in lines, "/test/net.sh did not print %r:\n  %s"
                    % (want, "\n  ".join(lines)))
    expect_not(CRASH)
