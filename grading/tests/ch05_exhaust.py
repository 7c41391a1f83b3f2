"""Chapter 5 on: exhaustion without damage.

Why this check: a kernel is trusted when a program that takes everything
(descriptors, a file system's room, the stack, a user's processes,
memory, the system's open files) is refused with the right errno or killed, and everything it held
comes back. A table that fills may crash a kernel; a failed call that
unwinds without freeing what it took leaks a little every time, which no
test of the happy path sees.

Groups (15 points):

  exhaustion  the boot: /init runs /bin/exhaust.
    alone     (6)  each exhaustion in turn, as on Linux (the recording):
                   EMFILE after the 1021 descriptors RLIMIT_NOFILE
                   leaves, ENOSPC after the 1 MiB of a tmpfs, SIGSEGV past
                   the stack limit, EAGAIN at RLIMIT_NPROC, SIGKILL from
                   the out-of-memory killer, ENFILE past fs.file-max for
                   an ordinary user (not for root).
    together  (4)  all six at once end, the shell then runs a command,
                   and init goes on; no panic.
    memory    (5)  MemAvailable after a second round of all of it is
                   within 64 kB of what it was before that round (the
                   first round warms the kernel's slabs; what a second
                   round keeps is a leak).
"""

import re

from grading import oracle
from grading.gradelib import (assert_equal, assert_true, boot, expect,
                              expect_not, result, test)
from grading.progtest import chapter_initrd, sections, user_lines

CRASH = r"KERNEL PANIC|EXCEPTION: "
MEMORY = re.compile(r"^exhaust: memory before (-?\d+) kB, after (-?\d+) kB",
                    re.M)
SLACK_KB = 64  # a few slab pages may change hands between rounds


# the out-of-memory killer's own line, on Keel's console as in Linux's log
OOM_LOG = re.compile(r"^Out of memory: Killed process ")


def compared(lines):
    """The lines compared with Linux: all but the memory line and the
    kernel's out-of-memory reports."""
    return [ln for ln in lines if not MEMORY.match(ln) and
            not OOM_LOG.match(ln)]


@test(0, "exhaustion")
def test_exhaustion():
    """Boot; /init runs /bin/exhaust."""
    boot("quiet -- /bin/exhaust", timeout=300, initrd=chapter_initrd())


@test(6, "exhaustion: each limit alone answers as on Linux",
      parent=test_exhaustion)
def test_exhaustion_alone():
    """fds, tmpfs, stack, nproc, hog: the errno or signal, and the count."""
    want = sections(oracle.init_output(["/bin/exhaust"])).get("exhaust")
    assert_true(want, "the Linux recording did not run exhaust")
    got = sections(user_lines()).get("exhaust")
    assert_true(got is not None, "exhaust did not run to its end\n"
                "  run ended: %s" % result().reason)
    assert_equal(compared(got), compared(want),
                 "exhaust printed something else than on Linux:")


@test(4, "exhaustion: all at once, then the shell answers",
      parent=test_exhaustion)
def test_exhaustion_together():
    """The six children end, sh -c echo runs, init goes on."""
    expect_not(CRASH, msg="the kernel crashed under exhaustion:")
    expect(r"^exhaust: 6 of 6 ended", msg="not every child of the "
           "simultaneous run ended")
    expect(r"^the shell answers", msg="the shell did not run afterwards")
    expect(r"init: /bin/exhaust exited with status 0")
    expect(r"init: all done")


@test(5, "exhaustion: every byte comes back", parent=test_exhaustion)
def test_exhaustion_memory():
    """MemAvailable after the second round is within SLACK_KB of before
    it."""
    m = expect(MEMORY, msg="exhaust printed no memory line")
    before, after = int(m.group(1)), int(m.group(2))
    assert_true(before > 0, "exhaust could not read /proc/meminfo")
    assert_true(after >= before - SLACK_KB,
                "%d kB of memory did not come back (before %d kB, after "
                "%d kB): a leak on a path that failed or was killed"
                % (before - after, before, after))
