"""Issue 14: the common case of a shift, at the keyboard only, in at most 115 keystrokes.

A new detainee (theft, living locally) with a positive test and a printed RA1, entered by a
worker who has already seen one detainee this shift. Every key goes to the focused widget;
the count per step is printed (run with -s) and kept in docs/keyboard.md.
"""

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.storage.models import Notice
from tests.ui.conftest import in_store, settle
from tests.ui.keyboard import Keyboard

LIMIT = 115
PGDOWN = Qt.Key.Key_PageDown


def _earlier_detainee_of_the_shift(window) -> None:
    """Ann's first detainee of the day: the same detention officer tested, Ann gave the RA1."""
    from tests.services.conftest import save
    from tests.services.helpers import PERSON, POSITIVE, RA1

    ws = window.workspace

    def seed() -> None:
        from app.services import episodes

        episode_id = episodes.new_episode(ws)
        save(ws, episode_id, "custody_episode", **PERSON)
        save(ws, episode_id, "dt1", **{**POSITIVE, "tested_by": "DO Smith 4421"})
        save(ws, episode_id, "ra1", **{**RA1, "given_by": "Ann Worker, CJIT"})

    ws.submit(seed).result(timeout=30)


def test_a_new_detainee_to_a_printed_ra1_takes_at_most_115_keystrokes(qtbot, window, printed):
    _earlier_detainee_of_the_shift(window)
    settle()
    kb = Keyboard(qtbot, window)

    kb.begin("reach the first field")
    kb.shortcut(Qt.Key.Key_N)  # Ctrl+N
    kb.expect_focus("input_custody_record_number")

    kb.begin("episode")
    kb.type("52/12345/26\n")
    kb.expect_focus("input_arrived_at")
    kb.type("n\n")  # now
    kb.expect_focus("input_arrest_offences")
    kb.type("Th ")  # type-ahead to "Theft", Space ticks it
    kb.type("\n")
    kb.expect_focus("input_family_name")  # Enter skips the optional "other offence"
    kb.type("Kowalski\nAdam\n170590\n")
    kb.expect_focus("input_address")
    kb.type("7 Hyson Street\nNottingham\t")
    kb.type("NG8 1AA\n")
    kb.expect_focus("input_gender")  # past the optional PNC ID
    kb.type("M\n")
    kb.pause()
    kb.type("W\n")
    kb.expect_focus("input_resident_in_area")
    kb.type("y")  # yes, and on
    page = window.episode.form_pages["custody_episode"]
    answers = page.answers()
    assert answers["arrest_offences"] == ["theft"] and answers["ethnicity"] == "white_british"
    assert f"{answers['date_of_birth']:%d/%m/%Y}" == "17/05/1990"
    assert f"{answers['arrived_at']:%d/%m/%Y %H:%M}" == "24/11/2026 11:30"
    assert answers["resident_in_area"] is True and answers["gender"] == "male"

    kb.begin("profile")
    kb.shortcut(PGDOWN)  # Ctrl+PgDown
    kb.expect_focus("input_prison_production")
    kb.type("nnnnynnnn")  # the nine criteria, in order; the fifth: disclosed Class A use
    assert "Decision: Test" in window.episode.form_pages["target_testing"].decision.text()

    kb.begin("DT1")
    kb.shortcut(PGDOWN)
    kb.expect_focus("input_test_outcome")
    kb.type("T\n")  # Test completed
    kb.type("n\n")  # tested now; "tested by" is carried from the shift, Enter passes it
    kb.expect_focus("result_opiates")
    kb.type("P\n")
    kb.pause()
    kb.type("N\n")
    kb.expect_focus("input_disputed")
    kb.type("n")
    dt1 = window.episode.form_pages["dt1"].answers()
    assert dt1["tested_by"] == "DO Smith 4421" and dt1["authority"] == "trigger_offence"
    assert dt1["results"] == {"opiates": "positive", "cocaine": "negative"}

    kb.begin("RA1")
    kb.shortcut(PGDOWN)
    kb.expect_focus("input_appointment_at")  # the requirement is made by default
    kb.type("+1 10\n")  # the next working day at 10:00
    kb.expect_focus("input_given_at")  # place, copies and "given by" are filled in
    kb.type("n")

    kb.begin("issue and print")
    kb.shortcut(Qt.Key.Key_P)  # Ctrl+P
    # Stood in for here: Enter on "Issue the RA1 now?", on the preview's Print (its default
    # button) and on the print dialog's Print.
    kb.counted_elsewhere(3)

    print("\nKeystrokes, common case (docs/keyboard.md):\n" + kb.report())
    assert len(printed) == 1, "the RA1 was not issued"
    notice = in_store(window, lambda s: s.scalars(select(Notice)).one())
    answers = notice.content["form"]["answers"]
    assert answers["given_by"] == "Ann Worker, CJIT"
    assert answers["appointment_at"].startswith("2026-11-25T10:00")
    assert kb.total <= LIMIT, kb.report()
