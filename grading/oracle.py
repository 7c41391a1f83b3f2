"""Linux is the oracle: what a user/ program prints on Linux is what it
must print on Keel, and grading reads it from a recording.

The programs in user/ are static binaries, so the very same file runs on
Linux and on Keel. `make oracle` boots Debian's Linux kernel, the
reference of DESIGN.md (fetched by `tools/deps.sh --linux`), in the same
QEMU as Keel with the chapter's initramfs, runs each program the grader
asks about there, and writes what it printed, with its exit status, to a
text file in grading/linux/. A grade reads that file: it never runs a test
program on the grading host, so a score does not depend on the host's
kernel version, its privileges, its CPU or its load.

A recording boot runs the program with grading/linuxrec.c as the first
process (rdinit), the way Keel's init runs a program and the way the
grader once ran it on the host: argv[0] is its path in the initramfs
("/bin/hello", "/init"); HOME=/ is the whole environment; stdin is
/dev/null; stdout and stderr are one pipe; the working directory is /;
/proc, /sys, /dev, /dev/pts and /dev/shm are mounted and the loopback
interface is up; the kernel uses four levels of page tables, as Keel
(no5lvl: QEMU's CPU offers five). Each recording is a fresh boot, so files a program leaves behind
cannot disturb the next. Programs built against glibc (USER_GLIBC_PROGS
in a chapter.mk) are staged as /bin/NAME.glibc and asked for as
"NAME.glibc".

A recording is found by the program's argv and a hash of its source
(user/NAME.c, or the BusyBox script): after a change to the source, the
grade says which recording is missing and that `make oracle` makes it.
Where a test passes a random token (made by gradelib.token(): the
BusyBox scripts echo theirs, so a stub cannot print a fixed transcript;
the C programs get random folder names), the recording is made with a
fixed stand-in of the same length in its place (placeholder()), and a
grade puts the run's token back into what it expects (and the token's
md5 sum in place of the stand-in's, for a script that prints it). Random numbers that
change what a program prints (fsfuzz's seed) come from a fixed list of
recorded ones instead.

Keel's /init runs programs given as words (`/bin/NAME,arg,...`) and ends
each one's output with its own line; init_output() builds that
transcript from the programs' recordings, as init would print it.

Use from a test:

    from grading.oracle import linux_output
    want = linux_output("forktest")
    out, status = linux_run("polltest", ["poll"])
    want = busybox_output("accept.sh", [tok])
    want = init_output(["/bin/fdshare,t5-" + tok, "/bin/hello"])

BusyBox scripts: busybox_run("accept.sh", [token]) is the
staged /test/accept.sh run by the staged /bin/busybox as sh (`/bin/sh
/test/accept.sh TOKEN`); binary="busybox.glibc" runs Debian's
busybox-static instead (`/bin/busybox.glibc sh /test/...`).

From a shell:

    make oracle                              # record what the grade needs
    python3 -m grading.oracle hello a b      # the recording of hello a b
    python3 -m grading.oracle --record hello a b   # boot Linux, record it

`make oracle` grades the last chapter (whose grade runs every earlier
chapter's tests too) with KEEL_ORACLE=record in the environment: every
output asked for is recorded anew on Linux, and recordings no grade asked
for are removed; `git diff grading/linux` then shows what changed.

Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGE = REPO / "build" / "user" / "root"
# (make oracle records a chapter snapshot's own programs into the tree's
# folder: KEEL_ORACLE_DIR and KEEL_ORACLE_USED point there)
RECORDINGS = Path(os.environ.get("KEEL_ORACLE_DIR",
                                 REPO / "grading" / "linux"))
# the recordings `make oracle` wrote or read in this run (for pruning)
USED = Path(os.environ.get("KEEL_ORACLE_USED",
                           REPO / "build" / "oracle" / "used"))
RECORDER_SRC = REPO / "grading" / "linuxrec.c"
RECORDER = REPO / "build" / "oracle" / "linuxrec"
BOOT_LIMIT = 300  # seconds for one recording boot (scaled; most take 10)
HEADER_END = "# ----\n"


class OracleError(Exception):
    """A recording is missing or stale, or Linux could not make one."""


def keel_path(prog):
    """The initramfs path of program `prog`: /init for init, else /bin/prog
    (a glibc build: /bin/NAME.glibc for "NAME.glibc")."""
    return "/init" if prog == "init" else "/bin/" + prog


def recording_mode():
    """True when this run records anew (KEEL_ORACLE=record, make oracle)."""
    return os.environ.get("KEEL_ORACLE", "") == "record"


def _source_of(argv):
    """(name, sha256) of the source the recording of `argv` depends on:
    the C file of the program, or the BusyBox script it runs."""
    script = next((a for a in argv if a.startswith("/test/")), None)
    if script is not None:
        name = "user/busybox/rootfs" + script
        path = REPO / name
    else:
        prog = argv[0].rsplit("/", 1)[-1]
        prog = prog[:-len(".glibc")] if prog.endswith(".glibc") else prog
        name = "user/%s.c" % prog
        path = REPO / name
    try:
        text = path.read_bytes()
    except OSError:
        raise OracleError("%s: no such file (the source of %s)"
                          % (name, " ".join(argv)))
    sha = hashlib.sha256(text)
    # and the headers of user/ it includes (errname.h)
    for inc in re.findall(rb'^#include "([\w.]+)"', text, re.M):
        try:
            sha.update((REPO / "user" / inc.decode()).read_bytes())
        except OSError:
            pass
    return name, sha.hexdigest()


def _recording_path(argv, source_sha):
    """Where the recording of `argv` (tokens already replaced) for the
    source with hash `source_sha` lives."""
    key = json.dumps({"argv": argv, "source": source_sha}, sort_keys=True)
    prog = re.sub(r"[^A-Za-z0-9_.-]", "_", argv[0].rsplit("/", 1)[-1])
    if any(a.startswith("/test/") for a in argv):
        prog = re.sub(r"[^A-Za-z0-9_.-]", "_",
                      next(a for a in argv if a.startswith("/test/"))[6:])
    return RECORDINGS / ("%s-%s.txt" % (
        prog, hashlib.sha256(key.encode()).hexdigest()[:12]))


def _read_recording(path):
    """(output, status, header dict) of a recording file."""
    text = path.read_text(encoding="utf-8")
    head, sep, output = text.partition(HEADER_END)
    if not sep:
        raise OracleError("%s: not a recording (no `# ----` line)" % path)
    fields = {}
    for line in head.splitlines():
        k, _, v = line[2:].partition(": ")
        fields[k] = v
    return output, int(fields.get("status", "0")), fields


def _write_recording(path, argv, source, output, status, kernel):
    """Write one recording: a few `# key: value` lines, `# ----`, the
    output exactly as the program wrote it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = ("# What %s printed on Linux: recorded by `make oracle`\n"
            "# (grading/oracle.py); do not edit.\n"
            "# kernel: %s\n# argv: %s\n# source: %s %s\n# status: %d\n"
            % (argv[0], kernel, json.dumps(argv), source[0], source[1],
               status))
    path.write_text(head + HEADER_END + output, encoding="utf-8")


