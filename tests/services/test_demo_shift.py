"""The demo shift (`make run`, and tests that need a worked shift) at any hour of the day."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import demo
from app.storage.models import CustodyEpisode, Notice


@pytest.mark.parametrize("hour", [0, 3, 14, 23])
def test_a_demo_shift_made_at_any_hour_has_no_arrival_still_to_come(workspace, hour):
    now = datetime(2026, 11, 24, hour, 10, tzinfo=UTC)  # GMT: UK time is UTC
    workspace.clock = lambda: now
    demo.fill(workspace, episodes_today=8, history_episodes=0)
    with workspace.store.session() as s:
        arrivals = list(s.scalars(select(CustodyEpisode.arrived_at)))
        issued = s.scalar(select(Notice.id).where(Notice.kind == "ra1").limit(1))
    assert arrivals and max(a.replace(tzinfo=a.tzinfo or UTC) for a in arrivals) <= now
    assert issued is not None  # positives get their RA1 whatever the hour
