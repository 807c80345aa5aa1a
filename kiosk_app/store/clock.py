"""Timestamps as the kiosk writes them: ISO-8601 UTC, informative only (clocks are not trusted)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
