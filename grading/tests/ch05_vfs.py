"""Chapter 5 tests of the VFS core: the path walk, the calls that change
files, permissions for a user who is not root, mounts and a full tmpfs.

Each group boots once; /init runs the group's program with a folder to
work in (a random name at the root of Keel's tmpfs) and /bin/hello, in a
random order. pathwalk, fscalls and permtest are compared with what the
same binary printed on Linux, given the same folder (Linux is the
oracle: grading/oracle.py's recordings). permtest and mounttest also
carry Linux's answers themselves and must report no difference.

Python 3 standard library only.
"""

import secrets

from grading.gradelib import (assert_equal, assert_true, boot, expect, result,
                              test, token)
from grading import oracle
from grading.progtest import chapter_initrd, sections, user_lines


FOLDERS = {}  # program -> the folder it was given on Keel


def run_program(name):
    """Boot with init running /bin/NAME in a fresh folder, and /bin/hello,
    in a random order; return the folder's name on Keel."""
    folder = "/%s-%s" % (name, token(4))
    FOLDERS[name] = folder
    order = ["/bin/%s,%s" % (name, folder), "/bin/hello"]
    secrets.SystemRandom().shuffle(order)
    boot("quiet -- %s" % " ".join(order), timeout=120,
         initrd=chapter_initrd())
    return folder


def guest_section(name):
    """What /bin/NAME printed on Keel, without init's own lines."""
    got = sections(user_lines()).get(name)
    assert_true(got is not None, "no `init: /bin/%s exited` line: the "
                "program did not run to its end\n  run ended: %s"
                % (name, result().reason))
    return [ln for ln in got[:-1] if not ln.startswith("init: ")]


def host_lines(name):
    """What /bin/NAME prints on Linux, given the folder it had on Keel."""
    return oracle.linux_output(name, [FOLDERS[name]]).splitlines()


def matches_host(name):
    """/bin/NAME printed on Keel what it prints on Linux."""
    assert_equal(guest_section(name), host_lines(name),
                 "/bin/%s printed something else than on Linux:" % name)


def no_difference(name):
    """/bin/NAME found no difference from Linux's answers it carries."""
    got = guest_section(name)
    bad = [ln for ln in got if "FAIL" in ln]
    assert_true(not bad, "/bin/%s differs from Linux:\n  %s"
                % (name, "\n  ".join(bad)))
    assert_true(got and got[-1].endswith(" 0 failed"),
                "/bin/%s did not finish its checks:\n  %s"
                % (name, "\n  ".join(got[-5:])))


# ---------------------------------------------------------------- pathwalk

@test(0, "pathwalk")
def test_pathwalk():
    """Boot; /init runs `/bin/pathwalk DIR` (and /bin/hello)."""
    run_program("pathwalk")


@test(25, "pathwalk: dots, slashes, links, ELOOP, ENAMETOOLONG as on Linux",
      parent=test_pathwalk)
def test_pathwalk_linux():
    """stat/lstat/open/readlink/mkdir/rmdir/unlink/chdir through odd paths,
    and a working directory removed under the process."""
    matches_host("pathwalk")


@test(5, "pathwalk: init finishes", parent=test_pathwalk)
def test_pathwalk_done():
    """hello runs too; init exits."""
    expect(r"init: all done")


# ----------------------------------------------------------------- fscalls

@test(0, "fscalls")
def test_fscalls():
    """Boot; /init runs `/bin/fscalls DIR` (and /bin/hello)."""
    run_program("fscalls")


@test(30, "fscalls: create, write, truncate, link, rename, attributes, "
      "times as on Linux", parent=test_fscalls)
def test_fscalls_linux():
    """The calls that change files, O_CLOEXEC across exec of a copied
    program, a private mapping of a written file, RLIMIT_NOFILE."""
    matches_host("fscalls")


# ------------------------------------------------------------- permissions

@test(0, "permissions")
def test_permissions():
    """Boot; /init runs `/bin/permtest DIR` (and /bin/hello)."""
    run_program("permtest")


@test(25, "permissions: a user who is not root gets EACCES and EPERM",
      parent=test_permissions)
def test_permissions_user():
    """Search, read and write bits, the sticky bit, chmod/chown/utimensat
    by others, access() with the real ids."""
    no_difference("permtest")
    matches_host("permtest")


# ------------------------------------------------------------------ mounts

@test(0, "mounts")
def test_mounts():
    """Boot; /init runs `/bin/mounttest DIR` (and /bin/hello)."""
    run_program("mounttest")


@test(20, "mounts: mount, umount2, statfs, a full tmpfs (ENOSPC)",
      parent=test_mounts)
def test_mounts_mounttest():
    """tmpfs with size=, "..", EXDEV, EBUSY, EINVAL, remount, MNT_DETACH."""
    no_difference("mounttest")


@test(5, "mounts: the kernel is healthy after a full tmpfs",
      parent=test_mounts)
def test_mounts_healthy():
    """hello runs (before or after), init exits."""
    assert_true("hello" in sections(user_lines()), "/bin/hello did not run")
    expect(r"init: all done")
