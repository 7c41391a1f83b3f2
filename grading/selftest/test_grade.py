"""Tests of grade.py and gradelib.py: output shape, selection, reports.

Why: students and Gradescope read the grader's output, and `make test`
relies on its exit code. These tests run grade.py end to end in a copy of
the repository with a fake kernel and fake QEMU (see fakerepo.py), and
exercise gradelib's helpers in-process.
"""

import io
import json
import os
import re
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET
from unittest import mock

from grading import gradelib
from grading.selftest.fakerepo import GRADING, REPO, fake_env, make_fake_repo


def grade(root, *args, **env):
    """Run the fake repository's grader (`python3 -m grading.grade` in
    root); return (exit code, stdout)."""
    p = subprocess.run(
        [sys.executable, "-m", "grading.grade"] + list(args),
        cwd=str(root), env=fake_env(**env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, timeout=120)
    return p.returncode, p.stdout


class EndToEnd(unittest.TestCase):
    """grade.py against a fake chapter-1 kernel."""

    @classmethod
    def setUpClass(cls):
        """One fake repository for the whole class."""
        cls.tmp, cls.root = make_fake_repo()

    @classmethod
    def tearDownClass(cls):
        """Remove the fake repository."""
        cls.tmp.cleanup()

    def test_full_marks(self):
        """A correct kernel gets 75/75, exit 0, and valid reports."""
        js, xml = self.root / "results.json", self.root / "junit.xml"
        rc, out = grade(self.root, "--chapter", "1", "--json", str(js),
                        "--junit", str(xml))
        self.assertEqual(rc, 0, out)
        self.assertIn("Score: 75/75", out)
        # the time is printed only past 0.1 s, which a fast fake may beat
        self.assertRegex(out, r"== Test boot == (\(\d+\.\ds\) )?\n")
        self.assertIn("== Test   boot: banner == \n  boot: banner: OK \n",
                      out)
        for part in ("boot score: 15/15", "fault score: 10/10",
                     "printk score: 20/20", "backtrace score: 15/15",
                     "timer score: 15/15"):
            self.assertIn("Part " + part, out)
        self.assertNotIn("Exercises to finish", out)
        data = json.loads(js.read_text())
        self.assertEqual(data["score"], 75)
        self.assertIn("execution_time", data)
        banner = [t for t in data["tests"] if t["name"].endswith("banner")]
        self.assertEqual(banner[0], {
            "name": "ch01 boot: banner", "score": 5, "max_score": 5,
            "status": "passed", "output": "OK", "visibility": "visible"})
        self.assertEqual(sum(t["max_score"] for t in data["tests"]), 75)
        suite = ET.parse(str(xml)).getroot().find("testsuite")
        self.assertEqual(suite.get("failures"), "0")
        self.assertEqual(len(suite.findall("testcase")), 17)

    def test_select_child_runs_parent(self):
        """--test CHILD runs its parent boot too, and scores only CHILD."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "printk-pass")
        self.assertEqual(rc, 0, out)
        self.assertIn("== Test printk == ", out)
        self.assertNotIn("formatted lines", out)
        self.assertIn("Score: 5/5", out)

    def test_select_groups(self):
        """Comma lists and repeated --test select whole groups."""
        rc, out = grade(self.root, "--chapter", "1", "--test",
                        "fault,printk", "--test", "backtrace")
        self.assertEqual(rc, 0, out)
        self.assertIn("Score: 45/45", out)
        self.assertNotIn("boot: banner", out)
        self.assertNotIn("timer", out)

    def test_unknown_name(self):
        """An unknown test name is a usage error, not a zero score."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "nonesuch")
        self.assertEqual(rc, 2)
        self.assertIn("no test or group named 'nonesuch'", out)

    def test_list(self):
        """--list shows names and points without booting anything."""
        rc, out = grade(self.root, "--chapter", "1", "--list")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"  timer-uptime +8  timer: uptime ticks")
        self.assertRegex(out, r"total +75")
        self.assertNotIn("==", out)

    def test_build_failure(self):
        """A broken build fails every booting test with the compiler text."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "fault",
                        FAKE_BUILD_FAIL=1)
        self.assertEqual(rc, 1)
        self.assertIn("kernel build failed", out)
        self.assertIn("main.c:1: error: boom", out)
        self.assertIn("fault: exit status 2: FAIL \n    parent failed", out)
        self.assertIn("Score: 0/10", out)

    def test_missing_qemu(self):
        """Without QEMU the boot fails and says to run make deps."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "printk",
                        KEEL_QEMU="no-such-qemu-x")
        self.assertEqual(rc, 1)
        self.assertIn("make deps", out)

    def test_failure_keeps_log(self):
        """A failed test names its saved console log, which exists."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "backtrace",
                        FAKE_KEEL_BUGS="backtrace-one-frame")
        self.assertEqual(rc, 1)
        m = re.search(r"QEMU output saved to (\S+)", out)
        self.assertTrue(m, out)
        log = self.root / m.group(1)
        self.assertIn("FAIL: walk stopped after 1 frames", log.read_text())
        rc, out = grade(self.root, "--chapter", "1", "--test", "backtrace")
        self.assertEqual(rc, 0, out)
        self.assertFalse(log.exists(), "a stale log survived a passing run")

    def test_exercise_summary(self):
        """A failed group names its exercise file; groups that did not run
        and groups of no exercise are not named."""
        rc, out = grade(self.root, "--chapter", "1", "--test",
                        "fault,backtrace", FAKE_KEEL_BUGS=",".join(
                            ["backtrace-one-frame", "triple-fault"]))
        self.assertEqual(rc, 1)
        self.assertIn("Part fault score: 0/10", out)
        tail = out[out.index("Score: "):]
        self.assertEqual(tail.splitlines()[1:], [
            "Exercises to finish:",
            "  exercise 1.2 (exercises/01-boot/2-backtrace.md): "
            "not passing yet"], out)


class Harness(unittest.TestCase):
    """gradelib in-process: registration, parents, checks."""

    def setUp(self):
        """Start from an empty registry."""
        gradelib.reset()
        gradelib.set_chapter(1)
        self.addCleanup(gradelib.reset)
        env = mock.patch.dict(os.environ, fake_env(), clear=True)
        env.start()
        self.addCleanup(env.stop)

    def run_quiet(self, names=None):
        """Run tests with stdout captured; return (exit code, text)."""
        buf = io.StringIO()
        with mock.patch("sys.stdout", buf):
            rc = gradelib.run_tests(names)
        return rc, buf.getvalue()

    def test_parent_failure_fails_children(self):
        """Children of a failed parent fail without running."""
        ran = []

        @gradelib.test(0, "p")
        def test_p():
            """Parent that cannot boot."""
            gradelib.fail("no boot")

        @gradelib.test(3, "p: c", parent=test_p)
        def test_p_c():
            """Child that must not run."""
            ran.append(1)

        gradelib.set_kernel("unused")
        rc, out = self.run_quiet()
        self.assertEqual(rc, 1)
        self.assertEqual(ran, [])
        self.assertIn("  p: c: FAIL \n    parent failed", out)
        self.assertIn("Score: 0/3", out)

    def test_names_and_duplicates(self):
        """Names come from function names; duplicates are refused."""
        @gradelib.test(1)
        def test_fork_cow():
            """Named by its function."""

        self.assertEqual(gradelib.tests()[0].name, "fork-cow")
        with self.assertRaises(ValueError):
            @gradelib.test(1, name="fork-cow")
            def test_other():
                """Clashes with fork-cow."""

    def test_parent_by_name(self):
        """A parent may be named by string; the group follows it."""
        @gradelib.test(0)
        def test_grp():
            """Parent named by string."""

        @gradelib.test(1, parent="grp")
        def test_grp_x():
            """Child of grp."""

        self.assertEqual(gradelib.tests()[1].group, "grp")
        self.assertEqual([t.name for t in gradelib.select(["grp-x"])],
                         ["grp", "grp-x"])

    def test_children_table(self):
        """children() registers one child per row, in order, named and
        titled after the parent unless name/title say otherwise."""
        calls = []

        @gradelib.test(0, "grp title", name="grp")
        def test_grp():
            """Parent of the table."""

        def check(key, *args):
            """Record what the row's test was called with."""
            calls.append((key,) + args)

        gradelib.children(test_grp, [("a", 2, "first", "Row a.", 1),
                                     ("b", 3, "second", "Row b.")], check)
        gradelib.children(test_grp, [("c", 1, "third", "Row c.", "x")],
                          check, name="other", title="other title")
        got = [(t.name, t.points, t.title, t.parent.name, t.group,
                t.fn.__doc__) for t in gradelib.tests()[1:]]
        self.assertEqual(got, [
            ("grp-a", 2, "grp title: first", "grp", "grp", "Row a."),
            ("grp-b", 3, "grp title: second", "grp", "grp", "Row b."),
            ("other-c", 1, "other title: third", "grp", "grp", "Row c."),
        ])
        for t in gradelib.tests()[1:]:
            t.fn()
        self.assertEqual(calls, [("a", 1), ("b",), ("c", "x")])

    def test_broken_test_reports_traceback(self):
        """A bug in a test is reported as such, not as a student failure."""
        @gradelib.test(1)
        def test_buggy():
            """A test with a bug in it."""
            {}["missing"]

        gradelib.set_kernel("unused")
        rc, out = self.run_quiet()
        self.assertIn("error in the test itself", out)
        self.assertIn("KeyError", out)

    def test_expect_in_order(self):
        """A list of patterns must match in order."""
        res = _FakeResult("one\ntwo\nthree\n")
        m = gradelib.expect([r"one", r"three"], res)
        self.assertEqual(m[1].group(0), "three")
        with self.assertRaises(gradelib.TestFailure) as cm:
            gradelib.expect([r"three", r"one"], res)
        self.assertIn("after /three/", str(cm.exception))
        self.assertIn("last console lines", str(cm.exception))

    def test_expect_not_quotes_line(self):
        """expect_not shows the offending line."""
        res = _FakeResult("a\nselftest: x: FAIL: why\nb\n")
        with self.assertRaises(gradelib.TestFailure) as cm:
            gradelib.expect_not(r"FAIL", res)
        self.assertIn("selftest: x: FAIL: why", str(cm.exception))

    def test_assert_equal_diff(self):
        """Lists are compared with a unified diff."""
        with self.assertRaises(gradelib.TestFailure) as cm:
            gradelib.assert_equal(["a", "b"], ["a", "c"], "differs")
        text = str(cm.exception)
        self.assertIn("-c", text)
        self.assertIn("+b", text)

    def test_token_is_random(self):
        """Tokens differ between calls and are hex."""
        a, b = gradelib.token(), gradelib.token()
        self.assertNotEqual(a, b)
        self.assertRegex(a, r"^[0-9a-f]{16}$")


class ClassroomWorkflow(unittest.TestCase):
    """The checked-in Classroom workflow matches the tests' points."""

    def test_template_is_current(self):
        """classroom.yml equals make_workflow.py's output for chapter 1."""
        folder = GRADING / "classroom"
        p = subprocess.run(
            [sys.executable, "-m", "grading.classroom.make_workflow",
             "--chapter", "1"], cwd=str(REPO), stdout=subprocess.PIPE,
            universal_newlines=True, check=True)
        self.assertEqual(p.stdout, (folder / "classroom.yml").read_text(),
                         "regenerate grading/classroom/classroom.yml")


class _FakeResult:
    """Just enough of keelqemu.RunResult for the check helpers."""

    def __init__(self, output):
        """Hold output as if QEMU had printed it and exited with status 0."""
        self.output = output
        self.reason = "exit status 0"
        self.elapsed = 0.0
        self.status = 0


if __name__ == "__main__":
    unittest.main()
