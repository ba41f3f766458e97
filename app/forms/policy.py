"""Local policy: the appointment windows and duty hours a partnership decides for itself.

Defaults are Nottingham practice (000 §2.3) on top of the handbook (004 §4.1.1, IE3); the
partnership changes them in `resources/policy.json` or from the central store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time
from typing import Any


@dataclass(frozen=True)
class LocalPolicy:
    # 000 §2.3: CJIT workers are in the custody suite 08:00-20:00 every day of the year.
    duty_start: time = time(8, 0)
    duty_end: time = time(20, 0)
    # 004 §4.1.1: resident in the area -> within 24 hours or 1 working day.
    in_hours_latest_working_days: int = 1
    # 000 §2.3: positive out of hours -> initial RA booked 5-8 working days ahead.
    out_of_hours_earliest_working_days: int = 5
    out_of_hours_latest_working_days: int = 8
    # 000 §2.3: disputed -> 10 working days, time for the laboratory result.
    disputed_working_days: int = 10
    # 004 IE3: the follow-up within five working days of the initial assessment.
    follow_up_working_days: int = 5
    # 004 §4.1.1: resident elsewhere -> CJIT of residence within 48 hours.
    out_of_area_hours: int = 48
    # The SPOC directory id of the CJIT that works in this custody suite.
    local_cjit: str = "nottingham"
    # 000 §2.3: an in-hours initial assessment may take place in the custody suite during
    # detention, within duty hours. A place naming any of these words is the custody suite.
    custody_suite_place: str = "Custody suite, the Bridewell, Nottingham"
    custody_suite_words: tuple[str, ...] = ("bridewell", "custody suite")
    # 000 §2.3: all out-of-hours initial assessments, disputes and follow-ups are at the AOT
    # (the local CJIT's office). False lets them be booked anywhere the CJIT is open.
    office_for_later_assessments: bool = True
    # An appointment outside its window (or away from the AOT when policy wants the AOT) may
    # still be issued once a reason is recorded. False makes the window absolute.
    window_override_allowed: bool = True

    def __post_init__(self) -> None:
        if not self.duty_start < self.duty_end:
            raise ValueError("Duty hours must start before they end.")
        if (
            not 1
            <= self.out_of_hours_earliest_working_days
            <= self.out_of_hours_latest_working_days
        ):
            raise ValueError("The out-of-hours window must run from 1 working day forwards.")
        for name in (
            "in_hours_latest_working_days",
            "disputed_working_days",
            "follow_up_working_days",
            "out_of_area_hours",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"Local policy {name} must be 1 or more.")

    def in_duty_hours(self, wall_clock: time) -> bool:
        """08:00 is in duty hours, 20:00 is not (duty ends at 20:00)."""
        return self.duty_start <= wall_clock < self.duty_end

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LocalPolicy:
        """Build from a policy document; unknown keys (version, source, notes) are ignored."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if key not in known:
                continue
            if key in ("duty_start", "duty_end"):
                raw = time.fromisoformat(raw)
            elif key == "custody_suite_words":
                raw = tuple(str(w) for w in raw)
            values[key] = raw
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, time):
                value = value.strftime("%H:%M")
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


DEFAULT_POLICY = LocalPolicy()
