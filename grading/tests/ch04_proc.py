"""Chapter 4 tests: time, identity, limits, system information and the
process calls (clone, vfork, waitid, execve's limits, reboot).

Why these checks: C libraries ask the kernel for the time, the user ids,
the limits and the system's name before a program's main runs, and fork
through clone; a wrong answer there breaks every program later, usually
far from the cause.

Groups (85 points). Each group belongs to exactly one exercise (or none):

  uname          (15)  exercise 4.1. Boot /bin/unametest as init with a
                       random host name and domain name: it prints uname's
                       fields, sets the names, prints them again and checks
                       sethostname's errors. Not an oracle comparison: on
                       the host the program would rename the machine, so
                       each line is checked against fixed expectations and
                       this run's random names.
  time           (20)  /bin/timetest: clocks, sleeps, gettimeofday, time,
                       clock_getres, times; its output must equal what the
                       same binary prints on Linux (grading/oracle.py).
  process-calls  (50)  /bin/proctest (oracle comparison): clone with
                       glibc's flags, vfork, waitid, the id rules, rlimits
                       (RLIMIT_NPROC: a user's fourth process is EAGAIN),
                       sysinfo, getrandom, prctl, execve's E2BIG; then
                       `proctest reboot` as init: reboot(RB_AUTOBOOT) ends
                       QEMU with Keel's restart status 4, `proctest halt`
                       with status 0; and
                       /bin/shebangtest, `#!` scripts (fixed expectations,
                       not the oracle: the scripts name /bin/shebangtest,
                       which on the host is not the staged program).
"""

import re

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              chapter, children, expect, result, test, token)
from grading import oracle
from grading.progtest import chapter_initrd

KERNEL_LINE = re.compile(r"^(keel: |Keel )")


def user_lines():
    """What user programs wrote: the console without the kernel's lines."""
    return [ln.rstrip("\r") for ln in result().output.splitlines()
            if not KERNEL_LINE.match(ln)]


def section(lines, name):
    """Program NAME's lines, up to and including init's line about it."""
    out, cur = {}, []
    for line in lines:
        cur.append(line)
        m = re.match(r"init: /bin/(\w+) (exited|killed)", line)
        if m:
            out[m.group(1)] = cur
            cur = []
    return out.get(name)


def program_matches(name):
    """Program NAME's console section equals its output on Linux."""
    want = section(oracle.init_output(["/bin/" + name]).splitlines(),
                   name)
    assert_true(want is not None, "the Linux recording did not run %s" % name)
    got = section(user_lines(), name)
    assert_true(got is not None, "no `init: /bin/%s exited` line: the "
                "program did not run to its end\n  run ended: %s"
                % (name, result().reason))
    assert_equal(got, want, "/bin/%s printed something else than on Linux:"
                 % name)


# ------------------------------------------------------------------- uname

# random names a canned answer cannot know
HOST = "h" + token(5)
DOMAIN = "d" + token(4)


@test(0, "uname")
def test_uname():
    """Boot /bin/unametest as init with this run's random names."""
    boot("quiet init=/bin/unametest -- %s %s" % (HOST, DOMAIN), timeout=60,
         initrd=chapter_initrd())


def uname_prints(key, patterns, status=None):
    """unametest's console has lines matching `patterns`, in order (and
    the kernel stopped with `status`, when given)."""
    expect(patterns)
    if status is not None:
        assert_status(status)


# what unametest prints: (key, points, title, what it checks, the
# patterns in order[, the exit status])
UNAME_TESTS = [
    ("boot", 5, "the fields at boot",
     "Linux's name and numbers, Keel's version, the default names.",
     [r"uname at boot: sysname=Linux\r?$",
      r"uname at boot: nodename=keel\r?$",
      r"uname at boot: release=\d+\.\d+\.\d+\S*\r?$",
      r"uname at boot: version=#1 Keel \S+",
      r"uname at boot: machine=x86_64\r?$",
      r"uname at boot: domainname=\(none\)\r?$"]),
    ("set", 5, "sethostname and setdomainname",
     "The names set from the command line come back from uname.",
     [r"uname after set: sysname=Linux\r?$",
      r"uname after set: nodename=%s\r?$" % HOST,
      r"uname after set: domainname=%s\r?$" % DOMAIN]),
    ("errors", 5, "sethostname's errors",
     "EFAULT for a bad buffer; EINVAL past 64 bytes or below 0, 64 bytes "
     "fit, EPERM for a non-root caller; uname shows the name only a "
     "successful call set.",
     [r"uname into a bad pointer: EFAULT",
      r"sethostname\(65 bytes\): EINVAL, name unchanged: yes",
      r"sethostname\(-1 bytes\): EINVAL",
      r"sethostname\(64 bytes\): ok, uname shows it: yes",
      r"sethostname as uid 1000: EPERM, name unchanged: yes",
      r"unametest: done"], 0),
]
children(test_uname, UNAME_TESTS, uname_prints)


