"""Reading the ISO date-times that workstations write, and placing them in UK months."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def parse_instant(value: object) -> datetime | None:
    """An ISO 8601 date-time; without an offset it is taken as UTC (the client stores UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def uk_month(value: object) -> str | None:
    """'2026-04' for an instant that falls in April in Europe/London (BST-aware)."""
    moment = parse_instant(value)
    return None if moment is None else moment.astimezone(UK).strftime("%Y-%m")


def month_range(first: str, last: str) -> list[str]:
    """Every 'YYYY-MM' from first to last inclusive; ValueError names the bad month."""
    start, end = _month_index(first), _month_index(last)
    if end < start:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    if end - start > 120:
        raise ValueError("a report covers at most 10 years")
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(start, end + 1)]


def _month_index(month: str) -> int:
    try:
        parsed = datetime.strptime(month, "%Y-%m")
    except (ValueError, TypeError):
        raise ValueError(f"'{month}' is not a month; write it as YYYY-MM, e.g. 2026-04") from None
    return parsed.year * 12 + parsed.month - 1
