"""Tests of the chapter-1 tests: their reference data and their teeth.

Why: a grading test can be wrong in two ways. Its reference can disagree
with C (then a correct kernel fails), or it can miss the bug it is for
(then a broken kernel passes). The first is checked against the host C
library, the second by grading fake kernels with one known bug each.
"""

import ctypes
import ctypes.util
import importlib.util
import re
import secrets
import unittest

from grading import gradelib
from grading.selftest.fakerepo import GRADING, make_fake_repo
from grading.selftest.test_grade import grade


def load_ch01():
    """Import grading/tests/ch01_boot.py without keeping its tests."""
    gradelib.reset()
    spec = importlib.util.spec_from_file_location(
        "ch01_boot_under_test", str(GRADING / "tests" / "ch01_boot.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    gradelib.reset()
    return mod


CH01 = load_ch01()


def _libc():
    """The C library, or None where ctypes cannot find one."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("c") or None)
        lib.snprintf  # noqa: B018  (fails if the symbol is missing)
        return lib
    except (OSError, AttributeError):
        return None


LIBC = _libc()


def c_printk_lines(seed):
    """The printk lines as the host C library formats them."""
    gen = CH01.xorshift32(seed)
    buf = ctypes.create_string_buffer(256)
    out = []
    for i in range(20):
        a, b, c = next(gen), next(gen), next(gen)
        sb = ctypes.c_int32(b).value
        rem = sb - int(sb / 100000) * 100000
        LIBC.snprintf(buf, 256, b"printk: %d|%u|%x|%08x|%-6d|%5u|%lx|%c|%s|%%",
                      ctypes.c_int32(a), ctypes.c_uint32(b),
                      ctypes.c_uint32(c), ctypes.c_uint32(a),
                      ctypes.c_int32(rem), ctypes.c_uint32(c % 100000),
                      ctypes.c_uint64((a << 32) | b),
                      ctypes.c_int(33 + c % 94), ("s%d" % i).encode())
        out.append(buf.value.decode())
    return out


class PrintkReference(unittest.TestCase):
    """The Python reference agrees with C."""

    def test_xorshift_known_values(self):
        """Seed 1 gives Marsaglia's published first value; 0 acts as 1."""
        self.assertEqual(next(CH01.xorshift32(1)), 270369)
        g0, g1 = CH01.xorshift32(0), CH01.xorshift32(1)
        self.assertEqual([next(g0) for _ in range(5)],
                         [next(g1) for _ in range(5)])

    def test_c_remainder(self):
        """Remainders truncate toward zero, as in C."""
        self.assertEqual(CH01._c_rem(-123456, 100000), -23456)
        self.assertEqual(CH01._c_rem(123456, 100000), 23456)

    @unittest.skipIf(LIBC is None, "no C library reachable through ctypes")
    def test_matches_c_snprintf(self):
        """For many seeds, including edge ones, Python equals snprintf."""
        seeds = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
        seeds += [secrets.randbelow(1 << 32) for _ in range(300)]
        for seed in seeds:
            self.assertEqual(CH01.expected_printk_lines(seed),
                             c_printk_lines(seed), "seed %d" % seed)

    def test_line_shape(self):
        """Twenty lines, each with ten fields and the literal percent."""
        got = CH01.expected_printk_lines(42)
        self.assertEqual(len(got), 20)
        for i, line in enumerate(got):
            self.assertTrue(line.startswith("printk: "))
            self.assertTrue(line.endswith("|s%d|%%" % i), line)


class MemoryMap(unittest.TestCase):
    """mmap lines are parsed with either end convention."""

    def test_inclusive_and_exclusive(self):
        """0x...fff ends are inclusive, 0x...000 ends exclusive."""
        text = ("mmap: [0x0000000000000000-0x000000000009fbff] available\r\n"
                "mmap: [0x0000000000100000-0x0000000000200000] available\n"
                "mmap: [0x00000000000f0000-0x00000000000fffff] ACPI NVS\n")
        got = CH01.mmap_entries(text)
        self.assertEqual(got, [(0, 0x9FC00, "available"),
                               (0x100000, 0x100000, "available"),
                               (0xF0000, 0x10000, "ACPI NVS")])


def failed_titles(out):
    """Titles of the tests that printed FAIL."""
    return set(m.group(1).strip() for m in
               re.finditer(r"^ *(.+?): FAIL ", out, re.M))


class CatchesBugs(unittest.TestCase):
    """Each chapter-1 check fails on the bug it exists for, and only it."""

    @classmethod
    def setUpClass(cls):
        """One fake repository for the class."""
        cls.tmp, cls.root = make_fake_repo()

    @classmethod
    def tearDownClass(cls):
        """Remove the fake repository."""
        cls.tmp.cleanup()

    def test_each_bug_fails_its_test(self):
        """Known bugs in a fake kernel fail exactly the matching tests."""
        rc, out = grade(self.root, "--chapter", "1", FAKE_KEEL_BUGS=",".join(
            ["banner-chapter", "no-token", "fast-ticks", "printk-sign",
             "triple-fault"]))
        self.assertEqual(rc, 1)
        self.assertEqual(failed_titles(out), {
            "boot: banner", "boot: cmdline echoed",
            "printk: formatted lines",
            "fault: exit status 2", "fault: page fault decoded",
            "fault: backtrace symbolized",
            "timer: uptime ticks", "timer: rate against the wall clock"},
            out)
        self.assertIn("not about 2 s", out)
        self.assertIn("ticks in one second, expected about", out)
        self.assertIn("Score: 25/75", out)

    def test_handout_fails_only_its_exercises(self):
        """With exercises 1.1-1.3 unsolved (a printk bug, the one-frame
        walker, no timer) only their groups fail, and the summary names
        the three exercise files. The dead timer's boot runs into its
        timeout, so timeouts are scaled down."""
        rc, out = grade(self.root, "--chapter", "1", FAKE_KEEL_BUGS=",".join(
            ["printk-sign", "backtrace-one-frame", "dead-timer"]),
            KEEL_TIMEOUT_SCALE=0.05)
        self.assertEqual(rc, 1)
        self.assertEqual(failed_titles(out), {
            "printk: formatted lines",
            "backtrace: frames in order", "backtrace: self-test passes",
            "timer: uptime ticks", "timer: rate against the wall clock"},
            out)
        self.assertIn("-bt_level2\n", out)
        self.assertIn("FAIL: walk stopped after 1 frames", out)
        self.assertIn("no `uptime: N s` ticks", out)
        self.assertIn("run ended: timeout after 0.8s", out)
        self.assertIn("FAIL: no timer interrupts in one second", out)
        self.assertIn("Score: 30/75", out)
        self.assertIn("Exercises to finish:\n"
                      "  exercise 1.1 (exercises/01-boot/1-printk-numbers.md)"
                      ": not passing yet\n"
                      "  exercise 1.2 (exercises/01-boot/2-backtrace.md)"
                      ": not passing yet\n"
                      "  exercise 1.3 (exercises/01-boot/3-timer.md)"
                      ": not passing yet\n", out)

    def test_stuck_wall_clock(self):
        """Ticks that arrive in time but a self-test that cannot measure
        them against the CMOS clock fail only the rate check."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "timer",
                        FAKE_KEEL_BUGS="rtc-stuck")
        self.assertEqual(failed_titles(out),
                         {"timer: rate against the wall clock"}, out)
        self.assertIn("wall clock does not advance", out)
        self.assertIn("Score: 8/15", out)

    def test_hang_after_fault(self):
        """A kernel that reports the fault but never exits loses 2 points
        and is reported as a timeout, quickly when timeouts are scaled."""
        rc, out = grade(self.root, "--chapter", "1", "--test", "fault",
                        FAKE_KEEL_BUGS="fault-hang", KEEL_TIMEOUT_SCALE=0.05)
        self.assertEqual(failed_titles(out), {"fault: exit status 2"}, out)
        self.assertIn("then timeout after 1.5s", out)
        self.assertIn("Score: 8/10", out)

    def test_later_chapter_reruns_chapter_1(self):
        """Grading chapter 2 runs chapter 1's tests on chapter 2's kernel."""
        rc, out = grade(self.root, "--chapter", "2", "--test",
                        "boot-banner")
        self.assertEqual(rc, 0, out)
        self.assertIn("boot: banner: OK", out)


if __name__ == "__main__":
    unittest.main()
