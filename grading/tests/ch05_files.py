"""Chapter 5 tests: files that change, shared descriptions, pipes, bad
input, and BusyBox scripts that work on files.

Why these checks: chapter 5 makes the root a tmpfs, so programs now
create, write, rename and remove files, and several processes do so at
once. What can go wrong is quiet: an offset that is not shared after
dup or fork, an O_APPEND that loses a record when two writers race, a
pipe that never says end-of-file, a byte changed somewhere in a few MiB,
an errno that differs from Linux's for a path that is too long, a full
file system that takes the kernel down with it. Each program below
checks one of these and prints only what Linux prints too.

Linux is the oracle. The C programs run under /init (in a random order,
with /bin/hello among them); each makes its files under a folder named
by its first argument, a random name, relative to init's working
directory (/ on Keel and on Linux). Each program's part of the console
is cut into its `-- name` sections, and each section is compared with
what the same program printed on Linux, recorded by booting Debian's
kernel with the same initramfs (grading/oracle.py). The BusyBox scripts
are compared section by section with the same script run on Linux by
the same busybox binary.

Groups (238 points), each one boot (mmap-shared shares integrity's):

  fdshare      (20)  user/fdshare.c: offsets and status flags shared by
                     dup, dup2, dup3, F_DUPFD and fork, not by a second
                     open; close-on-exec across execve; RLIMIT_NOFILE.
  appendrace   (15)  user/appendrace.c: 2, then 4 processes write one
                     file at once, with O_APPEND, through one shared
                     description, and with offsets of their own.
  pipesem      (20)  user/pipesem.c: end of file, EPIPE and SIGPIPE,
                     PIPE_BUF atomicity with 4 writers, O_NONBLOCK.
  integrity    (20)  user/integrity.c: 3 MiB of seeded pseudo-random
                     bytes with holes and overwrites, read back in
                     several ways, mmap, truncate down and up.
  mmap-shared  (35)  user/shmtest.c, in integrity's boot: MAP_SHARED of
                     tmpfs files (stores reach read() and other
                     mappings, across fork), MAP_PRIVATE copy-on-write
                     from the file, SIGBUS past the end of the file,
                     the open mode's limits (EACCES, ENODEV), madvise
                     msync and mincore, shm_open in /dev/shm,
                     memfd_create, a 64 MiB file written through a
                     mapping, truncates under mappings; a section per
                     child.
  badpaths     (30)  user/badpaths.c: NULL, unterminated and too long
                     paths, the empty path, calls on the wrong type of
                     file, a full tmpfs (ENOSPC) and the kernel after it.
  walkedge     (28)  user/walkedge.c: `.`, `..` (past / and out of a mount),
                     slashes, 40 and 41 links, the working directory
                     renamed and removed, files outliving their names,
                     a listing after changes, EXDEV and EBUSY at a mount,
                     a 300-deep tree unmounted and 40 nested links.
  fsfuzz       (20)  user/fsfuzz.c: 1500 random file calls from a random
                     seed on a few names; every result folded into a
                     hash printed every 100 calls, and the tree at the
                     end, equal to Linux's (the kernel survives: 5).
  busybox-vfs  (40)  /test/vfs.sh: redirections, here-documents, pipes,
                     cp/mv/rm/ln/mkdir/touch/chmod, find | xargs, tar,
                     sed -i, dd, cmp, mkfifo, programs and scripts made
                     at run time, in a scratch folder.
  busybox-vfs-glibc (10)  Debian's busybox.glibc runs /test/vfs.sh's
                     files section too.
"""

import re
import secrets

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              children, expect, result, test, token)
from grading import oracle
from grading.progtest import (chapter_initrd, program_matches, sections,
                              user_lines)

KERNEL_LINE = re.compile(r"^(keel: |Keel )")


def run_programs(words, timeout=180):
    """Boot with init running `words` (a word may carry arguments after
    commas) and /bin/hello, in a random order; return that order."""
    order = ["/bin/%s" % w for w in words + ["hello"]]
    secrets.SystemRandom().shuffle(order)
    boot("quiet -- %s" % " ".join(order), timeout=timeout,
         initrd=chapter_initrd())
    return order


def parts(lines):
    """Cut a program's lines into {section: lines}: a line `-- name`
    starts section `name`; what comes before is section ""."""
    out, name = {"": []}, ""
    for line in lines:
        m = re.match(r"^-- (.+?)\r?$", line)
        if m:
            name = m.group(1)
            out[name] = []
        else:
            out[name].append(line.rstrip("\r"))
    return out


