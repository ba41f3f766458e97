"""The written notices of the required assessment: RA1, RA2, RA4 and RA5.

One layout for all four, one page per copy (004 IE1 (vi)-(vii)): copy label, the notice's
title and number, the person, what they must do (the notice's wording), the time, date and
place from the form, the statutory warning, who gave it and when. The custody record copy adds
signature lines; the CJIT copy adds the person's contact details.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, PageBreak

from app.forms.notices import COPIES
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
# Internal notes for the custody record and the CJIT, not the person's copy.
INTERNAL_FIELDS = ("out_of_window_reason",)
# Answers the notice's wording already states: an issued RA1 always has this "Yes" (its
# check_made requires it) and the body says it in words, so printing it costs a copy its
# single page. Better as `printed=False` on the field in app/forms/ra1.py (forms issue).
STATED_BY_WORDING = ("follow_up_required_if_assessor_requires",)
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
        story.append(para(data.text(f"ra5.reasons.{data.answers['reason']}")))
    omit = STATED_BY_WORDING + (INTERNAL_FIELDS if copy == "detainee" else ())
    for section in data.form.sections:
        if section.key in layout.sections:
            story += _section(data, section.key, section.title, omit)
    if layout.warning:
        story.append(parts.statutory_warning(data))
    story += parts.given(data) if _has_given(data) else [parts.spacer(), _issued(data)]
    if copy == "custody_record":
        story.append(
            signature_lines([data.text("signatures.person"), data.text("signatures.officer")])
        )
    if copy == "cjit":
        story.append(para(data.text("ra1.cjit_copy_note"), "small"))
    return story


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


def _section(data: NoticeData, key: str, title: str, omit: tuple[str, ...]) -> list[Flowable]:
    rows = field_rows(data.form, data.answers, data.reference, sections=(key,), omit=omit)
    if data.kind == "ra2" and key == "appointment":
        rows += _contact_for_place(data, str(data.answers.get("new_place") or ""))
    if not rows:
        return []
    strong = key in ACTION_SECTIONS
    return [heading(title), rows_table(rows, strong=strong, columns=2 if strong else 3)]


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
