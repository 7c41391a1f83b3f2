"""Keel's grader, a package run from the repository root.

    python3 -m grading.grade --chapter N      (what `make grade` runs)

gradelib.py is the harness, grade.py its command line, tests/chNN_*.py
the chapters' tests. tests/ has no __init__.py on purpose: it holds only
chapter files (each chapter's view keeps its own and the earlier ones),
so it is a namespace package, and grade.py imports whatever chNN_*.py
files it finds there. QEMU, the cache and cpio archives are in tools/.
"""
