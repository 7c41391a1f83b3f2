"""Linux is the oracle: what a user/ program prints on the host is what it
must print on Keel.

The programs in user/ are static musl binaries, so the very same file runs
on the host's Linux and on Keel. This module runs it on the host the way
Keel's init runs it, and returns what it printed; a grading test boots Keel
with the same binary in the initramfs and compares. Some are also linked
static against glibc (USER_GLIBC_PROGS in a chapter.mk): those are staged
as /bin/NAME.glibc, and run here by that name ("hello.glibc") just like
the others, argv[0] being "/bin/hello.glibc".

"The same way" means:

- argv[0] is the program's path in the initramfs ("/bin/hello", "/init"),
  not the host path it is run from;
- the environment is HOME=/ (what init passes on) plus ROOT, the folder
  the Makefile stages the initramfs in (build/user/root: /init, /bin/...,
  /notelf.txt). The programs that open or execute files (init, exectest)
  put ROOT in front of every path, so "/bin/hello" finds the staged copy;
  on Keel ROOT is unset and the paths are used as they are;
- stderr goes where stdout goes, as both go to the console on Keel;
- no core dumps (segvtest's children are killed by SIGSEGV on purpose).

The programs print nothing that differs between runs or machines (no pids,
no addresses), so the output is a fixed string.

Use from a test:

    from oracle import host_output
    want = host_output("forktest")

or from a shell, after `make initrd`:

    python3 grading/oracle.py hello a b    # the expected output of hello a b
    python3 grading/oracle.py --check      # run every program twice, compare

Python 3 standard library only.
"""

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGE = REPO / "build" / "user" / "root"
TIMEOUT = 60  # seconds for one program on the host (they take milliseconds)


class OracleError(Exception):
    """The staged programs are missing, or one of them could not run."""


def keel_path(prog):
    """The initramfs path of program `prog`: /init for init, else /bin/prog
    (a glibc build: /bin/NAME.glibc for "NAME.glibc")."""
    return "/init" if prog == "init" else "/bin/" + prog


def staged_programs():
    """The names of the staged programs: init first, then /bin's, sorted."""
    names = ["init"] if (STAGE / "init").is_file() else []
    if (STAGE / "bin").is_dir():
        names += sorted(p.name for p in (STAGE / "bin").iterdir()
                        if p.is_file())
    return names


def _no_core_dumps():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def host_run(prog, args=()):
    """Run program `prog` on the host as Keel would; return (output, status).

    output is what it wrote to stdout and stderr, decoded as UTF-8;
    status is its exit status (negative: killed by that signal).
    Raises OracleError when the program is not staged (run `make initrd`).
    """
    binary = STAGE / keel_path(prog).lstrip("/")
    if not binary.is_file():
        raise OracleError("%s is not built: run 'make initrd'" % binary)
    env = {"HOME": "/", "ROOT": str(STAGE)}
    try:
        r = subprocess.run([keel_path(prog)] + [str(a) for a in args],
                           executable=str(binary), env=env, cwd=str(STAGE),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT,
                           preexec_fn=_no_core_dumps)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OracleError("%s could not run on the host: %s" % (prog, e))
    return r.stdout.decode("utf-8", errors="replace"), r.returncode


def host_output(prog, args=()):
    """The expected output of program `prog` with arguments `args`."""
    return host_run(prog, args)[0]


def build():
    """Build the user programs and stage the initramfs (make initrd)."""
    r = subprocess.run(["make", "-s", "initrd"], cwd=str(REPO))
    if r.returncode != 0:
        raise OracleError("make initrd failed")


def self_check():
    """Run every staged program twice; print each output; 0 if all is well.

    Checks that each program exits with status 0 and prints the same
    bytes both times (a program whose output varies cannot be graded
    against Linux).
    """
    progs = staged_programs()
    if not progs:
        raise OracleError("nothing staged in %s: run 'make initrd'" % STAGE)
    bad = 0
    for prog in progs:
        out, status = host_run(prog)
        again, _ = host_run(prog)
        print("==== %s (exit status %d)" % (keel_path(prog), status))
        sys.stdout.write(out)
        problems = []
        if status != 0:
            problems.append("exit status %d" % status)
        if again != out:
            problems.append("output differs between two runs")
        if problems:
            bad += 1
            print("oracle: %s: %s" % (prog, ", ".join(problems)))
    print("oracle: %d programs, %d with problems" % (len(progs), bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(
        description="Print what a user/ program prints on Linux: the "
        "output Keel must reproduce.")
    ap.add_argument("prog", nargs="?", help="program name, e.g. hello")
    ap.add_argument("args", nargs=argparse.REMAINDER,
                    help="its arguments")
    ap.add_argument("--check", action="store_true",
                    help="run every program twice and check the outputs")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run 'make initrd' first")
    opts = ap.parse_args()
    if not opts.check and not opts.prog:
        ap.error("name a program, or give --check")
    try:
        if not opts.no_build:
            build()
        if opts.check:
            return self_check()
        out, status = host_run(opts.prog, opts.args)
        sys.stdout.write(out)
        return 0 if status == 0 else 1
    except OracleError as e:
        print("oracle: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
