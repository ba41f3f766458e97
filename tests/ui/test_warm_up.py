"""The first notice of a session is not slower than the next: printing is readied off the
window's thread soon after the window opens (bench/RESULTS.md, "responsive")."""

import threading

from app.services import notices
from app.ui import main_window


def test_the_window_readies_printing_once_on_another_thread(qtbot, workspace, monkeypatch):
    threads = []
    monkeypatch.setattr(main_window, "WARM_UP_AFTER_MS", 50)
    monkeypatch.setattr(
        notices, "warm_up_printing", lambda: threads.append(threading.current_thread())
    )
    win = main_window.MainWindow(workspace)
    qtbot.addWidget(win)
    win.hooks["before_close"] = lambda w, proceed: proceed(True)
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    qtbot.wait(200)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    win.close()


def test_readying_printing_registers_the_notice_fonts():
    from reportlab.pdfbase import pdfmetrics

    from app.printing import fonts

    notices.warm_up_printing()
    assert pdfmetrics.getFont(fonts.REGULAR).fontName == fonts.REGULAR
