"""Chapter 7 tests: epoll and eventfd.

Why these checks: every server that holds many connections (nginx,
node, dropbear, any event loop) waits with epoll, and wakes its loop
from other threads with an eventfd. epoll's contract is subtle: the
file, not the descriptor, is registered; level-triggered reports repeat
while the file is ready, edge-triggered ones only after a change,
one-shot ones once until re-armed; an epoll can sit inside another.
The conformance program user/epolltest.c runs each corner on Keel and
on the host's Linux, and the two must print the same lines; its last
part is a 1000-connection echo server and client over 127.0.0.1.

One boot runs /bin/asynctest, then /bin/epolltest with every part.

  epoll-eventfd  (6)   part eventfd: the counter, semaphore mode, EAGAIN,
                       EINVAL, EFAULT, blocking read and write, poll.
  epoll-basics   (6)   exercise 7.4. part basics: epoll_create(1), the
                       errors of epoll_ctl and epoll_wait, the data,
                       EPOLLHUP and EPOLLERR unasked, timeouts.
  epoll-modes    (8)   exercise 7.4. parts pipe and fifo: level-triggered,
                       EPOLLET, EPOLLONESHOT and its re-arming.
  epoll-pty      (4)   exercise 7.4. part pty: a pty's master and slave.
  epoll-files    (6)   exercise 7.4. part files: eventfd, timerfd and
                       signalfd in an epoll.
  epoll-sockets  (6)   exercise 7.4. part sockets: a TCP listener and
                       connection (EPOLLRDHUP), UDP.
  epoll-close    (6)   exercise 7.4. part close: a dup or a forked child
                       keeps the registration, the last close drops it.
  epoll-nested   (6)   exercise 7.4. part nested: an epoll in an epoll,
                       ELOOP, poll() of an epoll.
  epoll-eintr    (4)   part eintr: signals end epoll_wait; epoll_pwait's
                       mask.
  epoll-echo     (10)  exercise 7.4. part echo: 1000 connections open at
                       once, echoed by an epoll server.
  epoll-async    (6)   /bin/asynctest: signal-driven I/O, the older way
                       to wait on many (O_ASYNC, F_SETOWN, SIGIO, on
                       pipes and a socketpair), which nginx's master
                       sets on its workers' sockets.

Python 3 standard library only.
"""

import re

from grading.gradelib import assert_equal, assert_true, boot, expect_not, test
from grading import oracle
from grading.progtest import chapter_initrd, sections, user_lines

CRASH = r"EXCEPTION|KERNEL PANIC"


@test(0, "epoll")
def test_epoll():
    """Boot; /init runs epolltest with every part."""
    boot("quiet -- /bin/asynctest /bin/epolltest,all", timeout=300,
         initrd=chapter_initrd())


def parts(lines):
    """epolltest's output split at its "== part" lines: {part: lines}."""
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
    """epolltest's parts as Linux prints them (run once)."""
    if not _HOST:
        _HOST.update(parts(oracle.linux_output("epolltest", ["all"])
                           .splitlines()))
    return _HOST


def part_matches(*names):
    """Parts `names` of epolltest printed what they print on Linux."""
    got = sections(user_lines()).get("epolltest")
    assert_true(got is not None, "no `init: /bin/epolltest exited` line: "
                "epolltest did not run to its end")
    got = parts(got[:-1])  # init's own line ends the section
    for name in names:
        want = host_parts().get(name)
        assert_true(want is not None,
                    "the Linux recording did not run part " + name)
        assert_equal(got.get(name, ["(part %s missing)" % name]), want,
                     "epolltest part %s printed something else than on "
                     "Linux:" % name)
    expect_not(CRASH)


@test(6, "epoll-eventfd: eventfd's counter", parent=test_epoll)
def test_epoll_eventfd():
    """epolltest eventfd (user/epolltest.c)."""
    part_matches("eventfd")


@test(6, "epoll-basics: epoll_create, epoll_ctl, epoll_wait",
      parent=test_epoll)
def test_epoll_basics():
    """epolltest basics."""
    part_matches("basics")


@test(8, "epoll-modes: level, edge and one-shot on pipes and FIFOs",
      parent=test_epoll)
def test_epoll_modes():
    """epolltest pipe fifo."""
    part_matches("pipe", "fifo")


@test(4, "epoll-pty: a pty's two ends", parent=test_epoll)
def test_epoll_pty():
    """epolltest pty."""
    part_matches("pty")


@test(6, "epoll-files: eventfd, timerfd and signalfd", parent=test_epoll)
def test_epoll_files():
    """epolltest files."""
    part_matches("files")


@test(6, "epoll-sockets: TCP and UDP over 127.0.0.1", parent=test_epoll)
def test_epoll_sockets():
    """epolltest sockets."""
    part_matches("sockets")


@test(6, "epoll-close: the file is registered, not the descriptor",
      parent=test_epoll)
def test_epoll_close():
    """epolltest close."""
    part_matches("close")


@test(6, "epoll-nested: an epoll inside an epoll", parent=test_epoll)
def test_epoll_nested():
    """epolltest nested."""
    part_matches("nested")


@test(4, "epoll-eintr: signals and epoll_pwait's mask", parent=test_epoll)
def test_epoll_eintr():
    """epolltest eintr."""
    part_matches("eintr")


@test(10, "epoll-echo: 1000 connections through an epoll server",
      parent=test_epoll)
def test_epoll_echo():
    """epolltest echo: prints `echo: 1000 connections, 1000 echoes`."""
    part_matches("echo")


@test(6, "epoll-async: O_ASYNC, F_SETOWN and SIGIO", parent=test_epoll)
def test_epoll_async():
    """/bin/asynctest prints what it prints on Linux."""
    got = sections(user_lines()).get("asynctest")
    assert_true(got is not None, "no `init: /bin/asynctest exited` line: "
                "asynctest did not run to its end")
    got = got[:-1]  # init's own line ends the section
    # the section starts at the boot: keep asynctest's own lines
    got = got[got.index("== owner"):] if "== owner" in got else got
    want = oracle.linux_output("asynctest", [])
    assert_equal(got, want.splitlines(),
                 "asynctest printed something else than on Linux:")
    expect_not(CRASH)
