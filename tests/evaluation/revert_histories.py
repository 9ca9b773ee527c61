"""The revert-history part of the evaluation set: weak labels from a public GitOps repository.

A commit that says ``This reverts commit <sha>`` (or ``Revert "<title>"``) marks the change that
landed ``<sha>`` on the default branch as the culprit of something. The alert is placed before the
revert by a lag drawn log-uniformly between 7 minutes and a day (tests/evaluation/SOURCES.md says
where these come from); the other changes that landed in the week before the alert (the team
lookback of §5) are the candidates. Only derived facts are kept: commit ids, times, the service
and environment each change's paths name, never the repository's files.

Run by hand against a bare clone (``python -m tests.evaluation.revert_histories <git dir>``); it
rewrites ``cases/reverts/2i2c-infrastructure.json``. Deterministic: the same history gives the
same cases.
"""

from __future__ import annotations

import math
import random
import re
import subprocess
import sys
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.evaluation.cases import CASES_DIRECTORY, dump_file, split_of

REPOSITORY = "2i2c-org/infrastructure"
LICENCE = "BSD-3-Clause (2i2c-org/infrastructure LICENSE); derived facts only: commit ids, times, paths' services"
TEAM = "2i2c-engineering"
LOOKBACK = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=2)
SHORTEST_LAG = timedelta(minutes=7)
LONGEST_LAG = timedelta(days=1)
DEPLOYED_PATHS = ("config/clusters/", "helm-charts/", "src/", "deployer/")
"""What the repository's deploy-hubs workflow deploys on a push to main (its ``paths``)."""
_REVERTED_SHA = re.compile(r"This reverts commit ([0-9a-f]{7,40})")
_REVERTED_TITLE = re.compile(r'^Revert "(.+)"')
_CLUSTER_PATH = re.compile(r"^config/clusters/([^/]+)/(?:enc-)?([^/.]+)?")
_PROJECT_PATH = re.compile(r"^(?:terraform/\w+/projects/([^/.]+)\.tfvars|eksctl/([^/.]+)\.jsonnet)")
_CHART_PATH = re.compile(r"^helm-charts/([^/]+)/")
_PULL_NUMBER = re.compile(r"^Merge pull request #(\d+) |\(#(\d+)\)$")
_REVERT_BRANCH = re.compile(r"/revert-(\d+)-")
_HELM_CHART = re.compile(r"helm_chart:\s*(\w[\w-]*)")


