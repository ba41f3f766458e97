"""Everything the episode screen shows, read in one unit of work on the store executor: the
episode, its forms as the rules read them, the reference data the rules need, and the answers
the forms' ``prefill`` sources suggest (from the episode and the person's history). The screen
then runs the rules itself (pure functions) without touching the store again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.forms.context import FormContext
from app.forms.reference import ReferenceData
from app.services import episodes, forms_context, reference
from app.services.workspace import Workspace


@dataclass(frozen=True)
class EpisodeScreen:
    data: episodes.EpisodeData
    reference: ReferenceData
    forms: forms_context.EpisodeForms
    # per form not yet started: field -> (value, where it came from)
    prefills: dict[str, dict[str, tuple[Any, str]]] = field(default_factory=dict)


def open_episode(ws: Workspace, episode_id: str, consultation: bool = True) -> EpisodeScreen:
    """``consultation`` False re-reads an episode already on screen (after a sync), which is
    not a new consultation under s.62."""
    with ws.store.session():
        data = episodes.load_episode(ws, episode_id, consultation=consultation)
        ref = reference.reference_data(ws)
        forms = forms_context.episode_forms(data)
        ctx = FormContext.at(
            ws.now(), reference=ref, policy=ref.policy(), episode=forms.answers,
            notices=forms.notices,
        )  # fmt: skip
        prefills = forms_context.prefills(ws, episode_id, forms, ctx) if consultation else {}
    return EpisodeScreen(data, ref, forms, prefills)
