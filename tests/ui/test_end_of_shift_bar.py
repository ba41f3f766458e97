"""Issue 14: offline, End of shift does not show a full progress bar."""

from app.services import sync as sync_service
from app.ui.sync_ui import EndOfShiftDialog


def test_offline_end_of_shift_leaves_the_bar_empty_and_says_not_synced(qtbot, window):
    dialog = EndOfShiftDialog(window)
    qtbot.addWidget(dialog)
    dialog._done(sync_service.SyncSummary(offline=True))
    assert dialog.bar.value() == 0 and dialog.bar.text() == "Not synced"
    assert "offline" in dialog.stage.text().lower() or dialog.stage.text() == sync_service.OFFLINE
    dialog._done(sync_service.SyncSummary(pushed=3))
    assert dialog.bar.value() == dialog.bar.maximum() and dialog.bar.text() == "Done"
