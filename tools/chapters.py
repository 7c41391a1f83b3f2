#!/usr/bin/env python3
"""Chapters as views of one tree: snapshots, handouts, branches and lint.

The checked-in tree is the finished kernel. Chapter N is generated from it:

* the files of chapters 1..N (chapters/NN-slug/chapter.mk lists what each
  chapter adds) plus every file no chapter claims (the Makefile, tools,
  the grader): later chapters' files are left out;
* earlier forms laid at their paths: chapters/MM-slug/overlay/PATH is
  chapter MM's form of PATH, used by chapters MM.. up to (not including)
  the first later chapter that lists PATH in RETIRED_FILES (that chapter
  replaced the mechanism; from it on PATH holds the tree's file, or
  nothing when the tree has none). The tree itself holds only the last
  chapter's kernel, so a grep finds one definition of everything;
* `#if CHAPTER >= M` guards resolved with unifdef for CHAPTER=N;
* exercise regions reduced to their solution (snapshot) or, for chapter
  N's own exercises, to their stub (handout).

An exercise region in a source file looks like this (C or assembly
comments, `//` shown):

    // >>> exercise 1.2 backtrace
    ... the solution ...
    // === stub: optional words
    // ... the stub, each line commented out ...
    // <<< exercise 1.2 backtrace

and exercises/NN-slug/K-name.md describes exercise N.K. Its header lines
`Points: P` and `Tests: group, group` say what the grader gives for it.

Commands (also reached through make):

    chapters.py snapshot N DIR      the clean reference tree of chapter N
    chapters.py sources N DIR       only its kernel sources (kernel/, fs/,
                                    net/), rewriting only changed files:
                                    what `make CHAPTER=N` compiles
    chapters.py handout N DIR       the student tree of chapter N
    chapters.py branches            git branches chNN-slug, chNN-slug-handout
    chapters.py lint                manifests, regions and exercises agree
    chapters.py check-snapshot N    the snapshot builds and grades full marks
    chapters.py check-handout N     the handout builds and loses exactly the
                                    points of chapter N's exercises
    chapters.py retire PATH...      before the last chapter changes an
                                    earlier chapter's file: keep its form
                                    as an overlay and retire PATH there

Standard library only.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_EXTS = (".c", ".h", ".S", ".ld")
REGION_START = re.compile(r"^(\s*)(//|#|/\*)\s*>>> exercise (\d+)\.(\d+)\s+(\S+)")
REGION_STUB = re.compile(r"^\s*(//|#|/\*)\s*=== stub")
REGION_END = re.compile(r"^\s*(//|#|/\*)\s*<<< exercise (\d+)\.(\d+)")
# files that drive the chapter machinery itself: not part of a chapter view
MACHINERY = {"tools/chapters.py", "tools/treecheck.py"}
# the kernel's folders: guards are resolved there, `sources` writes them
KERNEL_TREES = ("kernel/", "fs/", "net/")
OVERLAY = "overlay"


class ChapterError(Exception):
    """A problem in the manifests or regions, reported without a traceback."""


# ---------------------------------------------------------------- manifests


def parse_make_vars(path):
    """Read `VAR += words` / `VAR := words` lines of a chapter.mk file.

    Handles backslash continuations and comments, which is all a manifest
    uses; returns {var: [words]} with += lists concatenated.
    """
    text = open(path).read().replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"([A-Za-z0-9_]+)\s*(\+=|:=|=)\s*(.*)", line)
        if not m:
            continue
        name, op, words = m.group(1), m.group(2), m.group(3).split()
        if op == "+=":
            out.setdefault(name, []).extend(words)
        else:
            out[name] = words
    return out


def chapters():
    """The chapters in order: a list of (number, slug, directory)."""
    base = os.path.join(ROOT, "chapters")
    result = []
    for name in sorted(os.listdir(base)):
        m = re.match(r"(\d\d)-(.+)$", name)
        if m and os.path.isfile(os.path.join(base, name, "chapter.mk")):
            result.append((int(m.group(1)), name, os.path.join(base, name)))
    for i, (num, _, _) in enumerate(result):
        if num != i + 1:
            raise ChapterError("chapters must be numbered 01, 02, ... "
                               "without gaps")
    return result


def chapter_files(num, slug):
    """Every file chapter num adds: manifest lists plus its own folders.

    Its overlays are not among them: they are laid at the paths they
    stand for (overlays()), and those paths are in the manifest.
    """
    mk = parse_make_vars(os.path.join(ROOT, "chapters", slug, "chapter.mk"))
    files = set(mk.get("KERNEL_SRCS", []) + mk.get("CHAPTER_FILES", []))
    for var, words in mk.items():
        if var.startswith("HOST_TEST_") and (var.endswith("_SRCS")):
            files.update(words)
    overlay = os.path.join("chapters", slug, OVERLAY) + os.sep
    for folder in ("chapters/" + slug, "exercises/" + slug):
        for dirpath, _, names in os.walk(os.path.join(ROOT, folder)):
            for n in names:
                f = os.path.relpath(os.path.join(dirpath, n), ROOT)
                if not f.startswith(overlay):
                    files.add(f)
    prefix = "grading/tests/ch%02d_" % num
    for n in os.listdir(os.path.join(ROOT, "grading", "tests")):
        if ("grading/tests/" + n).startswith(prefix):
            files.add("grading/tests/" + n)
    return files


def retired_files(num, slug):
    """The files chapter num retires: earlier chapters' files it replaced."""
    mk = parse_make_vars(os.path.join(ROOT, "chapters", slug, "chapter.mk"))
    return set(mk.get("RETIRED_FILES", []))


