"""Chapter 6 tests: job control without a terminal.

Why these checks: a shell's `jobs`, `fg`, `bg` and ^Z rest on the kernel
stopping a process, continuing it, and telling the parent about both. A
shell that misses a stop hangs in wait4; a stop in an orphaned group that
nobody can continue hangs forever; a read that fails with EINTR after
^Z and `fg` breaks every program that was waiting for input. Linux is the
oracle: /bin/jobctl runs on the host too and its console section must be
identical.

Groups (55 points):

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

  shell-jobs (25)  the grader types at BusyBox ash on the console (the
              interactive shell init starts with the console as its
              controlling terminal): a job stopped with ^Z, `jobs`, `bg`,
              `jobs` again, `fg` and ^C (status 130); `sleep 100 &`,
              `kill %1`, `wait %1` (status 143); a pipeline stopped with
              ^Z and killed while stopped (`jobs` says Killed); then
              `exit`. Markers are random
              tokens printed by the jobs themselves, so the keys are typed
              only once the job is really running.

The programs run in a fresh random order each boot (with chapter 3's
hello mixed in), so canned output cannot pass.
"""

import secrets

from grading.gradelib import (boot, children, expect, expect_not, test,
                              token)
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


# -------------------------------------------------------------- shell-jobs

# Random markers: the typed line shows `echo A""B`, the output `AB`, so a
# pattern for the output never matches the echo of the typing.
M = {k: token(3) for k in ("run", "jobs1", "bg", "jobs2", "st", "bgrun", "w",
                             "pipe", "jobs3", "end")}


def said(key):
    """What `echo X""Y` types for marker key (the output is X + Y)."""
    return '%s""%s' % (M[key][:3], M[key][3:])


TICKER = ("sh -c 'echo %s; while :; do sleep 1; echo tick; done'"
          % said("run"))
SHELL_STEPS = [
    (r"# ", TICKER + "\r"),
    (M["run"], "\x1a"),                                  # ^Z
    (r"Stopped", "jobs; echo %s\r" % said("jobs1")),
    (M["jobs1"], "bg; echo %s\r" % said("bg")),
    (M["bg"], "jobs; echo %s\r" % said("jobs2")),
    (M["jobs2"], "fg\r"),
    # fg prints the job's command, then the job ticks in the foreground
    (r"while :; do sleep 1; echo tick; done[\"']?\r?\n(.|\n)*tick", "\x03"),
    (r"\^C", "echo st=$?%s\r" % said("st")),
    # the job says when it runs: a kill typed before the shell's child has
    # set its signals up would meet the interactive shell's SIG_IGN
    (M["st"], "sh -c 'echo %s; exec sleep 100' &\r" % said("bgrun")),
    (M["bgrun"], "kill %%1; wait %%1; echo w=$?%s\r" % said("w")),
    (M["w"], "(echo %s; sleep 100) | cat\r" % said("pipe")),
    (M["pipe"], "\x1a"),
    (r"Stopped", "jobs; echo %s\r" % said("jobs3")),
    (M["jobs3"], "kill -9 %%1; sleep 1; jobs; echo %s\r" % said("end")),
    (M["end"], "exit\r"),
]


@test(0, "shell-jobs")
def test_shell_jobs():
    """Boot the interactive shell and type a job-control session."""
    boot("quiet", timeout=150, initrd=chapter_initrd(), input=SHELL_STEPS)


def in_order(*patterns):
    """The console shows the patterns in this order."""
    expect(list(patterns))


SHELL_TESTS = [
    ("stop", 5, "^Z stops the foreground job",
     "The job started; ^Z stopped it and ash says so; jobs lists it.",
     [M["run"], r"\[1\]\+ +Stopped", r"\[1\]\+ +Stopped", M["jobs1"]]),
    ("bg", 5, "bg continues it behind the prompt",
     "After bg, jobs shows the job running.",
     [M["bg"], r"\[1\]\+ +Running", M["jobs2"]]),
    ("fg", 5, "fg and ^C: status 130",
     "fg brings the job back, ^C ends it, $? is 130.",
     [M["jobs2"], r"\^C", r"st=130" + M["st"]]),
    ("kill", 5, "sleep &, kill %1, wait %1: status 143",
     "A background job killed by SIGTERM; wait returns 143.",
     [r"w=143" + M["w"]]),
    ("pipeline", 5, "a pipeline stopped with ^Z, killed, and exit",
     "Both processes of a pipeline stop; kill -9 ends them; exit ends "
     "the shell and the machine.",
     [M["pipe"], r"\[1\]\+ +Stopped", M["jobs3"], r"\[1\]\+ +Killed",
     M["end"]]),
]
children(test_shell_jobs, SHELL_TESTS,
         lambda key, pats: (in_order(*pats),
                            expect_not(r"EXCEPTION|KERNEL PANIC")))
