"""Build a throw-away copy of the repository around a fake kernel.

Why: grade.py finds the repository as the parent of grading/ and runs
`make print-kernel` and tools/mkiso.sh there. To test it end to end without
the real kernel we copy the harness, the tools the Gradescope bundle
carries (tools/autograder.py's list) and the exercises, whose `Tests:`
lines grade.py reads, into a temporary tree whose Makefile and mkiso.sh
are stubs, and point KEEL_QEMU at fake_qemu.py.
"""

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from tools.autograder import TOOLS

HERE = Path(__file__).resolve().parent
GRADING = HERE.parent
REPO = GRADING.parent
FAKE_QEMU = HERE / "fake_qemu.py"

MAKEFILE = """\
# Stub: "builds" chapter N by writing its number into a file.
print-kernel:
\t@test -z "$(FAKE_BUILD_FAIL)" || { echo "kernel/init/main.c:1: error: boom" >&2; exit 1; }
\t@mkdir -p build/ch$(CHAPTER)
\t@echo chapter=$(CHAPTER) > build/ch$(CHAPTER)/keel.elf
\t@echo build/ch$(CHAPTER)/keel.elf
"""

MKISO = """\
#!/bin/sh
# Stub mkiso.sh: the "ISO" is JSON that fake_qemu.py reads.
exec "%s" - "$@" <<'PYTHON'
import json, sys
kernel, iso, cmdline = sys.argv[1:4]
initrd = sys.argv[4] if len(sys.argv) > 4 else None
with open(iso, "w") as f:
    json.dump({"kernel": kernel, "cmdline": cmdline, "initrd": initrd}, f)
PYTHON
"""


def _executable(path):
    """Mark path executable by its owner."""
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def make_fake_repo():
    """Create the tree; return (TemporaryDirectory, its Path)."""
    tmp = tempfile.TemporaryDirectory(prefix="keel-fakerepo-")
    root = Path(tmp.name)
    (root / "tools").mkdir()
    for rel in TOOLS:
        shutil.copy(str(REPO / rel), str(root / "tools"))
    shutil.copytree(str(GRADING), str(root / "grading"),
                    ignore=shutil.ignore_patterns("__pycache__", "selftest"))
    # grade.py names unfinished exercises from their `Tests:` lines.
    shutil.copytree(str(REPO / "exercises"), str(root / "exercises"))
    (root / "Makefile").write_text(MAKEFILE)
    mkiso = root / "tools" / "mkiso.sh"
    mkiso.write_text(MKISO % sys.executable)
    _executable(mkiso)
    _executable(FAKE_QEMU)
    return tmp, root


def fake_env(**extra):
    """Environment that routes QEMU to the fake and skips the KVM probe."""
    env = dict(os.environ)
    for var in ("KEEL_TIMEOUT_SCALE", "FAKE_KEEL_BUGS", "FAKE_BUILD_FAIL",
                "KEEL_QEMU_FLAGS", "MAKEFLAGS", "MAKELEVEL"):
        env.pop(var, None)
    env.update(KEEL_QEMU=str(FAKE_QEMU), KEEL_ACCEL="tcg", NO_COLOR="1")
    env.update({k: str(v) for k, v in extra.items()})
    return env
