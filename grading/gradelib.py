"""Keel's grading harness: tests, QEMU boots, checks and score reports.

Why this shape: it follows the gradelib of MIT's xv6 labs, which many
courses and students already know. A test is a function with points; a
parent test boots QEMU once and its children inspect that one serial log,
so a chapter's dozen checks cost a few boots. The report looks like xv6's:

    == Test boot == (3.6s)
    == Test   boot: banner ==
      boot: banner: OK
    ...
    Score: 60/60

A chapter's test file (grading/tests/chNN_*.py) uses only what this module
exports: @test, boot(), token(), and the expect/assert helpers. See
grading/README.md for a worked example.

Tests must not trust strings a stub could print: put token() values in the
kernel command line and expect them back.

Python 3 standard library only; works on 3.9 and later.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from difflib import unified_diff
from pathlib import Path

from grading import reports
from tools import keelqemu

GRADING_DIR = Path(__file__).resolve().parent
REPO = GRADING_DIR.parent

__all__ = [
    "test", "children", "boot", "token", "result", "chapter", "lines",
    "expect", "expect_not", "assert_equal", "assert_true", "assert_status",
    "fail", "TestFailure", "BootError", "timeout",
]

LOG_DIR = REPO / "build" / "grade-logs"
OUTPUT_TAIL = 15  # console lines quoted in a failure message
# Every boot passes hangcheck=N (kernel/proc/sched.c): a kernel on which
# nothing has run for N seconds and nothing can wake a thread panics
# instead of idling until the test's timeout. It ends a lost wake-up's
# boot early; no working kernel waits that long with nothing to wake it.
HANGCHECK = 15

timeout = keelqemu.timeout


class TestFailure(AssertionError):
    """A check did not hold; the message is shown to the student."""


class BootError(Exception):
    """The kernel could not be built, packed into an ISO, or started."""


class Test:
    """One registered test and, after it ran, its outcome.

    name selects it on the command line (derived from the function name:
    test_boot_banner -> boot-banner); title is what the report prints.
    group is the name of its top ancestor: `--test GROUP` selects a parent
    and all its children, and part scores are per group.
    """

    def __init__(self, fn, name, title, points, parent, chapter):
        """Record a test; chapter is that of the file that defined it."""
        self.fn = fn
        self.name = name
        self.title = title
        self.points = points
        self.parent = parent
        self.chapter = chapter
        self.group = parent.group if parent else name
        self.depth = parent.depth + 1 if parent else 0
        self.reset()

    def reset(self):
        """Forget any previous outcome (the self-tests rerun tests)."""
        self.complete = False
        self.ok = False
        self.messages = []
        self.elapsed = 0.0
        self.result = None
        self.log_name = None

    def display(self):
        """Title as printed: children indented two spaces, like xv6."""
        return "  " * self.depth + self.title

    def boot_holder(self):
        """The test whose boot this one inspects: itself or an ancestor."""
        t = self
        while t is not None and t.result is None:
            t = t.parent
        return t


_tests = []
_by_name = {}
_current = None
_state = {"chapter": None, "loading": None, "kernel": None}
_kernels = {}
_tmp = {"dir": None}


def reset():
    """Drop every registered test and cached build (for the self-tests)."""
    global _current
    _tests.clear()
    _by_name.clear()
    _kernels.clear()
    _current = None
    _state.update(chapter=None, loading=None, kernel=None)


def set_chapter(n):
    """Set the chapter being graded: the kernel boot() starts by default."""
    _state["chapter"] = int(n)


def set_kernel(path):
    """Use a prebuilt kernel ELF instead of asking make for one."""
    _state["kernel"] = str(path) if path else None


def loading_chapter(n):
    """Record that the test module being imported belongs to chapter n."""
    _state["loading"] = n


def chapter():
    """The chapter being graded (tests of chapter 1 also run at chapter 7).

    A test whose expectations change in later chapters can ask this.
    """
    return _state["chapter"]


def tests():
    """All registered tests, in registration order."""
    return list(_tests)


def _name_from(fn):
    """test_boot_banner -> boot-banner: the name typed after --test."""
    name = fn.__name__
    if name.startswith("test_"):
        name = name[5:]
    return name.replace("_", "-")


def test(points, title=None, parent=None, name=None):
    """Decorator: register fn as a test worth `points`.

    parent: the parent test (its function or name). The parent runs first,
    once, however many children there are; if it fails, the children fail
    with "parent failed". A parent that boots QEMU usually has 0 points and
    asserts only that the boot happened, so one broken feature costs only
    the children that check it.
    """
    def register(fn):
        """Create fn's Test and remember it in definition order."""
        par = _lookup_parent(parent)
        tname = name or _name_from(fn)
        if tname in _by_name:
            raise ValueError("duplicate test name %r" % tname)
        t = Test(fn, tname, title or tname, points, par, _state["loading"])
        _tests.append(t)
        _by_name[tname] = t
        fn.test = t
        return fn
    return register