def is_file(path):
    """A regular file, or a symbolic link (kept as one, even dangling)."""
    return os.path.isfile(path) or os.path.islink(path)


def tracked_files():
    """The files of the tree: tracked or new, not ignored (as git sees it)."""
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
        check=True, capture_output=True, text=True).stdout
    return sorted(f for f in out.splitlines()
                  if is_file(os.path.join(ROOT, f)))


def overlay_files(slug):
    """Chapter slug's overlays: {path they stand for: file in the tree}."""
    base = os.path.join(ROOT, "chapters", slug, OVERLAY)
    found = {}
    for dirpath, _, names in os.walk(base):
        for n in names:
            full = os.path.join(dirpath, n)
            found[os.path.relpath(full, base)] = os.path.relpath(full, ROOT)
    return found


def overlays(num):
    """The earlier forms chapter num's view uses: {path: overlay file}.

    Walk chapters 1..num in order: a chapter's RETIRED_FILES end the
    overlays of those paths, then its own overlays are laid (a later
    chapter's form of a path wins over an earlier one's).
    """
    laid = {}
    for n, slug, _ in chapters():
        if n > num:
            break
        for path in retired_files(n, slug):
            laid.pop(path, None)
        laid.update(overlay_files(slug))
    return laid


def files_of_view(num):
    """Chapter num's view: [(path in the view, file of the tree)].

    The files claimed by chapters 1..num or by nobody, then the overlays
    laid over them (an overlay's path need not exist in the tree: a
    retired file lives only as an overlay).
    """
    left_out = set()
    for n, slug, _ in chapters():
        if n > num:
            left_out |= chapter_files(n, slug)
    view = {f: f for f in tracked_files()
            if f not in left_out and f not in MACHINERY and
            not re.match(r"chapters/[^/]+/%s/" % OVERLAY, f)}
    view.update(overlays(num))
    return sorted(view.items())


# ---------------------------------------------------------------- regions


def scan_regions(path):
    """Find exercise regions in one file: a list of dicts (line numbers 0-based).

    Raises ChapterError for a region that is not closed, closed twice, or
    nested, so a broken marker fails loudly instead of shipping.
    """
    regions, cur = [], None
    for i, line in enumerate(open(path, errors="replace").read().split("\n")):
        m = REGION_START.match(line)
        if m:
            if cur:
                raise ChapterError("%s:%d: exercise region inside region %s"
                                   % (path, i + 1, cur["id"]))
            cur = {"id": "%s.%s" % (m.group(3), m.group(4)),
                   "chapter": int(m.group(3)), "name": m.group(5),
                   "indent": m.group(1), "start": i, "stub": None}
            continue
        if cur and REGION_STUB.match(line):
            cur["stub"] = i
            continue
        m = REGION_END.match(line)
        if m:
            rid = "%s.%s" % (m.group(2), m.group(3))
            if not cur or rid != cur["id"]:
                raise ChapterError("%s:%d: end of exercise %s without its start"
                                   % (path, i + 1, rid))
            cur["end"] = i
            regions.append(cur)
            cur = None
    if cur:
        raise ChapterError("%s: exercise %s is never closed"
                           % (path, cur["id"]))
    return regions


