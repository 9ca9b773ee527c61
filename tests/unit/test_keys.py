"""Key builders: every DynamoDB key comes from shared/keys.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.domain import keys


def test_record_keys_have_distinct_prefixes() -> None:
    # Given one id used for every kind of record
    # When each key is built
    built = [
        keys.pipeline_key("x"),
        keys.integration_key_lookup("x"),
        keys.team_pipelines_key("x"),
        keys.event_key("x"),
        keys.alert_source_key("x"),
        keys.created_alert_source_key("x"),
        keys.alert_source_key_lookup("x"),
        keys.escalation_policy_key("x"),
        keys.enrichment_key("x", "x"),
        keys.latest_alert_key("x"),
        keys.alert_rate_key("x", datetime(2026, 11, 29, tzinfo=UTC)),
    ]
    # Then no two collide
    assert len(set(built)) == len(built)
    assert keys.pipeline_key("p1") == keys.ItemKey("PIPELINES", "PIPELINE#p1")
    assert keys.integration_key_lookup("abc") == keys.ItemKey("INTEGRATION_KEY#abc", "INTEGRATION_KEY")
    assert keys.alert_source_key_lookup("abc") == keys.ItemKey("ALERT_SOURCE_KEY#abc", "ALERT_SOURCE_KEY")
    assert keys.enrichment_key("src-1", "a-1") == keys.ItemKey("ALERT#src-1#a-1", "ENRICHMENT")


def test_an_alert_is_namespaced_by_the_source_it_came_through() -> None:
    # Given one alert id sent through two sources, and through none
    # When the keys of its enrichment and of one notification target are built
    enrichments = [keys.enrichment_key(source, "a-1") for source in ("src-1", "src-2", None)]
    claims = [keys.notification_key(source, "a-1", "t-1") for source in ("src-1", "src-2", None)]
    # Then each source has its own partition, and an alert without a source one that no source id can name
    assert [key.pk for key in enrichments] == ["ALERT#src-1#a-1", "ALERT#src-2#a-1", "ALERT##a-1"]
    assert [key.pk for key in claims] == [key.pk for key in enrichments]
    assert {key.sk for key in claims} == {"NOTIFY#t-1"}
    # And an alert without a source whose id holds the separator cannot reach a source's partition
    assert keys.alert_partition(None, "src-1#a-1") != keys.alert_partition("src-1", "a-1")


def test_the_latest_alert_of_an_id_has_one_pointer() -> None:
    # Given an alert id
    # Then the pointer to the source of its latest correlation is one item, outside every alert partition
    assert keys.latest_alert_key("a-1") == keys.ItemKey("ALERT_LATEST#a-1", "ALERT_LATEST")


def test_time_bucket_is_the_utc_day() -> None:
    # Given an instant late in the evening two hours east of UTC
    moment = datetime.fromisoformat("2026-11-30T01:30:00+02:00")
    # Then its bucket is the UTC day
    assert keys.time_bucket(moment) == "2026-11-29"
    assert keys.account_bucket_pk("2026-11-29") == "ACCOUNT#DAY#2026-11-29"
    assert keys.team_bucket_pk("payments", "2026-11-29") == "TEAM#payments#DAY#2026-11-29"


def test_sort_keys_order_by_time_then_id() -> None:
    # Given two events a millisecond apart and two in the same millisecond
    early = datetime(2026, 11, 29, 10, 0, 0, 1000, tzinfo=UTC)
    late = early + timedelta(milliseconds=1)
    # Then string order is time order, and the id separates equal times
    assert keys.timeline_sort_key(early, "b") < keys.timeline_sort_key(late, "a")
    assert keys.timeline_sort_key(early, "a") < keys.timeline_sort_key(early, "b")
    assert keys.timeline_sort_key(early, "id") == "2026-11-29T10:00:00.001Z#id"


def test_timeline_keys_cover_account_and_each_team_once() -> None:
    # Given an event of a pipeline listing a team twice
    moment = datetime(2026, 11, 29, 12, tzinfo=UTC)
    # When its timeline keys are built
    built = keys.timeline_keys(moment, "e1", ["payments", "checkout", "payments"])
    # Then it goes to the account bucket and to each team's bucket exactly once
    assert [key.pk for key in built] == [
        "ACCOUNT#DAY#2026-11-29",
        "TEAM#payments#DAY#2026-11-29",
        "TEAM#checkout#DAY#2026-11-29",
    ]
    assert {key.sk for key in built} == {"2026-11-29T12:00:00.000Z#e1"}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-11-29T10:00:00Z", "2026-11-29T12:00:00Z", ["2026-11-29"]),
        ("2026-11-28T23:00:00Z", "2026-11-29T00:30:00Z", ["2026-11-29", "2026-11-28"]),
        ("2026-11-22T12:00:00Z", "2026-11-29T12:02:00Z", [f"2026-11-{day}" for day in range(29, 21, -1)]),
    ],
)
def test_buckets_between_are_newest_first(start: str, end: str, expected: list[str]) -> None:
    # When the buckets of a window are listed
    listed = list(keys.buckets_between(datetime.fromisoformat(start), datetime.fromisoformat(end)))
    # Then each day touched appears once, newest first
    assert listed == expected


def test_sort_key_range_includes_both_ends() -> None:
    # Given a window and events exactly on its edges and just outside
    start = datetime(2026, 11, 29, 10, tzinfo=UTC)
    end = datetime(2026, 11, 29, 12, tzinfo=UTC)
    lower, upper = keys.sort_key_range(start, end)
    on_start = keys.timeline_sort_key(start, "zzzz-uuid")
    on_end = keys.timeline_sort_key(end, "ffffffff-ffff")
    before = keys.timeline_sort_key(start - timedelta(milliseconds=1), "a")
    after = keys.timeline_sort_key(end + timedelta(milliseconds=1), "a")
    # Then the edges are inside and the rest outside
    assert lower <= on_start <= upper
    assert lower <= on_end <= upper
    assert not lower <= before <= upper
    assert not lower <= after <= upper


def test_an_alert_sources_rate_counter_is_one_item_per_utc_minute() -> None:
    # Given two instants in one minute (one in another zone) and one in the next
    moment = datetime(2026, 11, 29, 10, 5, 59, 999000, tzinfo=UTC)
    same_minute = datetime(2026, 11, 29, 11, 5, 1, tzinfo=timezone(timedelta(hours=1)))
    # Then the first two share the counter, named by the source and the UTC minute
    assert keys.alert_rate_key("src-1", moment) == keys.ItemKey("ALERT_RATE#src-1#2026-11-29T10:05", "ALERT_RATE")
    assert keys.alert_rate_key("src-1", same_minute) == keys.alert_rate_key("src-1", moment)
    assert keys.alert_rate_key("src-1", moment + timedelta(milliseconds=1)).pk.endswith("T10:06")
