"""Keel's Python tools, a package shared with the grader (grading/).

Run one from the repository root as a module, e.g.
`python3 -m tools.keelqemu run build/ch01/keel.iso`; import one as
`from tools import keelqemu`.
"""
