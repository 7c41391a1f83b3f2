"""Chapter 4 tests across areas: two C libraries, bad input, random calls.

Why these checks: a kernel that runs one C library's programs may still
miss what the other asks for at start-up (glibc sets up TLS, a robust
futex list, rseq, reads its own limits), and a kernel that answers good
calls correctly may still crash, hang or leak kernel memory on a bad one.
Linux is the oracle for everything that has one answer.

Groups (97 points):

  glibc     (26)  the chapter's test programs linked static against glibc
                  (/bin/NAME.glibc in the initramfs), run by /init in a
                  random order; each program's part of the console must
                  equal what the same binary prints on Linux.
  badinput  (29)  /bin/badinput: about 330 system calls with bad pointers
                  (NULL, unmapped, kernel addresses, wrapping ranges), bad
                  file descriptors, bad flags and numbers, unknown system
                  call numbers; each errno must be Linux's, and the kernel
                  must survive (no panic, init sees the program end).
  sysfuzz   (20)  /bin/sysfuzz as init with a fresh random seed: thousands
                  of random system calls in a child; the kernel must
                  neither panic nor hang, and the parent must report.
  trust     (22)  /bin/trustregress: the regression tests of the "trust
                  first" bugs, each group compared with Linux: rflags
                  (NT, AC, ID, DF, TF set by the program then a system
                  call; int3, int $N, forged sigreturn selectors), iovec
                  (readv/writev lengths that wrap, are negative or too
                  many), pointers (wait4/waitid rusage and infop in the
                  kernel), ranges (munmap, mprotect, mmap, madvise,
                  mremap past TASK_SIZE), sigbus (a file page past EOF).
"""

import re
import secrets
import subprocess
from pathlib import Path

from grading import oracle
from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              chapter, children, expect, expect_not, result,
                              test)

REPO = Path(__file__).resolve().parent.parent.parent
KERNEL_LINE = re.compile(r"^(keel: |Keel )")
# what the kernel prints when it dies (tools/keelqemu.py)
CRASH = r"KERNEL PANIC|EXCEPTION: "


def staged_initrd(programs):
    """The graded chapter's initramfs (built if missing), which must hold
    `programs` (names under /bin, glibc builds among them): a chapter-4
    archive built before they joined the list is built again."""
    cpio = REPO / "build" / ("ch%02d" % chapter()) / "initrd.cpio"
    make = ["make", "-s", "initrd", "CHAPTER=%d" % chapter()]
    if not cpio.exists():
        subprocess.run(make, cwd=str(REPO), check=False)
    data = cpio.read_bytes() if cpio.exists() else b""
    if data and not all(("bin/" + p).encode() in data for p in programs):
        cpio.unlink()
        subprocess.run(make, cwd=str(REPO), check=False)
    assert_true(cpio.exists(), "no %s: `make initrd` failed" % cpio)
    return str(cpio)


def sections(text):
    """Split init's transcript into {program: its lines, init's line last}."""
    out, cur = {}, []
    for line in text.splitlines():
        cur.append(line)
        m = re.match(r"init: /bin/([\w.]+) (exited|killed)", line)
        if m:
            out[m.group(1)] = cur
            cur = []
    out["_rest"] = cur
    return out


def user_lines():
    """The console without the kernel's own lines: what user programs wrote."""
    return "\n".join(ln for ln in result().output.splitlines()
                     if not KERNEL_LINE.match(ln))


def program_matches(name, order):
    """Program `name`'s console section equals its output on Linux when
    init runs the programs `order`."""
    want = sections(oracle.init_output(order)).get(name)
    assert_true(want is not None, "the Linux recording did not run %s" % name)
    got = sections(user_lines()).get(name)
    assert_true(got is not None, "no `init: /bin/%s exited` line: the "
                "program did not run to its end\n  run ended: %s"
                % (name, result().reason))
    assert_equal(got, want, "/bin/%s printed something else than on Linux:"
                 % name)


def survived():
    """The kernel did not die: no panic or exception line, and init's exit
    powered the machine off with status 0."""
    expect_not(CRASH, msg="the kernel crashed:")
    assert_status(0)


# ------------------------------------------------------------------- glibc

# the glibc builds /init runs: (program, points, title, what it checks)
GLIBC_TESTS = [
    ("hello", 3, "hello",
     "glibc's start-up: TLS, argv, environment, printf."),
    ("forktest", 3, "forktest", "fork, exit codes and wait through glibc."),
    ("cowtest", 3, "cowtest", "copy-on-write seen through glibc."),
    ("exectest", 3, "exectest",
     "execve's errors and a real exec, from glibc."),
    ("waittest", 3, "waittest", "wait4 and the status macros, from glibc."),
    ("segvtest", 3, "segvtest", "faults kill only the child, under glibc."),
    ("deeprec", 2, "deeprec", "a deep stack under glibc."),
    ("badinput", 4, "badinput", "the bad-input suite, built with glibc."),
]
GLIBC = [row[0] for row in GLIBC_TESTS]
GLIBC_ORDER = ["/bin/%s.glibc" % p for p in GLIBC]
secrets.SystemRandom().shuffle(GLIBC_ORDER)