def part_matches(prog, part, order):
    """Section `part` of program `prog`'s output equals Linux's."""
    want = sections(oracle.init_output(order)).get(prog)
    assert_true(want is not None, "the Linux recording did not run %s" % prog)
    want = parts(want)
    assert_true(part in want, "the Linux recording printed no `-- %s`" % part)
    got = sections(user_lines()).get(prog)
    if got is None:
        # the program did not finish: compare what it printed so far
        text = user_lines()
        start = text.find("-- %s" % part)
        assert_true(start >= 0, "no `-- %s` line: /bin/%s did not get "
                    "there\n  run ended: %s" % (part, prog, result().reason))
        got = text[start:].splitlines()
    got = parts(got)
    assert_true(part in got, "no `-- %s` line: /bin/%s did not get there"
                "\n  run ended: %s" % (part, prog, result().reason))
    assert_equal(got[part], want[part], "/bin/%s, `-- %s` differs from "
                 "Linux:" % (prog, part))


def program_ends(prog):
    """Program `prog` printed its last line and exited with status 0 (its
    sections are compared one by one, each by its own test)."""
    expect(r"^%s done\r?$" % prog)
    expect(r"init: /bin/%s exited with status 0" % prog)


def section_check(prog, order):
    """The check of a table of `prog`'s sections for children(): a row
    (key, points, title, what, section) compares `-- section`."""
    def check(key, part):
        """Section `part` of `prog`'s output equals Linux's."""
        part_matches(prog, part, order)
    return check


def section_rows(table, title, what):
    """Rows for children() from a table of (points, section, text): the
    section is each row's key and its argument; title and what are
    str.format() patterns of {section} and {text}."""
    return [(section, points, title.format(section=section, text=text),
             what.format(section=section, text=text), section)
            for points, section, text in table]


def scratch_dir():
    """A folder name that changes every run: t5-<random>."""
    return "t5-%s" % token(4)


# The seeds of integrity and fsfuzz: what fsfuzz prints depends on its
# seed, and Linux's answer for each is recorded (grading/oracle.py), so
# a run picks one of these at random instead of a fresh number.
SEEDS = [1108097913583071749, 2943710412391203017, 3751019462310475013,
         4217784039224712201, 593188710047320243, 1742006571838203981]


def pick_seed(word):
    """A seed from SEEDS for the program word `word % seed`; when
    `make oracle` records, Linux's answers for all of them."""
    if oracle.recording_mode():
        for s in SEEDS:
            oracle.init_output(["/bin/" + word % s])
    return secrets.choice(SEEDS)


# ----------------------------------------------------------------- fdshare

FD_ORDER = []


@test(0, "fdshare")
def test_fdshare():
    """Boot; /init runs `/bin/fdshare DIR` (and /bin/hello)."""
    FD_ORDER[:] = run_programs(["fdshare,%s" % scratch_dir()])


# fdshare's sections: (key, points, title, what it checks, section)
FD_TESTS = [
    ("dup", 6, "dup, dup2, dup3, F_DUPFD share offset and flags",
     "One description, many numbers; FD_CLOEXEC per number.", "dup"),
    ("fork", 4, "fork shares the descriptions",
     "A child's read, seek and F_SETFL move the parent's offset/flags.",
     "fork"),
    ("open", 3, "a second open has its own offset",
     "Two opens, an O_APPEND writer (whose pwrite appends too, as on "
     "Linux), pwrite leaves the offset.", "second open"),
    ("cloexec", 4, "close-on-exec across execve",
     "O_CLOEXEC, F_SETFD, F_DUPFD_CLOEXEC, pipe2: closed by execve; "
     "the others keep their offsets.", "close-on-exec"),
]
children(test_fdshare, FD_TESTS, section_check("fdshare", FD_ORDER))


@test(3, "fdshare: RLIMIT_NOFILE gives EMFILE", parent=test_fdshare)
def test_fdshare_nofile():
    """A full table, numbers past the limit, raising the soft limit."""
    part_matches("fdshare", "RLIMIT_NOFILE", FD_ORDER)
    program_ends("fdshare")


# -------------------------------------------------------------- appendrace

AR_ORDER = []