def children(parent, rows, check, name=None, title=None):
    """Register a table of children of parent: one test per row.

    Many groups are one boot and then N children that differ only in
    data (which program's output, which section of a script's). Such a
    group declares its children as a list of rows

        (key, points, title, what, *args)

    and registers them here, in order, as @test would one by one: the
    child is named PARENT-key (the name --test takes), titled
    "PARENT: title" (PARENT: the parent's name and title), has `what` as
    its docstring, and its test calls check(key, *args).

    name and title, when given, stand for the parent's name and title in
    the children's: children that share a boot but are named and titled
    as a group of their own (mmap-shared-KEY, "mmap-shared: ...", under
    the integrity boot), or whose names are shorter than the parent's
    (vfs-KEY under busybox-vfs). They stay the parent's children.
    """
    par = _lookup_parent(parent)
    prefix = par.name if name is None else name
    heading = par.title if title is None else title
    for key, points, row_title, what, *args in rows:
        def run(key=key, args=tuple(args)):
            check(key, *args)
        run.__doc__ = what
        test(points, "%s: %s" % (heading, row_title), parent=par.fn,
             name="%s-%s" % (prefix, key))(run)


def _lookup_parent(parent):
    """Turn the parent argument of @test (function, name, None) into a Test."""
    if parent is None:
        return None
    if isinstance(parent, str):
        if parent not in _by_name:
            raise ValueError("unknown parent test %r" % parent)
        return _by_name[parent]
    if not hasattr(parent, "test"):
        raise ValueError("parent %r is not a registered test" % parent)
    return parent.test


# every token() of this run: grading/oracle.py finds a recording of
# Linux's answer with these replaced by fixed stand-ins
TOKENS = []


def token(nbytes=8):
    """A fresh random hex string for this run.

    Put it in the command line or a file and expect it back: a stub that
    prints fixed text cannot know it. Where a program given it is also
    compared with Linux, the recording was made with a stand-in of the
    same length in its place (grading/oracle.py), and the stand-in is
    replaced by this token in what the grade expects.
    """
    t = secrets.token_hex(nbytes)
    TOKENS.append(t)
    return t


# ---------------------------------------------------------------- building


def kernel_path(ch=None):
    """Build chapter ch's kernel once per run and return its ELF path.

    Raises BootError with the tail of the build output when make fails;
    the failure is cached so later tests fail fast with the same message.
    """
    ch = ch or chapter()
    if _state["kernel"]:
        return _state["kernel"]
    if ch in _kernels:
        if isinstance(_kernels[ch], BootError):
            raise _kernels[ch]
        return _kernels[ch]
    try:
        path = _build(ch)
    except BootError as e:
        _kernels[ch] = e
        raise
    _kernels[ch] = path
    return path


def _build(ch):
    """Run `make -s print-kernel CHAPTER=ch`; return the ELF it names.

    Builds in parallel unless a make called us: under `make grade`,
    MAKEFLAGS carries the caller's job settings and the inner make uses them.
    The ELF path is the last line make prints, relative to the repository.
    """
    cmd = ["make", "-s", "print-kernel", "CHAPTER=%d" % ch]
    if "MAKEFLAGS" not in os.environ:
        cmd[1:1] = ["-j%d" % (os.cpu_count() or 1)]
    try:
        p = subprocess.run(cmd, cwd=str(REPO), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True,
                           timeout=timeout(1200))
    except FileNotFoundError:
        raise BootError("make not found; run `make deps`")
    except subprocess.TimeoutExpired:
        raise BootError("kernel build timed out: %s" % " ".join(cmd))
    out = [ln.strip() for ln in p.stdout.splitlines() if ln.strip()]
    if p.returncode != 0 or not out:
        raise BootError("kernel build failed: %s\n%s" % (
            " ".join(cmd), _tail(p.stdout + p.stderr, 25)))
    path = Path(out[-1])
    if not path.is_absolute():
        path = REPO / path
    if not path.is_file():
        raise BootError("make print-kernel named %s, which does not exist"
                        % out[-1])
    return str(path)