def run_git(directory: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """git on a bare clone the caller names; its exit status is the caller's to read."""
    command = ["git", "--git-dir", str(directory), *arguments]
    return subprocess.run(command, check=False, capture_output=True, text=True)  # noqa: S603 - git from PATH, our arguments


def git(directory: Path, *arguments: str) -> str:
    result = run_git(directory, *arguments)
    result.check_returncode()
    return result.stdout


@dataclass
class Landing:
    """A commit on the default branch: what a GitOps pipeline deploys."""

    sha: str
    landed: datetime
    merge: bool
    subject: str
    title: str
    """The pull request's title for a merge commit (its body's first line), else the subject."""
    paths: list[str]

    @property
    def pull_request(self) -> str | None:
        number = _PULL_NUMBER.search(self.subject)
        return number.group(1) or number.group(2) if number else None


def landings(directory: Path) -> list[Landing]:
    """The default branch's first-parent history, oldest first, each with the paths it changed."""
    log = git(
        directory,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--name-only",
        "--format=%x00%H %ct %P%x01%s%x01%b%x02",
    )
    result = []
    for record in log.split("\x00")[1:]:
        head, subject, rest = record.split("\x01", 2)
        body, _, listed = rest.partition("\x02")
        sha, committed, *parents = head.split()
        landed = datetime.fromtimestamp(int(committed), UTC)
        merge = len(parents) > 1
        title = body.strip().split("\n", 1)[0] if merge and body.strip() else subject
        paths = [path for path in listed.split("\n") if path]
        result.append(Landing(sha, landed, merge, subject, title, paths))
    return result[::-1]


def service_and_environment(paths: list[str]) -> tuple[str | None, str | None]:
    """The one cluster, project or chart the paths change (else none), and the hub environment
    when every hub file changed is a staging one or every one is ``prod``."""
    services: set[str] = set()
    environments: set[str | None] = set()
    for path in paths:
        if (cluster := _CLUSTER_PATH.match(path)) and cluster.group(1) != "templates":
            services.add(cluster.group(1))
            hub = cluster.group(2) or ""
            environments.add("staging" if "staging" in hub else "production" if hub == "prod" else None)
        elif project := _PROJECT_PATH.match(path):
            services.add(project.group(1) or project.group(2))
        elif chart := _CHART_PATH.match(path):
            services.add(chart.group(1))
    service = services.pop() if len(services) == 1 else None
    environment = environments.pop() if len(environments) == 1 else None
    return service, environment


def change_of(landing: Landing) -> dict[str, Any]:
    service, environment = service_and_environment(landing.paths)
    deployed = any(path.startswith(DEPLOYED_PATHS) for path in landing.paths)
    kind = "deployment" if deployed else "merge" if landing.merge or "(#" in landing.subject else "push"
    change = {
        "id": landing.sha[:12],
        "timestamp": landing.landed.isoformat(),
        "kind": kind,
        "repository": REPOSITORY,
        "service": service,
        "environment": environment if deployed else None,
        "commitSha": landing.sha,
        "pipelineTeams": [TEAM],
    }
    return {key: value for key, value in change.items() if value is not None}


@dataclass
class Revert:
    sha: str
    decided: datetime
    culprit: Landing
    revert: Landing


class History:
    """The default branch, and which of its landings brought a given commit."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.landings = landings(directory)
        self.times = [landing.landed for landing in self.landings]

    def landing_of(self, sha: str) -> Landing | None:
        """The first landing that contains ``sha``: a binary search, ancestry being monotonic."""
        low, high = 0, len(self.landings)
        while low < high:
            middle = (low + high) // 2
            contains = run_git(self.directory, "merge-base", "--is-ancestor", sha, self.landings[middle].sha)
            if contains.returncode > 1:
                return None
            low, high = (low, middle) if contains.returncode == 0 else (middle + 1, high)
        return self.landings[low] if low < len(self.landings) else None

    def reverted_by(self, title: str, revert: Landing) -> Landing | None:
        """The landing a revert names by pull request number (its title's ``(#N)``, GitHub's
        ``revert-N-`` branch) or by title, the latest such before the revert."""
        numbers = [*re.findall(r"\(#(\d+)\)", title), *_REVERT_BRANCH.findall(revert.subject)]
        matches = [
            landing
            for landing in self.landings
            if landing.landed < revert.landed
            and (
                (numbers and landing.pull_request == numbers[0]) or landing.title in (title, title.rsplit(" (#", 1)[0])
            )
        ]
        return matches[-1] if matches else None

    def window(self, start: datetime, end: datetime) -> list[Landing]:
        return self.landings[bisect_left(self.times, start) : bisect_left(self.times, end + timedelta(microseconds=1))]


def reverts(history: History) -> list[Revert]:
    """Every revert of a change that landed earlier, once per culprit; reverts of reverts left out."""
    log = git(history.directory, "log", "--all", "--format=%x00%H %at%x01%s%x01%b")
    found: dict[str, Revert] = {}
    for record in log.split("\x00")[1:]:
        head, subject, body = record.split("\x01", 2)
        sha, authored = head.split()
        if subject.startswith('Revert "Revert') or not subject.startswith("Revert"):
            continue
        revert = history.landing_of(sha)
        by_sha = _REVERTED_SHA.search(body)
        by_title = _REVERTED_TITLE.match(subject)
        culprit = None
        if by_sha:
            culprit = history.landing_of(by_sha.group(1))
        elif by_title and revert:
            culprit = history.reverted_by(by_title.group(1), revert)
        if revert is None or culprit is None or culprit.landed >= revert.landed:
            continue
        decided = max(datetime.fromtimestamp(int(authored), UTC), culprit.landed + timedelta(minutes=1))
        found.setdefault(culprit.sha, Revert(sha, min(decided, revert.landed), culprit, revert))
    return sorted(found.values(), key=lambda revert: revert.revert.landed)


def alert_time(revert: Revert, rng: random.Random) -> datetime:
    """Before the revert by a log-uniform lag; between the culprit and the revert when that is shorter."""
    low, high = math.log(SHORTEST_LAG.total_seconds()), math.log(LONGEST_LAG.total_seconds())
    lag = timedelta(seconds=math.exp(rng.uniform(low, high)))
    since_culprit = revert.decided - revert.culprit.landed
    if lag >= since_culprit:
        lag = since_culprit * rng.uniform(0.2, 0.8)
    return (revert.decided - lag).replace(microsecond=0)


def clusters_using(history: History, at: str) -> dict[str, list[str]]:
    """Each cluster of the repository at a commit, with the charts its hubs are deployed with."""
    listing = git(history.directory, "ls-tree", "-r", "--name-only", at, "config/clusters/")
    clusters = {
        parts[2]: {"support"}
        for parts in (path.split("/") for path in listing.splitlines())
        if len(parts) == 4 and parts[3] == "cluster.yaml" and parts[2] != "templates"
    }
    found = run_git(history.directory, "grep", "helm_chart:", at, "--", "config/clusters/*/cluster.yaml").stdout
    for line in found.splitlines():
        _, path, text = line.split(":", 2)
        cluster = path.split("/")[2]
        if cluster in clusters:
            clusters[cluster].update(_HELM_CHART.findall(text))
    return {name: sorted(charts) for name, charts in clusters.items()}


def case_of(history: History, revert: Revert) -> dict[str, Any] | None:
    rng = random.Random(revert.sha)
    report_time = alert_time(revert, rng)
    changes = [change_of(landing) for landing in history.window(report_time - LOOKBACK, report_time + CLOCK_SKEW)]
    culprit = change_of(revert.culprit)
    if culprit not in changes:
        return None
    clusters = clusters_using(history, revert.revert.sha)
    service = culprit.get("service")
    touched = sorted({match.group(1) for path in revert.culprit.paths if (match := _CLUSTER_PATH.match(path))})
    if service in clusters:
        pattern, alerted = "cluster", service
    elif service and (users := sorted(name for name, charts in clusters.items() if service in charts)):
        pattern, alerted = "chart", rng.choice(users)
    elif touched and (known := [name for name in touched if name in clusters]):
        pattern, alerted = "several-clusters", rng.choice(known)
    else:
        return None
    labels = {"alertname": "Uptime check failing", "service": str(alerted)}
    if culprit.get("environment") and pattern == "cluster":
        labels["environment"] = culprit["environment"]
    case_id = f"2i2c-infrastructure-{revert.sha[:12]}"
    case: dict[str, Any] = {
        "id": case_id,
        "split": split_of(case_id),
        "pattern": pattern,
        "origin": f"https://github.com/{REPOSITORY}/commit/{revert.sha}",
        "alert": {"reportTime": report_time.isoformat(), "labels": labels, "teams": [TEAM]},
        "changes": changes,
        "catalog": [
            {"name": alerted, "dependsOn": clusters[alerted]},
            {"name": "daskhub", "dependsOn": ["basehub"]},
        ],
        "culprit": culprit["id"],
    }
    if pattern == "chart":
        case["symptomOnly"] = True
    return case


def main(directory: Path) -> None:
    history = History(directory)
    head = git(directory, "rev-parse", "HEAD").strip()
    cases = [case for revert in reverts(history) if (case := case_of(history, revert))]
    origin = f"https://github.com/{REPOSITORY} at {head}: reverts on the default branch"
    dump_file(CASES_DIRECTORY / "reverts" / "2i2c-infrastructure.json", origin, LICENCE, cases)
    print(f"{len(cases)} cases from {REPOSITORY} at {head}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
