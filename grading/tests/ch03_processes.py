"""Chapter 3 tests: threads, the scheduler, wait queues, mutexes, initramfs.

Why these checks: everything later runs in threads, sleeps on wait queues
and takes locks; a scheduler that loses a wake-up or a mutex that lets two
threads in shows up chapters later as a hang or a corrupted file. The
in-kernel self-tests (kernel/proc/sched_test.c) bound every wait, so a
broken scheduler fails here instead of hanging.

Groups (110 points). Each group belongs to exactly one exercise (or to
none), so a handout with the exercises stubbed loses exactly their groups:

  threads    (20)  exercise 3.1. `test=threads`: four yielding threads run
                   round-robin; `test=preempt`: two threads that never
                   yield both progress (timer preemption).
  sleep      (20)  exercise 3.2. `test=waitqueue`: 1000 tokens through one
                   slot between a producer and a consumer; `test=sleep`.
  processes  (35)  exercise 3.2 too (wait4 sleeps until a child exits, and
                   needs exercise 3.1's scheduler to run anything). Boot the
                   chapter's initramfs: /init forks, execs and waits for
                   every test program in user/, in a random order passed
                   on the kernel command line after `--`. Linux is the oracle: each
                   program's part of the console must equal what the same
                   binary prints on the host (grading/oracle.py).
  mutex      (20)  exercise 3.3. `test=mutex`: no update lost under a
                   mutex with yields inside the critical section.
  lockdep     (5)  `test=lockdep`: the lock checker (kernel/sync/lockdep.c)
                   reports a circle of spinlock orders and one of mutex
                   orders, a mutex under a spinlock, a mutex in an
                   interrupt handler and a mutex held on the way back to
                   user mode, each once and in Linux's words, and nothing
                   for right uses.
  initramfs  (10)  boot with a cpio archive holding a file with a random
                   name and content; `test=initramfs` must find it.
"""

import os
import re
import secrets
import tempfile

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              boot_selftest, children, expect,
                              expect_selftest, result, test, token)
from grading.progtest import chapter_initrd, program_matches, user_lines
from tools import cpio


# ----------------------------------------------------------------- threads


@test(0, "threads")
def test_threads():
    """Boot the round-robin self-test."""
    boot("quiet=0 test=threads", timeout=60)


@test(10, "threads: round-robin", parent=test_threads)
def test_threads_rr():
    """Four yielding threads run in turn and all return their results."""
    expect_selftest("threads")


@test(10, "threads: preemption", parent=test_threads)
def test_threads_preempt():
    """Two threads that never yield both make progress."""
    boot_selftest("preempt")


# ------------------------------------------------------------------- sleep


@test(0, "sleep")
def test_sleep():
    """Boot the producer/consumer self-test."""
    boot("test=waitqueue", timeout=60)


@test(12, "sleep: producer and consumer", parent=test_sleep)
def test_sleep_waitqueue():
    """1000 hand-offs through wait queues, none lost, in order."""
    expect_selftest("waitqueue")


@test(8, "sleep: timed sleep", parent=test_sleep)
def test_sleep_ticks():
    """A thread asleep for 20 ticks wakes after them, not before."""
    boot_selftest("sleep")


# ------------------------------------------------------------------- mutex


@test(0, "mutex")
def test_mutex():
    """Boot the mutex self-test."""
    boot("test=mutex", timeout=90)


@test(20, "mutex: no lost update", parent=test_mutex)
def test_mutex_counter():
    """Four threads, 200 increments each, yields inside the section: 800."""
    expect_selftest("mutex")


# ----------------------------------------------------------------- lockdep


@test(0, "lockdep")
def test_lockdep():
    """Boot the lock checker's self-test: wrong lock uses on purpose."""
    boot("test=lockdep", timeout=30)


@test(2, "lockdep: self-test passes", parent=test_lockdep)
def test_lockdep_pass():
    """Each wrong use reported once, of its kind; right uses not at all."""
    expect_selftest("lockdep")


@test(3, "lockdep: reports in Linux's shape", parent=test_lockdep)
def test_lockdep_reports():
    """The circle names the lock taken, the one held, the chain between
    them and the scenario; the sleeping reports say the context."""
    out = result().output
    for want in [
            r"WARNING: possible circular locking dependency detected",
            r"kmain/0 is trying to acquire lock:\s*\n"
            r"\s*\(lockdep-test A\)\{spinlock\}, at: (selftest_lockdep|nest)\+",
            r"but task is already holding lock:\s*\n"
            r"\s*\(lockdep-test C\)\{spinlock\}, at: (selftest_lockdep|nest)\+",
            r"-> #1 \(lockdep-test B\)\{spinlock\}",
            r"\*\*\* DEADLOCK \*\*\*",
            r"BUG: sleeping function called from invalid context at "
            r"selftest_lockdep\+.*\n.*in_irq\(\): 0, spinlocks held: 1",
            r"BUG: sleeping function called from invalid context at "
            r"selftest_lockdep\+.*\n.*in_irq\(\): 1, spinlocks held: 0",
            r"is trying to acquire lock:\s*\n\s*\(lockdep-test M\)\{mutex\}",
            r"WARNING: lock held when returning to user space!\s*\n"
            r"kmain/0 is leaving the kernel after the self-test",
    ]:
        assert_true(re.search(want, out), "no report matching %r" % want)
    assert_equal(len(re.findall(r"(WARNING|BUG): ", out)), 5,
                 "reports of the lock checker:")