def _scratch():
    """A temporary folder for this run's ISOs and logs, removed at exit."""
    if _tmp["dir"] is None:
        _tmp["dir"] = tempfile.TemporaryDirectory(prefix="keel-grade-")
    return Path(_tmp["dir"].name)


def cleanup():
    """Remove the run's temporary folder (ISOs and unsaved logs)."""
    if _tmp["dir"] is not None:
        _tmp["dir"].cleanup()
        _tmp["dir"] = None


def make_iso(kernel, iso, cmdline, initrd=None):
    """Pack kernel (and initrd) into a GRUB ISO that boots with cmdline."""
    cmd = ["sh", str(REPO / "tools" / "mkiso.sh"), str(kernel), str(iso),
           cmdline]
    if initrd:
        cmd.append(str(initrd))
    try:
        p = subprocess.run(cmd, cwd=str(REPO), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=timeout(120))
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BootError("tools/mkiso.sh could not run: %s" % e)
    if p.returncode != 0 or not Path(iso).is_file():
        raise BootError("tools/mkiso.sh failed (exit %d):\n%s"
                        % (p.returncode, _tail(p.stdout, 15)))


def boot(cmdline="", chapter=None, timeout=30, initrd=None, until=None,
         memory=None, qemu_args=None, stdin=None, input=None):
    """Boot the kernel once in QEMU and return its keelqemu.RunResult.

    cmdline: the kernel command line. chapter: which chapter's kernel
    (default: the chapter being graded, so earlier chapters' tests check
    the current kernel). timeout: base seconds, scaled by
    KEEL_TIMEOUT_SCALE. initrd: a cpio archive passed as the first
    multiboot2 module. until: regex that ends the run early with reason
    "matched" (for a kernel that idles instead of powering off). memory,
    qemu_args, stdin: passed to keelqemu.run. input: keys to type, a list
    of (pattern, text): each text goes to the serial port once the console
    shows its pattern (after the previous one); see keelqemu._Typist.

    The result is remembered by the running test so its children's
    expect() calls see it and a failure can save the log. Raises BootError
    when building, packing or starting fails; a kernel that crashes is not
    an error here, it is a result for the checks to judge.
    """
    kernel = kernel_path(chapter)
    work = Path(tempfile.mkdtemp(prefix="boot-", dir=str(_scratch())))
    iso = work / "keel.iso"
    cmdline = "hangcheck=%d %s" % (keelqemu.timeout(HANGCHECK), cmdline)
    make_iso(kernel, iso, cmdline.strip(), initrd)
    try:
        res = keelqemu.run(str(iso), keelqemu.timeout(timeout),
                           str(work / "serial.log"), stdin=stdin,
                           input=input,
                           until=until, memory=memory, extra_args=qemu_args)
    except (keelqemu.QemuMissing, ValueError) as e:
        raise BootError(str(e))
    finally:
        iso.unlink()
    if res.reason.startswith("QEMU failed to start"):
        raise BootError(res.reason)
    if _current is not None:
        _current.result = res
    return res


# ------------------------------------------------------------------ checks


def result():
    """The boot result the running test should inspect (its own or a
    parent's). Fails the test if there is none."""
    t = _current.boot_holder() if _current else None
    if t is None:
        raise TestFailure("no QEMU run to inspect (did the parent boot?)")
    return t.result


def lines(res=None):
    """Console lines of res (default: result()); CR also ends a line."""
    return (res or result()).lines()


def _tail(text, n=OUTPUT_TAIL):
    """The last n non-empty lines of text, for failure messages."""
    kept = [ln for ln in re.split(r"\r\n|\r|\n", text) if ln.strip()]
    return "\n".join(kept[-n:]) if kept else "(no output)"


def _context(res):
    """How the run ended and its last lines, appended to failure messages."""
    return "QEMU run ended: %s (%.1fs)\nlast console lines:\n%s" % (
        res.reason, res.elapsed, _indent(_tail(res.output), 2))


def _indent(text, n):
    """Indent every line of text by n spaces."""
    pad = " " * n
    return "\n".join(pad + ln for ln in text.split("\n"))


def fail(msg):
    """Fail the running test with msg."""
    raise TestFailure(msg)


def assert_true(cond, msg):
    """Fail with msg unless cond holds."""
    if not cond:
        raise TestFailure(msg)


