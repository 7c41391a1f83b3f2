"""Chapter 4 tests: files of the initramfs, pipes, descriptors.

Why these checks: every program opens, reads and stats files and every
shell pipeline is a pipe, a fork and a dup2; a file layer that gets an
offset, an errno or a reference count wrong shows up later as a shell
that hangs or a program that reads garbage.

Groups (85 points), each one boot of the chapter's initramfs. /init runs
the programs given after `--` (in a random order, with /bin/hello among
them, so a canned transcript cannot pass). Linux is the oracle: each
program's section of the console must equal what the same binary prints
on the host (grading/oracle.py):

  files  (30)  user/filetest.c: open, read, lseek, pread, readv, fstat,
               stat, lstat, fstatat, statx, getdents64, readlink, openat,
               access, the device files, and the errors ENOENT, ENOTDIR,
               ELOOP, ENAMETOOLONG, EBADF, EINVAL on the tree
               user/rootfs/files/ (links included).
  cwd    (20)  exercise 4.2. `filetest cwd`: chdir (absolute, relative,
               `..`, through a link), fchdir, getcwd after each step,
               ERANGE for small buffers, EFAULT for a bad one.
  pipes  (25)  user/pipetest.c: a pipe through fork, end-of-file, 200000
               bytes through the 64 KiB ring, dup2 onto stdout,
               O_NONBLOCK, fcntl, dup, close-on-exec across execve.
  sigpipe (10) user/sigpipetest.c: a write to a pipe with no reader
               fails with EPIPE when SIGPIPE is ignored and kills the
               writer with SIGPIPE otherwise (needs signal delivery: the
               pipe raises the signal, the signal code delivers it).
"""

import secrets

from grading.gradelib import assert_status, boot, chapter, expect, test
from grading import oracle
from grading.progtest import (chapter_initrd, program_matches, sections,
                              user_lines)


def run_programs(names):
    """Boot with init running `names` (a name may carry arguments after
    commas) and /bin/hello, in a random order; return that order."""
    order = ["/bin/%s" % n for n in names + ["hello"]]
    secrets.SystemRandom().shuffle(order)
    boot("quiet -- %s" % " ".join(order), timeout=120,
         initrd=chapter_initrd())
    return order


# ------------------------------------------------------------------- files

FILES_ORDER = []


@test(0, "files")
def test_files():
    """Boot; /init runs /bin/filetest (and /bin/hello)."""
    FILES_ORDER[:] = run_programs(["filetest"])


@test(25, "files: filetest equals Linux", parent=test_files)
def test_files_filetest():
    """Reading, seeking, stat, directories, links, errors."""
    program_matches("filetest", FILES_ORDER)


@test(5, "files: the console is fds 0-2, init finishes", parent=test_files)
def test_files_console():
    """hello (which writes to fd 1) runs too; init exits 0."""
    program_matches("hello", FILES_ORDER)
    expect(r"init: all done")
    assert_status(0)


# --------------------------------------------------------------------- cwd

CWD_ORDER = []


@test(0, "cwd")
def test_cwd():
    """Boot; /init runs `/bin/filetest cwd` (and /bin/hello)."""
    CWD_ORDER[:] = run_programs(["filetest,cwd"])


@test(20, "cwd: chdir, fchdir and getcwd as on Linux", parent=test_cwd)
def test_cwd_filetest():
    """Each getcwd after a chdir names the real path; ERANGE, EFAULT."""
    program_matches("filetest", CWD_ORDER)


# ------------------------------------------------------------------- pipes

PIPES_ORDER = []


@test(0, "pipes")
def test_pipes():
    """Boot; /init runs /bin/pipetest (and /bin/hello)."""
    PIPES_ORDER[:] = run_programs(["pipetest"])


@test(25, "pipes: pipetest equals Linux", parent=test_pipes)
def test_pipes_pipetest():
    """fork, EOF, a big transfer, dup2, O_NONBLOCK, fcntl, close-on-exec."""
    program_matches("pipetest", PIPES_ORDER)


# ----------------------------------------------------------------- sigpipe

SIGPIPE_ORDER = []


@test(0, "sigpipe")
def test_sigpipe():
    """Boot; /init runs /bin/sigpipetest (and /bin/hello)."""
    SIGPIPE_ORDER[:] = run_programs(["sigpipetest"])


@test(10, "sigpipe: EPIPE when ignored, death by SIGPIPE otherwise",
      parent=test_sigpipe)
def test_sigpipe_sigpipetest():
    """The write end of a pipe nobody reads."""
    program_matches("sigpipetest", SIGPIPE_ORDER)
