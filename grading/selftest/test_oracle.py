"""grading.oracle's reading of recordings: found by argv and source,
tokens put back, init's transcript built, a missing or stale recording
named; no Linux boot (recording itself is `make oracle`'s)."""

import hashlib
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from grading import gradelib, oracle


class OracleTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        patches = [mock.patch.object(oracle, "RECORDINGS", self.dir),
                   mock.patch.object(oracle, "USED", self.dir / "used"),
                   mock.patch.object(gradelib, "TOKENS", []),
                   mock.patch.dict(os.environ, {"KEEL_ORACLE": ""})]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)
        self.addCleanup(self.tmp.cleanup)

    def put(self, argv, output, status=0):
        """A recording of argv (stand-ins already in place)."""
        source = oracle._source_of(argv)
        oracle._write_recording(oracle._recording_path(argv, source[1]),
                                argv, source, output, status,
                                "Linux test")

    def test_found_by_argv(self):
        self.put(["/bin/hello"], "hello, world\n")
        self.put(["/bin/hello", "x"], "other\n", 3)
        self.assertEqual(oracle.linux_run("hello"), ("hello, world\n", 0))
        self.assertEqual(oracle.linux_run("hello", ["x"]), ("other\n", 3))

    def test_missing_is_an_error_that_says_what_to_do(self):
        with self.assertRaises(oracle.OracleError) as e:
            oracle.linux_run("hello", ["never-recorded"])
        self.assertIn("make oracle", str(e.exception))

    def test_stale_source_is_not_found(self):
        self.put(["/bin/hello"], "hello\n")
        with mock.patch.object(oracle, "_source_of",
                               return_value=("user/hello.c", "0" * 64)):
            with self.assertRaises(oracle.OracleError):
                oracle.linux_run("hello")

    def test_tokens_become_stand_ins_and_back(self):
        tok = gradelib.token(4)
        ph = oracle.placeholder(0, len(tok))
        self.assertEqual(len(ph), len(tok))
        self.put(["/bin/hello", "dir-" + ph],
                 "made dir-%s\nmd5 %s\n"
                 % (ph, hashlib.md5(ph.encode()).hexdigest()))
        out = oracle.linux_output("hello", ["dir-" + tok])
        self.assertEqual(out, "made dir-%s\nmd5 %s\n"
                         % (tok, hashlib.md5(tok.encode()).hexdigest()))

    def test_two_tokens_get_two_stand_ins(self):
        a, b = gradelib.token(4), gradelib.token(4)
        self.assertNotEqual(oracle.placeholder(0, 8),
                            oracle.placeholder(1, 8))
        argv, back = oracle._templated(["/bin/hello", a, b, a])
        self.assertEqual(argv[1], argv[3])
        self.assertNotEqual(argv[1], argv[2])
        self.assertEqual(back[argv[1]], a)
        self.assertEqual(back[argv[2]], b)

    def test_init_transcript(self):
        self.put(["/bin/hello"], "hello\n")
        self.put(["/bin/segvtest"], "about to fault\n", -11)
        self.put(["/bin/forktest"], "no newline", 2)
        out = oracle.init_output(["/bin/hello", "/bin/segvtest", "/bin/forktest"])
        self.assertEqual(out, "init: started\nhello\n"
                         "init: /bin/hello exited with status 0\n"
                         "about to fault\n"
                         "init: /bin/segvtest killed by signal 11\n"
                         "no newlineinit: /bin/forktest exited with status 2\n"
                         "init: all done\n")

    def test_recordings_in_the_tree_are_well_formed(self):
        tree = Path(oracle.REPO) / "grading" / "linux"
        for path in sorted(tree.glob("*.txt")):
            output, status, head = oracle._read_recording(path)
            self.assertIn("argv", head, path.name)
            self.assertIn("source", head, path.name)
            self.assertTrue(head.get("kernel", "").startswith("Linux "),
                            path.name)


if __name__ == "__main__":
    unittest.main()
