"""Issue 14: every field speaks its name and purpose to a screen reader, Tab follows the page,
and a high-contrast theme is there for whoever needs it."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from app.forms.registry import FORMS
from tests.ui.keyboard import Keyboard


def test_every_field_of_every_form_has_an_accessible_name_and_description(qtbot, window):
    missing = []
    for key, page in window.episode.form_pages.items():
        for field_key, editor in page.editors.items():
            for widget in editor.inputs():
                if not widget.accessibleName() or not widget.accessibleDescription():
                    missing.append(f"{key}.{field_key} ({widget.objectName()})")
    assert missing == []


def test_a_required_field_says_so_to_a_screen_reader(qtbot, window):
    page = window.episode.form_pages["custody_episode"]
    family = page.editors["family_name"].focusProxy()
    assert "Required" in family.accessibleDescription()
    dob = page.editors["date_of_birth"].focusProxy()
    assert "170590" in dob.accessibleDescription()  # the short forms, for the keyboard user


def test_tab_goes_down_the_page_in_the_order_of_the_form(qtbot, window):
    kb = Keyboard(qtbot, window)
    kb.shortcut(Qt.Key.Key_N)
    page = window.episode.form_pages["custody_episode"]
    expected = [
        w.objectName()
        for f in FORMS["custody_episode"].fields
        for w in page.editors[f.key].inputs()
        if w.isVisible()
    ]
    seen = [kb.focus_name()]
    while len(seen) < len(expected):
        kb.press(Qt.Key.Key_Tab)
        seen.append(kb.focus_name())
    assert seen == expected


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_high_contrast_theme_gives_text_at_least_7_to_1(qtbot):
    from app.ui import theme

    app = QApplication.instance()
    try:
        theme.apply_theme(app, "high-contrast")
        palette = app.palette()
        for text, back in (
            (palette.windowText(), palette.window()),
            (palette.text(), palette.base()),
            (palette.highlightedText(), palette.highlight()),
        ):
            assert _contrast(text.color(), back.color()) >= 7.0
        assert theme.HIGH_CONTRAST["focus"] in app.styleSheet()
    finally:
        theme.apply_theme(app)
    assert _contrast(app.palette().text().color(), app.palette().base().color()) >= 4.5


def test_the_theme_is_a_setting(tmp_path, monkeypatch):
    from app.config import load_settings

    monkeypatch.setenv("CJIT_THEME", "high-contrast")
    assert load_settings({}, config_file=tmp_path / "none.toml").theme == "high-contrast"
