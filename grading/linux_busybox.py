"""Check the chapter-4 BusyBox scripts themselves: boot Linux with them.

grading/tests/ch04_busybox.py compares what the scripts print on Keel
with what they print on the host (grading/oracle.py). That is fair only
if the scripts print the same on any Linux, booted from the same
initramfs with the same command line. This helper checks exactly that:
it boots Debian's kernel (fetched by `tools/deps.sh --linux`, the
reference kernel of DESIGN.md) in QEMU with chapter 4's initramfs, runs
the scripts as Keel's grade does, and compares each with the host run.

Linux needs /dev/console for init's output and the scripts use
/dev/null; the Keel initramfs has no device files, so a second small
newc archive with the two nodes is appended (the kernel unpacks
concatenated archives one after the other; writing it here needs no
root). Nothing else differs from what Keel boots.

    make initrd CHAPTER=4 && python3 grading/linux_busybox.py
    make initrd CHAPTER=5 && python3 grading/linux_busybox.py --chapter 5

Prints `same` or a diff per script; exit status 0 when all are the same.
Python 3 standard library only.
"""

import difflib
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

GRADING = Path(__file__).resolve().parent
sys.path[:0] = [str(GRADING), str(GRADING / "tests"),
                str(GRADING.parent / "tools")]
import keelqemu  # noqa: E402  (tools/keelqemu.py)
import oracle  # noqa: E402  (grading/oracle.py)

REPO = oracle.REPO
INITRD = REPO / "build" / "ch04" / "initrd.cpio"


def device_archive():
    """A newc archive (bytes) of /dev, /dev/console and /dev/null."""
    out = bytearray()
    entries = [("dev", 0o040755, 0, 0), ("dev/console", 0o020600, 5, 1),
               ("dev/null", 0o020666, 1, 3), ("TRAILER!!!", 0, 0, 0)]
    for ino, (name, mode, major, minor) in enumerate(entries, 900001):
        name_b = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, 0, 0, 0, major, minor,
                  len(name_b), 0]
        out += b"070701" + b"".join(b"%08x" % f for f in fields) + name_b
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def vmlinuz():
    """The reference kernel's path from deps.env (LINUX_VMLINUZ)."""
    cache = Path(os.environ.get("KEEL_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "keel")
    env = cache / "deps.env"
    for line in env.read_text().splitlines() if env.is_file() else []:
        if line.startswith("LINUX_VMLINUZ="):
            return line.split("=", 1)[1]
    sys.exit("linux_busybox: no reference kernel: run tools/deps.sh --linux")


def boot_linux(words):
    """Boot Linux with the chapter-4 initramfs; init runs `words`."""
    with tempfile.NamedTemporaryFile(suffix=".cpio") as f:
        f.write(INITRD.read_bytes() + device_archive())
        f.flush()
        cmd = [keelqemu.qemu_program(), "-m", "512", "-display", "none",
               "-serial", "stdio", "-monitor", "none", "-no-reboot",
               "-accel", keelqemu.accelerator(), "-kernel", vmlinuz(),
               "-initrd", f.name, "-append",
               "console=ttyS0 quiet panic=-1 rdinit=/init -- "
               + " ".join(words)]
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=keelqemu.timeout(300))
    return r.stdout.decode("utf-8", errors="replace").replace("\r", "")


def flatten(sections):
    """{name: lines} back into lines, `== name` before each section."""
    return ["%s\n" % ln for name, lines in sections.items()
            for ln in ["== " + name] + lines]


# (script, binary that runs it, first chapter, run in a scratch folder)
SCRIPTS = [("accept.sh", "busybox", 4, False),
           ("glibc.sh", "busybox.glibc", 4, False),
           ("vfs.sh", "busybox", 5, True),
           ("vfs.sh", "busybox.glibc", 5, True)]


def main():
    """Boot Linux once with the chapter's scripts; compare each with the
    host. `--chapter N` (default 4) takes chapter N's initramfs and its
    scripts (from chapter 5 on: /test/vfs.sh, which writes files)."""
    global INITRD
    ch = int(sys.argv[sys.argv.index("--chapter") + 1]) \
        if "--chapter" in sys.argv else 4
    INITRD = REPO / "build" / ("ch%02d" % ch) / "initrd.cpio"
    if not INITRD.is_file():
        sys.exit("linux_busybox: %s missing: make initrd CHAPTER=%d"
                 % (INITRD, ch))
    import ch04_busybox as t  # the grade's own section parser
    runs = [(sc, b, secrets.token_hex(8), scr)
            for sc, b, first, scr in SCRIPTS if first <= ch]
    out = boot_linux(["/bin/sh,/test/%s,%s" % (sc, tok) if b == "busybox"
                      else "/bin/%s,sh,/test/%s,%s" % (b, sc, tok)
                      for sc, b, tok, _ in runs])
    bad = 0
    for script, binary, token, scratch in runs:
        want = t.sections(oracle.busybox_output(script, [token], binary,
                                                scratch), token)
        got = t.sections(out, token)
        if got == want and want:
            print("%s (%s): same on Linux as on the host" % (script, binary))
            continue
        bad += 1
        print("%s (%s): differs on Linux:" % (script, binary))
        sys.stdout.writelines(difflib.unified_diff(
            flatten(want), flatten(got), "host", "linux"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
