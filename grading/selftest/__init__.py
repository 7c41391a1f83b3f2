"""The grader's self-tests, run from the repository root:

    python3 -m unittest discover -s grading/selftest -t .
"""
