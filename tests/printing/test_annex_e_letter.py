"""The Annex E appointment letter for the person: no legal sanction (004 §4.8)."""

from __future__ import annotations


def test_the_letter_gives_the_appointment_and_says_there_is_no_legal_sanction(render):
    [page] = render("annex_e")
    for text in (
        "FOR THE PERSON",
        "Appointment with the Criminal Justice Intervention Team",
        "SAMPLE",
        "Jordan Alex",
        "Tuesday 24 November 2026 at 10:00",
        "Nottingham City CJIT",
        "Telephone 0115 496 0000",
        "24-30 Castle Gate",
        "This appointment is voluntary. There is no legal penalty if you do not go.",
        "Notice AE-261123-SAMPLE",
    ):
        assert text in page, text
    for text in ("WARNING", "prosecution", "offence", "imprisonment"):
        assert text not in page
    assert "Notes" not in page and "shaking at the desk" not in page  # internal notes


def test_a_letter_for_someone_living_elsewhere_names_their_cjit(render):
    place = "Drug Intervention Team\n40 Charles Street\nLeicester\nLE1 1FB"
    [page] = render("annex_e", assessing_cjit="leicester", place=place)
    assert "Leicester City CJIT" in page and "Telephone 0116 496 0030" in page
