"""Grade one chapter of Keel: `make grade CHAPTER=N [TEST=name]` runs this.

Why it reruns earlier chapters: each chapter's kernel must still do
everything the earlier chapters taught (boot, print, fault cleanly), so
grading chapter N loads the tests of chapters 1..N and runs them all
against chapter N's kernel.

Usage, from the repository root:
    python3 -m grading.grade --chapter N [--test NAME[,NAME...]]...
             [--json FILE] [--junit FILE] [--kernel ELF] [--list]

Exit status: 0 on full marks for the selected tests, 1 otherwise, 2 on a
usage error.
"""

import argparse
import importlib
import re
import sys
from pathlib import Path

from grading import gradelib

GRADING_DIR = Path(__file__).resolve().parent
TEST_FILE_RE = re.compile(r"^ch(\d\d)_\w+\.py$")


def test_modules(upto, folder=None):
    """The test files of chapters 1..upto as (chapter, path), in order."""
    folder = Path(folder or GRADING_DIR / "tests")
    found = []
    for path in sorted(folder.glob("ch*_*.py")):
        m = TEST_FILE_RE.match(path.name)
        if m and 1 <= int(m.group(1)) <= upto:
            found.append((int(m.group(1)), path))
    return found


def load_tests(upto):
    """Import every chapter test file up to chapter upto; return their count.

    The files are whatever grading/tests/chNN_*.py exist (a chapter's view
    has only its own and the earlier chapters'), imported as modules of
    the namespace package grading.tests. Each file registers its tests
    with gradelib as it is imported; gradelib is told the chapter first so
    reports can group by chapter.
    """
    mods = test_modules(upto)
    for ch, path in mods:
        gradelib.loading_chapter(ch)
        importlib.import_module("grading.tests." + path.stem)
    gradelib.loading_chapter(None)
    return len(mods)


def _names(values):
    """Flatten repeated and comma-separated --test values."""
    out = []
    for v in values or []:
        out += [n.strip() for n in v.split(",") if n.strip()]
    return out


def parse_args(argv):
    """Parse the command line (see the module docstring)."""
    p = argparse.ArgumentParser(
        prog="python3 -m grading.grade",
        description="Grade a chapter of Keel.")
    p.add_argument("--chapter", type=int, required=True,
                   help="chapter to grade; earlier chapters' tests run too")
    p.add_argument("--test", action="append", metavar="NAME",
                   help="run only these tests or groups (repeatable, "
                        "or comma-separated)")
    p.add_argument("--json", metavar="FILE",
                   help="write Gradescope results.json here")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML here")
    p.add_argument("--kernel", metavar="ELF",
                   help="boot this kernel instead of building one")
    p.add_argument("--list", action="store_true",
                   help="list the tests and their points, run nothing")
    return p.parse_args(argv)


def exercises(upto, root=None):
    """Exercises of chapters 1..upto from exercises/NN-slug/K-name.md.

    Each file names the test groups that grade it (`Tests:`) and its
    points (`Points:`); returns a list of (id, path, chapter, [groups]).
    """
    root = Path(root or GRADING_DIR.parent)
    found = []
    for folder in sorted((root / "exercises").glob("[0-9][0-9]-*")):
        ch = int(folder.name[:2])
        if ch > upto:
            continue
        for md in sorted(folder.glob("[0-9]*-*.md")):
            m = re.search(r"^Tests:\s*(.+)$", md.read_text(), re.M)
            groups = [g.strip() for g in m.group(1).split(",")] if m else []
            k = md.name.split("-", 1)[0]
            found.append(("%d.%s" % (ch, k), md.relative_to(root), ch,
                          groups))
    return found


def print_exercise_summary(upto):
    """After a run: name each exercise whose tests did not all pass.

    A student reads "exercise 1.2 (exercises/01-boot/2-backtrace.md)"
    rather than a list of test names.
    """
    ran = [t for t in gradelib.tests() if t.complete]
    failing = []
    for ex_id, path, ch, groups in exercises(upto):
        mine = [t for t in ran if t.chapter == ch and t.group in groups]
        if any(not t.ok for t in mine):
            failing.append("  exercise %s (%s): not passing yet"
                           % (ex_id, path))
    if failing:
        print("Exercises to finish:")
        print("\n".join(failing))


def main(argv=None):
    """Load, select and run the tests; return the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.chapter < 1:
        print("grade.py: --chapter must be 1 or more", file=sys.stderr)
        return 2
    gradelib.set_chapter(args.chapter)
    gradelib.set_kernel(args.kernel)
    if load_tests(args.chapter) == 0:
        print("grade.py: no tests for chapters 1..%d in %s"
              % (args.chapter, GRADING_DIR / "tests"), file=sys.stderr)
        return 2
    names = _names(args.test)
    try:
        if args.list:
            return gradelib.list_tests(names)
        code = gradelib.run_tests(names, args.json, args.junit)
        print_exercise_summary(args.chapter)
        return code
    except ValueError as e:
        print("grade.py: %s" % e, file=sys.stderr)
        print("grade.py: --list shows the test names", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
