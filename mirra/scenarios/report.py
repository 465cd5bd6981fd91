"""A finished run's result as JUnit XML, for CI systems that show test reports.

One testsuite per scenario; one testcase per criterion and run ("[D] label (run 2)"): a failed
criterion is a <failure>, an ungraded one is <skipped>; a run that timed out or could not start
is a failing testcase of its own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from mirra.scenarios.model import TAG_MARKS


def junit_xml(result: dict[str, Any]) -> str:
    title = result["scenario"]["title"]
    suite = ET.Element("testsuite", name=title, time=f"{result['durationMs'] / 1000:.3f}")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="verdict", value=str(result.get("verdict")))
    ET.SubElement(properties, "property", name="satisfactionScore", value=str(result.get("satisfactionScore")))
    failures = skipped = tests = 0
    for run in result["results"]:
        problem = run.get("error") or (f"timed out after {run.get('durationMs', 0) / 1000:.1f} s" if run.get("timedOut") else None)
        if problem:
            case = ET.SubElement(suite, "testcase", classname=title, name=f"run {run['run']}")
            ET.SubElement(case, "failure", message=problem).text = run.get("output", "")
            tests, failures = tests + 1, failures + 1
        for criterion in run["criteria"]:
            name = f"{TAG_MARKS[criterion['kind']]} {criterion['label']} (run {run['run']})"
            case = ET.SubElement(suite, "testcase", classname=title, name=name)
            tests += 1
            if criterion["result"] == "failed":
                ET.SubElement(case, "failure", message=criterion["reason"])
                failures += 1
            elif criterion["result"] == "ungraded":
                ET.SubElement(case, "skipped", message=criterion["reason"])
                skipped += 1
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
