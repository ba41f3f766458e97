"""The sync UI driven like a worker: End of shift (Ctrl+Shift+E) and the prompt on closing.

The sync itself is replaced by a stand-in here (it is tested end to end elsewhere); the
dialogs, their progress and their summary are the real widgets.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from app.services import sync as sync_service
from app.sync import state
from tests.sync.conftest import open_client
from tests.sync.helpers import new_episode
from tests.ui.conftest import settle


@pytest.fixture
def enrolled_workspace(tmp_path):
    ws = open_client(tmp_path / "data")
    with ws.store.session() as s:
        state.put(s, state.TOKEN, "token")
        state.put(s, state.DEVICE_ID, "device")
        state.put(s, state.CENTRAL_URL, "http://127.0.0.1:9")
    yield ws
    ws.close()


@pytest.fixture
def window(qtbot, enrolled_workspace):
    from app.ui.main_window import MainWindow

    win = MainWindow(enrolled_workspace)
    settle()  # the sync controller is installed once the store says "enrolled"
    win.sync_controller.timer.stop()
    win.show()
    qtbot.waitExposed(win)
    yield win
    # nobody is there to answer the prompt now
    win.hooks["before_close"] = lambda w, proceed: proceed(True)
    win.close()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=15_000)
    settle()
    win.deleteLater()


def _unsynced_episode(workspace) -> None:
    """A record made by the app (on its store executor) and not yet synced."""
    workspace.submit(lambda: new_episode(workspace)).result(timeout=30)


@pytest.fixture
def stand_in_sync(monkeypatch):
    calls = []

    def fake(ws, progress=None):
        calls.append(ws)
        if progress is not None:
            progress.step("Sending this workstation's records", 3, 10)
        return sync_service.SyncSummary(
            pushed=3,
            pulled=2,
            conflicts=0,
            failures=[sync_service.Failure("A form record was refused.", "Open it and check it.")],
        )

    monkeypatch.setattr(sync_service, "sync_now", fake)
    return calls


def test_end_of_shift_shows_progress_then_counts_and_each_failure_with_what_to_do(
    qtbot, window, stand_in_sync
):
    qtbot.keyClick(
        window, Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # fmt: skip
    dialog = window.findChild(QLabel, "endOfShiftSummary").parent()
    assert dialog.objectName() == "endOfShiftDialog"
    close = dialog.findChild(QPushButton, "endOfShiftClose")
    qtbot.waitUntil(close.isEnabled, timeout=5000)
    text = dialog.findChild(QLabel, "endOfShiftSummary").text()
    assert "Sent: 3" in text and "Received: 2" in text
    assert "Problem: A form record was refused." in text and "What to do: Open it" in text
    assert "problems" in dialog.findChild(QLabel, "endOfShiftStage").text()
    assert "Online" in window.status.connection.text()
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def _answer_close_prompt(qtbot, button_name: str) -> list[str]:
    seen = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, click)
            return
        seen.append(box.text())
        box.findChild(QPushButton, button_name).click()

    QTimer.singleShot(50, click)
    return seen


def test_closing_with_unsynced_records_can_be_cancelled(qtbot, window, enrolled_workspace):
    _unsynced_episode(enrolled_workspace)
    seen = _answer_close_prompt(qtbot, "closeCancel")
    window.close()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    settle()
    assert "not yet on the central store" in seen[0]
    assert window.isVisible()


def test_closing_can_quit_without_syncing(qtbot, window, enrolled_workspace, stand_in_sync):
    _unsynced_episode(enrolled_workspace)
    _answer_close_prompt(qtbot, "closeQuitAnyway")
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert stand_in_sync == []


def test_sync_and_quit_syncs_then_closes(qtbot, window, enrolled_workspace, stand_in_sync):
    _unsynced_episode(enrolled_workspace)
    _answer_close_prompt(qtbot, "closeSyncAndQuit")

    def close_summary() -> None:
        dialog = QApplication.activeModalWidget()
        button = dialog.findChild(QPushButton, "endOfShiftClose") if dialog else None
        if button is None or not button.isEnabled():
            QTimer.singleShot(50, close_summary)
            return
        button.click()

    QTimer.singleShot(200, close_summary)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert len(stand_in_sync) == 1


def test_the_reports_dialog_shows_the_months_and_exports_them_where_chosen(
    qtbot, window, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QFileDialog

    from app.ui.reports import ReportsDialog

    rows = [
        {
            "month": "2026-04",
            "successful_tests": 236,
            "positive_tests": 60,
            "positive_rate_percent": 25.4,
            "required_assessments_made": 50,
            "attended": 30,
            "failed_to_attend": 10,
            "inspector_authority_tests": 3,
            # Issue 13's figures, under the central store's keys.
            "positive_opiates_only": 41,
            "positive_cocaine_only": 12,
            "positive_both": 7,
            "transfers_in": 4,
        },
    ]
    monkeypatch.setattr(sync_service, "monthly_report", lambda ws, first, last: rows)
    dialog = ReportsDialog(window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[:4] == ["2026-04", "236", "60", "25%"]  # the table rounds, as Figure 4 does
    headings = [
        dialog.table.horizontalHeaderItem(c).text().replace("\n", " ")
        for c in range(dialog.table.columnCount())
    ]
    shown = dict(zip(headings, cells, strict=True))
    assert shown["Positive: opiates only"] == "41" and shown["Transfers in"] == "4"
    assert shown["RoB applied"] == ""  # a figure the central store did not send stays empty
    bars = dialog.chart.chart().series()[0]
    assert [b.label() for b in bars.barSets()] == [
        "Successful tests", "Positive", "Opiates only", "Cocaine only", "Both",
    ]  # fmt: skip
    assert bars.barSets()[3].at(0) == 12
    target = tmp_path / "report.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Month,Successful tests") and lines[1].startswith("2026-04,236,60")
    assert "Positive: opiates only" in lines[0] and ",41,12,7," in lines[1]


def test_a_background_sync_counts_the_records_arriving_in_the_status_bar(
    qtbot, window, monkeypatch
):
    """A new workstation's first sync runs in the background after enrolment and receives
    years of a suite's records: the worker sees them arrive, page by page (issue 16.5)."""
    shown: list[str] = []
    window.status.messageChanged.connect(shown.append)

    def fake(ws, progress=None):
        progress.step("Connecting to the central store")
        for received in (1000, 2000, 114165):
            progress.step("Receiving colleagues' records", received)
        return sync_service.SyncSummary(pulled=114165)

    monkeypatch.setattr(sync_service, "sync_now", fake)
    window.sync_controller.sync_in_background()
    qtbot.waitUntil(lambda: not window.sync_controller.running, timeout=10_000)
    qtbot.waitUntil(lambda: any("114,165" in m for m in shown), timeout=5000)
    counted = [m for m in shown if m.startswith("Sync: receiving colleagues' records")]
    assert [m.rsplit(" ", 1)[-1] for m in counted] == ["1,000", "2,000", "114,165"]
    assert not any("connecting" in m for m in shown)  # steps without a count stay quiet
