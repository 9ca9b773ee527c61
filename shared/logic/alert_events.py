"""An alert put on the bus by hand (§4), apart from the intake of alerting systems (§11) so that the
API does not load their readers to take one alert."""

from __future__ import annotations

from shared.adapters import bus
from shared.domain.models.alerts import ALERT_CREATED, Alert
from shared.settings import bus_settings


def submit_alert(alert: Alert) -> str:
    """``POST /api/alerts``: the same ``Alert Created`` event the alerting system would put."""
    return bus.publish(bus_settings().alert_event_source, ALERT_CREATED, alert.to_json_dict())