@test(0, "glibc")
def test_glibc():
    """Boot; /init runs every glibc build, in this run's random order."""
    initrd = staged_initrd(["%s.glibc" % p for p in GLIBC])
    boot("quiet -- %s" % " ".join(GLIBC_ORDER), timeout=180, initrd=initrd)


def glibc_matches(name):
    """NAME.glibc printed what it prints on Linux."""
    program_matches(name + ".glibc", GLIBC_ORDER)


children(test_glibc, GLIBC_TESTS, glibc_matches)


@test(2, "glibc: init finishes, the kernel survives", parent=test_glibc)
def test_glibc_done():
    """init ran every program in this run's order and powered off."""
    ran = re.findall(r"^init: (/bin/[\w.]+) (?:exited|killed)", user_lines(),
                     re.M)
    assert_equal(ran, GLIBC_ORDER, "init did not run the programs in the "
                 "order given after `--`:")
    expect(r"init: all done")
    survived()


# ---------------------------------------------------------------- badinput

@test(0, "badinput")
def test_badinput():
    """Boot; /init runs /bin/badinput (musl)."""
    initrd = staged_initrd(["badinput"])
    boot("quiet -- /bin/badinput", timeout=120, initrd=initrd)


def badinput_group(lines, group):
    """The lines of one group of badinput's output (`== group` ... its
    end line), or None."""
    out, inside = [], False
    for line in lines:
        if line == "== %s" % group:
            inside = True
        if inside:
            out.append(line)
            if line.startswith("== %s: " % group):
                return out
    return out or None


def badinput_matches(group):
    """Group `group` of badinput's cases answers as on Linux."""
    want = badinput_group(sections(oracle.init_output(
        ["/bin/badinput"])).get("badinput", []), group)
    assert_true(want, "the Linux recording printed no group %s" % group)
    got = badinput_group(sections(user_lines()).get("badinput", []), group)
    assert_true(got is not None, "no `== %s` group in the console: badinput "
                "did not get that far\n  run ended: %s"
                % (group, result().reason))
    assert_equal(got, want, "badinput's %s cases answered otherwise than "
                 "Linux:" % group)


# badinput's groups of cases (each one runs in a child of its own):
# (group, points, title, what it covers)
BAD_GROUPS = [
    ("pointers-io", 3, "bad pointers to read, write, readv, writev, fstat",
     "NULL, unmapped, kernel-half, kernel-text, wrapping, past-the-top "
     "buffers and iovecs: EFAULT"),
    ("pointers-paths", 2, "bad path pointers",
     "open, openat, stat, lstat, access, chdir, readlink, execve: EFAULT"),
    ("pointers-outputs", 3, "bad output buffers",
     "getcwd, uname, clocks, sysinfo, times, getrandom, pipe, arch_prctl, "
     "prlimit64, getdents64: EFAULT (NULL where NULL means none: 0)"),
    ("pointers-process", 2, "bad pointers to signal, sleep, wait calls",
     "nanosleep, rt_sigaction, rt_sigprocmask, wait4 (reaps anyway), "
     "set_robust_list (read only at exit)"),
    ("fds", 6, "bad file descriptors",
     "-1, 1000, a closed fd: EBADF; a directory or a read-only file where "
     "it does not fit: EISDIR, EBADF, ENOTTY, ENOTDIR"),
    ("flags-files", 2, "bad flags and numbers for files",
     "whence, fcntl commands, pipe2 flags, iovcnt, O_DIRECTORY, getcwd and "
     "readlink sizes, access modes"),
    ("flags-memory", 2, "bad mmap, munmap, mprotect arguments",
     "length 0, flags without a type, unaligned addresses and offsets, "
     "unknown prot bits"),
    ("flags-process", 3, "bad clocks, signals, wait options",
     "clock ids, nanosleep times, sigprocmask how/size, signal numbers, "
     "kill, wait4 options, getrandom flags, arch_prctl codes, rlimits"),
    ("unknown", 3, "unknown system calls are ENOSYS",
     "holes in the table, numbers past its end, -1"),
]


children(test_badinput, BAD_GROUPS, badinput_matches)


@test(3, "badinput: the kernel survives", parent=test_badinput)
def test_badinput_survives():
    """badinput got to its end, init saw it exit, nothing crashed."""
    expect(r"^badinput: done", msg="badinput did not get to its end")
    expect(r"^init: /bin/badinput exited with status 0")
    expect(r"init: all done")
    survived()


# ----------------------------------------------------------------- sysfuzz

SEED = secrets.randbelow(1 << 32)
CALLS = 5000


