"""The DT1 drug test record with the court-file indicator cover sheet.

Nottingham's needs assessment (000 §2.4) asks for a simple indicator on the front of the file
so the court clerk and magistrate see that a DT1 is included, and for the other substances
used or admitted so the court is informed: the cover sheet says both in large type. It also
names the arrest offence or the inspector's authority the test relied on, and states the
required assessment (004 IE1 (vi)) as the services froze it at print time: the current
appointment after any RA2 (time, place and, once recorded, attendance), or why there is none
(the requirement was not made on an inspector's authority; under 18; no positive result).
The DT1 record follows, every section printed from the DT1 form definition.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from app.forms.registry import FORMS
from app.printing import parts
from app.printing.blocks import (
    WIDTH,
    boxed,
    field_block,
    heading,
    lines_markup,
    para,
    rows_table,
)
from app.printing.content import NoticeData
from app.printing.dt1_statement import arrest_rows, assessment_block
from app.printing.page import CopyLabel, build
from app.printing.styles import styles
from app.printing.values import choice_label, positives

COVER_LABEL = "COURT FILE"
RECORD_LABEL = "DT1 RECORD"


def render_dt1(data: NoticeData) -> bytes:
    story: list[Flowable] = []
    # The worker can say this DT1 is not for the court file; otherwise the cover leads.
    if data.answers.get("court_file_indicator") is not False:
        story += [*cover_sheet(data), PageBreak()]
    story += record(data)
    return build(story, parts.furniture(data))


def cover_sheet(data: NoticeData) -> list[Flowable]:
    s = styles()
    dt1 = data.answers
    found = positives(dt1, data.reference)
    result_line = data.text("dt1.cover_positive" if found else "dt1.cover_other_result")
    story: list[Flowable] = [
        CopyLabel(COVER_LABEL),
        _banner(data.text("dt1.court_file_indicator"), s.cover),
        parts.spacer(3),
        boxed([Paragraph(escape(result_line), s.cover_sub)], border=4, shade=False),
        parts.spacer(4),
        *field_block(
            FORMS["custody_episode"],
            data.episode,
            data.reference,
            keys=(*parts.PERSON_KEYS, "pnc_id"),
            columns=3,
        ),
        heading(data.text("dt1.arrest_heading")),
        rows_table(arrest_rows(data)),
        heading("Test result"),
        *field_block(data.form, dt1, data.reference, keys=("tested_at", "results"), strong=True),
    ]
    if found:
        disputed = "dt1.disputed" if dt1.get("disputed") else "dt1.not_disputed"
        story += [parts.spacer(2), para(data.text(disputed), "warning")]
    story += [heading(data.text("dt1.other_substances_heading")), _other_substances(data)]
    story += assessment_block(data, strong=True)
    story += [parts.spacer(2), para(data.text("dt1.cover_note"))]
    return story


def record(data: NoticeData) -> list[Flowable]:
    story: list[Flowable] = [
        CopyLabel(RECORD_LABEL),
        *parts.title(data, "dt1.heading"),
        para(data.text("dt1.intro")),
        *parts.person(data),
    ]
    for section in data.form.sections:
        block = field_block(data.form, data.answers, data.reference, sections=(section.key,))
        if section.key == "authority":
            block = [rows_table(arrest_rows(data, offences_only=True)), *block]
        story += [heading(section.title), *block] if block else []
    story += assessment_block(data)
    story += [parts.spacer(), para(parts.issued_line(data), "small")]
    return story


def _other_substances(data: NoticeData) -> Flowable:
    field, dt1 = data.form.field("other_substances"), data.answers
    detail = dt1.get("other_substances_detail")
    names = [
        f"Other: {detail}"
        if value == "other" and detail
        else choice_label(field, value, data.reference)
        for value in dt1.get("other_substances") or ()
    ]
    lines = [f"• {n}" for n in names] or [data.text("dt1.no_other_substances")]
    return Paragraph(lines_markup(lines), styles().value_strong)


def _banner(text: str, style: ParagraphStyle) -> Table:
    white = ParagraphStyle("banner", parent=style, textColor=colors.white)
    table = Table([[Paragraph(escape(text), white)]], colWidths=(WIDTH,))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 7 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8 * mm),
            ]
        )
    )
    return table
