"""Chapter 5 tests: init as most systems start it, and a quiet console.

Regression tests of three bugs found by booting Keel the way other
systems are booted:

- a `#!` script as /init (most initramfs images start one) did not start:
  "keel: cannot start /init (error -8)", and the kernel then idled, so
  every harness waited out its timeout;
- kernel lines such as "keel: pid 54 (busybox) killed by signal 15"
  landed in the middle of the programs' output, where Linux shows none;
- an init that cannot start left the kernel idling instead of ending the
  boot with a failure status.

The `#!` support is chapter 4's (execve), but the script's shell, as
process 1, runs signal handlers: chapter 4's handout stubs the signal
frame (exercise 4.3), so the group is graded from chapter 5 on, where
that exercise stays solved.

Groups (8 points):

  busybox-init    (6)  `init=/test/init.sh TOKEN`, a `#!/bin/busybox sh`
                       script (user/busybox/rootfs/test/init.sh), boots
                       without `quiet`, runs `seq | head` (seq dies of
                       SIGPIPE) and exits 0; between its first and last
                       lines the console has no kernel line.
  busybox-init-missing (2)  `init=/bin/no-init-TOKEN`: the kernel says
                       it cannot start init and powers off with status 3.
"""

import re

from grading.gradelib import (assert_equal, assert_status, assert_true, boot,
                              expect, result, test, token)
from grading.progtest import chapter_initrd

KERNEL_LINE = re.compile(r"^(keel: |Keel )")

# ------------------------------------------------------------- busybox-init

INIT_TOKEN = token()


@test(0, "busybox-init", name="busybox-init")
def test_init():
    """Boot with `init=/test/init.sh TOKEN`, without `quiet`, as `make
    run` boots: the script runs as process 1."""
    boot("init=/test/init.sh -- %s" % INIT_TOKEN, timeout=120,
         initrd=chapter_initrd())


@test(3, "busybox-init: a `#!` script as init", parent=test_init)
def test_init_script():
    """Regression: a `#!` /init did not start ("cannot start /init (error
    -8)"), and the kernel idled until the timeout. Now the interpreter
    runs it as pid 1, and its exit 0 powers the machine off."""
    expect(r"^init\.sh: pid 1, token %s\r?$" % INIT_TOKEN)
    expect(r"^1\r?$")
    expect(r"^init\.sh: seq \| head ended with status 0\r?$")
    expect(r"^init\.sh: done %s\r?$" % INIT_TOKEN)
    assert_status(0)


@test(3, "busybox-init: no kernel line in a script's output",
      parent=test_init)
def test_init_quiet_console():
    """Regression: `keel: pid N (seq) killed by signal 13` landed in the
    middle of the script's output. Once init runs, only warnings and worse
    reach the console (the rest is in dmesg), so between the script's
    first and last lines there is no kernel line, as on Linux."""
    out = result().output
    first = out.find("init.sh: pid 1")
    last = out.find("init.sh: done %s" % INIT_TOKEN)
    assert_true(0 <= first < last, "the script did not run to its end\n"
                "  run ended: %s" % result().reason)
    noise = [ln for ln in out[first:last].splitlines()
             if KERNEL_LINE.match(ln)]
    assert_equal(noise, [], "kernel lines inside the script's output:")


@test(2, "busybox-init: an init that cannot start ends the boot",
      name="busybox-init-missing")
def test_init_missing():
    """Regression: with no init to start the kernel idled, so a harness
    waited out its timeout. Now it says why and powers off with status 3
    (KEEL_EXIT_INIT) at once."""
    missing = "/bin/no-init-%s" % INIT_TOKEN
    boot("quiet init=%s" % missing, timeout=60, initrd=chapter_initrd())
    expect(r"keel: cannot start init %s \(error -2" % re.escape(missing))
    assert_status(3)
