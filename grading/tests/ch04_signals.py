"""Chapter 4 tests: signals, process groups and sessions.

Why these checks: a shell lives on signals. ^C must kill the foreground
job and not the shell, a SIGCHLD handler reaps background jobs, a wait
must come back with EINTR (or go on, with SA_RESTART), and a program's
own handler for SIGSEGV or SIGINT must run and return with every register
intact. Linux is the oracle: each program runs on the host too
(grading/oracle.py) and its console section must be identical.

Groups (66 points):

  signals        (36)  exercise 4.3. /bin/sigtest: handlers with siginfo,
                       registers and SSE state intact after rt_sigreturn,
                       sa_mask, SA_NODEFER, SA_RESETHAND, SIG_IGN, pending
                       while blocked, rt_sigsuspend, SIGCHLD, sigaltstack,
                       EINTR and SA_RESTART around a blocking wait4.
                       /bin/sigfault: SIGSEGV/SIGFPE/SIGILL handlers that
                       leave with siglongjmp; refused faults still kill.
                       /bin/trustsig (regression tests): the siginfo of
                       int3 (SIGTRAP, SI_KERNEL), single-steps (TRAP_TRACE,
                       also over a system call), int $0x81 and int $4
                       (SIGSEGV, SI_KERNEL), a file page past EOF (SIGBUS,
                       BUS_ADRERR at the byte).
                       Without the signal frame every handler is fatal.
  signal-basics  (30)  no handler needed: /bin/pgrptest checks default
                       actions, SIGKILL, masks and pending sets, kill's
                       forms and errors, setpgid/setsid/getpgid/getsid
                       and kill(0)/kill(-pgid) on a process group;
                       /bin/sigabuse forges rt_sigreturn frames (no IOPL
                       3, a non-canonical rip or an unreadable frame is
                       SIGSEGV, not a kernel fault) and bad handlers.

Each boot runs its programs in a fresh random order (with chapter 3's
hello and forktest mixed in), so canned output cannot pass.
"""

import secrets

from grading.gradelib import boot, chapter, children, expect_not, test
from grading import oracle
from grading.progtest import (chapter_initrd, program_matches, sections,
                              user_lines)


def shuffled(programs):
    """The programs as init paths, in this run's random order."""
    order = ["/bin/%s" % p for p in programs]
    secrets.SystemRandom().shuffle(order)
    return order


def matches_in(order):
    """The check of a table of programs for children(): a row (program,
    points, title, what[, crash]) compares the program's console section,
    where init ran `order`, with Linux's; no console line may match the
    regex crash, when given."""
    def check(name, crash=None):
        """Program `name`'s section equals Linux's; no `crash` line."""
        program_matches(name, order)
        if crash:
            expect_not(crash)
    return check


# ----------------------------------------------------------------- signals

SIGNALS_ORDER = shuffled(["sigtest", "sigfault", "trustsig", "hello"])


@test(0, "signals")
def test_signals():
    """Boot; /init runs sigtest, sigfault, trustsig (and hello) in a random
    order."""
    boot("quiet -- %s" % " ".join(SIGNALS_ORDER), timeout=120,
         initrd=chapter_initrd())


# (program, points, title, what it checks[, a crash regex])
SIGNALS_TESTS = [
    ("sigtest", 20, "sigtest (handlers, masks, sigsuspend, EINTR)",
     "Handlers see siginfo and return with the registers intact."),
    ("sigfault", 10, "sigfault (fault handlers, siglongjmp)",
     "SIGSEGV, SIGFPE and SIGILL handlers run; refused faults kill."),
    # Regression test of "int3 in user mode gives SIGSEGV, not SIGTRAP
    # (the breakpoint gate's privilege level)" and "a file-mapped page
    # wholly past EOF reads zeros, not SIGBUS", seen from the handlers
    # (user/trustsig.c).
    ("trustsig", 6, "trustsig (SIGTRAP and SIGBUS siginfo)",
     "Regression tests: int3 and single-steps are SIGTRAP with Linux's "
     "si_code and addresses, a kernel-only gate is SIGSEGV, a file page past "
     "EOF is SIGBUS at the byte; no kernel fault on the way.",
     r"EXCEPTION|KERNEL PANIC"),
]
children(test_signals, SIGNALS_TESTS, matches_in(SIGNALS_ORDER))


# ----------------------------------------------------------- signal-basics

BASICS_ORDER = shuffled(["pgrptest", "sigabuse", "hello", "forktest"])


@test(0, "signal-basics")
def test_signal_basics():
    """Boot; /init runs pgrptest, sigabuse (and hello, forktest) in a
    random order."""
    boot("quiet -- %s" % " ".join(BASICS_ORDER), timeout=120,
         initrd=chapter_initrd())


# (program, points, title, what it checks[, a crash regex])
BASICS_TESTS = [
    ("pgrptest", 20, "pgrptest (defaults, masks, kill, groups)",
     "Default actions, masks, kill's forms, setpgid and setsid rules."),
    ("sigabuse", 10, "sigabuse (forged frames, bad handlers)",
     "rt_sigreturn takes only user state; bad frames end in SIGSEGV.",
     r"EXCEPTION|panic"),
]
children(test_signal_basics, BASICS_TESTS, matches_in(BASICS_ORDER))
