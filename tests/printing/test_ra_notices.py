"""RA1, RA2, RA4 and RA5: every required element on every copy (004 IE1, Drugs Act 2005)."""

from __future__ import annotations

import pytest

from app.forms.reference import ReferenceData
from app.printing.samples import ANSWERS, EPISODE

REF = ReferenceData.load()
WARNING = {k: " ".join(v.split()) for k, v in REF.wording("warnings").items()}
LABELS = REF.wording("copy_labels")


def test_ra1_prints_one_page_per_copy_each_labelled(render):
    pages = render("ra1")
    assert len(pages) == 3
    for page, copy in zip(pages, ("detainee", "custody_record", "cjit"), strict=True):
        assert LABELS[copy] in page
    assert sum(LABELS["detainee"] in p for p in pages) == 1


@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_ra1_copy_has_every_element_of_the_notice(render, index):
    page = render("ra1")[index]
    expected = [
        "RA1 - Notice of requirement to attend an initial assessment",
        "SAMPLE",
        "Jordan Alex",
        "17 April 1991",
        "52/98765/26",  # person and custody record
        "attend an initial assessment",
        "remain for its duration",  # requirement and remain
        "follow-up assessment",  # and the follow-up if the drug worker requires it
        "Tuesday 24 November 2026 at 10:00",  # date, day of week, time
        "Adult Offender Building",
        "24-30 Castle Gate",
        "Nottingham",
        "NG1 7AT",  # full place
        "Nottingham City CJIT",
        "Telephone 0115 496 0000",  # assessing CJIT and its phone
        WARNING["ra1"],  # the warning, word for word from resources
        "PS 0000 Example (custody sergeant)",
        "Monday 23 November 2026 at 12:30",  # given by/at
        "RA1-261123-SAMPLE",  # notice reference
        "Page",
        "of 3",
        "CJIT Desk",
        "wording 2026.2",
    ]
    for text in expected:
        assert text in page, text


def test_only_the_cjit_copy_has_the_contact_details(render):
    detainee, custody, cjit = render("ra1")
    for text in ("07700 900123", "09/123456X", "Flat 2, 17 Example Street", "NG2 4ZZ"):
        assert text in cjit
        assert text not in detainee and text not in custody


def test_the_ra1_warning_covers_the_follow_up_assessment_too(render):
    # 004 IE1 (v): liable to prosecution for failing the initial assessment "and the
    # follow-up assessment, if so required by the drug worker".
    assert "or to attend the follow-up assessment and remain for its duration" in WARNING["ra1"]
    assert all(WARNING["ra1"] in page for page in render("ra1"))


def test_the_follow_up_element_is_said_once_in_words_not_as_a_yes(render):
    page = render("ra1")[0]
    assert "Also required to attend a follow-up assessment" not in page
    assert "You are also required to attend a follow-up assessment" in page


def test_the_custody_record_copy_is_the_receipt_signed_by_the_person(render):
    detainee, custody, cjit = render("ra1")
    assert "Signed for by the person" in custody
    assert "Given by (signature)" in custody
    assert "signature" not in detainee.lower() and "signature" not in cjit.lower()


def test_the_page_never_claims_to_be_the_official_home_office_text(render):
    for page in render("ra1"):
        assert "It is not the official Home Office text" in page


def test_copies_follow_the_answer(render):
    pages = render("ra1", copies=["detainee", "cjit"])
    assert len(pages) == 2
    assert LABELS["detainee"] in pages[0] and LABELS["cjit"] in pages[1]
    assert not any(LABELS["custody_record"] in p for p in pages)


def test_out_of_window_reason_is_for_police_and_cjit_not_the_person(render):
    # Field.printed=("custody_record", "cjit") on the form decides this, not the layout.
    reason = "Diary full until the following week"
    detainee, custody, cjit = render("ra1", out_of_window_reason=reason)
    assert reason not in detainee
    assert reason in custody and reason in cjit


def test_ra1_requirement_not_made_prints_a_custody_record_not_a_notice(render):
    answers = {k: None for k in ANSWERS["ra1"]}
    pages = render(
        "ra1",
        **{
            **answers,
            "requirement_made": False,
            "not_made_inspector_name": "Insp 0000 Example",
            "not_made_inspector_rank": "chief_inspector",
            "not_made_reasons": "Detainee in hospital; assessment arranged on the ward.",
        },
    )
    assert len(pages) == 1
    page = pages[0]
    assert LABELS["custody_record"] in page and LABELS["detainee"] not in page
    assert "Requirement not made" in page
    assert "Insp 0000 Example" in page and "Chief Inspector" in page
    assert "assessment arranged on the ward" in page
    assert "WARNING" not in page  # no requirement, so no warning


def test_ra2_says_which_arrangement_it_replaces_and_what_changed(render):
    pages = render("ra2")
    assert len(pages) == 3  # one page per copy
    for page in pages:
        assert "RA2 - Notice of variation of assessment arrangements" in page
        assert (
            "This replaces the arrangement in notice RA1-261123-SAMPLE (Tuesday 24 November "
            "2026 at 10:00, at the same place), which no longer applies."
        ) in page
        assert "closed for a fire drill" in page  # the reason for the change
        assert "Tuesday 24 November 2026 at 14:00" in page
        assert "24-30 Castle Gate" in page and "Police" in page
        assert "Telephone 0115 496 0000" in page  # the new place is a listed CJIT's address
        assert WARNING["ra2"] in page  # s.13(8): the variation repeats the warning


def test_ra2_names_a_new_place_in_full(render):
    page = render("ra2", new_place="Derby City CJIT\n3 Friar Gate\nDerby\nDE1 1BU")[0]
    assert "at Adult Offender Team (AOT), Adult Offender Building, 24-30 Castle Gate" in page


def test_ra2_varied_by_the_cjit_keeps_the_signed_copy_at_the_cjit(render):
    pages = render("ra2", varied_by="cjit", copies=["detainee", "cjit"])
    assert len(pages) == 2 and LABELS["detainee"] in pages[0]
    assert "Signed for by the person" in pages[1]


def test_ra4_confirms_the_follow_up_with_a_receipt_on_the_cjit_copy(render):
    pages = render("ra4")
    assert len(pages) == 2  # the sample's copies: detainee and CJIT
    for page in pages:
        assert "RA4 - Confirmation of requirement to attend a follow-up assessment" in page
        assert "Tuesday 24 November 2026 at 14:00" in page  # the initial assessment
        assert "Tuesday 1 December 2026 at 11:30" in page  # the follow-up
        assert "Telephone 0115 496 0000" in page
        assert WARNING["ra4"] in page
        assert "A. Example, CJIT drug worker" in page
    assert "Signed for by the person" in pages[1]


def test_ra5_states_its_reason_once_without_a_warning(render):
    pages = render("ra5")
    assert [LABELS["detainee"] in pages[0], LABELS["cjit"] in pages[1]] == [True, True]
    for page in pages:
        assert "RA5 - Confirmation that the follow-up requirement has ended" in page
        assert "no longer required to attend a follow-up assessment" in page
        assert page.count("no further intervention is needed") == 1
        assert "The drug worker decided" not in page  # the choice's label is not printed
        assert "Tuesday 24 November 2026 at 14:55" in page
        assert "WARNING" not in page
        assert "Internal note" not in page  # notes are printed=False on the form


def test_missing_optional_answers_leave_no_gaps_or_errors(render):
    pages = render("ra1", episode={"postcode": None, "phone": None, "pnc_id": None})
    cjit = pages[2]
    assert "PNC ID" not in cjit and "Phone" not in cjit
    assert EPISODE["family_name"] in cjit
