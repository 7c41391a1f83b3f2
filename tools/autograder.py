"""Build the Gradescope autograder zip for one chapter.

Usage, from the repository root: python3 -m tools.autograder CHAPTER OUT.zip

The zip holds grading/gradescope/setup.sh and run_autograder at its top
level (where Gradescope looks for them) and grader/: the harness and the
tests of chapters 1..CHAPTER, the tools the grader imports or runs (the
package tools/: QEMU, cache, cpio; the ISO and dependency scripts), and the
chapter number; from chapter 4 on also grader/reference/, the chapter's
snapshot, from which setup.sh builds BusyBox (and the servers of chapter
7) once. See grading/README.md, section Gradescope;
tools/gradescope-check.sh runs the zip as Gradescope would.
"""

import os
import re
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# what the grader needs of tools/ (the self-tests' fake repository too)
TOOLS = ["tools/__init__.py", "tools/cache.py", "tools/cpio.py",
         "tools/keelqemu.py", "tools/kvmprobe.S", "tools/mkiso.sh",
         "tools/deps.sh"]


def grader_files(chapter):
    """Files of grading/ the bundle needs: harness plus tests 1..chapter."""
    out = []
    base = os.path.join(ROOT, "grading")
    for dirpath, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", "selftest",
                                                "gradescope", "host")]
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), ROOT)
            m = re.match(r"grading/tests/ch(\d\d)_", rel)
            if m and int(m.group(1)) > chapter:
                continue
            out.append(rel)
    return sorted(out)


def add(zf, src_rel, arcname, mode=None):
    """Add one file, keeping (or setting) its Unix permissions."""
    path = os.path.join(ROOT, src_rel)
    info = zipfile.ZipInfo(arcname)
    perm = mode if mode is not None else os.stat(path).st_mode & 0o777
    info.external_attr = (0o100000 | perm) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as f:
        zf.writestr(info, f.read())


def add_reference(zf, chapter):
    """Add the chapter's snapshot (tools/chapters.py) as grader/reference/."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import chapters
    with tempfile.TemporaryDirectory(prefix="keel-autograder-") as tmp:
        view = os.path.join(tmp, "reference")
        chapters.write_view(chapter, view, False)
        for dirpath, dirs, names in os.walk(view):
            dirs[:] = [d for d in dirs if d not in ("build", "__pycache__")]
            for n in names:
                path = os.path.join(dirpath, n)
                if os.path.islink(path):
                    continue
                rel = os.path.relpath(path, view)
                info = zipfile.ZipInfo("grader/reference/" + rel)
                info.external_attr = (0o100000 |
                                      os.stat(path).st_mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    zf.writestr(info, f.read())


def main(argv):
    """Write the zip; print its path and contents' size."""
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    chapter, out = int(argv[1]), argv[2]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with zipfile.ZipFile(out, "w") as zf:
        add(zf, "grading/gradescope/setup.sh", "setup.sh", 0o755)
        add(zf, "grading/gradescope/run_autograder", "run_autograder", 0o755)
        for rel in grader_files(chapter) + TOOLS:
            add(zf, rel, "grader/" + rel)
        if chapter >= 4:
            add_reference(zf, chapter)
        info = zipfile.ZipInfo("grader/CHAPTER")
        info.external_attr = 0o100644 << 16
        zf.writestr(info, "%d\n" % chapter)
        count = len(zf.namelist())
    print("autograder: %s (%d files, chapter %d)" % (out, count, chapter))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
