"""Chapter 4 tests: BusyBox runs.

Why these checks: chapter 4's promise is that unmodified Linux programs
run, and BusyBox is the whole userland of the course in one binary: its
shell forks, execs through symbolic links, waits, pipes, reads files and
directories, handles signals and asks the time. One script exercises all
of that, and Linux is the oracle: the same script, run by the same
busybox binary on the host, must print the same text.

The script is user/busybox/rootfs/test/accept.sh (and system.sh), in the chapter's
initramfs as /test/accept.sh with its data in /test/data/ (the Makefile
copies user/busybox/rootfs/ in when chapter.mk sets ROOTFS_BUSYBOX). Its
header says what it may print so that Keel and Linux agree (relative
paths under ROOT, no owners, inodes or times, fixed dates). The host run
is grading/oracle.py's busybox_run: the staged /bin/busybox as sh, PATH
in a folder of links to it (never the host's tools), ROOT the staged
initramfs.

init runs one program per word after `--`, its arguments separated by
commas (user/init.c): `-- /bin/sh,/test/accept.sh,TOKEN`.

That the scripts print the same on any Linux, not only on the host, is
checked by grading/linux_busybox.py: it boots Debian's kernel with the
same initramfs and command line and compares with the host run.

Groups (50 points):

  busybox        (34)  boot and run /test/accept.sh with a random token;
                       each section of its output (`== text`, `== filters`,
                       ...) is a child compared with the host's.
  busybox-system  (6)  exercise 4.1 (it needs uname). /test/system.sh:
                       uname -s -m, date, sleep, kill; compared with the
                       host's.
  busybox-glibc  (10)  Debian's busybox-static (glibc) runs
                       /test/glibc.sh: its own `sh -c` with echo, seq | wc,
                       cat of a file, md5sum; compared with the host run
                       of the same binary.
"""

import re
from pathlib import Path

from grading import oracle
from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              chapter, children, expect, result, test, token)

REPO = Path(__file__).resolve().parent.parent.parent
KERNEL_LINE = re.compile(r"^(keel: |Keel )")


def chapter_initrd():
    """The chapter's initramfs, built (and its stage made) if missing."""
    path = REPO / "build" / ("ch%02d" % chapter()) / "initrd.cpio"
    staged = oracle.STAGE / "bin" / "busybox"
    if not path.exists() or not staged.is_file():
        import subprocess
        subprocess.run(["make", "-s", "initrd", "CHAPTER=%d" % chapter()],
                       cwd=str(REPO), check=False)
    assert_true(path.exists(), "no %s: `make initrd` failed" % path)
    return str(path)


def sections(text, tok):
    """Split a script's output into {section: its lines}. Only what comes
    between `== start TOKEN` (or `== glibc TOKEN`) and `== end TOKEN`
    counts, so output without this run's token has no sections; in there
    a line `== name` starts a section. Kernel lines are left out."""
    out, name = {}, None
    for line in text.splitlines():
        if KERNEL_LINE.match(line):
            continue
        m = re.match(r"^== (\w+)(?: (\S+))?$", line)
        if m and m.group(2) == tok and m.group(1) in ("start", "glibc"):
            name = m.group(1)
            out = {name: []}
        elif m and m.group(2) == tok and m.group(1) == "end":
            name = None
        elif m and m.group(2) is None and name is not None:
            name = m.group(1)
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return out


def section_matches(name, tok, script="accept.sh", binary="busybox"):
    """Section `name` of the guest's output equals Linux's."""
    want = sections(oracle.busybox_output(script, [tok], binary), tok)
    assert_true(name in want, "the Linux recording printed no `== %s`" % name)
    got = sections(result().output, tok)
    assert_true(name in got, "no `== %s` line: the script did not get "
                "there\n  run ended: %s" % (name, result().reason))
    assert_equal(got[name], want[name], "`== %s` differs from Linux "
                 "(expected: the same busybox on Linux):" % name)


# ------------------------------------------------------------------ busybox

TOKEN = token()


@test(0, "busybox")
def test_busybox():
    """Boot; init runs `/bin/sh /test/accept.sh TOKEN`."""
    boot("quiet -- /bin/sh,/test/accept.sh,%s" % TOKEN, timeout=180,
         initrd=chapter_initrd())


def accept_matches(key, section, first=None):
    """accept.sh's section `section` printed what it prints on Linux
    (after the console line `first`, when given)."""
    if first:
        expect(first)
    section_matches(section, TOKEN)


# accept.sh's sections: (key, points, title, what it checks, section[,
# a line before it])
ACCEPT_TESTS = [
    ("start", 4, "text (echo, printf, cat, head, tail, wc)",
     "/bin/sh (a link to /bin/busybox) runs the script with its argument.",
     "text", r"^== start %s\r?$" % TOKEN),
    ("filters", 6, "filters (grep, sed, awk, cut, sort, uniq)",
     "Text tools on files of the initramfs, through pipes.", "filters"),
    ("bytes", 4, "bytes (od, hexdump, md5sum)",
     "Binary dumps and checksums of files and pipes.", "bytes"),
    ("shell", 8, "shell (sh -c, expr, test, seq, xargs, env)",
     "Subshells, exit statuses, functions, here-documents, xargs.", "shell"),
    ("files", 8, "files (ls -l, stat, find, which, links)",
     "Directories, file modes and sizes, symbolic links, PATH search, "
     "a `#!` script.", "files"),
]
children(test_busybox, ACCEPT_TESTS, accept_matches)


@test(4, "busybox: the script ends, init and the kernel too",
      parent=test_busybox)
def test_busybox_end():
    """`== end TOKEN`, sh exits 0, init's exit 0 powers the machine off."""
    expect(r"^== end %s\r?$" % TOKEN)
    expect(r"init: /bin/sh exited with status 0")
    expect(r"init: all done")
    assert_status(0)


# ----------------------------------------------------------- busybox-system

SYSTEM_TOKEN = token()


@test(0, "busybox-system", name="busybox-system")
def test_system():
    """Boot; init runs `/bin/sh /test/system.sh TOKEN`."""
    boot("quiet -- /bin/sh,/test/system.sh,%s" % SYSTEM_TOKEN, timeout=120,
         initrd=chapter_initrd())


@test(6, "busybox-system: uname, date, sleep, kill", parent=test_system)
def test_system_run():
    """uname -s -m, fixed dates, sleeps, kill and kill -9 of background
    jobs, a shell killed by its own signal."""
    section_matches("system", SYSTEM_TOKEN, script="system.sh")
    expect(r"^== end %s\r?$" % SYSTEM_TOKEN)
    assert_status(0)


# ------------------------------------------------------------ busybox-glibc

GLIBC_TOKEN = token()


@test(0, "busybox-glibc", name="busybox-glibc")
def test_glibc():
    """Boot; init runs `/bin/busybox.glibc sh /test/glibc.sh TOKEN`."""
    boot("quiet -- /bin/busybox.glibc,sh,/test/glibc.sh,%s" % GLIBC_TOKEN,
         timeout=120, initrd=chapter_initrd())


@test(10, "busybox-glibc: sh -c, echo, seq | wc, cat, md5sum",
      parent=test_glibc)
def test_glibc_run():
    """Debian's static glibc BusyBox prints what it prints on Linux."""
    section_matches("glibc", GLIBC_TOKEN, "glibc.sh", "busybox.glibc")
    expect(r"^== end %s\r?$" % GLIBC_TOKEN)
    expect(r"init: /bin/busybox.glibc exited with status 0")
    assert_status(0)
