"""The DT1 record behind a court-file indicator cover sheet (000 §2.4)."""

from __future__ import annotations

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
        "Trigger offence",
        "Thursday 26 November 2026 at 10:00",
        "DT1 included in court file",
        "Notice DT1-261123-SAMPLE",
        "Page 2 of 2",
    ):
        assert text in record, text


def test_no_cover_when_the_worker_says_the_dt1_is_not_for_the_court_file(render):
    pages = render("dt1", court_file_indicator=False)
    assert len(pages) == 1 and "DT1 INCLUDED" not in pages[0]


def test_render_dt1_takes_content_of_any_kind_label():
    content = {**sample_content("dt1"), "kind": "something_else"}
    assert "DT1 INCLUDED IN THIS FILE" in page_texts(render_dt1(content))[0]
