"""Notifications (§13) as pure functions: what to send to each kind of target, and nothing
sent. Each builder returns the one HTTP request to make (or None when nothing must be sent); the
adapter ``shared.adapters.notify_http`` delivers it. Import the module you need: the package
loads none of them, so that a function reading alerts does not load Slack's SDK (§20's cold start).

Every text a user controls (summaries, reasons, team and pipeline names) is cut cleanly to the
target's limits before it is placed, so no enrichment can make a request the target rejects.

- ``context``: what every message is made from, and the request it becomes.
- ``text``: the sentences all targets share, and cutting text to a limit.
- ``verdict``: what every message leads with (§17): the likely cause, or that none stands out,
  the possible changes, and how many unlikely ones are left out.
- ``slack``: the Block Kit message of an incoming webhook.
- ``slack_app``: a Slack app's message with verdict buttons, its thread replies, and the note
  naming a confirmed cause (§18).
- ``plain_text``: the note on a PagerDuty incident and the comment on an ilert alert.
- ``webhook``: the signed enrichment of §6.
- ``fold``: the one message of a minute's alerts folded past ``NotificationsPerMinute`` (§18).
"""
