"""Records the central store refused, named the way a worker knows them — "the DT1 of Jo Smith
(custody record 52/11111/26)", never an id — with what to do about each refusal.

These words are shown on this workstation's own screen only; they are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.forms.times import describe_datetime
from app.storage.models import SyncProblem
from app.storage.store import Store
from app.sync.records import SPECS

WHAT_TO_DO = {
    "too_large": "Shorten the longest answers of that record, then sync again; the rest of "
    "your work has been sent. If it keeps happening, tell IT.",
    "parent_refused": "Nothing to do for this one: it is sent as soon as {parent} is accepted.",
    "unknown_reference": "It is sent as soon as {parent} is on the central store. If it "
    "stays, tell IT.",
    "unknown_form_version": "Ask IT to update the central store; the record is kept here.",
    "append_only": "Nothing to do: the central store keeps the version first sent. Tell IT if "
    "this keeps happening.",
    "id_taken": "Tell IT; quote the message. The record is kept on this workstation.",
    "invalid_request": "Tell IT; quote the message. The records are kept on this workstation.",
}
CHAIN_BROKEN = "audit_chain_broken"  # central/anchors.py: an audit entry not extending the chain
CORRECT_IT = "Open it, correct {field}, and sync again. If it keeps happening, tell IT."


@dataclass(frozen=True)
class Attention:
    """One refused record, in words: what it is, why, and what to do."""

    record: str
    reason: str
    what_to_do: str
    code: str = ""


def needing_attention(store: Store) -> list[Attention]:
    with store.session() as s:
        problems = list(s.scalars(select(SyncProblem).order_by(SyncProblem.at)))
        return [_attention(s, p) for p in problems]


def _attention(s: Session, problem: SyncProblem) -> Attention:
    spec = SPECS.get(problem.record_type)
    row = s.get(spec.model, problem.record_id) if spec else None
    record = describe(s, problem.record_type, row)
    parent = "the record it belongs to"
    if spec and row is not None and problem.field in spec.parents:
        kind = spec.parents[problem.field]
        parent = describe(s, kind, s.get(SPECS[kind].model, getattr(row, problem.field)))
    field = _field_words(problem, row)
    advice = WHAT_TO_DO.get(problem.code or "", CORRECT_IT)
    if problem.record_type == "audit_event":  # no worker edits the audit log
        advice = "Tell IT; quote the message. The entry is kept on this workstation."
    advice = advice.format(parent=parent, field=field)
    return Attention(record, problem.reason, advice, problem.code or "")


def _field_words(problem: SyncProblem, row: Any) -> str:
    path = problem.field or ""
    if not path:
        return "the value named"
    key = path.removeprefix("answers.")
    if key == path:
        return f"the {path.replace('_', ' ')}"
    from app.forms.registry import FORMS  # the forms load only when a refusal is shown

    form = FORMS.get(getattr(row, "form_key", None) or "")
    labels = {f.key: f.label for f in form.fields} if form else {}
    return f"the answer to '{labels[key]}'" if key in labels else f"the answer '{key}'"


def describe(s: Session, record_type: str, row: Any) -> str:
    """'the DT1 drug test record of Jo Smith (custody record 52/11111/26)' and the like."""
    if row is None:
        return f"a {record_type.replace('_', ' ')} no longer on this workstation"
    if record_type == "person":
        return f"the person {_name(row)}"
    if record_type == "episode":
        return f"the custody episode of {_episode_words(row)}"
    if record_type == "form":
        from app.forms.registry import FORMS

        form = FORMS.get(row.form_key)
        return f"the {_form_words(form.title if form else row.form_key)} of {_episode_words(row.episode)}"
    if record_type == "notice":
        episode = _episode_words(_episode_of(s, row))
        return f"the {row.kind.upper()} notice {row.reference} of {episode}"
    if record_type == "appointment":
        when = describe_datetime(row.at) if row.at else "an unknown time"
        return f"the appointment on {when} of {_episode_words(_episode_of(s, row))}"
    if record_type == "audit_event":
        return "an entry of this workstation's audit log"
    return f"a {record_type} record"


def _form_words(title: str) -> str:
    """'DT1 drug test record' as it is; 'Custody episode' -> 'custody episode form'."""
    first = title.split()[0] if title else ""
    words = title if first.isupper() or any(ch.isdigit() for ch in first) else title.lower()
    return words if words.endswith(("record", "notice", "form")) else f"{words} form"


def _name(person: Any) -> str:
    name = " ".join(p for p in (person.given_names, person.family_name) if p)
    return name or "with no name yet"


def _episode_words(episode: Any) -> str:
    if episode is None:
        return "an episode no longer here"
    number = f" (custody record {episode.custody_record_number})"
    return _name(episode.person) + (number if episode.custody_record_number else "")


def _episode_of(s: Session, row: Any) -> Any:
    return s.get(SPECS["episode"].model, row.episode_id)
