"""A keystroke re-runs every form's rules but paints only the form in view; a form painted
later shows what its rules found meanwhile (app/ui/form_page.py, ``paint``)."""

from PySide6.QtCore import Qt

from tests.ui.conftest import type_into
from tests.ui.keyboard import Keyboard


def test_a_form_out_of_view_shows_its_problems_when_it_comes_into_view(qtbot, window):
    Keyboard(qtbot, window).shortcut(Qt.Key.Key_N)
    episode = window.episode
    custody = episode.form_pages["custody_episode"]
    episode.show_form("dt1")
    type_into(qtbot, window, "custody_episode", "date_of_birth", "17/05/2099")
    label = custody.problem_labels["date_of_birth"]
    assert "date_of_birth" in custody._needs  # the rules ran: the steps list knows
    assert label.text() == ""  # not painted while out of view
    episode.show_form("custody_episode")
    assert label.text() != "" and not label.isHidden()
    assert "to complete" in episode.steps.item(0).text()
