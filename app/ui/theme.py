"""A calm, high-contrast look that stays readable at 150% scaling.

Colours meet WCAG AA contrast on their backgrounds; sizes are in points so they scale with the
system setting. Status colours are never the only signal: every badge also carries words.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

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


# For low vision or a glaring screen (issue 14): white on black, yellow focus, every text at
# least 7:1 (WCAG AAA), chosen with the setting `theme` (CJIT_THEME=high-contrast).
HIGH_CONTRAST = {
    "ink": "#ffffff",
    "paper": "#000000",
    "canvas": "#000000",
    "line": "#ffffff",
    "accent": "#1aebff",
    "focus": "#ffff00",
    "error": "#ff9d9d",
    "warn": "#ffd24d",
    "ok": "#7dff7d",
}
_H = HIGH_CONTRAST
HIGH_CONTRAST_SHEET = f"""
QWidget {{ color: {_H["ink"]}; background: {_H["canvas"]}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QDateEdit, QDateTimeEdit, QTimeEdit, QSpinBox,
QGroupBox, QFrame[role="card"], QPushButton, QTableView, QTreeView, QListView,
QHeaderView::section, QStatusBar {{
    background: {_H["paper"]}; color: {_H["ink"]}; border: 1px solid {_H["line"]}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QPushButton:focus, QListView:focus,
QTableView:focus {{ border: 3px solid {_H["focus"]}; }}
QLineEdit[prefilled="true"], QComboBox[prefilled="true"] {{
    background: {_H["paper"]}; color: {_H["ink"]}; border: 2px dashed {_H["warn"]}; }}
QGroupBox::title {{ color: {_H["accent"]}; }}
QPushButton[primary="true"] {{ background: {_H["paper"]}; color: {_H["focus"]};
    border: 2px solid {_H["focus"]}; }}
QLabel[role="error"] {{ color: {_H["error"]}; }}
QLabel[role="warning"] {{ color: {_H["warn"]}; }}
QLabel[role="ok"] {{ color: {_H["ok"]}; }}
QLabel[role="muted"], QLabel[role="subheading"] {{ color: {_H["ink"]}; }}
QFrame[role="card"][tone="pending"] {{ background: {_H["paper"]}; border: 3px dashed {_H["warn"]}; }}
QFrame[role="card"][tone="action"] {{ background: {_H["paper"]}; border: 3px solid {_H["accent"]}; }}
QFrame[role="card"][tone="none"] {{ background: {_H["paper"]}; border: 3px solid {_H["ok"]}; }}
QWidget:disabled {{ color: #b0b0b0; }}
QToolTip {{ background: {_H["paper"]}; color: {_H["ink"]}; border: 1px solid {_H["ink"]}; }}
"""


def apply_theme(app: QApplication, name: str = "standard") -> None:
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # once: replacing the style under live widgets is not safe
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
    if name == "high-contrast":
        for role, colour in (
            (QPalette.ColorRole.Window, _H["canvas"]),
            (QPalette.ColorRole.Base, _H["paper"]),
            (QPalette.ColorRole.Text, _H["ink"]),
            (QPalette.ColorRole.WindowText, _H["ink"]),
            (QPalette.ColorRole.ButtonText, _H["ink"]),
            (QPalette.ColorRole.Button, _H["paper"]),
            (QPalette.ColorRole.Highlight, _H["focus"]),
            (QPalette.ColorRole.HighlightedText, _H["paper"]),
        ):
            palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET + (HIGH_CONTRAST_SHEET if name == "high-contrast" else ""))


def restyle(widget: QWidget, name: str, value: object) -> None:
    """Set a property the style sheet selects on, and re-style the widget only when it changed:
    a re-polish costs ~0.1 ms, and the rules of a form set dozens of these on every keystroke."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
