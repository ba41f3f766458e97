"""Parts shared by the documents: who the person is, the warning, who gave the notice.

Each part prints fields of a form definition through ``field_block``; the choice of which
section or keys a part shows is the only thing decided here.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.forms.registry import FORMS
from app.forms.times import describe_datetime
from app.printing.blocks import boxed, field_block, para
from app.printing.content import NoticeData
from app.printing.page import Furniture

# The person as the notice names them (004 IE1: name, date of birth, custody record number).
PERSON_KEYS = ("family_name", "given_names", "date_of_birth", "custody_record_number")
# What the assessing CJIT needs to reach the person (004 IE1 (vii)), on the CJIT copy only.
CONTACT_KEYS = ("address", "postcode", "phone", "pnc_id")


def title(data: NoticeData, wording_path: str) -> list[Flowable]:
    # The notice number is in the header and footer of every page, so no line is spent here.
    return [para(data.text(wording_path), "title")]


def person(data: NoticeData, *, contact: bool = False) -> list[Flowable]:
    """The person's name, date of birth and custody record number; with `contact`, also what
    the assessing CJIT needs to reach them (the CJIT copy, 004 IE1 (vii))."""
    keys = (*PERSON_KEYS, *CONTACT_KEYS) if contact else PERSON_KEYS
    return field_block(
        FORMS["custody_episode"],
        data.episode,
        data.reference,
        keys=keys,
        columns=4,
        compact=contact,
    )


def statutory_warning(data: NoticeData, kind: str | None = None) -> Flowable:
    """The warning of this notice (wording "warnings.<kind>": the RA1's covers the follow-up
    too, 004 IE1 (v)), else the general statutory warning."""
    text = data.text(f"warnings.{kind}", fallback="statutory_warning") if kind else None
    return KeepTogether(
        [
            Spacer(1, 3 * mm),
            boxed([para(text or data.text("statutory_warning"), "warning")], pad=3 * mm),
        ]
    )


def given(data: NoticeData, copy: str | None = None) -> list[Flowable]:
    """Who gave the notice and when (the form's "given" section), then who issued it here."""
    parts: list[Flowable] = [spacer(2)]
    parts += field_block(
        data.form, data.answers, data.reference, sections=("given",), columns=3, copy=copy
    )
    parts.append(Spacer(1, 2 * mm))
    parts.append(para(issued_line(data), "small"))
    return [KeepTogether(parts)]


def issued_line(data: NoticeData) -> str:
    at = describe_datetime(data.issued_at) if data.issued_at else "(not yet issued)"
    return data.text("issued_line").format(by=data.issued_by or "an unknown user", at=at)


def furniture(data: NoticeData) -> Furniture:
    reprint = None
    if data.reprint_at:
        issued = describe_datetime(data.issued_at) if data.issued_at else "unknown"
        reprint = (
            data.text("reprint_marker"),
            f"Reprinted {describe_datetime(data.reprint_at)} · first issued {issued}",
        )
    version = data.wording_version
    if data.issued_wording_version and data.issued_wording_version != version:
        version = f"{version} (issued with {data.issued_wording_version})"
    return Furniture(
        title=f"{data.form.short_title} {data.number}",
        number=data.number,
        wording_version=version,
        not_official=data.text("not_official_notice"),
        reprint=reprint,
    )


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)