@test(0, "appendrace")
def test_appendrace():
    """Boot; /init runs `/bin/appendrace DIR 2000` (and /bin/hello)."""
    AR_ORDER[:] = run_programs(["appendrace,%s,2000" % scratch_dir()])


@test(15, "appendrace: O_APPEND and shared offsets lose no record",
      parent=test_appendrace)
def test_appendrace_run():
    """2 and 4 concurrent writers: nothing lost, torn or duplicated."""
    program_matches("appendrace", AR_ORDER)


# ----------------------------------------------------------------- pipesem

PS_ORDER = []


@test(0, "pipesem")
def test_pipesem():
    """Boot; /init runs /bin/pipesem (and /bin/hello)."""
    PS_ORDER[:] = run_programs(["pipesem"])


# pipesem's sections: (key, points, title, what it checks, section)
PS_TESTS = [
    ("eof", 5, "end of file when every writer is closed",
     "A forked child's write end keeps the pipe open.", "end of file"),
    ("epipe", 5, "EPIPE and SIGPIPE",
     "Default action, ignored, caught, and a blocked writer whose reader "
     "goes away.", "EPIPE and SIGPIPE"),
    ("atomic", 5, "PIPE_BUF writes are atomic",
     "4 writers of 4096-byte records: none interleaved.",
     "PIPE_BUF atomicity"),
]
children(test_pipesem, PS_TESTS, section_check("pipesem", PS_ORDER))


@test(5, "pipesem: O_NONBLOCK, capacity, partial writes",
      parent=test_pipesem)
def test_pipesem_nonblock():
    """EAGAIN both ways, F_GETPIPE_SZ, wrong ends."""
    part_matches("pipesem", "O_NONBLOCK", PS_ORDER)
    program_ends("pipesem")


# --------------------------------------------------------------- integrity

IN_ORDER = []


@test(0, "integrity")
def test_integrity():
    """Boot; /init runs `/bin/integrity DIR SEED`, `/bin/shmtest DIR`
    (and /bin/hello)."""
    word = "integrity,%s,%%d" % scratch_dir()
    IN_ORDER[:] = run_programs([word % pick_seed(word),
                                "shmtest,%s" % scratch_dir()])


@test(20, "integrity: MiB of data read back as written",
      parent=test_integrity)
def test_integrity_run():
    """Checksums after writes, holes, pwrites, mmap and truncates."""
    program_matches("integrity", IN_ORDER)


# ------------------------------------------------------------- mmap-shared
# Regression tests: mmap(MAP_SHARED) of a file with PROT_WRITE was EACCES
# (a test suite's harness that shares its results through a file in
# /dev/shm broke before its first test), a private mapping was a copy
# taken at mmap time, and a page wholly past the end of a file read zeros
# instead of SIGBUS.

# shmtest's sections: (points, section, what it checks); each is the
# child mmap-shared-SECTION of integrity's boot.
SHM_PARTS = [
    (5, "shared", "stores through a mapping are the file's bytes"),
    (4, "fork", "an inherited shared mapping is one memory"),
    (5, "private", "MAP_PRIVATE copies the file's page at its first store"),
    (5, "sigbus", "SIGBUS (BUS_ADRERR) wholly past the end of the file"),
    (3, "access", "the open mode limits the mapping (EACCES, ENODEV)"),
    (3, "advice", "madvise(MADV_DONTNEED) and msync"),
    (3, "shm", "shm_open and shm_unlink in /dev/shm, across fork"),
    (3, "memfd", "memfd_create: a file no directory names"),
    (2, "big", "a 64 MiB file written through a mapping"),
]
children(test_integrity,
         section_rows(SHM_PARTS, "{text} ({section})",
                      "shmtest's `-- {section}` equals Linux's: {text}."),
         section_check("shmtest", IN_ORDER),
         name="mmap-shared", title="mmap-shared")


@test(2, "mmap-shared: the 64 MiB come back after unlink and munmap "
      "(memory)", parent=test_integrity, name="mmap-shared-memory")
def test_shm_memory():
    """shmtest's `-- memory`: free memory after the 64 MiB file is gone is
    within 32 MiB of what it was before (Keel only: the host's free memory
    moves with whatever else runs there)."""
    got = sections(user_lines()).get("shmtest")
    assert_true(got is not None, "/bin/shmtest did not run to its end\n"
                "  run ended: %s" % result().reason)
    assert_equal(parts(got).get("memory"), ["free memory back: yes"],
                 "the file's memory was not given back:")


