"""Helpers the chapter tests share for running user/ programs under /init.

A test boots the chapter's initramfs with programs after `--`; /init runs
them one after the other and ends each program's part of the console with
its own line `init: /bin/NAME exited with status N` (or `killed by signal
N`). These helpers find the initramfs, cut the console into the programs'
parts, and compare a part with what the same binary printed on Linux
(grading/oracle.py's recordings): Linux is the oracle.

Python 3 standard library only.
"""

import re
import subprocess
from pathlib import Path

from grading.gradelib import assert_equal, assert_true, chapter, result
from grading import oracle

REPO = Path(__file__).resolve().parent.parent
KERNEL_LINE = re.compile(r"^(keel: |Keel )")


def chapter_initrd():
    """The initramfs `make` packs for the graded chapter (built if missing)."""
    path = REPO / "build" / ("ch%02d" % chapter()) / "initrd.cpio"
    if not path.exists():
        subprocess.run(["make", "-s", "initrd", "CHAPTER=%d" % chapter()],
                       cwd=str(REPO), check=False)
    assert_true(path.exists(), "no %s: `make initrd` failed" % path)
    return str(path)


def sections(text):
    """Split init's transcript into {program: its lines, init's line last}."""
    out, cur = {}, []
    for line in text.splitlines():
        cur.append(line)
        m = re.match(r"init: /bin/(\w+) (exited|killed)", line)
        if m:
            out[m.group(1)] = cur
            cur = []
    return out


def user_lines():
    """The console without the kernel's own lines: what user programs wrote."""
    return "\n".join(ln for ln in result().output.splitlines()
                     if not KERNEL_LINE.match(ln))


def program_matches(name, order):
    """Program NAME's console section equals its output on Linux, where
    init ran the same `order` of programs (grading/oracle.py's
    init_output: each program recorded on Linux on its own)."""
    want = sections(oracle.init_output(order)).get(name)
    assert_true(want is not None, "the Linux recording did not run %s" % name)
    got = sections(user_lines()).get(name)
    assert_true(got is not None, "no `init: /bin/%s exited` line: the "
                "program did not run to its end\n  run ended: %s"
                % (name, result().reason))
    assert_equal(got, want, "/bin/%s printed something else than on Linux:"
                 % name)
