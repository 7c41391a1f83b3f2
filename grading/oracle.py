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
- no core dumps (segvtest's children are killed by SIGSEGV on purpose);
- the working directory is ROOT, or with scratch=True a fresh temporary
  folder (removed afterwards), for the programs and scripts that make
  files under a relative path (chapter 5): on Keel they run in /, the
  root of the tmpfs.

The programs print nothing that differs between runs or machines (no pids,
no addresses), so the output is a fixed string.

Use from a test:

    from grading.oracle import host_output
    want = host_output("forktest")

or from a shell, after `make initrd`:

    python3 -m grading.oracle hello a b    # the expected output of hello a b
    python3 -m grading.oracle --check      # run every program twice, compare

From chapter 4 on the initramfs holds BusyBox, and BusyBox scripts are
graded the same way: busybox_output("accept.sh", [token]) runs the staged
/test/accept.sh with the staged /bin/busybox as sh, and PATH in
build/user/hostroot/{sbin,usr/sbin,bin,usr/bin}, a folder of links to
that binary, one per applet: the script gets BusyBox's applets, never the
host's own tools. binary="busybox.glibc" runs Debian's busybox-static
instead. From a shell: `python3 -m grading.oracle --busybox accept.sh T`
(`--glibc glibc.sh T` for busybox.glibc).

Python 3 standard library only.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGE = REPO / "build" / "user" / "root"
# per view (build/busybox is shared by every chapter's view, and make test
# grades two views at a time: one folder of links there would be raced)
HOSTROOT = REPO / "build" / "user" / "hostroot"
# the folders of the links in HOSTROOT, in the order of init's shell PATH
HOSTPATH = ("sbin", "usr/sbin", "bin", "usr/bin")
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
        # not BusyBox and its applet links: busybox_run runs those
        names += sorted(p.name for p in (STAGE / "bin").iterdir()
                        if p.is_file() and not p.is_symlink()
                        and not p.name.startswith("busybox"))
    return names


def _no_core_dumps():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def host_run(prog, args=(), scratch=False):
    """Run program `prog` on the host as Keel would; return (output, status).

    output is what it wrote to stdout and stderr, decoded as UTF-8;
    status is its exit status (negative: killed by that signal).
    With scratch=True it runs in a fresh temporary folder (removed
    afterwards) instead of ROOT: programs that make files under a relative
    path (`fdshare t1` makes t1/ in the working directory, / on Keel)
    then leave nothing on the host.
    Raises OracleError when the program is not staged (run `make initrd`).
    """
    binary = STAGE / keel_path(prog).lstrip("/")
    if not binary.is_file():
        raise OracleError("%s is not built: run 'make initrd'" % binary)
    env = {"HOME": "/", "ROOT": str(STAGE)}
    if not scratch:
        return _run([keel_path(prog)] + [str(a) for a in args], binary, env,
                    STAGE, prog)
    with tempfile.TemporaryDirectory(prefix="keel-oracle-") as tmp:
        return _run([keel_path(prog)] + [str(a) for a in args], binary, env,
                    tmp, prog)


def _run(argv, binary, env, cwd, what):
    """Run `binary` as `argv` in `cwd`; (output, status) as host_run."""
    try:
        r = subprocess.run(argv, executable=str(binary), env=env,
                           cwd=str(cwd), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=TIMEOUT, preexec_fn=_no_core_dumps)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OracleError("%s could not run on the host: %s" % (what, e))
    return r.stdout.decode("utf-8", errors="replace"), r.returncode


def host_output(prog, args=(), scratch=False):
    """The expected output of program `prog` with arguments `args` (in a
    temporary folder with scratch=True, see host_run)."""
    return host_run(prog, args, scratch)[0]


def _busybox_links(busybox):
    """Make HOSTROOT's applet links to `busybox` unless they are there,
    newer than the binary (whose applets they list)."""
    stamp = HOSTROOT / "bin" / "sh"
    if (stamp.is_symlink() and Path(os.readlink(str(stamp))) == busybox
            and stamp.lstat().st_mtime >= busybox.stat().st_mtime):
        return
    r = subprocess.run(["bash", str(REPO / "tools" / "busybox.sh"), "links",
                        str(busybox), str(HOSTROOT)], cwd=str(REPO),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise OracleError("tools/busybox.sh links failed:\n%s"
                          % r.stdout.decode("utf-8", errors="replace"))


def busybox_run(script, args=(), binary="busybox", scratch=False):
    """Run the staged /test/`script` with BusyBox's sh on the host, as
    Keel's init runs `/bin/sh,/test/<script>,args...` (or, for another
    binary, `/bin/<binary>,sh,/test/<script>,args...`); return (output,
    status) like host_run.

    The environment is init's (HOME=/) plus ROOT and a PATH of links to
    the staged /bin/busybox; the scripts cd into ROOT, or, with
    scratch=True, work in the fresh temporary folder they start in (as in
    host_run). Raises OracleError when the initramfs staged is not a
    BusyBox one (make initrd CHAPTER=4).
    """
    busybox = (STAGE / "bin" / "busybox").resolve()
    exe = STAGE / "bin" / binary
    path = STAGE / "test" / script
    for f in (busybox, exe, path):
        if not f.is_file() or f.is_symlink():
            raise OracleError("%s is not staged: run 'make initrd "
                              "CHAPTER=4'" % f)
    _busybox_links(busybox)
    env = {"HOME": "/", "ROOT": str(STAGE),
           "PATH": ":".join(str(HOSTROOT / d) for d in HOSTPATH)}
    argv = ["/bin/sh"] if binary == "busybox" else ["/bin/" + binary, "sh"]
    argv += [str(path)] + [str(a) for a in args]
    if not scratch:
        return _run(argv, exe, env, STAGE, script)
    with tempfile.TemporaryDirectory(prefix="keel-oracle-") as tmp:
        return _run(argv, exe, env, tmp, script)


def busybox_output(script, args=(), binary="busybox", scratch=False):
    """The expected output of /test/`script` run by BusyBox's sh (in a
    temporary folder with scratch=True, see busybox_run)."""
    return busybox_run(script, args, binary, scratch)[0]


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
        # in a temporary folder: some programs make files where they run
        out, status = host_run(prog, scratch=True)
        again, _ = host_run(prog, scratch=True)
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
    if (STAGE / "test" / "accept.sh").is_file():
        for binary, script in (("busybox", "accept.sh"),
                               ("busybox.glibc", "glibc.sh")):
            out, status = busybox_run(script, ["check"], binary)
            again, _ = busybox_run(script, ["check"], binary)
            print("==== %s sh /test/%s (exit status %d)"
                  % (binary, script, status))
            sys.stdout.write(out)
            progs.append(script)
            if status != 0 or again != out:
                bad += 1
                print("oracle: %s: exit status %d%s" % (
                    script, status, ", output differs between two runs"
                    if again != out else ""))
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
    ap.add_argument("--busybox", action="store_true",
                    help="prog is a script in /test/, run by BusyBox's sh")
    ap.add_argument("--glibc", action="store_true",
                    help="like --busybox, with Debian's busybox.glibc")
    ap.add_argument("--scratch", action="store_true",
                    help="run in a fresh temporary folder, not in ROOT")
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
        if opts.busybox or opts.glibc:
            out, status = busybox_run(opts.prog, opts.args, "busybox.glibc"
                                      if opts.glibc else "busybox",
                                      opts.scratch)
        else:
            out, status = host_run(opts.prog, opts.args, opts.scratch)
        sys.stdout.write(out)
        return 0 if status == 0 else 1
    except OracleError as e:
        print("oracle: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
