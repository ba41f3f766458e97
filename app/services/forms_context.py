"""Between stored JSON answers and the typed answers the rules read.

Every stored form is read with the version it was saved at (`FormRecord.form_version`), so an
older document goes through its definition's `migrations`, and field by field (issue 11.10):
one answer that no longer reads as its field's type does not blank the form. It is left out of
the typed answers, kept as stored (`keep_unreadable` writes it back on the next save unless the
worker enters a new answer) and reported as a problem coded "stored_value_unreadable" that the
page shows beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.forms.context import FormContext, IssuedNotice
from app.forms.definition import DecodedForm, FormDocumentError
from app.forms.fields import Problem, error
from app.forms.prefill import prefills as episode_prefills
from app.forms.registry import FORMS
from app.services import reference
from app.services.workspace import Workspace


@dataclass
class EpisodeForms:
    """An episode's forms as the rules read them."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    unreadable: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    notices: tuple[IssuedNotice, ...] = ()


def decode(form_key: str, stored: Any, version: int | None = None) -> DecodedForm:
    """Never raises: a document that cannot be read at all (from a newer CJIT Desk, or not a
    set of answers) loads empty with one problem, and every stored answer is kept."""
    definition = FORMS[form_key]
    doc = {"form": form_key, "version": version or definition.version, "answers": stored or {}}
    try:
        return definition.decode(doc)
    except FormDocumentError as exc:
        kept = dict(stored) if isinstance(stored, Mapping) else {}
        return DecodedForm({}, kept, [error("", str(exc), "form_unreadable")])


def typed(form_key: str, stored: Any, version: int | None = None) -> dict[str, Any]:
    return decode(form_key, stored, version).answers


def stored(
    form_key: str, answers: dict[str, Any], keep: Mapping[str, Any] | None = None
) -> tuple[dict, int]:
    doc = FORMS[form_key].to_json(answers, keep=keep)
    return doc["answers"], doc["version"]


def keep_unreadable(
    form_key: str, previous: Any, previous_version: int | None, new: Mapping[str, Any]
) -> dict[str, Any]:
    """`new` (a stored answers document) plus every value of `previous` that could not be
    read and that `new` does not answer: saving a form never erases what it could not show."""
    if form_key not in FORMS:
        return dict(new)
    kept = decode(form_key, previous, previous_version).unreadable
    return {**{k: v for k, v in kept.items() if new.get(k) is None}, **new}


def typed_episode(
    stored_answers: Mapping[str, Any], versions: Mapping[str, int] | None = None
) -> dict[str, dict]:
    return decode_episode(stored_answers, versions).answers


def decode_episode(
    stored_answers: Mapping[str, Any],
    versions: Mapping[str, int] | None = None,
    notices: Iterable[Mapping[str, Any]] = (),
) -> EpisodeForms:
    out = EpisodeForms(notices=issued_notices(notices))
    for key, answers in stored_answers.items():
        if key not in FORMS:
            continue
        decoded = decode(key, answers, (versions or {}).get(key))
        out.answers[key] = decoded.answers
        if decoded.unreadable:
            out.unreadable[key] = decoded.unreadable
        if decoded.problems:
            out.problems[key] = decoded.problems
    return out


def episode_forms(data: Any) -> EpisodeForms:
    """The forms of an `episodes.EpisodeData` (answers, versions and issued notices)."""
    return decode_episode(
        data.answers, getattr(data, "form_versions", None), getattr(data, "notices", ())
    )


def issued_notices(notices: Iterable[Mapping[str, Any]]) -> tuple[IssuedNotice, ...]:
    """The rules' view of issued notices, from `{"kind", "reference", "issued_at",
    "content"}` (as `episodes.load_episode` lists them, or Notice rows turned into that)."""
    out = []
    for n in notices:
        content = n.get("content") or {}
        doc = content.get("form") if isinstance(content, Mapping) else None
        kind = str(n.get("kind") or "")
        answers: dict[str, Any] = {}
        if isinstance(doc, Mapping) and doc.get("form") in FORMS:
            answers = decode(str(doc["form"]), doc.get("answers"), doc.get("version")).answers
        issued_at = n.get("issued_at")
        if isinstance(issued_at, datetime):
            out.append(
                IssuedNotice(kind, str(n.get("reference") or ""), issued_at, answers, content)
            )
    return tuple(sorted(out, key=lambda i: i.issued_at))


def context(
    ws: Workspace,
    episode_answers: Mapping[str, Mapping[str, Any]],
    notices: Iterable[IssuedNotice] = (),
) -> FormContext:
    """The rules' view of now, policy, reference data, the episode's other forms and its
    issued notices."""
    data = reference.reference_data(ws)
    return FormContext.at(
        ws.now(),
        reference=data,
        policy=data.policy(),
        episode=episode_answers,
        notices=tuple(notices),
    )


def prefills(
    ws: Workspace, episode_id: str, forms: EpisodeForms, ctx: FormContext
) -> dict[str, dict[str, tuple[Any, str]]]:
    """For each form not yet started, the answers to pre-fill with the note saying where
    each came from: from the episode's own records (`Field.prefill` sources resolved by
    `app.forms.prefill`) and from earlier records of the person ("history:" sources)."""
    from app.services import history

    out: dict[str, dict[str, tuple[Any, str]]] = {}
    for key, definition in FORMS.items():
        if forms.answers.get(key):
            continue
        found = {k: (p.value, p.note) for k, p in episode_prefills(definition, ctx).items()}
        wanted = {f.prefill for f in definition.fields if (f.prefill or "").startswith("history:")}
        if wanted:
            from_history = history.target_testing_prefill(ws, episode_id)
            found.update(
                {
                    f.key: from_history[f.key]
                    for f in definition.fields
                    if f.prefill in wanted and f.key in from_history
                }
            )
        carried = {
            f.key: f.prefill[6:]
            for f in definition.fields
            if (f.prefill or "").startswith("shift:")
        }
        if carried:
            from app.services import shift

            got = shift.carried(ws, episode_id, set(carried.values()), ctx.policy.duty_start)
            found.update(
                {k: got[src] for k, src in carried.items() if src in got and k not in found}
            )
        if found:
            out[key] = found
    return out
