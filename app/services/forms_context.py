"""Between stored JSON answers and the typed answers the rules read."""

from __future__ import annotations

from typing import Any

from app.forms.context import FormContext
from app.forms.definition import FormDocumentError
from app.forms.registry import FORMS
from app.services import reference
from app.services.workspace import Workspace


def typed(form_key: str, stored: dict | None, version: int | None = None) -> dict[str, Any]:
    definition = FORMS[form_key]
    doc = {"form": form_key, "version": version or definition.version, "answers": stored or {}}
    try:
        return definition.from_json(doc)
    except (FormDocumentError, ValueError):
        return {}


def stored(form_key: str, answers: dict[str, Any]) -> tuple[dict, int]:
    doc = FORMS[form_key].to_json(answers)
    return doc["answers"], doc["version"]


def context(ws: Workspace, episode_answers: dict[str, dict]) -> FormContext:
    """The rules' view of now, policy, reference data and the episode's other forms."""
    data = reference.reference_data(ws)
    return FormContext.at(ws.now(), reference=data, policy=data.policy(), episode=episode_answers)


def typed_episode(stored_answers: dict[str, dict]) -> dict[str, dict]:
    return {key: typed(key, answers) for key, answers in stored_answers.items() if key in FORMS}