def uncomment(line):
    """A stub line as code: drop the `// ` (or `# `) that kept it inert."""
    m = re.match(r"^(\s*)(//|#) ?(.*)$", line)
    return m.group(1) + m.group(3) if m else line


def exercise_doc(ex_id):
    """The exercise file of exercise "N.K" (path relative to ROOT) or None."""
    num, k = ex_id.split(".")
    for n, slug, _ in chapters():
        if n == int(num):
            folder = os.path.join(ROOT, "exercises", slug)
            if os.path.isdir(folder):
                for name in sorted(os.listdir(folder)):
                    if re.match(r"%s-.*\.md$" % k, name):
                        return "exercises/%s/%s" % (slug, name)
    return None


def render_regions(text, path, stub_chapter):
    """Resolve the exercise regions of one file's text.

    Regions of chapter stub_chapter become their stub plus a TODO pointing
    at the exercise file; every other region keeps its solution. All
    marker lines disappear.
    """
    lines = text.split("\n")
    out, i = [], 0
    regions = {r["start"]: r for r in scan_regions(path)}
    while i < len(lines):
        r = regions.get(i)
        if r is None:
            out.append(lines[i])
            i += 1
            continue
        stub_at = r["stub"] if r["stub"] is not None else r["end"]
        if r["chapter"] == stub_chapter:
            doc = exercise_doc(r["id"]) or "exercises/"
            out.append("%s// TODO(%s): %s -- see %s"
                       % (r["indent"], r["id"], r["name"], doc))
            out.extend(uncomment(line) for line in lines[stub_at + 1:r["end"]])
        else:
            out.extend(lines[r["start"] + 1:stub_at])
        i = r["end"] + 1
    return "\n".join(out)


def resolve_guards(text, num):
    """Resolve `#if CHAPTER ...` guards with unifdef for CHAPTER=num."""
    if "CHAPTER" not in text:
        return text
    proc = subprocess.run(["unifdef", "-DCHAPTER=%d" % num],
                          input=text, capture_output=True, text=True)
    if proc.returncode == 2:
        raise ChapterError("unifdef failed: " + proc.stderr.strip())
    return proc.stdout


# ---------------------------------------------------------------- views


def render(num, rel, src, handout):
    """The text of one source file of chapter num's view (path rel).

    Exercise regions become their solution (or, in a handout, chapter
    num's own become their stubs) and, in the kernel's folders, guards
    are resolved for CHAPTER=num.
    """
    text = open(src).read()
    text = render_regions(text, src, num if handout else -1)
    if rel.startswith(KERNEL_TREES):
        text = resolve_guards(text, num)
    return text


