"""Chapter 6 tests: an initramfs made of several archives.

Why this check: Linux unpacks an initramfs that is several cpio archives
one after the other (`cat base.cpio extra.cpio > initrd`), which is how
distributions add early firmware and how a user adds a program to an
image without rebuilding it; a later member of a name replaces the
earlier one. Keel's unpacker once stopped at the first archive's
TRAILER!!!, so the added files were silently missing (found adding
stress-ng to chapter 6's image).

  initramfs-concat (5)  chapter 6's initramfs, zero padding to a 512-byte
                        block as cpio(1) writes it, then a second archive
                        with a new file (a random token) and a new
                        /etc/hostname: `cat` shows both from the second.

Python 3 standard library only.
"""

import secrets
import tempfile
from pathlib import Path

from grading.gradelib import boot, expect, expect_not, test
from grading.progtest import chapter_initrd
from tools import cpio

TOKEN = secrets.token_hex(6)
HOST = "concat-" + secrets.token_hex(3)


@test(0, "initramfs-concat")
def test_initramfs_concat():
    """Boot an image of two archives; cat a file from the second."""
    base = Path(chapter_initrd()).read_bytes()
    base += b"\0" * (-len(base) % 512)
    extra = cpio.newc([("etc/concat", 0o100644, (TOKEN + "\n").encode(),
                        (0, 0)),
                       ("etc/hostname", 0o100644, (HOST + "\n").encode(),
                        (0, 0))], first_ino=900001)
    with tempfile.NamedTemporaryFile(suffix=".cpio", delete=False) as f:
        f.write(base + extra)
        path = f.name
    try:
        boot("quiet -- /bin/cat,/etc/concat,/etc/hostname", timeout=60,
             initrd=path)
    finally:
        Path(path).unlink()


@test(5, "initramfs-concat: the second archive's files are there",
      parent=test_initramfs_concat)
def test_initramfs_concat_files():
    """The token file is read; /etc/hostname is the second archive's."""
    expect([r"^%s\r?$" % TOKEN, r"^%s\r?$" % HOST,
            r"init: /bin/cat exited with status 0"])
    expect_not(r"EXCEPTION|KERNEL PANIC")
