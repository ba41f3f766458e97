"""A calm, high-contrast look that stays readable at 150% scaling.

Colours meet WCAG AA contrast on their backgrounds; sizes are in points so they scale with the
system setting. Status colours are never the only signal: every badge also carries words.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.paths import resources_dir

INK = "#1b1f24"
MUTED = "#4a5260"
PAPER = "#ffffff"
CANVAS = "#f3f5f8"
LINE = "#c5ccd6"
ACCENT = "#0b5cad"
ACCENT_DARK = "#084a8c"
OK = "#1e6b34"
WARN = "#8a5a00"
ERROR = "#b3261e"
PREFILL = "#fff4d6"

ARROW = (resources_dir() / "ui" / "arrow-down.svg").as_posix()

STYLESHEET = f"""
QWidget {{ color: {INK}; }}
QMainWindow, QDialog, QWizard {{ background: {CANVAS}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QDateEdit, QDateTimeEdit, QTimeEdit, QSpinBox {{
    background: {PAPER}; border: 1px solid {LINE}; border-radius: 3px; padding: 4px 6px;
    min-height: 1.6em;
}}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus, QDateTimeEdit:focus,
QTimeEdit:focus, QSpinBox:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit[prefilled="true"], QComboBox[prefilled="true"] {{ background: {PREFILL}; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
    width: 24px; border: none; border-left: 1px solid {LINE}; }}
QComboBox::down-arrow {{ image: url({ARROW}); width: 12px; height: 8px; }}
QGroupBox {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 4px;
    margin-top: 22px; padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; subcontrol-position: top left; left: 2px;
    padding: 0 2px; color: {ACCENT_DARK}; }}
QListWidget#stepList::item {{ padding: 7px 6px; }}
QListWidget#waitingList::item, QListWidget#noticeList::item, QListWidget#searchResults::item {{
    padding: 5px 4px; }}
QPushButton {{
    background: {PAPER}; border: 1px solid {LINE}; border-radius: 3px; padding: 6px 14px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-color: {ACCENT_DARK}; font-weight: 600; }}
QPushButton[primary="true"]:disabled {{ background: #9fb4cc; border-color: #9fb4cc; }}
QPushButton:disabled {{ color: #7a828c; }}
QLabel[role="banner"] {{ background: #e8f0fa; border: 1px solid {ACCENT}; border-radius: 4px;
    padding: 8px; }}
QLabel[role="heading"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="subheading"] {{ font-size: 11.5pt; font-weight: 600; color: {MUTED}; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="error"] {{ color: {ERROR}; }}
QLabel[role="warning"] {{ color: {WARN}; }}
QLabel[role="ok"] {{ color: {OK}; }}
QFrame[role="card"] {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 4px; }}
QFrame[role="card"][tone="pending"] {{ background: #fff4d6; border: 2px solid {WARN}; }}
QFrame[role="card"][tone="action"] {{ background: #e8f0fa; border: 2px solid {ACCENT}; }}
QFrame[role="card"][tone="none"] {{ background: #e9f5ec; border: 2px solid {OK}; }}
QWidget:disabled {{ color: #6b737d; }}
QMenu::item:disabled {{ color: #8a929c; }}
QTableView, QTreeView, QListView {{
    background: {PAPER}; alternate-background-color: #f7f9fb; border: 1px solid {LINE};
    selection-background-color: {ACCENT}; selection-color: white;
}}
QHeaderView::section {{ background: #e6eaf0; border: none; border-right: 1px solid {LINE};
    padding: 5px; font-weight: 600; }}
QStatusBar {{ background: #e6eaf0; border-top: 1px solid {LINE}; }}
QToolTip {{ background: {INK}; color: white; border: none; padding: 4px; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.5))
    app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(CANVAS))
    palette.setColor(QPalette.ColorRole.Base, QColor(PAPER))
    palette.setColor(QPalette.ColorRole.Text, QColor(INK))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
