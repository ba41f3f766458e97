"""The "before" of issue 14's keystroke count: the same detainee as test_keystrokes.py, typed
into CJIT Desk as it was at db8048b (no short dates, no carried answers, Enter to the very
next field, focus on "Close episode" after Ctrl+N). Not collected by the suite (it drives the
old screens); measured with

    git worktree add /tmp/kb-before db8048b
    cp tests/ui/keyboard.py tests/ui/keystrokes_before.py tests/ui/test_keystrokes.py \\
        /tmp/kb-before/tests/ui/
    cd /tmp/kb-before && python -m pytest tests/ui/keystrokes_before.py -s -q
"""

from PySide6.QtCore import Qt

from tests.ui.conftest import settle
from tests.ui.keyboard import Keyboard
from tests.ui.test_keystrokes import _earlier_detainee_of_the_shift

PGDOWN = Qt.Key.Key_PageDown


def tab_to(kb: Keyboard, name: str) -> None:
    for _ in range(40):
        if kb.focus_name() == name:
            return
        kb.press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {name}")


def test_before(qtbot, window, printed):
    _earlier_detainee_of_the_shift(window)
    settle()
    kb = Keyboard(qtbot, window)
    kb.begin("reach the first field")
    kb.shortcut(Qt.Key.Key_N)
    tab_to(kb, "input_custody_record_number")
    kb.begin("episode")
    kb.type("52/12345/26\n24/11/2026 11:30\n")
    kb.expect_focus("input_arrest_offences")
    kb.type("Th \t\n")
    kb.type("Kowalski\nAdam\n17/05/1990\n")
    kb.expect_focus("input_address")
    kb.type("7 Hyson Street\nNottingham\t")
    kb.type("NG8 1AA\n\n")
    kb.type("M\n")
    kb.pause()
    kb.type("W\n\n")
    kb.expect_focus("input_resident_in_area")
    kb.type("Y")
    kb.begin("profile")
    kb.shortcut(PGDOWN)
    kb.expect_focus("input_prison_production")
    for i, answer in enumerate("NNNNYNNNN"):
        kb.pause()
        kb.type(answer + ("\n" if i < 8 else ""))
    kb.begin("DT1")
    kb.shortcut(PGDOWN)
    kb.type("T\n24/11/2026 11:30\nDO Smith 4421\n")
    kb.type("P\n")
    kb.pause()
    kb.type("N\n")
    kb.pause()
    kb.type("N\n")
    kb.pause()
    kb.type("T\n\t")
    kb.pause()
    kb.type("Y")
    kb.begin("RA1")
    kb.shortcut(PGDOWN)
    kb.type("Y\n25/11/2026 10:00\n\n\t\n\t\t")
    kb.expect_focus("input_given_by")
    kb.type("Ann Worker, CJIT\n24/11/2026 11:30")
    kb.begin("issue and print")
    kb.shortcut(Qt.Key.Key_P)
    kb.counted_elsewhere(3)
    print("\nKeystrokes before issue 14:\n" + kb.report())
    assert len(printed) == 1, "the RA1 was not issued"
