"""Run a chapter's GitHub Classroom workflow here, step by step, and check
the score it gives: full marks for the chapter's snapshot, exactly the
exercises' points lost for its handout.

Usage, from the repository root:

    python3 tools/classroom-check.py CHAPTER      (make classroom-check)

The workflow is the one `python3 -m grading.classroom.make_workflow`
writes for the chapter (grading/classroom/). Its text is read the way
Classroom reads it: the job's env, the build step's command, then each
autograding-command-grader step's command, time limit and max-score. A
step earns its max-score when its command exits 0 within the limit, as
Classroom's command grader decides. Each tree (the snapshot, then the
handout, from tools/chapters.py) is made in build/classroom/ and the
steps run there, one after the other. Not part of `make test`: it grades
each chapter twice more.

Python 3 standard library only.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import chapters  # noqa: E402


def workflow_text(chapter):
    """The workflow make_workflow writes for `chapter`."""
    return subprocess.run(
        [sys.executable, "-m", "grading.classroom.make_workflow",
         "--chapter", str(chapter)], cwd=ROOT, check=True,
        stdout=subprocess.PIPE, text=True).stdout


def parse(text):
    """(env, build command, [(name, command, minutes, points)])."""
    env = dict(re.findall(r'^  (\w+): "([^"]*)"$', text, re.M))
    build = re.search(r"^\s+run: (make deps && .*)$", text, re.M).group(1)
    steps = re.findall(
        r"^\s+test-name: (\S+)\n\s+command: (.+)\n\s+timeout: (\d+)\n"
        r"\s+max-score: (\d+)$", text, re.M)
    return env, build, [(n, c, int(t), int(p)) for n, c, t, p in steps]


def run_steps(tree, env, build, steps):
    """Run the build, then each step in `tree`; the points earned."""
    full_env = dict(os.environ, **env)
    # `make deps` installs packages: this machine has them already
    subprocess.run(build.replace("make deps && ", ""), shell=True, cwd=tree,
                   env=full_env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    earned = 0
    for name, command, minutes, points in steps:
        try:
            ok = subprocess.run(command, shell=True, cwd=tree, env=full_env,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                timeout=minutes * 60).returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        earned += points if ok else 0
        print("classroom-check:   %-24s %s" % (name, "%d" % points if ok
                                                else "0 of %d" % points))
    return earned


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    chapter = int(argv[1])
    env, build, steps = parse(workflow_text(chapter))
    full = sum(p for _, _, _, p in steps)
    exercises = chapters.exercises_of(chapter)
    lost_want = sum(ex["points"] or 0 for ex in exercises.values())
    bad = 0
    for kind, want in (("snapshot", full), ("handout", full - lost_want)):
        tree = os.path.join(ROOT, "build", "classroom", "%s-ch%02d"
                            % (kind, chapter))
        chapters.write_view(chapter, tree, kind == "handout")
        chapters.share_busybox(tree)
        print("classroom-check: %s of chapter %d, %d steps"
              % (kind, chapter, len(steps)))
        got = run_steps(tree, env, build, steps)
        verdict = "ok" if got == want else "WRONG"
        bad += got != want
        print("classroom-check: %s: %d of %d (expected %d): %s"
              % (kind, got, full, want, verdict))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