# -------------------------------------------------------------------- time


@test(0, "time")
def test_time():
    """Boot the chapter's initramfs; /init runs /bin/timetest."""
    boot("quiet -- /bin/timetest", timeout=90, initrd=chapter_initrd())


@test(20, "time: timetest (clocks, sleeps, gettimeofday)", parent=test_time)
def test_time_matches():
    """Every clock reads, none goes back, sleeps last at least their
    request, bad times are EINVAL, the wall clocks agree."""
    program_matches("timetest")


# ----------------------------------------------------------- process calls


@test(0, "process-calls")
def test_process_calls():
    """Boot the chapter's initramfs; /init runs /bin/proctest."""
    boot("quiet -- /bin/proctest /bin/shebangtest", timeout=90,
         initrd=chapter_initrd())


@test(30, "process-calls: proctest (clone, waitid, ids, limits, ...)",
      parent=test_process_calls)
def test_process_calls_matches():
    """proctest's output equals Linux's."""
    program_matches("proctest")


@test(5, "process-calls: reboot ends QEMU with the restart status",
      parent=test_process_calls)
def test_process_calls_reboot():
    """`init=/bin/proctest -- reboot`: reboot(RB_AUTOBOOT) as root stops
    the machine with Keel's documented restart status 4."""
    boot("quiet init=/bin/proctest -- reboot", timeout=60,
         initrd=chapter_initrd())
    expect(r"proctest: asking for a restart")
    expect(r"keel: reboot: restart \(status 4\)")
    assert_status(4)


@test(5, "process-calls: halt powers off with status 0",
      parent=test_process_calls)
def test_process_calls_halt():
    """`init=/bin/proctest -- halt`: reboot(RB_HALT_SYSTEM) stops QEMU with
    status 0 at once (init never gets to exit)."""
    boot("quiet init=/bin/proctest -- halt", timeout=60,
         initrd=chapter_initrd())
    expect(r"proctest: asking for a halt")
    expect(r"keel: reboot: power off")
    assert_true("init exited" not in result().output,
                "init exited: reboot(RB_HALT_SYSTEM) returned")
    assert_status(0)


# `#!` scripts: what /bin/shebangtest prints for each script in
# user/rootfs/scripts/ (run with the arguments "a" and "b"), by Linux's
# rules (fs/binfmt_script.c); nest4 is five scripts deep, one past Keel's
# SHEBANG_DEPTH.
SHEBANG_WANT = """\
script arg:
  argv[0] = '/bin/shebangtest'
  argv[1] = '--show'
  argv[2] = '/scripts/arg'
  argv[3] = 'a'
  argv[4] = 'b'
script noarg:
  argv[0] = '/bin/shebangtest'
  argv[1] = '/scripts/noarg'
  argv[2] = 'a'
  argv[3] = 'b'
script blanks:
  argv[0] = '/bin/shebangtest'
  argv[1] = 'two  words'
  argv[2] = '/scripts/blanks'
  argv[3] = 'a'
  argv[4] = 'b'
script nest1:
  argv[0] = '/bin/shebangtest'
  argv[1] = '--show'
  argv[2] = '/scripts/arg'
  argv[3] = '/scripts/nest1'
  argv[4] = 'a'
  argv[5] = 'b'
script nest3:
  argv[0] = '/bin/shebangtest'
  argv[1] = '--show'
  argv[2] = '/scripts/arg'
  argv[3] = '/scripts/nest1'
  argv[4] = '/scripts/nest2'
  argv[5] = '/scripts/nest3'
  argv[6] = 'a'
  argv[7] = 'b'
script nest4:
nest4: execve failed: ELOOP
script loop:
loop: execve failed: ELOOP
script empty:
empty: execve failed: ENOEXEC
script blank:
blank: execve failed: ENOEXEC
script missing:
missing: execve failed: ENOENT
script long:
long: execve failed: ENOEXEC
shebangtest: done
init: /bin/shebangtest exited with status 0"""


@test(10, "process-calls: `#!` scripts", parent=test_process_calls)
def test_process_calls_shebang():
    """Interpreter, optional argument, script path, then the arguments;
    nested scripts; ENOEXEC, ENOENT and ELOOP where Linux gives them."""
    got = section(user_lines(), "shebangtest")
    assert_true(got is not None, "no `init: /bin/shebangtest exited` line"
                "\n  run ended: %s" % result().reason)
    got = [ln for ln in got if not ln.startswith("init: started")]
    assert_equal(got, SHEBANG_WANT.splitlines(),
                 "/bin/shebangtest printed something else:")
