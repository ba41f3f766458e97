"""The documents of the rest of the pathway (issue 13), each for someone outside the CJIT:

- the evidential statement for the police of a failure to attend or remain (``fta_report``;
  Drugs Act 2005 s.14): who, what was required, the notice served, what happened, in the
  drug worker's words, with a declaration and signature. The Home Office template's exact
  wording was not found: the statement is built from its elements and the page says it is
  not the official text;
- the referral to the receiving prison after a remand (``remand``, 000 §2.4);
- the transfer record for the CJIT of residence (``transfer``, 004 IE4a), with the test;
- the outcome report for Probation (``drr_report``);
- the additional Annex E appointment letter (``annex_e_fu``), laid out like the first.

Each prints the form's own fields by section (``Field.printed``); the wording (titles,
addressee lines, the declaration) comes from ``resources/wording.json`` with the defaults in
``app.printing.wording`` until a partnership adds them.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.forms.times import describe_datetime
from app.printing import annex_e, parts
from app.printing.blocks import field_block, field_rows, heading, para, rows_table, signature_lines
from app.printing.content import NoticeData
from app.printing.page import CopyLabel, build


def render_pathway(data: NoticeData) -> bytes:
    story = {
        "fta_report": statement,
        "annex_e_fu": annex_e_letter,
    }.get(data.kind, referral)(data)
    return build(story, parts.furniture(data))


def _sections(data: NoticeData, *keys: str) -> list[Flowable]:
    out: list[Flowable] = []
    for section in data.form.sections:
        if keys and section.key not in keys:
            continue
        rows = field_block(data.form, data.answers, data.reference, sections=(section.key,))
        if rows:
            out += [heading(section.title), *rows]
    return out


def statement(data: NoticeData) -> list[Flowable]:
    """Who, what was required, the notice served, what happened; then the declaration."""
    a = data.answers
    who = a.get("statement_by") or "the drug worker"
    role = a.get("statement_role") or data.text("fta_report.default_role")
    story: list[Flowable] = [
        CopyLabel(data.text("fta_report.copy_label")),
        *parts.title(data, "fta_report.heading"),
        para(data.text("fta_report.statement_of").format(name=who, role=role)),
        parts.spacer(2),
        heading("The person"),
        *parts.person(data),
        *_sections(data, "required"),
        para(_narrative(data)),
        *_sections(data, "happened"),
        parts.spacer(3),
        para(data.text("fta_report.declaration"), "warning"),
        signature_lines([data.text("fta_report.signed"), data.text("signatures.when")]),
        *_sections(data, "report"),
        parts.spacer(),
        para(parts.issued_line(data), "small"),
    ]
    return story


def _narrative(data: NoticeData) -> str:
    a = data.answers
    at = a.get("required_at")
    served = a.get("notice_served_at")
    what = "attend" if a.get("outcome") == "failed_to_attend" else "remain for the duration of"
    which = "follow-up" if a.get("assessment") == "follow_up" else "initial"
    return data.text("fta_report.narrative").format(
        notice=a.get("notice_reference") or "(no number)",
        served=describe_datetime(served) if served else "(time not recorded)",
        which=which,
        at=describe_datetime(at) if at else "(time not recorded)",
        place=", ".join(
            line.strip() for line in str(a.get("place") or "").splitlines() if line.strip()
        ),
        what=what,
    )


def referral(data: NoticeData) -> list[Flowable]:
    """The prison referral, the transfer record or the report to Probation."""
    story: list[Flowable] = [
        CopyLabel(data.text(f"{data.kind}.copy_label")),
        *parts.title(data, f"{data.kind}.heading"),
        para(data.text(f"{data.kind}.body")),
        parts.spacer(2),
        heading("The person"),
        *parts.person(data, contact=True),
    ]
    if data.kind == "transfer" and data.dt1:
        rows = field_rows(
            data.form_of("dt1"), data.dt1, data.reference, keys=("tested_at", "results", "disputed")
        )
        if rows:
            story += [heading("Drug test on arrest"), rows_table(rows, columns=3, compact=True)]
    story += _sections(data)
    story += [
        parts.spacer(3),
        signature_lines([data.text("signatures.sent_by"), data.text("signatures.when")]),
        parts.spacer(),
        para(parts.issued_line(data), "small"),
    ]
    return story


def annex_e_letter(data: NoticeData) -> list[Flowable]:
    return annex_e.letter(
        data, keys=("second_appointment_at", "second_place"), wording="annex_e_fu"
    )
