"""GitHub Classroom: `python3 -m grading.classroom.make_workflow`."""