# ---------------------------------------------------------------- badpaths

BP_ORDER = []


@test(0, "badpaths")
def test_badpaths():
    """Boot; /init runs `/bin/badpaths DIR` (and /bin/hello)."""
    BP_ORDER[:] = run_programs(["badpaths,%s" % scratch_dir()])


# badpaths' sections: (key, points, title, what it checks, section)
BP_TESTS = [
    ("pointers", 6, "NULL and unterminated paths give EFAULT",
     "The name runs into an unmapped page.", "bad pointers"),
    ("long", 4, "PATH_MAX and NAME_MAX",
     "ENAMETOOLONG, and the longest names that are allowed.", "too long"),
    ("empty", 4, "the empty path, AT_EMPTY_PATH",
     "ENOENT; the descriptor itself with AT_EMPTY_PATH.", "empty path"),
    ("type", 10, "calls on the wrong type of file",
     "EISDIR, ENOTDIR, EEXIST, ENOTEMPTY, EINVAL, EPERM, EBADF, ELOOP.",
     "wrong type"),
]
children(test_badpaths, BP_TESTS, section_check("badpaths", BP_ORDER))


@test(6, "badpaths: a full tmpfs gives ENOSPC, the kernel lives on",
      parent=test_badpaths)
def test_badpaths_full():
    """A 64 KiB tmpfs fills up; room again once a file is gone."""
    part_matches("badpaths", "full tmpfs", BP_ORDER)
    program_ends("badpaths")
    expect(r"init: all done")
    assert_status(0)


# ---------------------------------------------------------------- walkedge

WE_ORDER = []


@test(0, "walkedge")
def test_walkedge():
    """Boot; /init runs `/bin/walkedge DIR` (and /bin/hello)."""
    WE_ORDER[:] = run_programs(["walkedge,%s" % scratch_dir()])


# walkedge's sections: (key, points, title, what it checks, section)
WE_TESTS = [
    ("dots", 5, "dots and slashes",
     "`.`, `..`, `/..`, `//`, trailing slashes, a file as a directory.",
     "dots and slashes"),
    ("links", 5, "symbolic links (40 followed, 41 ELOOP)",
     "Chains, relative links, `..` after a link, trailing slashes, "
     "O_CREAT through a dangling link (it makes the target).",
     "symbolic links"),
    ("cwd", 4, "the working directory renamed and removed",
     "getcwd follows a rename; a removed directory takes no new names.",
     "the working directory moves"),
    ("names", 4, "files outlive their names",
     "Link counts, unlink and rename over open files, O_TRUNC (also "
     "with O_RDONLY, as on Linux).", "names and files"),
    ("listing", 3, "a listing after creations and removals",
     "Every name once, with its type.", "listing"),
    ("mounts", 4, "a mount (`..` at its root, EXDEV, EBUSY)",
     "A tmpfs mounted under DIR, crossed and unmounted.", "mounts"),
]
children(test_walkedge, WE_TESTS, section_check("walkedge", WE_ORDER))


# Regression test for "BusyBox's testsuite crashes the kernel: #DF Double
# Fault in vsnprintf (a kernel stack overflow)": the unmount of a tmpfs
# dropped its tree by a recursion one frame per directory level, and the
# path walk followed nested links by recursion; a user chooses both
# depths. A 300-deep tree is unmounted and 40 nested links are walked.
@test(3, "walkedge: a deep tree unmounted, nested links (no stack overflow)",
      parent=test_walkedge)
def test_walkedge_deep():
    """300 levels of mkdir and chdir on a tmpfs, then umount; links
    nested 40 deep (ok) and 41 (ELOOP); the kernel lives on."""
    part_matches("walkedge", "deep", WE_ORDER)
    program_ends("walkedge")


# ------------------------------------------------------------------ fsfuzz

FZ_ORDER = []


@test(0, "fsfuzz")
def test_fsfuzz():
    """Boot; /init runs `/bin/fsfuzz DIR SEED 1500` (and /bin/hello)."""
    word = "fsfuzz,%s,%%d,1500" % scratch_dir()
    FZ_ORDER[:] = run_programs([word % pick_seed(word)])


@test(5, "fsfuzz: the kernel survives 1500 random file calls",
      parent=test_fsfuzz)
def test_fsfuzz_survives():
    """The program ends, init ends, the machine powers off."""
    program_ends("fsfuzz")
    expect(r"init: all done")
    assert_status(0)


