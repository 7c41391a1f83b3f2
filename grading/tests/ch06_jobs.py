"""Chapter 6 tests: job control without a terminal.

Why these checks: a shell's `jobs`, `fg`, `bg` and ^Z rest on the kernel
stopping a process, continuing it, and telling the parent about both. A
shell that misses a stop hangs in wait4; a stop in an orphaned group that
nobody can continue hangs forever; a read that fails with EINTR after
^Z and `fg` breaks every program that was waiting for input. Linux is the
oracle: /bin/jobctl runs on the host too and its console section must be
identical.

Groups (30 points):

  jobs  (30)  /bin/jobctl: SIGSTOP and SIGTSTP stop, SIGCONT continues;
              wait4 WUNTRACED and WCONTINUED and waitid WSTOPPED,
              WCONTINUED and WNOWAIT with Linux's status words and
              siginfo; SIGCHLD with CLD_STOPPED and CLD_CONTINUED (none
              under SA_NOCLDSTOP); a signal to a stopped process waits
              for SIGCONT; SIGTSTP, SIGTTIN and SIGTTOU do nothing in an
              orphaned group while SIGSTOP still stops; a group orphaned
              while stopped gets SIGHUP and SIGCONT; a blocking read goes
              on after a stop and continue, or fails with EINTR when a
              SIGCONT handler without SA_RESTART runs.

The programs run in a fresh random order each boot (with chapter 3's
hello mixed in), so canned output cannot pass.
"""

import secrets

from grading.gradelib import boot, children, expect_not, test
from grading.progtest import chapter_initrd, program_matches

JOBS_ORDER = ["/bin/jobctl", "/bin/hello"]
secrets.SystemRandom().shuffle(JOBS_ORDER)


@test(0, "jobs")
def test_jobs():
    """Boot; /init runs jobctl (and hello) in a random order."""
    boot("quiet -- %s" % " ".join(JOBS_ORDER), timeout=120,
         initrd=chapter_initrd())


def check(name, crash=None):
    """Program `name`'s section equals Linux's; no `crash` line."""
    program_matches(name, JOBS_ORDER)
    if crash:
        expect_not(crash)


# (program, points, title, what it checks[, a crash regex])
JOBS_TESTS = [
    ("jobctl", 30, "jobctl (stop, continue, wait, orphaned groups)",
     "Stops and continues as wait4, waitid and SIGCHLD report them; "
     "orphaned groups; reads across a stop.",
     r"EXCEPTION|KERNEL PANIC"),
]
children(test_jobs, JOBS_TESTS, check)
