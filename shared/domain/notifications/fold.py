"""The fold message (§18): the alerts a target got past ``NotificationsPerMinute`` in one minute,
as one message sent once that minute is over ("and 37 more alerts: …")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from shared.domain.notifications.context import OutboundRequest, json_body, json_post
from shared.domain.notifications.slack import SLACK_HEADER_MAX, SLACK_SECTION_MAX, slack_cut
from shared.domain.notifications.text import cut, one_line
from shared.domain.verifiers import hmac_sha256_hex

FOLD_SUMMARIES_SHOWN = 10
ENTRY_SEPARATOR = "\t"


def fold_entry(report_time: datetime, alert_digest: str, summary: str, summary_max: int = 150) -> str:
    """One folded alert as the fold keeps it: when, which (a digest, so that the same alert is
    kept once), and its summary; entries sort by the alert's time."""
    return ENTRY_SEPARATOR.join([report_time.isoformat(), alert_digest, cut(one_line(summary), summary_max)])


@dataclass(frozen=True)
class FoldView:
    """A target's folded alerts of one minute: how many, and the first summaries."""

    minute: datetime
    alerts: int
    summaries: tuple[str, ...]

    @classmethod
    def of(cls, minute: datetime, entries: list[str], uncounted: int) -> FoldView:
        ordered = sorted(entries)
        summaries = tuple(entry.split(ENTRY_SEPARATOR, 2)[-1] for entry in ordered[:FOLD_SUMMARIES_SHOWN])
        return cls(minute, len(entries) + uncounted, summaries)

    def headline(self) -> str:
        """``and 37 more alerts: <first summaries>``."""
        noun = "alert" if self.alerts == 1 else "alerts"
        return f"and {self.alerts} more {noun}: " + "; ".join(self.summaries)

    def why(self) -> str:
        return f"NotificationsPerMinute was reached in the minute {self.minute:%Y-%m-%d %H:%M} UTC."

    def to_json_dict(self) -> dict[str, object]:
        return {"minute": f"{self.minute:%Y-%m-%dT%H:%MZ}", "alerts": self.alerts, "summaries": list(self.summaries)}


def slack_fold_request(fold: FoldView, webhook_url: str) -> OutboundRequest:
    """One Block Kit message: the count, the first summaries, and why they were folded."""
    listed = "\n".join(f"• {slack_cut(summary, 200)}" for summary in fold.summaries)
    more = fold.alerts - len(fold.summaries)
    if more > 0:
        listed += f"\n…and {more} more."
    blocks = [
        HeaderBlock(text=PlainTextObject(text=cut(f"and {fold.alerts} more alerts", SLACK_HEADER_MAX))),
        SectionBlock(text=MarkdownTextObject(text=cut(listed, SLACK_SECTION_MAX))),
        ContextBlock(elements=[MarkdownTextObject(text=fold.why())]),
    ]
    text = slack_cut(fold.headline(), 2000)
    return json_post(webhook_url, {"text": text, "blocks": [block.to_dict() for block in blocks]})


def webhook_fold_request(fold: FoldView, url: str, secret: str, event_id: str) -> OutboundRequest:
    """``{"fold": {minute, alerts, summaries}}``, signed as every webhook delivery (§6)."""
    body = json_body({"fold": fold.to_json_dict()})
    headers = {
        "Content-Type": "application/json",
        "X-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        "X-Event-Id": event_id,
    }
    return OutboundRequest("POST", url, headers, body)