def _mark_used(path):
    """Note that this run needs `path` (make oracle prunes the rest)."""
    USED.parent.mkdir(parents=True, exist_ok=True)
    with open(USED, "a") as f:
        f.write(path.name + "\n")


def placeholder(index, length):
    """The stand-in for the index-th distinct token in an argv: `length`
    hex digits, different for each index (5ca1ab1e..., 6ca1ab1e..., ...)."""
    unit = "%xca1ab1e" % (5 + index)
    return (unit * (length // len(unit) + 1))[:length]


def _run_tokens():
    """This run's tokens (gradelib.token()), longest first."""
    from grading import gradelib
    return sorted(set(gradelib.TOKENS), key=len, reverse=True)


def _templated(argv):
    """argv with each token of this run replaced by a stand-in, and the
    {stand-in: token} map to put them back."""
    back = {}
    out = []
    for a in argv:
        for t in _run_tokens():
            if t in a:
                ph = next((p for p, tok in back.items() if tok == t), None)
                if ph is None:
                    ph = placeholder(len(back), len(t))
                    back[ph] = t
                a = a.replace(t, ph)
        out.append(a)
    return out, back


def expected(argv):
    """(output, status) of `argv` on Linux: from its recording, or, in
    recording mode, from a fresh recording boot.

    This run's tokens in argv are replaced by their stand-ins to find the
    recording, and the stand-ins by the tokens in the output returned.
    Raises OracleError when there is no recording for this source.
    """
    argv, back = _templated([str(a) for a in argv])
    source = _source_of(argv)
    path = _recording_path(argv, source[1])
    if recording_mode():
        if not (USED.is_file() and path.name in
                USED.read_text().splitlines()):
            output, status, kernel = record(argv)
            _write_recording(path, argv, source, output, status, kernel)
        _mark_used(path)
    if not path.is_file():
        raise OracleError(
            "no recording of what `%s` prints on Linux for this %s: run "
            "`make oracle` (it boots Linux for each program; see "
            "grading/oracle.py)" % (" ".join(argv), source[0]))
    output, status, _ = _read_recording(path)
    for ph, tok in back.items():
        output = output.replace(ph, tok)
        # a script may print the token's md5 (md5sum of what it was given)
        output = output.replace(hashlib.md5(ph.encode()).hexdigest(),
                                hashlib.md5(tok.encode()).hexdigest())
    return output, status


def linux_run(prog, args=()):
    """What program `prog` with arguments `args` prints on Linux, and its
    exit status (negative: killed by that signal): (output, status)."""
    return expected([keel_path(prog)] + list(args))


def linux_output(prog, args=()):
    """What program `prog` with arguments `args` prints on Linux."""
    return linux_run(prog, args)[0]


def init_line(path, status):
    """The line Keel's /init prints when the program at `path` ended with
    `status` (negative: killed by that signal)."""
    if status >= 0:
        return "init: %s exited with status %d\n" % (path, status)
    return "init: %s killed by signal %d\n" % (path, -status)


def init_output(words):
    """What Keel's /init prints on Linux when given `words` (each
    `/bin/NAME,arg,...`): `init: started`, each program's output followed
    by init's line for it, `init: all done`. Each program is recorded on
    its own, in a fresh boot: the programs a test runs together do not
    depend on one another."""
    out = "init: started\n"
    for w in words:
        argv = w.split(",")
        text, status = expected(argv)
        out += text + init_line(argv[0], status)
    return out + "init: all done\n"


def busybox_run(script, args=(), binary="busybox"):
    """What the staged /test/`script` prints on Linux run by BusyBox's sh,
    as Keel's init runs `/bin/sh,/test/<script>,args...` (or, for another
    binary, `/bin/<binary>,sh,/test/<script>,args...`): (output, status)."""
    argv = ["/bin/sh"] if binary == "busybox" else ["/bin/" + binary, "sh"]
    return expected(argv + ["/test/" + script] + list(args))


def busybox_output(script, args=(), binary="busybox"):
    """What /test/`script` run by BusyBox's sh prints on Linux."""
    return busybox_run(script, args, binary)[0]


# ---- recording ---------------------------------------------------------------

def _recorder():
    """build/oracle/linuxrec, built from grading/linuxrec.c if older."""
    if (not RECORDER.is_file() or RECORDER.stat().st_mtime <
            RECORDER_SRC.stat().st_mtime):
        RECORDER.parent.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["musl-gcc", "-static", "-O2", "-Wall", "-Werror",
                            "-o", str(RECORDER), str(RECORDER_SRC)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise OracleError("building the recorder failed:\n%s"
                              % r.stdout.decode("utf-8", "replace"))
    return RECORDER


def _initrd():
    """The initramfs staged in build/user/root, as its chapter's build made
    it (build/user/root.chapter names the chapter)."""
    try:
        ch = int((REPO / "build" / "user" / "root.chapter").read_text())
    except (OSError, ValueError):
        raise OracleError("nothing staged in build/user/root: run "
                          "'make initrd'")
    path = REPO / "build" / ("ch%02d" % ch) / "initrd.cpio"
    if not path.is_file():
        raise OracleError("%s missing: run 'make initrd CHAPTER=%d'"
                          % (path, ch))
    return path


def _kernel_name(vmlinuz):
    """`Linux 6.1.0-50-amd64`, from the kernel image's file name."""
    return "Linux " + Path(vmlinuz).name.replace("vmlinuz-", "")


def record(argv):
    """Boot the reference Linux with the staged initramfs and the recorder
    as its first process; run `argv`; return (output, status, kernel)."""
    from tools import cache, cpio, keelqemu
    vmlinuz = cache.vmlinuz("make oracle")
    words = [a.encode().hex() for a in argv]
    # no5lvl: four levels of page tables, as Keel has (QEMU's CPU offers
    # five, and with them Linux's user space would reach 2^56, not 2^47)
    append = ("console=ttyS0 quiet loglevel=1 panic=-1 no5lvl "
              "rdinit=/linuxrec -- " + " ".join(words))
    if len(append) > 2000:
        raise OracleError("%s: too long for the kernel's command line"
                          % " ".join(argv))
    extra = cpio.newc([("dev", 0o040755, b"", (0, 0)),
                       ("dev/console", 0o020600, b"", (5, 1)),
                       ("dev/null", 0o020666, b"", (1, 3)),
                       ("linuxrec", 0o100755, _recorder().read_bytes(),
                        (0, 0))], first_ino=900001)
    with tempfile.NamedTemporaryFile(suffix=".cpio") as f:
        f.write(_initrd().read_bytes() + extra)
        f.flush()
        res = keelqemu.run(None, keelqemu.timeout(BOOT_LIMIT), None,
                           memory="512M", linux=(vmlinuz, f.name, append))
    text = res.output.replace("\r", "")
    out = b"".join(bytes.fromhex(h) for h in
                   re.findall(r"^@@out ([0-9a-f]*)@@$", text, re.M))
    end = re.search(r"^@@end (\d+) (-?\d+)@@$", text, re.M)
    if end is None or int(end.group(1)) != len(out):
        raise OracleError("the recording boot of `%s` did not end well "
                          "(%s):\n%s" % (" ".join(argv), res.reason,
                                         text[-2000:]))
    print("oracle: recorded %s on Linux (%.1fs)" % (" ".join(argv),
                                                   res.elapsed),
          file=sys.stderr)
    return (out.decode("utf-8", errors="replace"), int(end.group(2)),
            _kernel_name(vmlinuz))


def prune():
    """Remove the recordings this run (make oracle) did not ask for;
    return their names."""
    used = set(USED.read_text().split()) if USED.is_file() else set()
    gone = sorted(p.name for p in RECORDINGS.glob("*.txt")
                  if p.name not in used)
    for name in gone:
        (RECORDINGS / name).unlink()
    return gone


def main():
    ap = argparse.ArgumentParser(
        description="Print what a user/ program prints on Linux (its "
        "recording in grading/linux/): the output Keel must reproduce.")
    ap.add_argument("prog", nargs="?", help="program name, e.g. hello")
    ap.add_argument("args", nargs=argparse.REMAINDER,
                    help="its arguments")
    ap.add_argument("--busybox", action="store_true",
                    help="prog is a script in /test/, run by BusyBox's sh")
    ap.add_argument("--glibc", action="store_true",
                    help="like --busybox, with Debian's busybox.glibc")
    ap.add_argument("--record", action="store_true",
                    help="boot Linux and record it anew")
    ap.add_argument("--reset", action="store_true",
                    help="start a `make oracle` run: forget what was used")
    ap.add_argument("--prune", action="store_true",
                    help="end a `make oracle` run: remove the recordings "
                    "it did not use")
    opts = ap.parse_args()
    if opts.reset:
        if USED.is_file():
            USED.unlink()
        return 0
    if opts.prune:
        for name in prune():
            print("oracle: removed grading/linux/%s (no test asks for it)"
                  % name)
        return 0
    if not opts.prog:
        ap.error("name a program")
    if opts.record:
        os.environ["KEEL_ORACLE"] = "record"
    try:
        if opts.busybox or opts.glibc:
            out, status = busybox_run(opts.prog, opts.args, "busybox.glibc"
                                      if opts.glibc else "busybox")
        else:
            out, status = linux_run(opts.prog, opts.args)
        sys.stdout.write(out)
        return 0 if status == 0 else 1
    except OracleError as e:
        print("oracle: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
