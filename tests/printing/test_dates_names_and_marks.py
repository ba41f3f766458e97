"""Dates as the rules write them, names that never get cut, REPRINT marks and the footer."""

from __future__ import annotations

from datetime import UTC, datetime

from app.forms.times import LONDON, describe_datetime
from app.printing import render_notice
from app.printing.samples import LONG_EPISODE, sample_content

from .conftest import page_texts, squash


def test_appointment_date_is_printed_as_the_rules_describe_it_with_day_of_week(render):
    moment = datetime(2026, 12, 31, 10, 0, tzinfo=LONDON)
    page = render("ra1", appointment_at=moment)[0]
    assert describe_datetime(moment) in page
    # and independently of describe_datetime: weekday, day, month, year and 24-hour time
    assert f"{moment:%A} {moment.day} {moment:%B %Y} at {moment:%H:%M}" in page
    assert "Thursday 31 December 2026 at 10:00" in page


def test_stored_utc_times_print_in_uk_local_time_across_the_clock_change(render):
    summer = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)  # 10:30 BST
    winter = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 09:30 GMT
    assert "Wednesday 1 July 2026 at 10:30" in render("ra1", appointment_at=summer)[0]
    assert "Tuesday 1 December 2026 at 09:30" in render("ra1", appointment_at=winter)[0]


def test_a_naive_time_is_uk_local_as_a_worker_typed_it(render):
    page = render("ra4", appointment_at=datetime(2026, 12, 2, 14, 15))[0]
    assert "Wednesday 2 December 2026 at 14:15" in page


LONG_FAMILY = LONG_EPISODE["family_name"]
LONG_GIVEN = LONG_EPISODE["given_names"]
LONG_ADDRESS = LONG_EPISODE["address"]


def test_a_long_name_and_a_long_address_are_wrapped_never_cut(render):
    pages = render("ra1", episode=LONG_EPISODE)
    assert sum(LONG_FAMILY in p and LONG_GIVEN in p for p in pages) == 3  # once per copy
    address = squash(LONG_ADDRESS.replace("\n", ", "))
    assert address in squash(" ".join(pages))
    assert any("CJIT COPY" in p for p in pages)


def test_names_in_polish_romanian_and_czech_letters_come_out_right(render):
    names = {"family_name": "Wąsowicz-Ţăranu", "given_names": "Żaneta Řehoř"}
    page = render("ra1", episode=names)[0]
    assert "Wąsowicz-Ţăranu" in page and "Żaneta Řehoř" in page


def test_a_long_place_is_wrapped_not_clipped(render):
    place = "Room 3, Second Floor, " * 6 + "Nottingham NG1 7AT"
    pages = render("ra1", place=place)
    assert squash(place) in squash(" ".join(pages))


def test_a_reprint_is_marked_on_every_page_with_its_date():
    content = {**sample_content("ra1"), "reprint_at": "2026-11-30T15:45:00+00:00"}
    pages = page_texts(render_notice(content))
    assert len(pages) == 3
    for page in pages:
        assert "REPRINT - this is a copy of a notice already issued" in page
        assert "Reprinted Monday 30 November 2026 at 15:45" in page
        assert "first issued Monday 23 November 2026 at 12:31" in page


def test_a_first_print_has_no_reprint_mark(render):
    for kind in ("ra1", "ra2", "ra4", "ra5", "dt1"):
        for page in render(kind):
            assert "REPRINT" not in page


def test_every_page_has_the_reference_page_x_of_y_and_the_wording_version(render):
    pages = render("ra2")
    for number, page in enumerate(pages, start=1):
        assert "Notice RA2-261123-SAMPLE" in page
        assert f"Page {number} of {len(pages)}" in page
        assert "CJIT Desk · wording 2026.2" in page


def test_frozen_wording_is_used_for_a_reprint():
    content = sample_content("ra1")
    from app.forms.reference import ReferenceData

    wording = dict(ReferenceData.load().documents["wording"])
    wording["warnings"] = {"ra1": "WARNING: the wording in force when this was issued."}
    content["reference_documents"] = {"wording": wording}
    page = page_texts(render_notice(content))[0]
    assert "the wording in force when this was issued" in page


def test_a_reprint_of_a_notice_issued_with_older_wording_still_prints():
    from app.forms.reference import ReferenceData

    wording = dict(ReferenceData.load().documents["wording"])
    for key in ("warnings", "signatures"):
        del wording[key]  # wording 2026.1 had neither
    wording["statutory_warning"] = "WARNING: the 2026.1 warning."
    content = {**sample_content("ra1"), "reference_documents": {"wording": wording}}
    pages = page_texts(render_notice({**content, "reprint_at": "2026-11-30T15:45:00+00:00"}))
    assert "WARNING: the 2026.1 warning." in pages[0]
    assert "Signature of the person receiving this notice" in pages[1]


def test_the_reprint_band_sits_below_the_notice_number_never_over_it():
    from io import BytesIO

    from pypdf import PdfReader
    from reportlab.lib.units import mm

    content = {**sample_content("ra1"), "reprint_at": "2026-11-30T15:45:00+00:00"}
    page = PdfReader(BytesIO(render_notice(content))).pages[0]
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        for key in ("Notice number", "REPRINT - this is"):
            if text.startswith(key):
                found[key] = tm[5]

    page.extract_text(visitor_text=visit)
    number, band_text = found["Notice number"], found["REPRINT - this is"]
    band_top = band_text + 5.2 * mm  # the marker's baseline is 6.8 mm above the band's foot
    assert number - band_top >= 2 * mm, (number, band_top)


def test_rendering_is_pure_python_with_no_qt():
    import subprocess
    import sys

    code = (
        "import sys; from app.printing.samples import render_sample;"
        "[render_sample(k) for k in ('ra1','ra2','ra4','ra5','dt1')];"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=_root())


def _root() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2])
