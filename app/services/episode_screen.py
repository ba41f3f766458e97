"""Everything the episode screen shows, read in one unit of work on the store executor: the
episode, the reference data its rules need, and the target-testing answers history suggests.
The screen then runs the rules itself (pure functions) without touching the store again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.forms.reference import ReferenceData
from app.services import episodes, history, reference
from app.services.workspace import Workspace


@dataclass(frozen=True)
class EpisodeScreen:
    data: episodes.EpisodeData
    reference: ReferenceData
    # target-testing answers suggested by history: field -> (value, why)
    prefill: dict[str, tuple[Any, str]] = field(default_factory=dict)


def open_episode(ws: Workspace, episode_id: str, consultation: bool = True) -> EpisodeScreen:
    """``consultation`` False re-reads an episode already on screen (after a sync), which is
    not a new consultation under s.62."""
    with ws.store.session():
        data = episodes.load_episode(ws, episode_id, consultation=consultation)
        ref = reference.reference_data(ws)
        prefill = (
            {}
            if "target_testing" in data.answers
            else history.target_testing_prefill(ws, episode_id)
        )
    return EpisodeScreen(data, ref, prefill)
