"""Check the recordings of the BusyBox scripts: boot Linux with them.

grading/tests/ch04_busybox.py compares what the scripts print on Keel
with what they printed on Linux, recorded by `make oracle` (one boot
per script, grading/oracle.py). This helper boots Debian's kernel
(fetched by `tools/deps.sh --linux`, the reference kernel of DESIGN.md)
in QEMU with chapter 4's initramfs once more, runs all the scripts as
Keel's grade does, through Keel's own /init, and compares each with its
recording: a stale recording, or a script whose output depends on what
ran before it, shows up as a difference. bbtestsuite.py boots Linux with
boot_linux() too.

Linux needs /dev/console for init's output and the scripts use
/dev/null; the Keel initramfs has no device files, so a second small
newc archive with the two nodes is appended (the kernel unpacks
concatenated archives one after the other; writing it here needs no
root). Nothing else differs from what Keel boots.

    make initrd CHAPTER=4 && python3 -m grading.linux_busybox
    make initrd CHAPTER=5 && python3 -m grading.linux_busybox --chapter 5

Prints a verdict or a diff per script; exit status 0 when all agree.
Python 3 standard library only.
"""

import difflib
import sys
import tempfile

from grading import gradelib, oracle
from tools import cache, cpio, keelqemu

REPO = oracle.REPO
INITRD = REPO / "build" / "ch04" / "initrd.cpio"


def device_archive():
    """A newc archive (bytes) of /dev, /dev/console and /dev/null (inodes
    far from those of the archive it is appended to)."""
    return cpio.newc([("dev", 0o040755, b"", (0, 0)),
                      ("dev/console", 0o020600, b"", (5, 1)),
                      ("dev/null", 0o020666, b"", (1, 3))], first_ino=900001)


def boot_linux(initrd, words, limit, log=None):
    """Boot Debian's Linux in Keel's QEMU (tools/keelqemu.py: same flags
    and accelerator) with the initramfs `initrd` plus /dev; init runs
    `words`. Returns keelqemu's RunResult: its output is the console,
    cut at `limit` seconds (already scaled)."""
    with tempfile.NamedTemporaryFile(suffix=".cpio") as f:
        f.write(initrd.read_bytes() + device_archive())
        f.flush()
        append = ("console=ttyS0 quiet panic=-1 rdinit=/init -- "
                  + " ".join(words))
        return keelqemu.run(None, limit, log, memory="512M",
                            linux=(cache.vmlinuz("linux_busybox"), f.name,
                                   append))


def flatten(sections):
    """{name: lines} back into lines, `== name` before each section."""
    return ["%s\n" % ln for name, lines in sections.items()
            for ln in ["== " + name] + lines]


# (script, binary that runs it, first chapter)
SCRIPTS = [("accept.sh", "busybox", 4),
           ("glibc.sh", "busybox.glibc", 4),
           ("vfs.sh", "busybox", 5),
           ("vfs.sh", "busybox.glibc", 5)]


def main():
    """Boot Linux once with the chapter's scripts; compare each with the
    host. `--chapter N` (default 4) takes chapter N's initramfs and its
    scripts (from chapter 5 on: /test/vfs.sh, which writes files)."""
    global INITRD
    ch = int(sys.argv[sys.argv.index("--chapter") + 1]) \
        if "--chapter" in sys.argv else 4
    INITRD = REPO / "build" / ("ch%02d" % ch) / "initrd.cpio"
    if not INITRD.is_file():
        sys.exit("linux_busybox: %s missing: make initrd CHAPTER=%d"
                 % (INITRD, ch))
    from grading.tests import ch04_busybox as t  # the grade's own parser
    runs = [(sc, b, gradelib.token()) for sc, b, first in SCRIPTS
            if first <= ch]
    out = boot_linux(INITRD, ["/bin/sh,/test/%s,%s" % (sc, tok)
                              if b == "busybox"
                              else "/bin/%s,sh,/test/%s,%s" % (b, sc, tok)
                              for sc, b, tok in runs],
                     keelqemu.timeout(300)).output.replace("\r", "")
    bad = 0
    for script, binary, token in runs:
        want = t.sections(oracle.busybox_output(script, [token], binary),
                          token)
        got = t.sections(out, token)
        if got == want and want:
            print("%s (%s): Linux prints what was recorded" % (script, binary))
            continue
        bad += 1
        print("%s (%s): differs on Linux:" % (script, binary))
        sys.stdout.writelines(difflib.unified_diff(
            flatten(want), flatten(got), "recorded", "linux"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