# --------------------------------------------------------------- initramfs


@test(0, "initramfs")
def test_initramfs():
    """Boot with a fresh archive: a random file name holding a random token."""
    name, value = "t%s" % token(4), token()
    archive = cpio.files({
        "init": b"not a program yet\n",
        "etc/motd": b"keel\n",
        name: value.encode() + b"\n",
    })
    fd, path = tempfile.mkstemp(suffix=".cpio")
    with os.fdopen(fd, "wb") as f:
        f.write(archive)
    try:
        boot("test=initramfs initrd_file=/%s initrd_token=%s"
             % (name, value), timeout=60, initrd=path)
    finally:
        os.unlink(path)


@test(10, "initramfs: file found", parent=test_initramfs)
def test_initramfs_found():
    """The cpio reader finds the file and its content matches the token."""
    expect(r"initramfs: \d+ files")
    expect_selftest("initramfs")


# --------------------------------------------------------------- processes

# init runs these in order (user/init.c); each one's output ends with
# init's line `init: /bin/NAME exited ...` or `... killed by signal N`.
PROGRAMS = ["hello", "forktest", "cowtest", "exectest", "waittest",
            "segvtest", "deeprec"]
# A fresh order per run, passed to init after `--` on the kernel command
# line: canned output in the wrong order cannot pass.
ORDER = ["/bin/%s" % p for p in PROGRAMS]
secrets.SystemRandom().shuffle(ORDER)


@test(0, "processes")
def test_processes():
    """Boot the chapter's initramfs; /init runs every program, in this
    run's random order."""
    # loglevel=6: the kernel's notices about processes (segvtest's "killed
    # by signal 11", init's exit) stay on the console after boot
    boot("quiet loglevel=6 -- %s" % " ".join(ORDER), timeout=60,
         initrd=chapter_initrd())


def process_matches(name, also=None):
    """Program `name`'s part of the console equals its output on Linux
    (and the console matches the regex `also`, when given)."""
    program_matches(name, ORDER)
    if also:
        expect(also)


# (program, points, title, what it checks[, a console line it causes])
PROCESS_TESTS = [
    ("hello", 4, "hello (exec, argv, envp)",
     "A static musl program starts: argc, argv, environment."),
    ("forktest", 5, "forktest (fork, exit codes, limits)",
     "Children exit with their codes; 50 children are forked and reaped."),
    ("cowtest", 5, "cowtest (copy-on-write)",
     "Parent and child see their own writes after fork, nothing shared."),
    ("exectest", 4, "exectest (exec errors)",
     "ENOENT, ENOEXEC, EACCES, EFAULT from execve; then a real exec."),
    ("waittest", 4, "waittest (wait4)",
     "WNOHANG, a specific pid, ECHILD, status encoding."),
    ("segvtest", 4, "segvtest (faults kill only the child)",
     "Bad accesses kill the child with SIGSEGV; the parent goes on.",
     r"keel: pid \d+ \(segvtest\) killed by signal 11"),
    ("deeprec", 2, "deeprec (a deep user stack)",
     "10000 nested calls with 256-byte frames: the stack grows on demand."),
]
children(test_processes, PROCESS_TESTS, process_matches)


@test(2, "processes: init finishes, the kernel powers off",
      parent=test_processes)
def test_processes_done():
    """init ran the programs in this run's order, said `init: all done`,
    and its exit 0 powered the machine off."""
    ran = re.findall(r"^init: (/bin/\w+) (?:exited|killed)", user_lines(),
                     re.M)
    assert_equal(ran, ORDER, "init did not run the programs in the order "
                 "given after `--` on the command line:")
    expect(r"init: all done")
    expect(r"keel: init exited with status 0")
    assert_status(0)


@test(5, "processes: a fork bomb is refused (EAGAIN)", parent=test_processes)
def test_processes_forkbomb():
    """`init=/bin/forkbomb`: a chain of forks until the kernel's bound
    (Linux's threads-max: 2048 processes in 256 MiB, not a small fixed
    table); fork must fail with EAGAIN, everything be reaped, the kernel
    live.

    Not an oracle comparison: Linux would let the chain reach its bound.
    """
    boot("quiet init=/bin/forkbomb", timeout=120, initrd=chapter_initrd())
    link = int(expect(r"forkbomb: the fork of link (\d+): EAGAIN").group(1))
    assert_true(link >= 1024, "fork refused at link %d: processes should be "
                "bounded by memory (thousands fit in 256 MiB), not a small "
                "fixed table" % link)
    expect(r"forkbomb: fork refused with EAGAIN; chain unwound")
    expect(r"forkbomb: after the chain, a child exits with 42")
    assert_status(0)
