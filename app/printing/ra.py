"""The written notices of the required assessment: RA1, RA2, RA4 and RA5.

One layout for all four, one page per copy (004 IE1 (vi)-(vii)): copy label, the notice's
title and number, the person, what they must do (the notice's wording), the time, date and
place from the form, the warning of that notice (the RA1's covers the follow-up, 004 IE1 (v)),
who gave it and when. The copy kept by whoever gave the notice (the custody record copy when
there is one, else the CJIT copy) carries the receipt: the person signs for their copy and the
giver signs. The CJIT copy adds the person's contact details. An RA2 first says which
arrangement it replaces. What each copy shows of the form is each field's `printed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable, PageBreak

from app.forms.notices import COPIES
from app.forms.times import describe_datetime
from app.printing import parts
from app.printing.blocks import (
    Row,
    field_block,
    field_rows,
    heading,
    para,
    rows_table,
    signature_lines,
)
from app.printing.content import NoticeData
from app.printing.page import CopyLabel, build


@dataclass(frozen=True)
class Layout:
    sections: tuple[str, ...]  # the form sections printed under their own titles
    warning: bool = True
    fixed_copies: tuple[str, ...] | None = None  # for a form with no "copies" question


LAYOUTS = {
    "ra1": Layout(("appointment",)),
    "ra2": Layout(("varies", "appointment")),
    "ra4": Layout(("initial", "appointment")),
    # RA5 ends a requirement: no warning. The form has no copies question: the person keeps
    # one and the CJIT files one (decision recorded in the printing report).
    "ra5": Layout(("ended",), warning=False, fixed_copies=("detainee", "cjit")),
}
# Sections whose answers are what the person must act on: printed larger and bold.
ACTION_SECTIONS = ("appointment",)


def render_ra(data: NoticeData) -> bytes:
    if data.kind == "ra1" and data.answers.get("requirement_made") is False:
        return build(ra1_not_made(data), parts.furniture(data))
    layout = LAYOUTS[data.kind]
    story: list[Flowable] = []
    for copy in copies(data, layout):
        story += copy_story(data, layout, copy)
        story.append(PageBreak())
    return build(story[:-1], parts.furniture(data))


def copies(data: NoticeData, layout: Layout) -> list[str]:
    chosen = layout.fixed_copies or tuple(data.answers.get("copies") or ())
    ordered = [value for value, _ in COPIES if value in chosen]
    return ordered or ["detainee"]  # a notice printed with no copy at all helps nobody


def copy_story(data: NoticeData, layout: Layout, copy: str) -> list[Flowable]:
    story: list[Flowable] = [
        CopyLabel(data.text(f"copy_labels.{copy}")),
        *parts.title(data, f"{data.kind}.heading"),
        *parts.person(data, contact=copy == "cjit"),
        parts.spacer(3),
        para(data.text(f"{data.kind}.body")),
    ]
    if data.kind == "ra5" and data.answers.get("reason"):
        # The reason is said once, in the notice's words (the field is printed=False).
        story.append(para(data.text(f"ra5.reasons.{data.answers['reason']}")))
    for section in data.form.sections:
        if section.key in layout.sections:
            story += _section(data, section.key, section.title, copy)
    if layout.warning:
        story.append(parts.statutory_warning(data, data.kind))
    story += parts.given(data, copy) if _has_given(data) else [parts.spacer(), _issued(data)]
    if copy == receipt_copy(data, layout):
        story.append(
            signature_lines(
                [
                    data.text("signatures.person"),
                    data.text("signatures.officer"),
                    data.text("signatures.when"),
                ]
            )
        )
    if copy == "cjit":
        story.append(para(data.text("ra1.cjit_copy_note"), "small"))
    return story


def receipt_copy(data: NoticeData, layout: Layout) -> str | None:
    """The copy the giver keeps, signed by the person as a receipt: the custody record's
    when the police keep one, else the CJIT's (a CJIT variation, the RA4, the RA5)."""
    chosen = copies(data, layout)
    for copy in ("custody_record", "cjit"):
        if copy in chosen:
            return copy
    return None


def _replaces(data: NoticeData) -> list[Flowable]:
    """004 IE1: the RA2 says which arrangement it replaces, so nobody goes to the old one."""
    replaced = data.frozen.get("replaces")
    if not isinstance(replaced, dict):  # frozen before the RA2 recorded what it replaced
        notice = str(data.answers.get("varies_notice") or "")
        return [para(data.text("ra2.varies_line").format(notice=notice))] if notice else []
    try:
        was = describe_datetime(datetime.fromisoformat(str(replaced.get("at"))))
    except ValueError:
        was = "the time given"
    place = [line for line in str(replaced.get("place") or "").splitlines() if line.strip()]
    new_place = [line for line in str(data.answers.get("new_place") or "").splitlines()]
    if place and [p.strip() for p in place] == [p.strip() for p in new_place if p.strip()]:
        was += ", at the same place"
    elif place:
        was += ", at " + ", ".join(p.strip() for p in place)
    notice = str(replaced.get("notice") or data.answers.get("varies_notice") or "")
    return [para(data.text("ra2.replaces_line").format(notice=notice, was=was))]


def ra1_not_made(data: NoticeData) -> list[Flowable]:
    """No requirement made: an Inspector's authorised decision for the custody record, not a
    notice to the person (004 IE1 (i)), so it prints once, as the custody record copy."""
    return [
        CopyLabel(data.text("copy_labels.custody_record")),
        *parts.title(data, "ra1.not_made_heading"),
        *parts.person(data),
        parts.spacer(4),
        para(data.text("ra1.not_made_body")),
        *field_block(data.form, data.answers, data.reference, sections=("not_made",)),
        parts.spacer(),
        _issued(data),
        signature_lines([data.text("signatures.officer")]),
    ]


def _section(data: NoticeData, key: str, title: str, copy: str) -> list[Flowable]:
    rows = field_rows(data.form, data.answers, data.reference, sections=(key,), copy=copy)
    if data.kind == "ra2" and key == "appointment":
        rows += _contact_for_place(data, str(data.answers.get("new_place") or ""))
    if data.kind == "ra2" and key == "varies":
        # 004 IE1: the RA2 first says which arrangement it replaces.
        return [heading(title), *_replaces(data), rows_table(rows, columns=2)]
    if not rows:
        return []
    strong = key in ACTION_SECTIONS
    # The place a person must go to is written on one wrapped line: a copy stays one page.
    table = rows_table(rows, strong=strong, columns=2 if strong else 3, compact=strong)
    return [heading(title), table]


def _contact_for_place(data: NoticeData, place: str) -> list[Row]:
    """RA2 has a place but no CJIT question: when the new place is a CJIT's address from the
    SPOC list, print that CJIT's name and phone so the person can ring them."""
    wanted = _squash(place)
    for cjit in data.reference.spoc_directory:
        if wanted and _squash(data.reference.spoc_address(cjit["id"])) == wanted:
            lines = [str(cjit["name"])] + (
                [f"Telephone {cjit['phone']}"] if cjit.get("phone") else []
            )
            return [("Contact", lines)]
    return []


def _squash(text: str) -> str:
    return " ".join(text.replace(",", " ").split()).casefold()


def _has_given(data: NoticeData) -> bool:
    return any(s.key == "given" for s in data.form.sections)


def _issued(data: NoticeData) -> Flowable:
    return para(parts.issued_line(data), "small")
