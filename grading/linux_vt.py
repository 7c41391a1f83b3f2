"""Record what Linux's console makes of chapter 6's vt100 sequence.

grading/tests/ch06_vt.py's vt100 group writes one string of escape
sequences to /dev/tty1 and reads the screen back from /dev/vcsa1. The
answer it compares Keel with is Linux's: this helper boots Debian's
kernel (the reference kernel of DESIGN.md, fetched by `tools/deps.sh
--linux`) in the same QEMU with chapter 6's initramfs, plus the device
nodes Linux needs and a two-line script, and writes the `od` dump of
/dev/vcsa1 that Linux's VGA console gives to
grading/tests/ch06_vt100.linux (the header, then each row's characters
and attribute bytes). Run it again after changing the sequence; it says
whether the recording changed.

    make initrd CHAPTER=6 && python3 -m grading.linux_vt

Python 3 standard library only.
"""

import re
import sys
import tempfile
from pathlib import Path

from grading import oracle
from tools import cache, cpio, keelqemu

REPO = oracle.REPO
INITRD = REPO / "build" / "ch06" / "initrd.cpio"
RECORDING = REPO / "grading" / "tests" / "ch06_vt100.linux"


def vt100_dump(sequence, log=None):
    """Boot Linux, write `sequence` (printf's syntax) to /dev/tty1 and
    return the numbers `od -An -tu1 -v /dev/vcsa1` printed, or None."""
    script = ("printf '%s' > /dev/tty1; echo SCR-vcsa; "
              "od -An -tu1 -v /dev/vcsa1; echo ECR-vcsa\n" % sequence)
    extra = cpio.newc([("dev", 0o040755, b"", (0, 0)),
                       ("dev/console", 0o020600, b"", (5, 1)),
                       ("dev/null", 0o020666, b"", (1, 3)),
                       ("dev/tty1", 0o020620, b"", (4, 1)),
                       ("dev/vcsa1", 0o020600, b"", (7, 129)),
                       ("vt.sh", 0o100755, script.encode(), (0, 0))],
                      first_ino=900001)
    with tempfile.NamedTemporaryFile(suffix=".cpio") as f:
        f.write(INITRD.read_bytes() + extra)
        f.flush()
        append = ("console=ttyS0 quiet panic=-1 rdinit=/init -- "
                  "/bin/sh,/vt.sh")
        res = keelqemu.run(None, keelqemu.timeout(180), log, memory="512M",
                           linux=(cache.vmlinuz("linux_vt"), f.name, append))
    m = re.search(r"SCR-vcsa\r?\n(.*?)ECR-vcsa", res.output, re.S)
    if m is None:
        return None
    return [int(x) for x in re.findall(r"\b\d+\b", m.group(1))]


def format_screen(nums):
    """The recording's text for a /dev/vcsa dump: the header line, then
    per row its 80 characters between bars and its 80 attribute bytes in
    hex (a reader sees the screen; parse_screen() reads it back)."""
    rows, cols = nums[0], nums[1]
    out = ["# /dev/vcsa1 after the vt100 sequence, as Debian's Linux "
           "shows it", "%d %d %d %d" % tuple(nums[:4])]
    cells = nums[4:]
    for r in range(rows):
        pairs = cells[2 * r * cols:2 * (r + 1) * cols]
        out.append("|%s|" % "".join(chr(c) for c in pairs[0::2]))
        out.append(" %s" % "".join("%02x" % a for a in pairs[1::2]))
    return "\n".join(out) + "\n"


def parse_screen(text):
    """The numbers of a dump from its recording (format_screen's text)."""
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    nums = [int(x) for x in lines[0].split()]
    for chars, attrs in zip(lines[1::2], lines[2::2]):
        row = chars[1:-1]
        hexes = attrs.strip()
        for i, ch in enumerate(row):
            nums += [ord(ch), int(hexes[2 * i:2 * i + 2], 16)]
    return nums


def main():
    """Record; exit 1 when Linux could not be booted or gave no dump."""
    from grading.tests.ch06_vt import VT100
    if not INITRD.is_file():
        print("linux_vt: no %s; run `make initrd CHAPTER=6`" % INITRD)
        return 1
    nums = vt100_dump(VT100)
    if nums is None:
        print("linux_vt: Linux printed no /dev/vcsa1 dump")
        return 1
    text = format_screen(nums)
    old = RECORDING.read_text() if RECORDING.is_file() else None
    RECORDING.write_text(text)
    print("linux_vt: %s %s (%d bytes of /dev/vcsa1)"
          % (RECORDING.relative_to(REPO),
             "unchanged" if old == text else "written", len(nums)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
