"""The DT1 record behind a court-file indicator cover sheet (000 §2.4)."""

from __future__ import annotations

from datetime import datetime

from app.printing import render_dt1
from app.printing.samples import sample_content

from .conftest import page_texts


def test_the_cover_sheet_comes_first_and_says_a_dt1_is_included(render):
    cover, record = render("dt1")
    assert "DT1 INCLUDED IN THIS FILE" in cover
    assert "POSITIVE DRUG TEST" in cover
    assert "COURT FILE" in cover
    assert "SAMPLE" in cover and "52/98765/26" in cover and "17 April 1991" in cover
    assert "Opiates (heroin): Positive" in cover
    assert "Cocaine (including crack): Positive" in cover
    assert "does not dispute" in cover
    assert "DT1 - Drug test record" in record


def test_the_cover_tells_the_court_about_other_substances(render):
    cover, _ = render("dt1")
    assert "Other substances used or admitted (for the court's information)" in cover
    for name in ("Alcohol", "Cannabis", "Other: Pregabalin (not prescribed)"):
        assert name in cover


def test_a_disputed_result_is_unmistakable_on_the_cover(render):
    cover, _ = render("dt1", disputed=True, results={"opiates": "negative", "cocaine": "positive"})
    assert "DISPUTES the result" in cover
    assert "Cocaine (including crack): Positive" in cover
    assert "Opiates (heroin): Negative" in cover


def test_no_other_substances_says_so(render):
    cover, _ = render("dt1", other_substances=None, other_substances_detail=None)
    assert "None recorded." in cover


def test_the_record_page_prints_every_section_of_the_dt1_form(render):
    _, record = render("dt1")
    for text in (
        "Test completed",
        "Monday 23 November 2026 at 11:05",
        "PC 0000 Example",
        "Arrest offence(s) Theft (Theft Act 1968 s.1)",
        "Trigger offence",
        "Required assessment",
        "Tuesday 24 November 2026 at 14:00",
        "DT1 included in court file",
        "Notice DT1-261123-SAMPLE",
        "Page 2 of 2",
    ):
        assert text in record, text


def test_the_cover_states_the_current_assessment_time_place_and_attendance(render):
    cover, _ = render("dt1")
    assert "Arrest offence(s) Theft (Theft Act 1968 s.1)" in cover
    assert "Authority for the test Arrest for a trigger offence" in cover
    # The RA2 moved the appointment from 10:00 to 14:00: the DT1 states the current one.
    assert "(notice RA2-261123-SAMPLE)" in cover
    assert "Date and time Tuesday 24 November 2026 at 14:00" in cover
    assert "Tuesday 24 November 2026 at 10:00" not in cover
    assert "Place Adult Offender Team (AOT), Adult Offender Building, 24-30 Castle Gate" in cover
    assert "Attendance Attended and remained" in cover


def test_the_attendance_is_shown_once_known(render):
    content = sample_content("dt1")
    content["assessment"] = {**content["assessment"], "attendance": None}
    cover = page_texts(render_dt1(content))[0]
    assert "Attendance Not yet known" in cover


def test_a_dt1_for_a_requirement_not_made_names_the_inspector_and_reasons():
    content = sample_content("dt1")
    content["assessment"] = {
        "status": "not_made",
        "notice": "RA1-261123-ABCDEF",
        "not_made": {
            "inspector": "Insp 0000 Example",
            "rank": "chief_inspector",
            "authorised_at": "2026-11-23T12:10:00+00:00",
            "reasons": "Detainee taken to hospital.",
        },
    }
    cover = page_texts(render_dt1(content))[0]
    assert "was not made, on an inspector's authority (notice RA1-261123-ABCDEF)" in cover
    assert "Authorised by Chief Inspector Insp 0000 Example" in cover
    assert "Authorised at Monday 23 November 2026 at 12:10" in cover
    assert "Reasons Detainee taken to hospital." in cover


def test_a_dt1_of_an_under_18_says_the_assessment_does_not_apply():
    content = {
        **sample_content("dt1"),
        "assessment": {"status": "not_applicable", "under_18": True},
    }
    cover = page_texts(render_dt1(content))[0]
    assert "The person is under 18: the required assessment does not apply." in cover


def test_a_negative_dt1_prints_without_an_assessment(render):
    negative = {"opiates": "negative", "cocaine": "negative"}
    content = {
        **sample_content("dt1", results=negative, disputed=None),
        "assessment": {"status": "not_applicable"},
    }
    cover = page_texts(render_dt1(content))[0]
    assert "DRUG TEST RECORD" in cover and "POSITIVE" not in cover
    assert "No positive result: no required assessment." in cover


def test_a_dt1_under_an_inspectors_authority_names_the_inspector(render):
    pages = render(
        "dt1",
        authority="inspector",
        inspector_name="Insp 0000 Example",
        inspector_rank="inspector",
        inspector_authorised_at=datetime(2026, 11, 23, 10, 50),
        inspector_grounds="Found with wraps of brown powder.",
        episode={"arrest_offences": [], "arrest_offence_other": "Assault by beating"},
    )
    cover = pages[0]  # one page; the record after it may run to two with the inspector
    assert "Assault by beating (not a trigger offence)" in cover
    assert "Inspector's authority: Inspector Insp 0000 Example" in cover
    assert "Given Monday 23 November 2026 at 10:50" in cover
    assert "Grounds: Found with wraps of brown powder." in cover


def test_no_cover_when_the_worker_says_the_dt1_is_not_for_the_court_file(render):
    pages = render("dt1", court_file_indicator=False)
    assert len(pages) == 1 and "DT1 INCLUDED" not in pages[0]


def test_render_dt1_takes_content_of_any_kind_label():
    content = {**sample_content("dt1"), "kind": "something_else"}
    assert "DT1 INCLUDED IN THIS FILE" in page_texts(render_dt1(content))[0]
