"""Chapter 6 tests: sleeps, alarm and the interval timers, POSIX timers,
timerfd, and a sleep resumed after a stop (restart_syscall).

Why these checks: a sleep that ends early, or never, breaks every
program with a timeout; an interval timer that drifts or drops
expirations breaks profilers (ITIMER_PROF), watchdogs (alarm) and event
loops (timerfd); a signal that interrupts a sleep must say how much was
left, and a stop and continue must not cut the sleep short.

Linux is the oracle: `timertest PART` prints what each call returned
and, for timings, only checks with wide margins (an emulator is slow),
so its output on the host is its output on Keel. Three boots: the main
one runs the sleep, itimer, posix and siginfo parts; timerfd (exercise
6.3) and the stopped sleep have boots of their own, so that a hang there
cannot cost the other groups their points.

  nanosleep     (15)  `timertest sleep`: a sleep lasts its time; a
                      handler's signal ends it with EINTR (also under
                      SA_RESTART), the time left written for relative
                      sleeps only; absolute sleeps; EINVAL, EFAULT;
                      restart_syscall with nothing to resume.
  itimer        (20)  `timertest itimer`: setitimer and getitimer on the
                      three clocks, 20 reloads of a 10 ms timer at the
                      right rate, the old value, alarm's rounding, fork
                      clears the timers, execve keeps them but deletes
                      the POSIX timers, errors.
  posix-timer   (20)  `timertest posix`: timer_create on four clocks
                      (CPU time too), rates, timer_gettime, overruns counted while the
                      signal is blocked, SIGEV_NONE, TIMER_ABSTIME,
                      SIGEV_THREAD_ID, fork, errors.
  timer-siginfo (10)  exercise 6.1 too. `timertest siginfo`: si_code,
                      si_timerid, si_value and si_overrun of a timer's
                      signal, as the signal frame carries them; a
                      real-time signal's overruns live in its queued
                      instance (kernel/proc/sigqueue.c).
  timerfd       (20)  exercise 6.3. `timertest timerfd`: read counts,
                      EAGAIN, blocking reads, poll and select, gettime,
                      /proc/self/fd, errors.
  sleep-stop    (10)  `timertest stop`: SIGSTOP and SIGCONT in the middle
                      of a sleep: it goes on for the time that was left
                      (restart_syscall), or ends with EINTR when SIGCONT
                      has a handler.
  cputime       (10)  `timertest cputime`: user and system time apart.
                      ITIMER_VIRTUAL fires during a loop in user mode
                      but hardly during one in the kernel (reads of
                      /dev/zero), ITIMER_PROF during both; getrusage
                      (self and children) and times() split them;
                      getrusage's EINVAL and EFAULT.
  fd-limit       (5)  `timertest fdlimit`: at RLIMIT_NOFILE, timerfd_create
                      and open(O_CREAT) give EMFILE, and the refused open
                      leaves no file behind (found by stress-ng).
"""

import re
import secrets

from grading.gradelib import assert_equal, assert_true, boot, test
from grading import oracle
from grading.progtest import chapter_initrd, user_lines

# group -> (boot, arguments of timertest)
RUNS = {
    "nanosleep": ("main", ["sleep"]),
    "itimer": ("main", ["itimer"]),
    "posix-timer": ("main", ["posix"]),
    "timer-siginfo": ("main", ["siginfo"]),
    "timerfd": ("timerfd", ["timerfd"]),
    "sleep-stop": ("stop", ["stop"]),
    "cputime": ("main", ["cputime"]),
    "fd-limit": ("main", ["fdlimit"]),
}

_BOOTS = {}  # boot -> {"runs": [(group, args)], "res": result}


def ordered_sections(text):
    """Init's transcript as a list of (program, its lines with init's
    line last), in the order the programs ran."""
    out, cur = [], []
    for line in text.splitlines():
        if line == "init: started":
            continue
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
    runs = [(g, "timertest", args) for g, (b, args) in RUNS.items()
            if b == which]
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


@test(0, "nanosleep")
def test_nanosleep():
    """Boot (or share the boot of another group)."""
    _parent(test_nanosleep, "nanosleep")


@test(15, "nanosleep: timertest sleep equals Linux", parent=test_nanosleep)
def test_nanosleep_timertest():
    """Sleeps: their length, EINTR and the time left, errors."""
    group_matches("nanosleep")


@test(0, "itimer")
def test_itimer():
    """Boot (or share the boot of another group)."""
    _parent(test_itimer, "itimer")


@test(20, "itimer: timertest itimer equals Linux", parent=test_itimer)
def test_itimer_timertest():
    """setitimer, getitimer, alarm: rates, values, fork, errors."""
    group_matches("itimer")


@test(0, "posix-timer")
def test_posix_timer():
    """Boot (or share the boot of another group)."""
    _parent(test_posix_timer, "posix-timer")


@test(20, "posix-timer: timertest posix equals Linux",
      parent=test_posix_timer)
def test_posix_timer_timertest():
    """timer_create and friends: rates, gettime, overruns, errors."""
    group_matches("posix-timer")


@test(0, "timer-siginfo")
def test_timer_siginfo():
    """Boot (or share the boot of another group)."""
    _parent(test_timer_siginfo, "timer-siginfo")


@test(10, "timer-siginfo: timertest siginfo equals Linux",
      parent=test_timer_siginfo)
def test_timer_siginfo_timertest():
    """What a POSIX timer's signal carries in its siginfo."""
    group_matches("timer-siginfo")


@test(0, "timerfd")
def test_timerfd():
    """Boot timertest timerfd alone."""
    _parent(test_timerfd, "timerfd")


@test(20, "timerfd: timertest timerfd equals Linux", parent=test_timerfd)
def test_timerfd_timertest():
    """timerfd: counts, blocking, poll, gettime, errors."""
    group_matches("timerfd")


@test(0, "sleep-stop")
def test_sleep_stop():
    """Boot timertest stop alone."""
    _parent(test_sleep_stop, "sleep-stop")


@test(10, "sleep-stop: timertest stop equals Linux", parent=test_sleep_stop)
def test_sleep_stop_timertest():
    """A stopped and continued sleep goes on (restart_syscall)."""
    group_matches("sleep-stop")


@test(0, "cputime")
def test_cputime():
    """Boot (or share the boot of another group)."""
    _parent(test_cputime, "cputime")


@test(10, "cputime: timertest cputime equals Linux", parent=test_cputime)
def test_cputime_timertest():
    """User and system time apart: ITIMER_VIRTUAL, getrusage, times."""
    group_matches("cputime")


@test(0, "fd-limit")
def test_fd_limit():
    """Boot (or share the boot of another group)."""
    _parent(test_fd_limit, "fd-limit")


@test(5, "fd-limit: timertest fdlimit equals Linux", parent=test_fd_limit)
def test_fd_limit_timertest():
    """EMFILE at RLIMIT_NOFILE; a refused open(O_CREAT) creates nothing."""
    group_matches("fd-limit")
