"""Chapter 5 on: allocations that fail on purpose (fault injection).

Why this check: every kmalloc and frame allocation can fail, and the
kernel has a path for each failure; those paths almost never run, so
they are where a NULL is dereferenced, a lock or a reference is kept, or
what was taken so far is not given back. The kernel words failslab=N and
failpage=N make every Nth allocation of a process with
/proc/[pid]/make-it-fail set fail (kernel/proc/failinject.c); /bin/failrun
(user/failrun.c) runs BusyBox scripts and the conformance programs of
chapters 3 to 5 under it, three rounds.

Groups (15 points):
  failinject  the boot: /init runs /bin/failrun with failslab=61
              failpage=89.
    file      (3)  /proc/self/make-it-fail reads 0, refuses 2 and a word
                   (EINVAL) and an ordinary user, reads 1 after 1
                   is written; and the failures happen (some of 300 opens
                   of a make-it-fail child fail with ENOMEM).
    survives  (7)  no panic; every workload of every round ends (exits,
                   dies of its own signal, or is killed for time), none
                   is unkillable, and the shell answers afterwards.
    memory    (5)  MemAvailable after round 3 is within 64 kB of what it
                   was after round 1 (which warms the caches; rounds 2 and
                   3 run the same workloads again):
                   a failed allocation's unwinding gives back what was
                   taken before it.
"""

import re

from grading.gradelib import (assert_equal, assert_true, boot, expect,
                              expect_not, result, test)
from grading.progtest import chapter_initrd

CRASH = r"KERNEL PANIC|EXCEPTION: "
SLACK_KB = 64  # as the exhaustion group: a few slab pages change hands
ROUND = re.compile(r"^failrun: round (\d): (\d+) exited, (\d+) died of a "
                   r"signal, (\d+) killed for time, (\d+) unkillable", re.M)
# workloads per round: 3 scripts and 13 programs (user/failrun.c)
WORKLOADS = 16


@test(0, "failinject")
def test_failinject():
    """Boot with failslab=61 failpage=89; /init runs /bin/failrun."""
    boot("quiet failslab=61 failpage=89 -- /bin/failrun", timeout=600,
         initrd=chapter_initrd())


@test(3, "failinject: make-it-fail's rules, failures happen",
      parent=test_failinject)
def test_failinject_file():
    """The file reads 0, refuses 2, a word and a user, reads 1 after 1;
    a make-it-fail child sees ENOMEM."""
    lines = [ln for ln in result().output.splitlines()
             if ln.startswith("failrun: ") and ("make-it-fail" in ln or
                                                "writ" in ln)]
    assert_equal([ln.strip() for ln in lines],
                 ["failrun: make-it-fail reads '0'",
                  "failrun: write 2: EINVAL",
                  "failrun: write word: EINVAL",
                  "failrun: write 1 as a user: refused",
                  "failrun: after writing 1 it reads '1'"],
                 "/proc/self/make-it-fail does not keep its rules:")
    m = expect(r"^failrun: injected: (-?\d+) of 300 opens failed",
               msg="failrun did not get to its injection check")
    assert_true(int(m.group(1)) > 0, "no open of a make-it-fail process "
                "failed: failslab= injected nothing")


@test(7, "failinject: the kernel survives, every program ends",
      parent=test_failinject)
def test_failinject_survives():
    """No panic, every workload of the three rounds ended, none
    unkillable, the shell answers, init goes on."""
    expect_not(CRASH, msg="the kernel crashed under injected failures:")
    rounds = ROUND.findall(result().output)
    assert_equal(len(rounds), 3, "failrun did not finish its three rounds "
                 "(run ended: %s)" % result().reason)
    for r in rounds:
        ended = sum(int(n) for n in r[1:4])
        assert_equal(ended, WORKLOADS, "round %s: not every workload "
                     "ended:" % r[0])
        assert_equal(int(r[4]), 0, "round %s: a workload SIGKILL could not "
                     "end:" % r[0])
    expect(r"^the shell answers", msg="the shell did not answer afterwards")
    expect(r"init: /bin/failrun exited with status 0")


@test(5, "failinject: every byte comes back", parent=test_failinject)
def test_failinject_memory():
    """MemAvailable after round 3 is within SLACK_KB of after round 1."""
    m = expect(r"^failrun: memory before (-?\d+) kB, after (-?\d+) kB",
               msg="failrun printed no memory line")
    before, after = int(m.group(1)), int(m.group(2))
    assert_true(before > 0, "failrun could not read /proc/meminfo")
    assert_true(after >= before - SLACK_KB,
                "%d kB of memory did not come back (before %d kB, after "
                "%d kB): a failed allocation's path leaks"
                % (before - after, before, after))