@test(15, "fsfuzz: every result as on Linux", parent=test_fsfuzz)
def test_fsfuzz_same():
    """The hashes of the results and the final tree equal Linux's; on
    a difference, run `/bin/fsfuzz DIR SEED N -v` on both (N: the first
    checkpoint that differs) to see the calls."""
    program_matches("fsfuzz", FZ_ORDER)


# --------------------------------------------------------------- BusyBox

def script_sections(text, tok):
    """Split a script's output into {section: its lines}: only what comes
    between `== start TOKEN` and `== end TOKEN` counts; in there a line
    `== name` starts a section. Kernel lines are left out."""
    out, name = {}, None
    for line in text.splitlines():
        line = line.rstrip("\r")
        if KERNEL_LINE.match(line):
            continue
        m = re.match(r"^== (\S+)(?: (\S+))?$", line)
        if m and m.group(2) == tok and m.group(1) == "start":
            name = "start"
            out = {name: []}
        elif m and m.group(2) == tok and m.group(1) == "end":
            name = None
        elif m and m.group(2) is None and name is not None:
            name = m.group(1)
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return out


def script_matches(name, tok, binary="busybox"):
    """Section `name` of the guest's /test/vfs.sh output equals the
    host's."""
    want = script_sections(oracle.busybox_output("vfs.sh", [tok], binary),
                           tok)
    assert_true(name in want, "the Linux recording printed no `== %s`" % name)
    got = script_sections(result().output, tok)
    assert_true(name in got, "no `== %s` line: the script did not get "
                "there\n  run ended: %s" % (name, result().reason))
    assert_equal(got[name], want[name], "`== %s` differs from Linux "
                 "(expected: the same busybox on Linux):" % name)


VFS_TOKEN = token()
# /test/vfs.sh's sections: (points, section, title); each is the child
# vfs-SECTION of busybox-vfs.
VFS_SECTIONS = [
    (5, "redirect", "redirections: > >> < 2>&1 and here-documents"),
    (4, "subst", "command substitution, pipes, read loops"),
    (8, "files", "cp, mv, rm, mkdir -p, ln, ln -s, touch, chmod, stat"),
    (5, "find", "find | xargs, sort | uniq -c, wc"),
    (5, "tar", "tar of a directory tree and back, diff -r"),
    (4, "edit", "sed -i, dd, cmp, head, tail, truncate"),
    (2, "fifo", "mkfifo: a writer and a reader"),
    (5, "exec", "a copy of busybox and new scripts run, a big file"),
]


@test(0, "busybox-vfs", name="busybox-vfs")
def test_vfs():
    """Boot; init runs `/bin/sh /test/vfs.sh TOKEN`."""
    boot("quiet -- /bin/sh,/test/vfs.sh,%s" % VFS_TOKEN, timeout=240,
         initrd=chapter_initrd())


def vfs_matches(key, section):
    """Section `section` of this run's /test/vfs.sh equals Linux's."""
    script_matches(section, VFS_TOKEN)


children(test_vfs,
         section_rows(VFS_SECTIONS, "{text}",
                      "`== {section}` of /test/vfs.sh equals Linux's."),
         vfs_matches, name="vfs")


@test(2, "busybox-vfs: the script ends and cleans up", parent=test_vfs)
def test_vfs_end():
    """`== end TOKEN`, sh exits 0, init's exit 0 powers the machine off."""
    expect(r"^== end %s\r?$" % VFS_TOKEN)
    expect(r"init: /bin/sh exited with status 0")
    assert_status(0)


GLIBC_TOKEN = token()


@test(0, "busybox-vfs-glibc", name="busybox-vfs-glibc")
def test_vfs_glibc():
    """Boot; init runs `/bin/busybox.glibc sh /test/vfs.sh TOKEN`."""
    boot("quiet -- /bin/busybox.glibc,sh,/test/vfs.sh,%s" % GLIBC_TOKEN,
         timeout=240, initrd=chapter_initrd())


@test(10, "busybox-vfs-glibc: Debian's busybox works on files too",
      parent=test_vfs_glibc)
def test_vfs_glibc_run():
    """The redirect, files and tar sections, as busybox.glibc prints them
    on the host."""
    for section in ("redirect", "files", "tar"):
        script_matches(section, GLIBC_TOKEN, "busybox.glibc")
    expect(r"^== end %s\r?$" % GLIBC_TOKEN)
    assert_status(0)
