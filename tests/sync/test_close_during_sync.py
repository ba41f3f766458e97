"""Closing the app while a background sync runs (issue 11, finding 11: the engine used to be
disposed under it): the close asks the sync to stop at its next safe point and waits for it;
a sync stuck in a network call is left to find the store closed, quietly, at its next step."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from sqlalchemy import func, select

from app.services import sync as sync_service
from app.storage.models import Setting
from app.sync import state
from app.ui import sync_ui
from app.ui.main_window import MainWindow
from tests.sync.conftest import open_client
from tests.ui.conftest import settle


@pytest.fixture
def workspace(tmp_path):
    ws = open_client(tmp_path / "data")
    with ws.store.session() as s:
        state.put(s, state.TOKEN, "token")
        state.put(s, state.DEVICE_ID, "device")
        state.put(s, state.CENTRAL_URL, "http://127.0.0.1:9")
    yield ws
    ws.close()


def _slow_sync(steps: list[int], stuck: threading.Event | None = None):
    """A sync of many short units of store work, checking for cancel between them (as the
    engine does); with ``stuck`` it first waits in a 'network call' that ignores cancel."""

    def fake(ws, progress=None):
        with sync_service._running:
            if stuck is not None:
                stuck.wait(10)
            for i in range(200):
                if progress is not None and progress.cancelled():
                    return sync_service.SyncSummary(notes=["stopped"])
                with ws.store.session() as s:
                    s.merge(Setting(key=f"step:{i}", value=i))
                steps.append(i)
                time.sleep(0.02)
        return sync_service.SyncSummary()

    return fake


def _window(qtbot, workspace) -> MainWindow:
    window = MainWindow(workspace)
    settle()
    window.sync_controller.timer.stop()
    window.hooks["before_close"] = lambda w, proceed: proceed(True)
    qtbot.addWidget(window)
    window.show()
    return window


def test_closing_during_a_sync_stops_it_at_a_safe_point_and_closes_the_store(
    qtbot, workspace, monkeypatch, caplog
):
    steps: list[int] = []
    monkeypatch.setattr(sync_service, "sync_now", _slow_sync(steps))
    window = _window(qtbot, workspace)
    window.sync_controller.sync_in_background()
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=10_000)
    with caplog.at_level(logging.ERROR):
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert not sync_service.is_running(), "the close waited for the sync to stop"
    assert len(steps) < 200, "the sync stopped early, at a safe point"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # Every unit the sync finished is in the store; none was cut in half.
    from app.services import workspace as wsm

    reopened = wsm.unlock(workspace.settings, "ann", "worker passphrase 2")
    try:
        with reopened.store.session() as s:
            done = s.scalar(select(func.count()).where(Setting.key.like("step:%")))
        assert done == len(steps)
    finally:
        reopened.close()


def test_a_sync_stuck_in_a_network_call_does_not_hold_the_close_for_ever(
    qtbot, workspace, monkeypatch, caplog
):
    steps: list[int] = []
    stuck = threading.Event()
    monkeypatch.setattr(sync_service, "sync_now", _slow_sync(steps, stuck))
    monkeypatch.setattr(
        sync_ui, "stop_sync", lambda window, limit_ms=300: _original_stop(window, limit_ms)
    )
    window = _window(qtbot, workspace)
    window.hooks["stop_sync"] = sync_ui.stop_sync
    window.sync_controller.sync_in_background()
    qtbot.wait(200)
    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
        assert time.monotonic() - started < 10
        stuck.set()  # the network call returns; the sync's next step finds the store closed
        qtbot.waitUntil(lambda: not sync_service.is_running(), timeout=10_000)
        settle()
    assert steps == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


_original_stop = sync_ui.stop_sync
