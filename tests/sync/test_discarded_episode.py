"""Issue 14, end to end with a real central store: an empty episode never travels, and once
discarded the workstations and the central store agree; its audit lines travel."""

from __future__ import annotations

import pytest

from app.services import episodes
from tests.sync.helpers import assert_same_everywhere, local_ids, new_episode, server_counts, sync

pytestmark = pytest.mark.slow


def test_an_empty_episode_stays_home_and_its_discarding_leaves_everyone_agreeing(pair):
    a, b = pair
    stray = episodes.new_episode(a)  # Ctrl+N by accident
    kept = new_episode(a, "Khan", "Sam")
    assert sync(a).failures == []
    sync(b)
    assert stray not in local_ids(b, "episode") and kept in local_ids(b, "episode")
    assert server_counts(a)["types"]["episode"]["live"] == 1
    episodes.discard_empty_episode(a, stray)
    assert sync(a).failures == []
    sync(b)
    assert_same_everywhere(a, b)
    assert server_counts(a)["open_conflicts"] == 0
