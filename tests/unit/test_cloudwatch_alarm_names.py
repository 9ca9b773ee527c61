"""§22: CloudWatch alarms of any legal name (up to 255 characters, with ``#``, ``/``, spaces or
any letter) and any team tag are read into alerts; real-shaped events from tests/fixtures, modified."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.alert_readers.cloudwatch import AlarmStateChange, alarm_teams, alert_from_alarm
from shared.domain.ids import MAX_ID_LENGTH, bounded_id
from shared.domain.models.alerts import MAX_ALERT_ID_LENGTH, Alert
from shared.domain.models.common import MAX_NAMED_TEAMS
from tests.fixture_files import fixture_json

TAGGED = "alerts/cloudwatch/eventbridge.alarm-state-change.single-metric.with-alarm-tags.derived.json"
LEGAL_NAMES = [
    ("255 characters", "p" * 255),
    ("a '#'", "payments#checkout latency"),
    ("slashes and spaces", "prod/eu-west-1/api   p99 latency"),
    ("letters of any script", "Zahlungen: Latenz über 2 s / 支付延迟 " + "ü" * 150),
    ("all at once", "team#1/" + "Ω " * 124),
]


def alarm(name: str, teams: str | None = None) -> tuple[AlarmStateChange, str]:
    """The tagged fixture, renamed (its ARN too) and with ``teams`` as its team tag."""
    event: dict[str, Any] = fixture_json(TAGGED)
    event["detail"]["alarmName"] = name
    if teams is not None:
        event["detail"]["alarmTags"]["team"] = teams
    arn = event["resources"][0].rsplit(":", 1)[0] + f":{name}"
    return AlarmStateChange.model_validate(event["detail"]), arn


def read(name: str, teams: str | None = None) -> Alert:
    detail, arn = alarm(name, teams)
    alert = alert_from_alarm(detail, arn, "team")
    assert alert is not None
    return alert


@pytest.mark.parametrize(("case", "name"), LEGAL_NAMES, ids=[case for case, _ in LEGAL_NAMES])
def test_an_alarm_of_any_legal_name_is_an_alert_with_ids_that_fit(case: str, name: str) -> None:
    # Given an alarm with a name CloudWatch allows
    # When it is read
    alert = read(name)
    # Then its ids fit their limits, and the alert source still says which alarm it is
    assert alert.alert_source is not None
    source_id = alert.alert_source.id or ""
    assert 0 < len(source_id) <= MAX_ID_LENGTH
    assert "#" not in source_id
    assert len(alert.id) <= MAX_ALERT_ID_LENGTH
    assert alert.alert_source.name == name
    assert source_id.startswith(name.strip()[:20].replace("#", "_"))


def test_a_stand_in_id_is_stable_and_tells_names_apart() -> None:
    # Given two over-long names that differ in their last character only
    first, second = "a" * 254 + "1", "a" * 254 + "2"
    # When each is read twice
    # Then the same name gives the same ids, and the two names different ones
    assert read(first).alert_source == read(first).alert_source
    assert read(first).id == read(first).id
    assert read(first).alert_source != read(second).alert_source
    assert read(first).id != read(second).id


def test_a_name_that_fits_is_its_own_id() -> None:
    # Given a name that is a valid id already (spaces and slashes are)
    name = "prod/api p99 latency"
    # When it is read, Then it names the alarm for the registry as it is
    assert read(name).alert_source.id == name  # type: ignore[union-attr]


def test_a_team_tag_of_51_teams_names_the_first_50_and_reports_the_rest() -> None:
    # Given an alarm whose team tag names 51 teams
    teams = [f"team-{number:02d}" for number in range(51)]
    detail, _ = alarm("ServerCpuTooHigh", ",".join(teams))
    # When its teams are read
    read_teams = alarm_teams(detail, "team")
    alert = read("ServerCpuTooHigh", ",".join(teams))
    # Then the alert names the first 50, and the 51st is reported as cut
    assert [team.id for team in alert.alert_source.teams or []] == teams[:MAX_NAMED_TEAMS]  # type: ignore[union-attr]
    assert read_teams.cut == teams[MAX_NAMED_TEAMS:]


def test_teams_that_cannot_be_ids_get_stand_ins() -> None:
    # Given a team tag with a '#' in one team and a team id longer than ids may be
    long_team = "x" * 200
    alert = read("ServerCpuTooHigh", f"pay#ments, {long_team} ,checkout")
    # Then each is named by its stand-in, the others as they are
    ids = [team.id for team in alert.alert_source.teams or []]  # type: ignore[union-attr]
    assert ids == [bounded_id("pay#ments"), bounded_id(long_team), "checkout"]
    assert all(len(team_id) <= MAX_ID_LENGTH and "#" not in team_id for team_id in ids)


@pytest.mark.parametrize("value", ["payments", "prod/api latency", "ü" * MAX_ID_LENGTH])
def test_a_valid_id_is_left_as_it_is(value: str) -> None:
    assert bounded_id(value) == value


@pytest.mark.parametrize("value", ["#", " # ", "a#b", "x" * (MAX_ID_LENGTH + 1), "  " + "y" * 300])
def test_an_invalid_id_gets_a_stand_in_within_the_limit(value: str) -> None:
    stand_in = bounded_id(value)
    assert 0 < len(stand_in) <= MAX_ID_LENGTH
    assert "#" not in stand_in
    assert stand_in == stand_in.strip()
    assert stand_in == bounded_id(value)