def assert_equal(got, expected, msg=""):
    """Fail unless got == expected; lists and multi-line text get a diff."""
    if got == expected:
        return
    head = (msg + "\n") if msg else ""
    if isinstance(got, (list, tuple)) or (
            isinstance(got, str) and "\n" in got + str(expected)):
        g = got if isinstance(got, (list, tuple)) else got.split("\n")
        e = expected if isinstance(expected, (list, tuple)) \
            else str(expected).split("\n")
        diff = unified_diff([str(x) for x in e], [str(x) for x in g],
                            "expected", "got", lineterm="", n=1)
        raise TestFailure(head + "\n".join(list(diff)[:40]))
    raise TestFailure("%sgot      %r\nexpected %r" % (head, got, expected))


def expect(patterns, res=None, msg=None):
    """Require the console to match a regex, or a list of them in order.

    Patterns use re.MULTILINE, so ^ and $ work per line. Returns the match
    (a list of matches for a list). On failure the message quotes the
    missing pattern, how the run ended and the last console lines.
    """
    res = res or result()
    single = isinstance(patterns, (str, re.Pattern))
    pos, found = 0, []
    for pat in ([patterns] if single else patterns):
        rx = re.compile(pat, re.M) if isinstance(pat, str) else pat
        m = rx.search(res.output, pos)
        if m is None:
            what = msg or "expected console output to match /%s/" % rx.pattern
            if found:
                what += " (after /%s/)" % found[-1].re.pattern
            raise TestFailure("%s\n%s" % (what, _context(res)))
        found.append(m)
        pos = m.end()
    return found[0] if single else found


def expect_not(patterns, res=None, msg=None):
    """Require that no pattern matches; quote the line of a match."""
    res = res or result()
    if isinstance(patterns, (str, re.Pattern)):
        patterns = [patterns]
    for pat in patterns:
        rx = re.compile(pat, re.M) if isinstance(pat, str) else pat
        m = rx.search(res.output)
        if m:
            line = _line_at(res.output, m.start())
            raise TestFailure("%s\n  %s" % (
                msg or "unexpected console output /%s/:" % rx.pattern, line))


def _line_at(text, pos):
    """The console line that contains character pos."""
    start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
    ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def assert_status(expected, res=None):
    """Require that the kernel stopped QEMU with debug-exit status expected."""
    res = res or result()
    if res.status != expected:
        raise TestFailure("expected kernel exit status %d, got %s\n%s" % (
            expected, "none" if res.status is None else res.status,
            _context(res)))



def expect_selftest(name, res=None):
    """Require the in-kernel self-test NAME to have passed.

    The kernel's runner (kernel/init/selftest.c) prints `selftest: NAME:
    PASS` or `selftest: NAME: FAIL: reason` and powers off with status 0
    only when every test passed; all three are checked.
    """
    expect_not(r"selftest: %s: FAIL" % re.escape(name), res=res,
               msg="the self-test failed:")
    expect(r"selftest: %s: PASS" % re.escape(name), res=res)
    assert_status(0, res=res)


def boot_selftest(name, timeout=60, **kwargs):
    """Boot `test=NAME` (plus boot()'s keyword arguments) and require it to
    pass (expect_selftest)."""
    boot("test=%s" % name, timeout=timeout, **kwargs)
    expect_selftest(name)

# ------------------------------------------------------------------ running


def _color(name, text):
    """Wrap text in an ANSI color when stdout is a terminal (like xv6)."""
    codes = {"red": "31", "green": "32"}
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return text
    return "\033[%sm%s\033[0m" % (codes[name], text)


def _run_one(t):
    """Run test t (after its parent) once; print it; return whether it passed.

    Exceptions are turned into messages: a TestFailure or BootError is the
    test's verdict, anything else is a bug in the test, reported with its
    traceback so the author can fix it.
    """
    global _current
    if t.complete:
        return t.ok
    t.complete = True
    parent_ok = _run_one(t.parent) if t.parent else True
    sys.stdout.write("== Test %s == " % t.display())
    if t.parent:
        sys.stdout.write("\n")
    sys.stdout.flush()
    start = time.monotonic()
    failure = None
    if not parent_ok:
        failure = "parent failed"
    else:
        _current = t
        try:
            t.fn()
        except (TestFailure, BootError) as e:
            failure = str(e) or type(e).__name__
        except Exception:
            failure = "error in the test itself:\n" + traceback.format_exc(6)
        finally:
            _current = None
    t.elapsed = time.monotonic() - start
    t.ok = failure is None
    if failure:
        t.messages.append(failure)
        _save_log(t)
    _print_outcome(t)
    return t.ok


