"""Chapter 5 on: the bad-input checklist, generated from the system-call table.

Why this check: a kernel that answers the bad inputs someone thought of
(chapter 4's badinput, fsfuzz) may still crash, hang or answer wrongly on
the ones nobody wrote down. tools/gen-syscheck.py writes the list from
kernel/syscalls/syscall_64.tbl: every implemented call, every argument
tried with the bad values of its kind (pointers NULL, unmapped,
read-only, kernel and non-canonical; strings also unterminated and too
long; numbers -1, a closed fd, a directory's fd, INT_MAX; lengths 0,
wrapping and 2^31; flags 0, all bits, bit 31), one at a time, the other
arguments good. /bin/syscheck runs them all, the calls of the graded
chapter and those before it; Linux's answers are recorded
(grading/oracle.py), and each line must be the same.

Groups (20 points):

  checklist  the boot: /init runs `/bin/syscheck CHAPTER`.
    early    (8)  the calls of chapters 3 and 4 answer as on Linux.
    later    (7)  the calls of chapter 5 up to the graded chapter.
    survives (5)  syscheck got to its end and exited 0; no panic.

A call that a chapter's exercise stubs out in the handout (uname is
ENOSYS there) is left out of that chapter's run, named in EXERCISE_CALLS:
the handout loses the exercise's own points, not the checklist's.
"""

import re
from pathlib import Path

from grading import oracle
from grading.gradelib import (assert_equal, assert_true, boot, chapter,
                              children, expect, expect_not, result, test)
from grading.progtest import chapter_initrd, sections, user_lines

REPO = Path(__file__).resolve().parent.parent.parent
TABLE = REPO / "kernel" / "syscalls" / "syscall_64.tbl"
CRASH = r"KERNEL PANIC|EXCEPTION: "

# chapter -> the calls whose answers that chapter's exercises stub out
EXERCISE_CALLS = {
    5: ["select", "pselect6"],                            # 5.3 select_scan
    7: ["accept", "accept4",                              # 7.2 tcp_accept_
        "recvfrom", "recvmsg",                            # 7.3, 7.5
        "epoll_wait", "epoll_pwait", "epoll_pwait2"],     # 7.4
}
FIRST = 5  # the first chapter that runs the checklist


def word(num):
    """init's word for the checklist of chapter num."""
    skip = EXERCISE_CALLS.get(num, [])
    return "/bin/syscheck,%d%s" % (num, "," + ":".join(skip) if skip else "")


def call_chapters():
    """{call name: its chapter}, from the system-call table."""
    out = {}
    for line in TABLE.read_text().splitlines():
        cols = line.partition("#")[0].split()
        if len(cols) >= 4 and cols[2].isdigit():
            out[cols[1]] = int(cols[2])
    return out


@test(0, "checklist")
def test_checklist():
    """Boot; /init runs /bin/syscheck for the graded chapter."""
    if oracle.recording_mode():
        for num in range(FIRST, chapter() + 1):
            oracle.init_output([word(num)])
    boot("quiet -- %s" % word(chapter()), timeout=400,
         initrd=chapter_initrd())


def case_lines(lines, low, high):
    """The case lines of calls of chapters low..high."""
    chapters = call_chapters()
    return [ln for ln in lines
            if low <= chapters.get(ln.split(" ", 1)[0], 0) <= high]


def checklist_matches(low, high):
    """The cases of the calls of chapters low..high answer as on Linux."""
    want = sections(oracle.init_output([word(chapter())])).get("syscheck")
    assert_true(want, "the Linux recording did not run syscheck")
    got = sections(user_lines()).get("syscheck")
    if got is None:  # it did not finish: compare what it printed
        got = user_lines().splitlines()
    want = case_lines(want, low, high)
    got = case_lines(got, low, high)
    assert_true(want, "the Linux recording has no case of chapters %d-%d"
                % (low, high))
    assert_true(len(got) >= len(want) or result().status is not None,
                "syscheck did not get through chapters %d-%d's calls (%d of "
                "%d lines)\n  run ended: %s"
                % (low, high, len(got), len(want), result().reason))
    assert_equal(got, want, "answers that differ from Linux's "
                 "(`call ARG BADVALUE: ANSWER`; ARG counts from 0):")


children(test_checklist, [
    ("early", 8, "the calls of chapters 3 and 4 answer as on Linux",
     "read, write, mmap, signals, paths...: every argument bad in turn.",
     3, 4),
    ("later", 7, "the calls of chapter 5 on answer as on Linux",
     "mount, sendfile, select, timers, sockets, epoll... as far as the "
     "graded chapter goes.", 5, 99),
], lambda key, low, high: checklist_matches(low, high))


@test(5, "checklist: the kernel survives", parent=test_checklist)
def test_checklist_survives():
    """syscheck printed its last line and exited 0; nothing crashed."""
    expect_not(CRASH, msg="the kernel crashed under the checklist:")
    expect(r"^syscheck: done", msg="syscheck did not get to its end")
    expect(r"init: /bin/syscheck exited with status 0")
    expect(r"init: all done")