@test(0, "sysfuzz")
def test_sysfuzz():
    """Boot /bin/sysfuzz as init with this run's seed."""
    initrd = staged_initrd(["sysfuzz"])
    boot("quiet init=/bin/sysfuzz -- %d %d" % (SEED, CALLS), timeout=180,
         initrd=initrd)


@test(10, "sysfuzz: random calls end, the parent reports",
      parent=test_sysfuzz)
def test_sysfuzz_report():
    """The child ended (exited or killed) and the parent said so."""
    expect(r"sysfuzz: seed %d, %d calls" % (SEED, CALLS))
    expect(r"sysfuzz: the child (exited|was killed by a signal)",
           msg="sysfuzz (seed %d) did not report its child's end" % SEED)
    expect(r"sysfuzz: survived")


@test(10, "sysfuzz: no panic, no hang", parent=test_sysfuzz)
def test_sysfuzz_survives():
    """No panic or exception line; init (sysfuzz) powered off with 0."""
    expect_not(CRASH, msg="the kernel crashed under sysfuzz (seed %d):"
               % SEED)
    assert_true(result().status is not None,
                "the kernel hung under sysfuzz (seed %d): %s"
                % (SEED, result().reason))
    survived()


# ------------------------------------------------------------------- trust
# Regression tests of the "trust first" bugs, bad input from a program
# that crashed the kernel, hung it or got another answer than Linux's:
#   rflags   "a user program panics the kernel by entering it with an
#            unusual bit set in RFLAGS" (#GP in trap_return's iretq), and
#            "int3 in user mode gives SIGSEGV, not SIGTRAP";
#   iovec    "a writev whose iovec lengths overflow when summed hangs
#            instead of EINVAL";
#   pointers "wait4 with a rusage pointer into kernel memory succeeds
#            instead of EFAULT";
#   ranges   "munmap over the whole address space kills the caller
#            instead of EINVAL";
#   sigbus   "a file-mapped page wholly past EOF reads zeros, not SIGBUS".
# One boot runs all five groups, each in a child of its own, so one
# broken answer costs only its group.

@test(0, "trust")
def test_trust():
    """Boot; /init runs /bin/trustregress."""
    initrd = staged_initrd(["trustregress"])
    boot("quiet -- /bin/trustregress", timeout=120, initrd=initrd)


def trust_group(lines, group):
    """The lines of one group of trustregress's output (`== group` up to
    its `== group: ...` end line), or None."""
    return badinput_group(lines, group)


def trust_matches(group):
    """Group `group` of trustregress answers as on Linux."""
    want = trust_group(sections(oracle.init_output(
        ["/bin/trustregress"])).get("trustregress", []), group)
    assert_true(want, "the Linux recording printed no group %s" % group)
    got = trust_group(sections(user_lines()).get("trustregress", []), group)
    assert_true(got is not None, "no `== %s` group in the console: "
                "trustregress did not get that far\n  run ended: %s"
                % (group, result().reason))
    assert_equal(got, want, "trustregress's %s cases answered otherwise "
                 "than Linux:" % group)
    expect_not(CRASH, msg="the kernel crashed:")


# (group, points, title, what it covers)
TRUST_GROUPS = [
    ("rflags", 6, "flags, breakpoints, software interrupts, sigreturn",
     "NT/AC/ID/DF then a system call (no #GP in the kernel's iretq), TF "
     "single-step and TF over a system call (SIGTRAP), int3 and int $3 "
     "(SIGTRAP), int $4 and other gates (SIGSEGV), into (SIGILL), "
     "sigreturn with a kernel or null code selector (SIGSEGV)"),
    ("iovec", 4, "readv, writev, preadv, pwritev lengths",
     "lengths that wrap or pass SSIZE_MAX, negative lengths, 1025 iovecs, "
     "kernel buffers (even of 0 bytes): Linux's errno and nothing moved"),
    ("pointers", 3, "wait4 and waitid result pointers",
     "rusage and infop at kernel, non-canonical, unmapped addresses: "
     "EFAULT, the child reaped all the same"),
    ("ranges", 4, "munmap, mprotect, mmap, madvise, mremap ranges",
     "past TASK_SIZE, the kernel half, non-canonical, wrapping, length 0: "
     "EINVAL or ENOMEM as Linux, and the caller lives on"),
    ("sigbus", 3, "file pages past the end of the file",
     "MAP_PRIVATE read-only and writable: a page wholly past EOF is "
     "SIGBUS, the last partial page reads zeros, a system call meeting "
     "it gets EFAULT"),
]


children(test_trust, TRUST_GROUPS, trust_matches)


@test(2, "trust: the kernel survives", parent=test_trust)
def test_trust_survives():
    """trustregress got to its end, init saw it exit, nothing crashed."""
    expect(r"^trustregress: done", msg="trustregress did not get to its end")
    expect(r"^init: /bin/trustregress exited with status 0")
    expect(r"init: all done")
    survived()
