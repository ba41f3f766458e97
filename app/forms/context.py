"""What a form's rules may know besides its own answers, passed in rather than looked up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.forms.policy import LocalPolicy
from app.forms.reference import ReferenceData
from app.forms.times import local_date, to_local
from app.forms.working_days import DEFAULT_CALENDAR, WorkingDayCalendar


@dataclass(frozen=True)
class IssuedNotice:
    """A notice (or a printed record) already issued in this episode, as frozen: its kind,
    number, when, and its typed answers; `content` holds anything else frozen with it (e.g.
    the appointment a DT1 print stated)."""

    kind: str
    reference: str
    issued_at: datetime
    answers: Mapping[str, Any]
    content: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormContext:
    """`today` and `now` (aware) pinned by the caller; `episode` holds the answers of the
    episode's other forms keyed by form key (e.g. ctx.episode["dt1"]["tested_at"]): the
    latest record of each, a draft before the issued one; `notices` are the episode's issued
    notices in the order they were issued (what the person was told in writing)."""

    today: date
    now: datetime
    policy: LocalPolicy
    reference: ReferenceData
    episode: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR
    notices: tuple[IssuedNotice, ...] = ()

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("FormContext.now must be timezone-aware")

    @classmethod
    def at(
        cls,
        now: datetime,
        *,
        reference: ReferenceData | None = None,
        policy: LocalPolicy | None = None,
        episode: Mapping[str, Mapping[str, Any]] | None = None,
        notices: tuple[IssuedNotice, ...] = (),
    ) -> FormContext:
        """A context for the instant `now` (naive = UK local), with the bundled reference data
        and the policy it carries unless others are given. The caller reads the clock."""
        reference = reference or ReferenceData.load()
        return cls(
            today=local_date(now),
            now=to_local(now),
            policy=policy or reference.policy(),
            reference=reference,
            episode=episode or {},
            notices=tuple(sorted(notices, key=lambda n: n.issued_at)),
        )

    def form(self, form_key: str) -> Mapping[str, Any]:
        """Another form's answers in this episode ({} when it has none yet)."""
        return self.episode.get(form_key) or {}

    def with_episode(self, episode: Mapping[str, Mapping[str, Any]]) -> FormContext:
        from dataclasses import replace

        return replace(self, episode=episode)

    def issued(self, *kinds: str) -> list[IssuedNotice]:
        """The issued notices of these kinds, oldest first."""
        return [n for n in self.notices if n.kind in kinds]