def _print_outcome(t):
    """Print the OK/FAIL line and indented failure lines, in xv6's layout."""
    if t.points:
        word = _color("green", "OK") if t.ok else _color("red", "FAIL")
        sys.stdout.write("%s: %s " % (t.display(), word))
    if t.elapsed > 0.1:
        sys.stdout.write("(%.1fs) " % t.elapsed)
    sys.stdout.write("\n")
    for msg in t.messages:
        sys.stdout.write(_indent(msg, 4) + "\n")
    sys.stdout.flush()


def _save_log(t):
    """Keep the console log of the boot t inspected, once per boot.

    The log lands in build/grade-logs/<booting test>.log and its path is
    added to t's messages; children of one boot share the parent's file.
    """
    holder = t.boot_holder()
    if holder is None or not holder.result.log_path:
        return
    if holder.log_name is None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        dest = LOG_DIR / (re.sub(r"[^A-Za-z0-9_.-]", "_", holder.name)
                          + ".log")
        shutil.copyfile(holder.result.log_path, str(dest))
        holder.log_name = os.path.relpath(str(dest), os.getcwd())
    t.messages.append("QEMU output saved to %s" % holder.log_name)


def select(names):
    """Tests to run for --test names: each named test or group, plus parents.

    A name matches a test's name or title; a group name (a top-level test)
    brings all its descendants. Raises ValueError for an unknown name.
    """
    if not names:
        return list(_tests)
    wanted = set()
    for n in names:
        hits = [t for t in _tests if n in (t.name, t.title)
                or (t.group == n)]
        if not hits:
            raise ValueError("no test or group named %r" % n)
        wanted.update(hits)
    for t in list(wanted):
        p = t.parent
        while p is not None:
            wanted.add(p)
            p = p.parent
    return [t for t in _tests if t in wanted]


def _clear_old_logs(selected):
    """Remove stale logs of the tests about to run, so none misleads."""
    for t in selected:
        old = LOG_DIR / (re.sub(r"[^A-Za-z0-9_.-]", "_", t.name) + ".log")
        if old.exists():
            old.unlink()


def prebuild(selected):
    """Build the kernel and pick the accelerator before the first test.

    Neither cost is then billed to one test; a build failure is printed
    once here in full, and each boot then fails with it.
    """
    if not selected:
        return
    try:
        # Choosing the accelerator may probe KVM and print a note; do it
        # now rather than in the middle of the first test's line.
        keelqemu.accelerator()
    except keelqemu.AccelError as e:
        # KEEL_ACCEL=kvm on a KVM that cannot run Keel: every boot would
        # fail the same way, so stop before the first one.
        sys.exit("keelqemu: %s" % e)
    except ValueError as e:
        print("keelqemu: %s" % e)
    if _state["kernel"]:
        return
    try:
        kernel_path()
    except BootError as e:
        print(str(e))
        print()


def run_tests(names=None, json_path=None, junit_path=None):
    """Run the selected tests, print parts and score, write reports.

    Returns the exit code: 0 only when every selected point was earned.
    """
    selected = select(names)
    _clear_old_logs(selected)
    start = time.monotonic()
    prebuild(selected)
    try:
        for i, t in enumerate(selected):
            _run_one(t)
            nxt = selected[i + 1] if i + 1 < len(selected) else None
            if nxt is None or nxt.group != t.group:
                _print_part(t.group, selected)
            if nxt is None or nxt.chapter != t.chapter:
                _print_chapter(t.chapter, selected)
    finally:
        cleanup()
    total, possible = reports.score(selected)
    print("Score: %d/%d" % (total, possible))
    elapsed = time.monotonic() - start
    if json_path:
        reports.write_json(json_path, selected, elapsed)
    if junit_path:
        reports.write_junit(junit_path, selected)
    return 0 if total == possible else 1


def _print_part(group, selected):
    """Print `Part <group> score: a/b` for a finished group with points."""
    ts = [t for t in selected if t.group == group]
    total, possible = reports.score(ts)
    if possible:
        print("Part %s score: %d/%d" % (group, total, possible))
        print()


def _print_chapter(ch, selected):
    """Print a chapter subtotal when more than one chapter is graded."""
    chapters = {t.chapter for t in selected}
    if len(chapters) > 1 and ch is not None:
        ts = [t for t in selected if t.chapter == ch]
        total, possible = reports.score(ts)
        print("Chapter %d score: %d/%d" % (ch, total, possible))
        print()


def list_tests(names=None):
    """Print the selected tests with their points (for --list)."""
    selected = select(names)
    for t in selected:
        print("%-28s %3d  %s" % ("  " * t.depth + t.name, t.points,
                                 t.title if t.title != t.name else ""))
    print("%-28s %3d" % ("total", reports.score(selected)[1]))
    return 0
