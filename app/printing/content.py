"""The frozen content of an issued notice, decoded once into typed answers.

``content`` is what ``app.services.notices`` stores with the notice (see ``render_notice``).
Answers are decoded through each form's own ``from_json``, so dates come back as dates and a
document written by an older form version is migrated before it is printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from app.forms.definition import FormDefinition
from app.forms.reference import ReferenceData
from app.forms.registry import FORMS
from app.forms.times import to_local
from app.printing.wording import DEFAULTS


@cache
def bundled_reference() -> ReferenceData:
    """The reference data shipped with the app (used when the caller passes none)."""
    return ReferenceData.load()


@dataclass(frozen=True)
class NoticeData:
    kind: str
    form: FormDefinition
    answers: dict[str, Any]
    episode: dict[str, Any]
    dt1: dict[str, Any]
    reference: ReferenceData
    number: str
    issued_at: datetime | None
    issued_by: str
    reprint_at: datetime | None
    issued_wording_version: str | None
    # What the services froze beside the answers: "assessment" (a DT1's statement of the
    # required assessment), "replaces" (the arrangement an RA2 replaces).
    frozen: Mapping[str, Any] = field(default_factory=dict)

    def text(self, path: str, fallback: str | None = None) -> str:
        """Notice wording from resources; a built-in default only for keys a partnership's
        wording file does not have yet (so an older wording.json never stops printing);
        `fallback` names another wording path to use before the built-in default."""
        try:
            return str(self.reference.wording(path))
        except KeyError:
            if fallback is not None:
                return self.text(fallback)
            return DEFAULTS[path]

    def form_of(self, form_key: str) -> FormDefinition:
        return FORMS[form_key]

    @property
    def wording_version(self) -> str:
        return str(self.reference.documents["wording"]["version"])


def decode(content: Mapping[str, Any], reference: ReferenceData | None = None) -> NoticeData:
    kind = str(content["kind"])
    reference = reference or bundled_reference()
    frozen = content.get("reference_documents") or {}
    if frozen:  # a reprint uses the wording and SPOC entries in force when it was issued
        reference = reference.replace(**frozen)
    doc = dict(content.get("form") or {})
    form = FORMS[doc.get("form") or kind]
    return NoticeData(
        kind=kind,
        form=form,
        answers=form.from_json(doc) if doc else {},
        episode=_answers("custody_episode", content.get("episode")),
        dt1=_answers("dt1", content.get("dt1")),
        reference=reference,
        number=str(content.get("reference") or "NOT ISSUED"),
        issued_at=_moment(content.get("issued_at")),
        issued_by=str(content.get("issued_by") or ""),
        reprint_at=_moment(content.get("reprint_at")),
        issued_wording_version=(content.get("reference_versions") or {}).get("wording"),
        frozen={
            k: content[k] for k in ("assessment", "replaces") if isinstance(content.get(k), dict)
        },
    )


def _answers(form_key: str, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Typed answers from either a bare answers dict or a {"form", "version", "answers"} doc."""
    if not raw:
        return {}
    form = FORMS[form_key]
    doc = raw if "answers" in raw and "form" in raw else {"form": form_key, "answers": raw}
    return form.from_json({"version": form.version, **doc})


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    return to_local(datetime.fromisoformat(str(value)))