def write_view(num, dest, handout, only=None):
    """Write chapter num's snapshot (or handout) into the folder dest.

    only, if given, is a tuple of path prefixes: just those files are
    written, into a folder that is kept, and a file whose text is
    unchanged is not touched (so make's timestamps see only real changes);
    files of those folders that left the view are removed. Otherwise dest
    is made anew.

    Resolving guards and regions can leave a line the formatter would lay
    out differently (an include block that lost a member, comments no
    longer aligned), so the C files the rendering changed are re-formatted
    with the tree's .clang-format: `make check` passes in a view too.
    """
    if only is None and os.path.exists(dest):
        shutil.rmtree(dest)
    written = set()
    for rel, tree_rel in files_of_view(num):
        if only is not None and not rel.startswith(only):
            continue
        src, dst = os.path.join(ROOT, tree_rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        written.add(rel)
        if not rel.endswith(SOURCE_EXTS):
            if only is None or not os.path.exists(dst) or \
                    open(src, "rb").read() != open(dst, "rb").read():
                shutil.copy2(src, dst, follow_symlinks=False)  # links stay
            continue
        raw = open(src).read()
        text = render(num, rel, src, handout)
        if text != raw and rel.endswith((".c", ".h")) and \
                shutil.which("clang-format"):
            text = subprocess.run(
                ["clang-format", "--assume-filename=" + rel],
                input=text, cwd=ROOT, check=True, capture_output=True,
                text=True).stdout
        if only is not None and os.path.exists(dst) and \
                open(dst).read() == text:
            continue
        with open(dst, "w") as f:
            f.write(text)
        shutil.copymode(src, dst)
    if only is not None:
        for dirpath, _, names in os.walk(dest):
            for n in names:
                rel = os.path.relpath(os.path.join(dirpath, n), dest)
                if rel.startswith(only) and rel not in written:
                    os.remove(os.path.join(dirpath, n))


def exercises_of(num):
    """Chapter num's exercises: id -> {points, tests, doc}."""
    result = {}
    for n, slug, _ in chapters():
        if n != num:
            continue
        folder = os.path.join(ROOT, "exercises", slug)
        if not os.path.isdir(folder):
            return result
        for name in sorted(os.listdir(folder)):
            m = re.match(r"(\d+)-.*\.md$", name)
            if not m:
                continue
            text = open(os.path.join(folder, name)).read()
            pts = re.search(r"^Points:\s*(\d+)", text, re.M)
            tests = re.search(r"^Tests:\s*(.+)$", text, re.M)
            result["%d.%s" % (num, m.group(1))] = {
                "doc": "exercises/%s/%s" % (slug, name),
                "points": int(pts.group(1)) if pts else None,
                "tests": [t.strip() for t in tests.group(1).split(",")]
                if tests else [],
            }
    return result


def all_regions():
    """Every exercise region of the tree: id -> (file, region)."""
    found = {}
    for rel in tracked_files():
        if rel.endswith(SOURCE_EXTS):
            for r in scan_regions(os.path.join(ROOT, rel)):
                if r["id"] in found:
                    raise ChapterError("exercise %s has two regions (%s, %s)"
                                       % (r["id"], found[r["id"]][0], rel))
                found[r["id"]] = (rel, r)
    return found


def lint():
    """Check that manifests, regions and exercise files agree; list problems."""
    problems = []
    owner = {}
    for num, slug, _ in chapters():
        laid = overlays(num)
        for f in sorted(chapter_files(num, slug)):
            if not is_file(os.path.join(ROOT, f)) and f not in laid:
                problems.append("%s/chapter.mk names a missing file %s"
                                % (slug, f))
            if f in owner:
                problems.append("%s is claimed by chapters %s and %s"
                                % (f, owner[f], slug))
            owner[f] = slug
        for f in sorted(retired_files(num, slug)):
            if f not in owner:
                problems.append("%s/chapter.mk retires %s, which no earlier "
                                "chapter adds" % (slug, f))
        for f in sorted(overlay_files(slug)):
            if f not in owner:
                problems.append("chapters/%s/%s/%s stands for a file no "
                                "chapter up to this one adds"
                                % (slug, OVERLAY, f))
    for f in tracked_files():
        if f.startswith(("kernel/", "net/", "fs/", "book/", "grading/tests/"))\
                and f not in owner and not f.startswith("book/figures/") \
                and os.path.basename(f) not in ("Doxyfile", "index.md",
                                                "groups.md", "groups.dox")\
                and not f.startswith("grading/tests/fake"):
            problems.append("%s belongs to no chapter (add it to a chapter.mk)"
                            % f)
    regions = all_regions()
    for num, slug, _ in chapters():
        for ex_id, ex in exercises_of(num).items():
            if ex_id not in regions:
                problems.append("%s: no region `>>> exercise %s` in the source"
                                % (ex["doc"], ex_id))
            if ex["points"] is None or not ex["tests"]:
                problems.append("%s: needs `Points:` and `Tests:` lines"
                                % ex["doc"])
    for ex_id, (rel, r) in regions.items():
        if exercise_doc(ex_id) is None:
            problems.append("%s: exercise %s has no exercises/ file"
                            % (rel, ex_id))
        if r["stub"] is None:
            problems.append("%s: exercise %s has no `=== stub` part"
                            % (rel, ex_id))
    last = len(chapters())
    for path in sorted(overlays(last)):
        problems.append("the last chapter's view lays an overlay at %s: the "
                        "tree must hold the last chapter's form (retire the "
                        "overlay in the chapter that replaced it)" % path)
    for num, _, _ in chapters():
        if len(exercises_of(num)) < 3:
            problems.append("chapter %d has fewer than 3 exercises" % num)
    return problems


# ---------------------------------------------------------------- checks


def run(cmd, cwd, log):
    """Run cmd in cwd, appending its output to log; True on exit 0."""
    with open(log, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f,
                              stderr=subprocess.STDOUT).returncode == 0


def share_busybox(dest):
    """Let the view at dest use the tree's BusyBox build (build/busybox),
    and from chapter 7 on its Dropbear, curl and ssh keys.

    Every view from chapter 4 on puts BusyBox in its initramfs, built from
    the same configuration and source: one build serves them all. The
    view's build/busybox is a link to the tree's; the view's copy of the
    configuration keeps the tree's modification time (write_view copies
    it with copy2), so make sees the shared binary as up to date and
    builds it only once, in the first view that needs it. `make test`
    (tools/test.sh) grades two views at a time, so it builds BusyBox in
    the tree first: two views never race to build it.
    """
    # (the file that says the view uses it, the build folders it shares):
    # BusyBox from chapter 4 on, Dropbear, curl and the ssh keys from
    # chapter 7 on (tools/servers.sh; the keys too, or every view would
    # make its own)
    shares = [("user/busybox/busybox.config", ["busybox"]),
              ("tools/servers.sh", ["dropbear", "curl", "ssh"])]
    for marker, folders in shares:
        if not os.path.exists(os.path.join(dest, marker)):
            continue
        for folder in folders:
            shared = os.path.join(ROOT, "build", folder)
            os.makedirs(shared, exist_ok=True)
            os.makedirs(os.path.join(dest, "build"), exist_ok=True)
            os.symlink(shared, os.path.join(dest, "build", folder))


# The user a grade runs as when `make test` runs as root: nobody.
NOBODY = 65534


def reachable_by_all(path):
    """Can any user reach into folder `path` (every folder on the way
    searchable by others)? A clone in root's home is not."""
    while True:
        if not os.stat(path).st_mode & 0o001:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def unprivileged(cmd, dest):
    """cmd, run so that it proves grading needs no privileges.

    As root (CI), with setpriv at hand: as user nobody, without
    capabilities, the view at dest handed over to it; a view that uses the
    tree's ssh keys (chapter 7: a private key only its owner may read),
    or a tree that other users cannot reach (a clone in root's home),
    stays root's, and runs as root without any capability instead (no
    mount, no chown, no setuid, no file of another user). As anyone else:
    as is.
    """
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return cmd
    drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-all",
            "--no-new-privs"]
    if (os.path.exists(os.path.join(dest, "tools", "servers.sh"))
            or not reachable_by_all(os.path.dirname(os.path.abspath(dest)))):
        return drop + ["--"] + cmd
    for top, dirs, files in os.walk(dest):
        for name in dirs + files:
            os.lchown(os.path.join(top, name), NOBODY, NOBODY)
    os.lchown(dest, NOBODY, NOBODY)
    home = os.path.join(dest, "build", "home")
    return drop + ["--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                   "--clear-groups", "--", "env", "HOME=" + home] + cmd


def grade_view(num, handout):
    """Build and grade a fresh view; return (ok_build, results json, log).

    The build (kernel and initramfs, which may need the cache of tools/
    deps.sh) runs as the caller; the grade as an unprivileged user
    (unprivileged())."""
    kind = "handout" if handout else "snapshot"
    dest = os.path.join(ROOT, "build", kind + "s", "ch%02d" % num)
    write_view(num, dest, handout)
    share_busybox(dest)
    log = os.path.join(ROOT, "build", kind + "s", "ch%02d.log" % num)
    open(log, "w").close()
    if not run(["make", "-s", "kernel", "initrd"], dest, log):
        return False, None, log
    res = os.path.join(dest, "build", "results.json")
    run(unprivileged(["python3", "-m", "grading.grade", "--chapter",
                      str(num), "--json", res], dest), dest, log)
    if os.geteuid() == 0:  # the view is root's again, as the tree is
        for top, dirs, files in os.walk(dest):
            for name in dirs + files:
                os.lchown(os.path.join(top, name), 0, 0)
    if not os.path.exists(res):
        return True, None, log
    return True, json.load(open(res)), log


def test_group(name):
    """(chapter, group) of a results.json name: `ch01 printk: lines` ->
    (1, `printk`)."""
    m = re.match(r"ch(\d+) ([^:]+)", name)
    if m:
        return int(m.group(1)), m.group(2).strip()
    return None, name.split(":", 1)[0].strip()


def check_snapshot(num):
    """The snapshot of chapter num builds on its own and grades full marks."""
    ok, res, log = grade_view(num, handout=False)
    if not ok or res is None:
        print("snapshot %d: build or grade failed; see %s" % (num, log))
        return False
    full = sum(t["max_score"] for t in res["tests"])
    if res["score"] != full or full == 0:
        print("snapshot %d: score %s/%s, not full marks; see %s"
              % (num, res["score"], full, log))
        # this is the chapter's only grade in `make test`: show why
        for t in res["tests"]:
            if t["score"] != t["max_score"]:
                print("  failed: %s" % t["name"])
                for line in t.get("output", "").splitlines()[:12]:
                    print("    " + line)
        return False
    print("snapshot %d: builds and grades %s/%s" % (num, res["score"], full))
    return True


def check_handout(num):
    """The handout of chapter num loses exactly its exercises' points."""
    exercises = exercises_of(num)
    expect_groups = {(num, g) for ex in exercises.values()
                     for g in ex["tests"]}
    expect_lost = sum(ex["points"] or 0 for ex in exercises.values())
    ok, res, log = grade_view(num, handout=True)
    if not ok or res is None:
        print("handout %d: does not build or grade; see %s" % (num, log))
        return False
    good = True
    lost = 0
    for t in res["tests"]:
        group = test_group(t["name"])
        if t["max_score"] == 0:
            continue
        if group in expect_groups and t["score"] != 0:
            print("handout %d: %s passes, but its exercise is stubbed"
                  % (num, t["name"]))
            good = False
        if group not in expect_groups and t["score"] != t["max_score"]:
            print("handout %d: %s fails, but belongs to no chapter-%d "
                  "exercise" % (num, t["name"], num))
            for line in t.get("output", "").splitlines()[:6]:
                print("    " + line)
            good = False
        lost += t["max_score"] - t["score"]
    if lost != expect_lost:
        print("handout %d: loses %d points, exercises are worth %d"
              % (num, lost, expect_lost))
        good = False
    print("handout %d: %s (lost %d points: %s); log %s"
          % (num, "ok" if good else "WRONG", lost,
             ", ".join(sorted(exercises)), os.path.relpath(log, ROOT)))
    return good


# ---------------------------------------------------------------- branches


def git(*args, env=None, cwd=ROOT):
    """Run git in the repository, returning its stdout stripped."""
    return subprocess.run(["git"] + list(args), cwd=cwd, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def commit_tree_of(folder, parent, message):
    """Commit the contents of folder (not touching the work tree or index)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(tmp, "index"),
                   GIT_WORK_TREE=folder,
                   GIT_DIR=git("rev-parse", "--absolute-git-dir"))
        git("add", "-A", ".", env=env, cwd=folder)
        tree = git("write-tree", env=env, cwd=folder)
    args = ["commit-tree", tree, "-m", message]
    if parent:
        args += ["-p", parent]
    return git(*args)


def branches():
    """Create chNN-slug and chNN-slug-handout branches, linear by chapter."""
    parent = None
    with tempfile.TemporaryDirectory() as tmp:
        for num, slug, _ in chapters():
            snap = os.path.join(tmp, "snap")
            write_view(num, snap, handout=False)
            commit = commit_tree_of(snap, parent,
                                    "Chapter %d (%s): reference" % (num, slug))
            git("update-ref", "refs/heads/ch" + slug, commit)
            hand = os.path.join(tmp, "hand")
            write_view(num, hand, handout=True)
            hcommit = commit_tree_of(hand, parent,
                                     "Chapter %d (%s): handout" % (num, slug))
            git("update-ref", "refs/heads/ch%s-handout" % slug, hcommit)
            print("branches: ch%s, ch%s-handout" % (slug, slug))
            parent = commit


# ---------------------------------------------------------------- retire


def first_view_of(path):
    """The chapter whose view first shows the tree's form of path.

    That is the latest chapter that retired path (it brought the tree's
    form), or else the chapter that adds it.
    """
    found = None
    for num, slug, _ in chapters():
        if path in retired_files(num, slug) or \
                (found is None and path in chapter_files(num, slug)):
            found = (num, slug)
    return found


def strip_regions(text, path):
    """The text of path with its exercise regions reduced to the solution."""
    lines = text.split("\n")
    regions = {r["start"]: r for r in scan_regions(path)}
    out, i = [], 0
    while i < len(lines):
        r = regions.get(i)
        if r is None:
            out.append(lines[i])
            i += 1
            continue
        stub_at = r["stub"] if r["stub"] is not None else r["end"]
        out.extend(lines[r["start"] + 1:stub_at])
        i = r["end"] + 1
    return "\n".join(out)


def retire(paths):
    """Keep the earlier form of each path before the last chapter changes it.

    The tree's file is copied to chapters/MM-slug/overlay/PATH, MM being the
    chapter whose view first shows it, and PATH is added to the last
    chapter's RETIRED_FILES: chapters MM up to the last but one keep the
    form they have today, and the tree is free to change. Exercise regions
    stay in the overlay (where the exercise now lives); the tree's copy
    keeps only their solution, so every region has one home.
    """
    last, last_slug, last_dir = chapters()[-1]
    mk = os.path.join(last_dir, "chapter.mk")
    for path in paths:
        src = os.path.join(ROOT, path)
        if not is_file(src):
            raise ChapterError("%s: no such file in the tree" % path)
        owner = first_view_of(path)
        if owner is None:
            raise ChapterError("%s belongs to no chapter" % path)
        num, slug = owner
        if num == last:
            raise ChapterError("%s is the last chapter's own file: change it "
                               "in place" % path)
        dest = os.path.join(ROOT, "chapters", slug, OVERLAY, path)
        if os.path.exists(dest):
            raise ChapterError("%s exists already" % os.path.relpath(dest, ROOT))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(src, dest)
        text = open(src).read()
        if scan_regions(src):
            # strip before opening for writing: strip_regions reads src
            solved = strip_regions(text, src)
            with open(src, "w") as f:
                f.write(solved)
        with open(mk, "a") as f:
            f.write("RETIRED_FILES += %s\n" % path)
        print("%s: chapter %d's form kept in %s; retired in chapter %d"
              % (path, num, os.path.relpath(dest, ROOT), last))


# ---------------------------------------------------------------- main


def main(argv):
    """Dispatch the command line (see the module docstring)."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "sources" and len(args) == 2:
            write_view(int(args[0]), os.path.abspath(args[1]), False,
                       only=KERNEL_TREES)
            return 0
        if cmd in ("snapshot", "handout") and len(args) == 2:
            write_view(int(args[0]), os.path.abspath(args[1]),
                       cmd == "handout")
            print("%s of chapter %s written to %s" % (cmd, args[0], args[1]))
            return 0
        if cmd == "lint":
            problems = lint()
            for p in problems:
                print("lint: " + p)
            print("lint: %s" % ("ok" if not problems
                                 else "%d problems" % len(problems)))
            return 1 if problems else 0
        if cmd == "check-snapshot" and len(args) == 1:
            return 0 if check_snapshot(int(args[0])) else 1
        if cmd == "check-handout" and len(args) == 1:
            return 0 if check_handout(int(args[0])) else 1
        if cmd == "branches":
            branches()
            return 0
        if cmd == "retire" and args:
            retire(args)
            return 0
    except ChapterError as e:
        print("chapters: " + str(e), file=sys.stderr)
        return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
