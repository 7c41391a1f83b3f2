"""Chapter 5 on: dynamically linked programs.

Why this check: most programs on a Linux system are not static. They
name a loader (glibc's /lib64/ld-linux-x86-64.so.2) that execve must
load beside them and start first, with the auxiliary vector telling it
where the program and the loader are (AT_PHDR, AT_ENTRY, AT_BASE); the
loader then finds libc.so.6 in the file system and maps it with mmap,
mprotect and munmap. A kernel that gets one of those facts wrong runs
every static test program and no dynamic one. And the loader's path is
read from a file: a wrong one must be refused with Linux's errno.

Groups (8 points):

  dynamic     the boot: /init runs /bin/dyntest.
    runs      (4)  /bin/hello.dyn (user/hello.c linked dynamically against
                   glibc) by execve, by running the loader with it as an
                   argument, and from a #! script: the same output as on
                   Linux (the recording).
    loaders   (4)  copies of it whose PT_INTERP names a missing file, an
                   empty path, a directory, a file without x, a text file,
                   four bytes of ELF magic, no NUL, and a static program:
                   each answered as Linux answers (ENOENT, EACCES, EACCES,
                   EACCES, ELIBBAD, EIO, ENOEXEC, and the static program
                   runs), and the kernel survives.
"""

from grading import oracle
from grading.gradelib import (assert_equal, assert_true, boot, expect,
                              expect_not, result, test)
from grading.progtest import chapter_initrd, sections, user_lines

CRASH = r"KERNEL PANIC|EXCEPTION: "
# where dyntest's part about the loaders starts
LOADERS = "/bin/hello.dyn names "


def halves(lines):
    """dyntest's lines before its loader cases, and from them on."""
    for i, line in enumerate(lines):
        if line.startswith(LOADERS):
            return lines[:i], lines[i:]
    return lines, []


def recorded():
    """dyntest's part of the Linux recording, split by halves()."""
    want = sections(oracle.init_output(["/bin/dyntest"])).get("dyntest")
    assert_true(want, "the Linux recording did not run dyntest")
    return halves(want)


def measured():
    """dyntest's part of this boot's console, split by halves()."""
    got = sections(user_lines()).get("dyntest")
    assert_true(got is not None, "dyntest did not run to its end\n"
                "  run ended: %s" % result().reason)
    return halves(got)


@test(0, "dynamic")
def test_dynamic():
    """Boot; /init runs /bin/dyntest."""
    boot("quiet -- /bin/dyntest", timeout=120, initrd=chapter_initrd())


@test(4, "dynamic: a glibc program runs with its loader, as on Linux",
      parent=test_dynamic)
def test_dynamic_runs():
    """execve, the loader by name, a #! script."""
    assert_equal(measured()[0], recorded()[0],
                 "the dynamic program printed something else than on "
                 "Linux:")


@test(4, "dynamic: a wrong loader gets Linux's errno", parent=test_dynamic)
def test_dynamic_loaders():
    """Eight wrong PT_INTERP paths; the kernel survives them."""
    expect_not(CRASH, msg="the kernel crashed on a wrong loader:")
    assert_equal(measured()[1], recorded()[1],
                 "execve answered a wrong loader otherwise than Linux:")
    expect(r"init: /bin/dyntest exited with status 0")
