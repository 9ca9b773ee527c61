"""`make bench`: how well correlation names the cause (§17), what correlation and ingest cost, and
how fast the functions start.

Run by hand (not by `make test`); every figure is a ratio or a count from this run, so the
machine's speed does not matter. The last line is the summary the issue tracker asks for.
"""

from __future__ import annotations

import logging
import warnings

from bench import (
    alerts_list_cost,
    cold_import,
    correlation_cost,
    delivery_cost,
    forward_cost,
    ingest_overhead,
    overview_cost,
    relevance,
    verdict_cost,
)


def main() -> None:
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    logging.disable(logging.WARNING)

    relevance_rows = relevance.run()
    print(relevance.HEADING)
    print("\n".join(relevance.table(relevance_rows)))

    print("\nCorrelation cost per alert (5 TEAM-scoped and 5 ACCOUNT-scoped alerts, same in-window events):")
    per_size = {}
    for total in (1_000, 100_000):
        results = correlation_cost.run(total)
        per_size[total] = correlation_cost.per_alert(results)
        for scope in ("TEAM", "ACCOUNT"):
            scoped = [result for result in results if result.scope == scope]
            print(
                f"  {total:>7,} events, {scope:<7}: queries {[int(r.queries) for r in scoped]}, "
                f"items read {[int(r.items_read) for r in scoped]}, related {[int(r.related) for r in scoped]}"
            )
    (queries_1k, items_1k), (queries_100k, items_100k) = per_size[1_000], per_size[100_000]
    print(f"  mean per alert: {queries_1k:g} -> {queries_100k:g} queries, {items_1k:g} -> {items_100k:g} items read")

    overhead = ingest_overhead.run()
    print(
        f"\nIngest, per signed GitHub push through the handler: {overhead.handler_ms:.2f} ms; the same "
        f"{overhead.calls_per_webhook:g} DynamoDB calls bare: {overhead.bare_ms:.2f} ms "
        f"(handler overhead {overhead.handler_ms - overhead.bare_ms:.2f} ms, ratio {overhead.ratio:.2f})"
    )

    sparse_page, dense_page = overview_cost.run()
    print(
        f"\nOverview, queries per page of 50 (account, team, pipeline): sparse (10 events over 2 years, "
        f"RetentionDays=3650) {sparse_page:g}, dense (500 events in a day) {dense_page:g}"
    )

    sparse_alerts, dense_alerts = alerts_list_cost.run()
    print(
        f"\nAlerts list, queries per page of 50 (all, likely, team, source, service; target <= 2): sparse "
        f"(10 alerts over 2 years, RetentionDays=3650) {sparse_alerts:g}, dense (150 alerts in a day) {dense_alerts:g}"
    )

    correlation, verdict = verdict_cost.run()
    print(
        f"\nA verdict (§18), all it sets off, on an alert with {verdict_cost.CHANGES} related changes: "
        f"{verdict.total} DynamoDB calls {verdict.dynamodb_calls}, {verdict.put_events} PutEvents; the alert's "
        f"correlation: {correlation.total} calls {correlation.dynamodb_calls}, {correlation.put_events} PutEvents "
        f"(ratio {verdict.total / correlation.total:.2f})"
    )
    print(delivery_cost.summary())

    forwarding = forward_cost.run()
    forwarded, without = forwarding.forwarded, forwarding.without
    print(
        f"\nForwarding (§21), one change to {forward_cost.FORWARDERS} forwarders: {forwarded.total} DynamoDB calls "
        f"{forwarded.dynamodb_calls}, {forwarded.put_events} PutEvents; without forwarders: {without.total} "
        f"calls, {without.put_events} PutEvents ({forwarding.dynamodb_writes} DynamoDB writes added)"
    )

    boto3_seconds, imports = cold_import.run()
    print(f"\nCold import, median of {cold_import.RUNS} fresh processes (boto3 alone: {boto3_seconds * 1000:.0f} ms):")
    for result in imports:
        print(
            f"  {result.function:<28} {result.seconds * 1000:6.0f} ms  ratio {result.ratio:.2f}  "
            f"floor {result.floor_seconds * 1000:4.0f} ms  floor ratio {result.floor_ratio:.2f}"
        )
    worst = max(result.ratio for result in imports)
    worst_floor = max(result.floor_ratio for result in imports)

    print(
        f"BENCH queries_per_alert_1k={queries_1k:g} queries_per_alert_100k={queries_100k:g} "
        f"items_read_per_alert_1k={items_1k:g} items_read_per_alert_100k={items_100k:g} "
        f"ingest_overhead_ratio={overhead.ratio:.2f} cold_import_ratio={worst:.2f} "
        f"cold_import_floor_ratio={worst_floor:.2f} queries_per_overview_page_sparse={sparse_page:g} "
        f"queries_per_overview_page_dense={dense_page:g} queries_per_alerts_page_sparse={sparse_alerts:g} "
        f"queries_per_alerts_page_dense={dense_alerts:g} dynamodb_calls_per_verdict={verdict.total} "
        f"put_events_per_verdict={verdict.put_events} "
        f"dynamodb_writes_per_forwarded_change={forwarding.dynamodb_writes} "
        f"put_events_per_forwarded_change={forwarding.forwarded.put_events} {relevance.bench_fields(relevance_rows)}"
    )


if __name__ == "__main__":
    main()
