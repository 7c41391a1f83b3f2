"""Machine-readable grade reports: Gradescope's results.json and JUnit XML.

Why separate: the terminal report is for students; these files are for
Gradescope and for CI dashboards. Their formats are fixed by those tools,
so they live apart from the harness logic in gradelib.py.
"""

import json
import xml.etree.ElementTree as ET
from pathlib import Path


def score(ts):
    """(earned, possible) points over the tests ts."""
    return (sum(t.points for t in ts if t.ok),
            sum(t.points for t in ts))


def _test_output(t):
    """Text shown for t in Gradescope/JUnit: verdict, messages, boot end."""
    parts = ["OK" if t.ok else "FAIL"]
    parts += t.messages
    if t.result is not None:
        parts.append("QEMU run ended: %s (%.1fs)"
                     % (t.result.reason, t.result.elapsed))
    return "\n".join(parts)


def write_json(path, selected, elapsed):
    """Write Gradescope's results.json for the tests that ran."""
    data = {
        "score": score(selected)[0],
        "execution_time": round(elapsed, 1),
        "tests": [{
            "name": ("ch%02d " % t.chapter if t.chapter else "") + t.title,
            "score": t.points if t.ok else 0,
            "max_score": t.points,
            "status": "passed" if t.ok else "failed",
            "output": _test_output(t),
            "visibility": "visible",
        } for t in selected],
    }
    Path(path).write_text(json.dumps(data, indent=2) + "\n")


def write_junit(path, selected):
    """Write JUnit XML: one testsuite per chapter, one testcase per test."""
    root = ET.Element("testsuites", name="keel-grade")
    by_ch = {}
    for t in selected:
        by_ch.setdefault(t.chapter, []).append(t)
    for ch, ts in by_ch.items():
        label = "ch%02d" % ch if ch else "tests"
        suite = ET.SubElement(
            root, "testsuite", name=label, tests=str(len(ts)),
            failures=str(sum(1 for t in ts if not t.ok)),
            time="%.3f" % sum(t.elapsed for t in ts))
        for t in ts:
            case = ET.SubElement(suite, "testcase", name=t.title,
                                 classname="%s.%s" % (label, t.group),
                                 time="%.3f" % t.elapsed)
            if not t.ok:
                first = t.messages[0].split("\n")[0] if t.messages else ""
                f = ET.SubElement(case, "failure", message=first)
                f.text = "\n".join(t.messages)
            ET.SubElement(case, "system-out").text = _test_output(t)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
