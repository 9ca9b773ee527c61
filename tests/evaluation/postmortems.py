"""The post-mortem part of the evaluation set: 2i2c's public incident reports, whose alert time,
service and cause (a pull request, or no change at all) are read from the report, with the changes
of the week before from 2i2c-org/infrastructure's default branch.

Run by hand against a bare clone (``python -m tests.evaluation.postmortems <git dir>``); it
rewrites ``cases/postmortems/2i2c-incident-reports.json``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.evaluation.cases import CASES_DIRECTORY, dump_file, split_of
from tests.evaluation.revert_histories import (
    CLOCK_SKEW,
    LOOKBACK,
    REPOSITORY,
    TEAM,
    History,
    change_of,
    clusters_using,
    git,
)

REPORTS = "https://github.com/2i2c-org/incident-reports/blob/ce0a24d67eb0d33e747393ba5bbc7f150ba54719/reports/"
LICENCE = "BSD-3-Clause (2i2c-org/incident-reports and 2i2c-org/infrastructure); facts only"


@dataclass(frozen=True)
class Incident:
    report: str
    alert_time: str
    """As the report gives it, converted to UTC (the report's own time zone is in its timeline)."""
    service: str
    culprit_sha: str | None
    """The landing of the pull request the report names as the cause; None when no change was."""


INCIDENTS = {
    "2023-01-23-carbonplan": Incident(
        # No alert time in the report: halfway between the merge of #2067 and its revert #2079.
        "2023-01-23-Upgrading-ingress-nginx-caused-brief-outage-in-carbonplan.md",
        "2023-01-23T19:49:00+00:00",
        "carbonplan",
        "a6a065437fa1abe126453b7e9e13acd34f4bd732",
    ),
    "2025-07-11-cloudbank": Incident(
        # "Violation started: July 11, 2025 at 4:42PM UTC"; the PR reverted by #6349 is #6347.
        "2025-07-11-cloudbank-healthcheck.md",
        "2025-07-11T16:42:00+00:00",
        "cloudbank",
        "47c376304413428d40d13ae1459aabdd75f0e8ae",
    ),
    "2025-08-12-leap": Incident(
        # A namespace deleted by hand: no change of the repository caused it.
        "2025-08-12-leap-outage.md",
        "2025-08-12T16:32:00+00:00",
        "leap",
        None,
    ),
    "2025-07-22-openscapes": Incident(
        # "First alert fires" at 1:03 EDT after a stress test the evening before: no change.
        "2025-07-21-openscapes-hub-pods-dying.md",
        "2025-07-22T05:03:00+00:00",
        "openscapes",
        None,
    ),
    "2025-05-12-earthscope": Incident(
        # The ticket at 20:15 EEST; a profile option without a memory limit, not a recent change.
        "2025-05-12-earthscope-resource-provisioning-issue.md",
        "2025-05-12T17:15:00+00:00",
        "earthscope",
        None,
    ),
}


def case_of(history: History, name: str, incident: Incident) -> dict[str, Any]:
    report_time = datetime.fromisoformat(incident.alert_time)
    window = history.window(report_time - LOOKBACK, report_time + CLOCK_SKEW)
    changes = [change_of(landing) for landing in window]
    culprit = (
        next(change["id"] for change in changes if change["commitSha"] == incident.culprit_sha)
        if incident.culprit_sha
        else None
    )
    last = history.window(report_time - LOOKBACK, report_time)[-1].sha
    charts = clusters_using(history, last).get(incident.service, ["support"])
    culprit_service = next((change.get("service") for change in changes if change["id"] == culprit), None)
    case_id = f"2i2c-incident-{name}"
    case: dict[str, Any] = {
        "id": case_id,
        "split": split_of(case_id),
        "origin": REPORTS + incident.report,
        "alert": {
            "reportTime": report_time.isoformat(),
            "labels": {"alertname": "Uptime check failing", "service": incident.service},
            "teams": [TEAM],
        },
        "changes": changes,
        "catalog": [{"name": incident.service, "dependsOn": charts}, {"name": "daskhub", "dependsOn": ["basehub"]}],
        "culprit": culprit,
    }
    if culprit is not None and culprit_service != incident.service:
        case["symptomOnly"] = True
    return case


def main(directory: Path) -> None:
    history = History(directory)
    head = git(directory, "rev-parse", "HEAD").strip()
    cases = [case_of(history, name, incident) for name, incident in INCIDENTS.items()]
    origin = f"2i2c-org/incident-reports; changes from https://github.com/{REPOSITORY} at {head}"
    dump_file(CASES_DIRECTORY / "postmortems" / "2i2c-incident-reports.json", origin, LICENCE, cases)
    print(f"{len(cases)} cases from 2i2c-org/incident-reports")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
