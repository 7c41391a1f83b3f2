"""Tests of tools/keelqemu.py against a fake QEMU.

Why: every grade depends on keelqemu telling a clean power-off from a
panic, a hang or a QEMU that never started. These tests provoke each ending
with scripted fake runs, which a real kernel cannot do on demand.
"""

import json
import os
import tempfile
import time
import unittest
from pathlib import Path
from unittest import mock

from grading.selftest.fakerepo import fake_env
from tools import keelqemu


class FakeRunCase(unittest.TestCase):
    """Base: a temp folder and an environment pointing at the fake QEMU."""

    def setUp(self):
        """Route QEMU to the fake for the duration of one test."""
        self.tmp = tempfile.TemporaryDirectory(prefix="keelqemu-test-")
        self.dir = Path(self.tmp.name)
        patcher = mock.patch.dict(os.environ, fake_env(), clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(self.tmp.cleanup)

    def script(self, *actions):
        """Write a fake ISO that plays actions; return its path."""
        iso = self.dir / ("s%d.iso" % len(list(self.dir.iterdir())))
        iso.write_text(json.dumps({"actions": list(actions)}))
        return str(iso)

    def run_fake(self, *actions, limit=10, **kw):
        """Run a script through keelqemu.run with a log in the temp dir."""
        return keelqemu.run(self.script(*actions), limit,
                            str(self.dir / "serial.log"), **kw)


class TimeoutScale(unittest.TestCase):
    """timeout() is the one place deadlines scale."""

    def test_default_is_unscaled(self):
        """Without the variable, base seconds come back unchanged."""
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual(keelqemu.timeout(30), 30.0)

    def test_scale(self):
        """KEEL_TIMEOUT_SCALE multiplies."""
        with mock.patch.dict(os.environ, {"KEEL_TIMEOUT_SCALE": "2.5"}):
            self.assertEqual(keelqemu.timeout(4), 10.0)

    def test_bad_scale_is_an_error(self):
        """A typo must not silently fall back to 1."""
        for bad in ("fast", "0", "-1"):
            with mock.patch.dict(os.environ, {"KEEL_TIMEOUT_SCALE": bad}):
                with self.assertRaises(ValueError):
                    keelqemu.timeout(1)


class Command(unittest.TestCase):
    """The QEMU command line carries the contract's flags."""

    def test_batch_flags(self):
        """Headless runs: serial on stdio, debug-exit, no reboot, -m."""
        with mock.patch.dict(os.environ, {"KEEL_ACCEL": "tcg"}, clear=True):
            cmd = keelqemu.qemu_command("k.iso", memory="512M",
                                        extra_args=["-smp", "2"])
        self.assertEqual(cmd[0], "qemu-system-x86_64")
        joined = " ".join(cmd)
        for part in ("-cdrom k.iso", "-m 512M", "-display none",
                     "-serial stdio", "-monitor none", "-no-reboot",
                     "isa-debug-exit,iobase=0xf4,iosize=0x04", "-cpu max",
                     "-accel tcg"):
            self.assertIn(part, joined)
        self.assertEqual(cmd[-2:], ["-smp", "2"])

    def test_interactive_and_gdb(self):
        """Interactive runs multiplex the monitor; gdb runs wait (-S)."""
        with mock.patch.dict(os.environ, {"KEEL_ACCEL": "kvm"}, clear=True), \
                mock.patch.object(keelqemu, "kvm_verdict",
                                  return_value=(True, "")), \
                mock.patch.dict(keelqemu._accel_cache, clear=True):
            cmd = keelqemu.qemu_command("k.iso", interactive=True,
                                        gdb_port=1234)
        joined = " ".join(cmd)
        self.assertIn("mux=on", joined)
        self.assertNotIn("-monitor none", joined)
        self.assertIn("-S -gdb tcp::1234", joined)
        self.assertIn("-accel kvm", joined)

    def test_extra_flags_from_environment(self):
        """KEEL_QEMU_FLAGS adds arguments to every run."""
        env = {"KEEL_ACCEL": "tcg", "KEEL_QEMU_FLAGS": "-d int -D q.log"}
        with mock.patch.dict(os.environ, env, clear=True):
            cmd = keelqemu.qemu_command("k.iso")
        self.assertEqual(cmd[-4:], ["-d", "int", "-D", "q.log"])

    def test_missing_qemu(self):
        """A missing QEMU says to run make deps."""
        with mock.patch.dict(os.environ, {"KEEL_QEMU": "no-such-qemu-x"}):
            with self.assertRaises(keelqemu.QemuMissing) as cm:
                keelqemu.check_qemu()
        self.assertIn("make deps", str(cm.exception))

    def test_decode_status(self):
        """Only odd positive codes carry a kernel status."""
        self.assertEqual(keelqemu.decode_status(1), 0)
        self.assertEqual(keelqemu.decode_status(5), 2)
        for rc in (0, 2, -9, None):
            self.assertIsNone(keelqemu.decode_status(rc))


class KvmProbe(unittest.TestCase):
    """The KVM probe: a real guest under TCG, and broken KVMs faked.

    Why: a machine whose /dev/kvm opens but runs SYSCALL wrongly made every
    boot crash or wait out its timeout; the probe must tell such a KVM from
    a good one, say why in one line, and be asked once per machine.
    """

    def setUp(self):
        """A temp cache folder and no remembered answer."""
        self.tmp = tempfile.TemporaryDirectory(prefix="keelqemu-probe-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = Path(self.tmp.name)
        patcher = mock.patch.dict(keelqemu._accel_cache, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def fake_qemu(self, body):
        """A QEMU stand-in: answers --version, runs body otherwise, and
        counts its guest runs in the file `runs`."""
        prog = self.dir / "qemu"
        prog.write_text("#!/bin/sh\n"
                        "[ \"$1\" = --version ] && "
                        "{ echo 'QEMU emulator version 7.2.0'; exit 0; }\n"
                        "echo run >> %s/runs\n%s\n" % (self.dir, body))
        prog.chmod(0o755)
        return {"KEEL_QEMU": str(prog), "KEEL_CACHE": str(self.dir / "c"),
                "PATH": os.environ.get("PATH", "")}

    def runs(self):
        """How many guests the fake QEMU started."""
        f = self.dir / "runs"
        return len(f.read_text().splitlines()) if f.exists() else 0

    @unittest.skipUnless(keelqemu.shutil.which("qemu-system-x86_64"),
                         "QEMU is not installed")
    def test_probe_guest_passes_under_tcg(self):
        """The probe reaches ring 3, SYSCALL and int3 on an emulated CPU
        (the same guest must pass on any KVM that can run Keel)."""
        with mock.patch.dict(os.environ, {"KEEL_TIMEOUT_SCALE": "6"}):
            ok, reason = keelqemu.run_probe("tcg")
        self.assertTrue(ok, reason)

    def test_guest_that_resets_means_tcg_with_reason(self):
        """A KVM whose guest triple-faults (QEMU exits 0): TCG, one line
        on stderr naming the cause, and the answer cached."""
        env = self.fake_qemu("exit 0")
        with mock.patch.dict(os.environ, env, clear=True), \
                mock.patch.object(keelqemu, "kvm_usable", return_value=True), \
                mock.patch("sys.stderr") as err:
            self.assertEqual(keelqemu.accelerator(), "tcg")
            said = "".join(c.args[0] for c in err.write.call_args_list)
            self.assertIn("triple fault", keelqemu.accelerator_line())
            keelqemu._accel_cache.clear()
            self.assertEqual(keelqemu.accelerator(), "tcg")
        self.assertEqual(self.runs(), 1, "the verdict was not cached")
        if os.path.exists("/dev/kvm"):
            self.assertIn("using TCG", said)

    def test_probe_exception_status(self):
        """Status 0x22 (exit 69) is the probe's own exception report."""
        env = self.fake_qemu("exit 69")
        with mock.patch.dict(os.environ, env, clear=True):
            ok, reason = keelqemu.run_probe("kvm")
        self.assertFalse(ok)
        self.assertIn("CPU exception", reason)

    def test_hanging_guest_is_bounded(self):
        """A KVM that never runs guest code costs the probe's deadline."""
        env = self.fake_qemu("exec sleep 30")
        env["KEEL_TIMEOUT_SCALE"] = "0.1"
        start = time.monotonic()
        with mock.patch.dict(os.environ, env, clear=True):
            ok, reason = keelqemu.run_probe("kvm")
        self.assertFalse(ok)
        self.assertIn("did not finish", reason)
        self.assertLess(time.monotonic() - start, 10)

    def test_forced_kvm_fails_fast(self):
        """KEEL_ACCEL=kvm on a KVM that fails the probe is an error that
        says why and how to get on, not a run that hangs."""
        env = self.fake_qemu("exit 0")
        env["KEEL_ACCEL"] = "kvm"
        with mock.patch.dict(os.environ, env, clear=True), \
                mock.patch.object(keelqemu, "kvm_usable", return_value=True):
            with self.assertRaises(keelqemu.AccelError) as cm:
                keelqemu.accelerator()
        self.assertIn("KEEL_ACCEL=tcg", str(cm.exception))

    def test_good_kvm_is_used(self):
        """A KVM that passes the probe is chosen, and the log says so."""
        env = self.fake_qemu("exit 67")
        with mock.patch.dict(os.environ, env, clear=True), \
                mock.patch.object(keelqemu, "kvm_usable", return_value=True):
            self.assertEqual(keelqemu.accelerator(), "kvm")
            self.assertIn("probe passed", keelqemu.accelerator_line())

    def test_forced_tcg_skips_probe(self):
        """KEEL_ACCEL=tcg never starts the probe."""
        env = self.fake_qemu("exit 67")
        env["KEEL_ACCEL"] = "tcg"
        with mock.patch.dict(os.environ, env, clear=True), \
                mock.patch.object(keelqemu, "kvm_usable", return_value=True):
            self.assertEqual(keelqemu.accelerator(), "tcg")
        self.assertEqual(self.runs(), 0)


class Endings(FakeRunCase):
    """Each way a run ends has its status and reason."""

    def test_clean_exit(self):
        """Status 0 from debug-exit; the log holds the console."""
        r = self.run_fake({"out": "hello\r\n"}, {"exit": 0})
        self.assertEqual((r.rc, r.status, r.reason), (1, 0, "exit status 0"))
        self.assertEqual(r.output, "hello\r\n")
        self.assertIn("hello", Path(r.log_path).read_text())

    def test_selftest_failure_status(self):
        """Status 1 is reported as such."""
        r = self.run_fake({"out": "x\n"}, {"exit": 1})
        self.assertEqual((r.status, r.reason), (1, "exit status 1"))

    def test_panic(self):
        """A panic line explains status 2."""
        r = self.run_fake({"out": "KERNEL PANIC: out of frames\n"},
                          {"exit": 2})
        self.assertEqual(r.status, 2)
        self.assertEqual(r.reason, "kernel panic: out of frames")

    def test_exception_wins_over_panic(self):
        """The first EXCEPTION line is the most useful sentence."""
        r = self.run_fake(
            {"out": "EXCEPTION: #GP General Protection (vector 13) err=0\n"
                    "KERNEL PANIC: unhandled exception\n"}, {"exit": 2})
        self.assertEqual(r.reason, "cpu exception: EXCEPTION: #GP General "
                                   "Protection (vector 13) err=0")

    def test_unexpected_exit(self):
        """An even code (a triple fault with -no-reboot) has no status."""
        r = self.run_fake({"out": "booting\n"}, {"rc": 0})
        self.assertIsNone(r.status)
        self.assertEqual(r.reason, "unexpected reboot or QEMU exit (rc 0)")

    def test_qemu_start_failure_is_not_status_0(self):
        """QEMU's own exit code 1 must not read as a passed test."""
        r = self.run_fake({"err": "qemu-system-x86_64: bad option\n"},
                          {"rc": 1})
        self.assertIsNone(r.status)
        self.assertTrue(r.reason.startswith("QEMU failed to start"))

    def test_timeout_kills_process_group(self):
        """A hang ends at the deadline, children of QEMU included."""
        pid_file = self.dir / "child.pid"
        start = time.monotonic()
        r = self.run_fake({"out": "hanging\n"},
                          {"child_pid_file": str(pid_file)},
                          {"hang": True}, limit=1.5)
        self.assertLess(time.monotonic() - start, 8)
        self.assertTrue(r.timed_out)
        self.assertEqual(r.reason, "timeout after 1.5s")
        self.assertEqual(r.output, "hanging\n")
        child = int(pid_file.read_text())
        time.sleep(0.2)
        self.assertFalse(_alive(child), "QEMU's child survived the kill")

    def test_timeout_with_panic_reports_panic(self):
        """A kernel that panics and then hangs is reported as a panic."""
        r = self.run_fake({"out": "KERNEL PANIC: stuck\n"}, {"hang": True},
                          limit=1)
        self.assertTrue(r.timed_out)
        self.assertEqual(r.reason,
                         "kernel panic: stuck; then timeout after 1s")

    def test_until_stops_early(self):
        """`until` ends an idling kernel as soon as the pattern shows."""
        start = time.monotonic()
        r = self.run_fake({"out": "\ruptime: 1 s"}, {"sleep": 0.3},
                          {"out": "\ruptime: 2 s"}, {"hang": True},
                          limit=20, until=r"uptime: 2 s")
        self.assertLess(time.monotonic() - start, 8)
        self.assertTrue(r.matched)
        self.assertEqual(r.reason, "matched")
        self.assertIn("uptime: 2 s", r.output)
        self.assertNotIn("terminating", Path(r.log_path).read_text())

    def test_chunk_times(self):
        """Arrival times let a test check that output took real time."""
        r = self.run_fake({"out": "a\n"}, {"sleep": 0.5}, {"out": "b\n"},
                          {"exit": 0})
        gap = r.time_at(r.output.index("b")) - r.time_at(0)
        self.assertGreater(gap, 0.4)
        self.assertIsNone(r.time_at(len(r.output)))

    def test_stdin_text_reaches_serial(self):
        """Text given as stdin is typed into the console."""
        r = self.run_fake({"echo_stdin": 5}, {"exit": 0}, stdin="hello")
        self.assertIn("got: hello", r.output)

    def test_input_waits_for_its_prompt(self):
        """Scripted input is typed only once its prompt has appeared."""
        r = self.run_fake({"out": "one?\n"}, {"echo_stdin": 3},
                          {"sleep": 0.3}, {"stdin_ready": True},
                          {"out": "two?\n"}, {"echo_stdin": 2}, {"exit": 0},
                          input=[(r"one\?", "abc"), (r"two\?", "de")])
        self.assertEqual(r.status, 0)
        self.assertIn("got: abc\nready: no\ntwo?\ngot: de", r.output)

    def test_input_prompt_never_shown_does_not_hang(self):
        """A prompt that never appears ends at the deadline, not never."""
        r = self.run_fake({"out": "waiting\n"}, {"echo_stdin": 1},
                          {"exit": 0}, limit=1.5,
                          input=[(r"never", "x")])
        self.assertTrue(r.timed_out)

    def test_input_with_stdin_is_an_error(self):
        """input= and stdin= both feeding the serial port is refused."""
        with self.assertRaises(ValueError):
            self.run_fake({"exit": 0}, stdin="a", input=[(None, "b")])

    def test_lines_split_on_carriage_return(self):
        """Uptime updates separated by CR become lines of their own."""
        r = self.run_fake({"out": "a\r\nb\ruptime: 1 s\ruptime: 2 s"},
                          {"exit": 0})
        self.assertEqual(r.lines(), ["a", "b", "uptime: 1 s", "uptime: 2 s"])

    def test_invalid_utf8_is_replaced(self):
        """Garbage bytes on the console must not crash the harness."""
        r = self.run_fake({"out": "ok "}, {"raw_hex": "ff0a"}, {"exit": 0})
        self.assertEqual(r.output, "ok \ufffd\n")


class Cli(FakeRunCase):
    """The command-line front end used by the Makefile."""

    def test_batch_exit_codes(self):
        """batch exits 0 on status 0 and with the status otherwise."""
        ok = self.script({"out": "fine\n"}, {"exit": 0})
        bad = self.script({"out": "KERNEL PANIC: x\n"}, {"exit": 2})
        with mock.patch("sys.stdout"), mock.patch("sys.stderr"):
            self.assertEqual(keelqemu.main(["batch", ok]), 0)
            self.assertEqual(keelqemu.main(["batch", bad]), 2)

    def test_extra_args_after_double_dash(self):
        """Arguments after -- reach QEMU unchanged."""
        ok = self.script({"exit": 0})
        argv_file = self.dir / "argv.json"
        with mock.patch.dict(os.environ, {"FAKE_QEMU_ARGV": str(argv_file)}):
            with mock.patch("sys.stdout"), mock.patch("sys.stderr"):
                keelqemu.main(["batch", ok, "-m", "64M", "--",
                               "-smp", "2"])
        argv = json.loads(argv_file.read_text())
        self.assertEqual(argv[-2:], ["-smp", "2"])
        self.assertIn("64M", argv)

    def test_missing_qemu_message(self):
        """Without QEMU the CLI exits 2 and names make deps."""
        with mock.patch.dict(os.environ, {"KEEL_QEMU": "no-such-qemu-x"}):
            with mock.patch("sys.stderr") as err:
                self.assertEqual(keelqemu.main(["run", "x.iso"]), 2)
        written = "".join(c.args[0] for c in err.write.call_args_list)
        self.assertIn("make deps", written)


def _alive(pid):
    """Whether process pid still exists (and is not a zombie)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


if __name__ == "__main__":
    unittest.main()
