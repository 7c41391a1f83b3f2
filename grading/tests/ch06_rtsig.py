"""Chapter 6 tests: the complete signal model.

Why these checks: a handler that reads si_pid to learn who asked it to
reload, a server that takes SIGCHLD from a signalfd in its poll loop, a
program that counts sigqueue()s of a real-time signal: each relies on a
detail (which bytes of siginfo_t mean what, that real-time signals queue
and standard ones do not, that a blocked signal wakes sigtimedwait) that
a kernel can get subtly wrong while every handler still runs.

Two boots serve the four groups: /init runs `rtsigtest info`, `wait`
and `sfd` (and /bin/hello) in a random order; the queue, the exercise's
group, has a boot of its own, so that a broken queue cannot cost the
other groups their points. Linux is the oracle: each run's section of the
console must equal what the same binary prints on the host
(grading/oracle.py).

  siginfo   (20)  `rtsigtest info`: the SA_SIGINFO fields after kill,
                  raise, tgkill, sigqueue, forged rt_sigqueueinfo (to
                  oneself; EPERM to others), rt_tgsigqueueinfo, a child's
                  exit and death (CLD_EXITED, CLD_KILLED, si_status),
                  SIGSEGV (SEGV_MAPERR, SEGV_ACCERR, si_addr), waitid;
                  the sigqueue calls' errors.
  rt-queue  (25)  exercise 6.1. `rtsigtest queue`: real-time signals
                  queue with their values, lowest signal first and each
                  one's instances in order (handlers that block all, and
                  handlers that nest); kill() queues them too; standard
                  signals coalesce; the pending bit stays while instances
                  remain; SIG_IGN discards them; RLIMIT_SIGPENDING; a
                  signalfd reads the instances in order.
  sigwait   (20)  `rtsigtest wait`: rt_sigtimedwait with a zero, short
                  and long timeout, a pending signal, one a child sends,
                  sigwaitinfo, sigwait, EINTR (also under SA_RESTART),
                  the errors, rt_sigpending.
  signalfd  (20)  `rtsigtest sfd`: /proc/self/fd, flags, EAGAIN, poll,
                  reads of one and several records, a new mask, SIGCHLD,
                  a blocking read and a poll that a child's signal ends,
                  an inherited signalfd reads the child's own signals,
                  the errors.
"""

import re
import secrets

from grading.gradelib import assert_equal, assert_true, boot, test
from grading import oracle
from grading.progtest import chapter_initrd, user_lines

# group -> (boot, mode of rtsigtest)
RUNS = {
    "siginfo": ("main", "info"),
    "rt-queue": ("queue", "queue"),
    "sigwait": ("main", "wait"),
    "signalfd": ("main", "sfd"),
}

_BOOTS = {}  # boot -> {"runs": [(group, program, args)], "res": result}


def ordered_sections(text):
    """Init's transcript as a list of (program, its lines with init's
    line last), in the order the programs ran."""
    out, cur = [], []
    for line in text.splitlines():
        if line == "init: started":
            continue  # init's own first line, before any program's
        cur.append(line)
        m = re.match(r"init: /bin/(\w+) (exited|killed)", line)
        if m:
            out.append((m.group(1), cur))
            cur = []
    return out


def shared_boot(which):
    """Boot `which` once for all its groups: their runs and /bin/hello
    in a random order."""
    if which in _BOOTS:
        return _BOOTS[which]["res"]
    runs = [(g, "rtsigtest", [mode])
            for g, (b, mode) in RUNS.items() if b == which]
    runs.append(("hello", "hello", []))
    secrets.SystemRandom().shuffle(runs)
    cmd = " ".join(",".join(["/bin/" + prog] + args) for _, prog, args in runs)
    res = boot("quiet -- " + cmd, timeout=240, initrd=chapter_initrd())
    _BOOTS[which] = {"runs": runs, "res": res}
    return res


def host_lines(prog, args):
    """What `prog args` prints on Linux, then init's line for it."""
    out, status = oracle.linux_run(prog, args)
    last = ("init: /bin/%s exited with status %d" % (prog, status)
            if status >= 0 else
            "init: /bin/%s killed by signal %d" % (prog, -status))
    return out.splitlines() + [last]


def group_matches(group):
    """The section of the run for `group` equals Linux's."""
    which = RUNS[group][0]
    runs = _BOOTS[which]["runs"]
    index = [g for g, _, _ in runs].index(group)
    _, prog, args = runs[index]
    got = ordered_sections(user_lines())
    assert_true(index < len(got), "the run ended before /bin/%s %s "
                "finished (or before it started)\n  run ended: %s"
                % (prog, " ".join(args), _BOOTS[which]["res"].reason))
    name, lines = got[index]
    assert_equal(name, prog, "the programs ran in another order")
    assert_equal(lines, host_lines(prog, args),
                 "/bin/%s %s printed something else than on Linux:"
                 % (prog, " ".join(args)))


def _parent(fn, group):
    """Make fn's test inspect the boot that ran `group`'s program."""
    fn.test.result = shared_boot(RUNS[group][0])


@test(0, "siginfo")
def test_siginfo():
    """Boot (or share the boot of another group)."""
    _parent(test_siginfo, "siginfo")


@test(20, "siginfo: rtsigtest info equals Linux", parent=test_siginfo)
def test_siginfo_rtsigtest():
    """siginfo_t after every kind of send, a child's end and a fault."""
    group_matches("siginfo")


@test(0, "rt-queue")
def test_rt_queue():
    """Boot the queue's own run."""
    _parent(test_rt_queue, "rt-queue")


@test(25, "rt-queue: rtsigtest queue equals Linux", parent=test_rt_queue)
def test_rt_queue_rtsigtest():
    """Queued real-time signals, in order, with their values."""
    group_matches("rt-queue")


@test(0, "sigwait")
def test_sigwait():
    """Boot (or share the boot of another group)."""
    _parent(test_sigwait, "sigwait")


@test(20, "sigwait: rtsigtest wait equals Linux", parent=test_sigwait)
def test_sigwait_rtsigtest():
    """rt_sigtimedwait: timeouts, wake-ups, EINTR, errors."""
    group_matches("sigwait")


@test(0, "signalfd")
def test_signalfd():
    """Boot (or share the boot of another group)."""
    _parent(test_signalfd, "signalfd")


@test(20, "signalfd: rtsigtest sfd equals Linux", parent=test_signalfd)
def test_signalfd_rtsigtest():
    """signalfd: reads, poll, masks, inheritance, errors."""
    group_matches("signalfd")
