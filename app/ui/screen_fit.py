"""Windows and dialogs that fit the screen they open on (issue 14: at 1366×768 the print
preview's buttons and the main window's status bar were below the screen).

Every window asks for the size it would like and gets at most the screen's *available*
geometry (the taskbar left out) less a margin for the title bar; at 150% scaling a 1366×768
screen is 911×512 logical pixels, and the same rule holds. The main window remembers where the
worker put it, per workstation, in ``window.ini`` in the data folder (a size, no personal data).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

WANTED = QSize(1440, 900)  # the main window on a large screen; smaller screens: maximised
TITLE_BAR = 40  # the window manager's frame, which availableGeometry does not subtract


def available(widget: QWidget | None = None) -> QRect:
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_size(wanted: QSize, avail: QRect) -> QSize:
    return QSize(
        min(wanted.width(), avail.width() - 16), min(wanted.height(), avail.height() - TITLE_BAR)
    )


def resize_to_fit(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, never larger than the screen it is on."""
    widget.resize(fit_size(QSize(width, height), available(widget)))


def _settings(data_dir: Path) -> QSettings:
    return QSettings(str(Path(data_dir) / "window.ini"), QSettings.Format.IniFormat)


def restore_main_window(window: QWidget, data_dir: Path, wanted: QSize) -> None:
    """Where the worker left it; the first time, the size it wants within the available
    screen, maximised when the screen is smaller than that (a laptop at 1366×768)."""
    saved = _settings(data_dir).value("main/geometry")
    restored = saved is not None and window.restoreGeometry(saved)
    if restored and _on_screen(window.geometry(), available(window)):
        return
    avail = available(window)
    window.resize(fit_size(wanted, avail))
    window.move(avail.topLeft())
    if avail.width() < wanted.width() or avail.height() < wanted.height():
        window.setProperty("startMaximised", True)


def save_main_window(window: QWidget, data_dir: Path) -> None:
    settings = _settings(data_dir)
    settings.setValue("main/geometry", window.saveGeometry())
    settings.sync()


def _on_screen(geometry: QRect, avail: QRect) -> bool:
    return avail.intersects(geometry) and geometry.height() <= avail.height()
