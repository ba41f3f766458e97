"""The generic pieces every document is built from.

``field_block`` walks a form definition's sections and fields (skipping fields whose
``printed`` leaves out this copy, and fields not visible for these answers) and prints each
answer beside its
``printed_label``: no field is laid out by hand in any document, so a question added to a form
appears on its notice without touching this package. Everything wraps (Paragraphs inside
Tables), so a long name or address grows the page downwards instead of being clipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.forms.definition import FormDefinition
from app.forms.fields import answered
from app.forms.reference import ReferenceData
from app.printing.styles import INK, MARGIN, RULE, SHADE, styles
from app.printing.values import describe

Row = tuple[str, list[str]]
WIDTH = 210 * mm - 2 * MARGIN
LABEL_WIDTH = 60 * mm
NOT_RECORDED = "Not recorded"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TALL_ROW = 100 * mm  # a row taller than this may be split across pages
MIN_ROW_PART = 15 * mm


def field_rows(
    form: FormDefinition,
    answers: Mapping[str, Any],
    reference: ReferenceData,
    *,
    sections: Collection[str] | None = None,
    keys: Collection[str] | None = None,
    omit: Collection[str] = (),
    copy: str | None = None,
) -> list[Row]:
    """(label, lines) for each field printed on `copy` and visible, in the form's own order
    (or in the order of `keys` when a sequence is given)."""
    rows: list[tuple[str, Row]] = []
    for section in form.sections:
        if sections is not None and section.key not in sections:
            continue
        for f in section.fields:
            if not f.printed_on(copy) or f.key in omit or (keys is not None and f.key not in keys):
                continue
            if not f.is_visible(answers):
                continue
            if answered(answers, f.key):
                rows.append((f.key, (f.printed_label, describe(f, answers[f.key], reference))))
            elif f.is_required(answers):
                # An issued notice has every required answer; an old or odd record shows the
                # gap instead of silently dropping the line.
                rows.append((f.key, (f.printed_label, [NOT_RECORDED])))
    if isinstance(keys, Sequence):
        rows.sort(key=lambda pair: list(keys).index(pair[0]))
    return [row for _, row in rows]


def rows_table(
    rows: Sequence[Row], *, strong: bool = False, columns: int = 1, compact: bool = False
) -> Table:
    """Label beside value, one answer a row; or, with `columns` > 1, several answers a row
    with each label above its value, which keeps a copy on one page. `compact` writes a
    multi-line answer (an address) on one wrapped line."""
    s = styles()
    value_style = s.value_strong if strong else s.value

    def value(lines: list[str]) -> Paragraph:
        return Paragraph(lines_markup([", ".join(lines)] if compact else lines), value_style)

    if columns > 1:
        # Where a half-row line must not wrap (the day and time to attend) it takes the row.
        measured = [(label, [", ".join(lines)]) for label, lines in rows] if compact else rows
        data, spans = _grid(
            rows, value, value_style, columns, max_lines=1 if strong else 2, measured=measured
        )
        widths: tuple[float, ...] = (WIDTH / columns,) * columns
    else:
        data = [[Paragraph(printable(label), s.label), value(lines)] for label, lines in rows]
        widths, spans = (LABEL_WIDTH, WIDTH - LABEL_WIDTH), []
    table = Table(data, colWidths=widths, hAlign="LEFT")
    if _tallest_row(data, widths) > TALL_ROW:
        # One answer taller than a page (3000 characters of a remand's assessment details,
        # a prescribing list one drug a line) could never be placed whole: reportlab would
        # fail the print (LayoutError). Such a table may split inside a row, never leaving
        # less than MIN_ROW_PART on either page; an ordinary notice lays out as before.
        table.splitInRow = MIN_ROW_PART
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 0.9 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                *(("SPAN", (0, r), (-1, r)) for r in spans),
            ]
        )
    )
    return table


def _tallest_row(data: Sequence[Sequence[Any]], widths: Sequence[float]) -> float:
    def height(cell: Any, width: float) -> float:
        items = cell if isinstance(cell, list) else [cell]
        return sum(f.wrap(width, 10 * TALL_ROW)[1] for f in items if isinstance(f, Flowable))

    return max(
        (max(height(c, w) for c, w in zip(row, widths, strict=False)) for row in data), default=0
    )


def _grid(
    rows: Sequence[Row],
    value: Callable[[list[str]], Paragraph],
    style: ParagraphStyle,
    columns: int,
    max_lines: int,
    measured: Sequence[Row] | None = None,
) -> tuple[list[list[Any]], list[int]]:
    """Answers `columns` to a row in form order, except that an answer which would wrap to
    more than `max_lines` in its column (a long reason) takes a whole row, and answers waiting
    to fill a row may move below it: no half-empty rows, nothing squeezed."""
    room = (WIDTH / columns - 12) * max_lines
    data: list[list[Any]] = []
    spans: list[int] = []
    pending: list[Any] = []
    for (label, lines), (_, as_printed) in zip(rows, measured or rows, strict=True):
        cell = [Paragraph(printable(label), styles().label), value(lines)]
        if any(stringWidth(line, style.fontName, style.fontSize) > room for line in as_printed):
            spans.append(len(data))
            data.append([cell] + [""] * (columns - 1))
            continue
        pending.append(cell)
        if len(pending) == columns:
            data.append(pending)
            pending = []
    if pending:
        data.append(pending + [[Spacer(1, 0)]] * (columns - len(pending)))
    return data, spans


def field_block(
    form: FormDefinition,
    answers: Mapping[str, Any],
    reference: ReferenceData,
    *,
    strong: bool = False,
    columns: int = 1,
    compact: bool = False,
    **select: Any,
) -> list[Flowable]:
    rows = field_rows(form, answers, reference, **select)
    return [rows_table(rows, strong=strong, columns=columns, compact=compact)] if rows else []


def printable(text: str) -> str:
    """Text as Paragraph markup, without the control characters a pasted or synced answer
    may carry (a bell, an escape sequence): no font has a glyph for them, so they would print
    as empty boxes on a document for the police or a court. Line breaks are kept."""
    return escape(_CONTROL.sub("", text))


def lines_markup(lines: Sequence[str]) -> str:
    return "<br/>".join(printable(line) for line in lines)


def heading(text: str) -> Paragraph:
    return Paragraph(printable(text), styles().heading)


def para(text: str, style_name: str = "body") -> Paragraph:
    return Paragraph(printable(text), getattr(styles(), style_name))


def boxed(
    flowables: list[Flowable], *, border: float = 2.5, shade: bool = True, pad: float = 4 * mm
) -> Table:
    """A heavy box around the warning (or the cover-sheet banner) so it cannot be missed."""
    table = Table([[flowables]], colWidths=(WIDTH,))
    commands = [
        ("BOX", (0, 0), (-1, -1), border, INK),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    if shade:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def signature_lines(labels: Sequence[str]) -> KeepTogether:
    """Lines to sign on, side by side with a gap between (the custody record copy)."""
    s = styles()
    gap = 10 * mm
    width = (WIDTH - gap * (len(labels) - 1)) / len(labels)
    row: list[Any] = []
    widths: list[float] = []
    for label in labels:
        row += [Paragraph(printable(label), s.label), ""]
        widths += [width, gap]
    table = Table(
        [[""] * (len(row) - 1), row[:-1]], colWidths=widths[:-1], rowHeights=[10 * mm, None]
    )
    table.setStyle(
        TableStyle(
            [
                *(("LINEBELOW", (c, 0), (c, 0), 0.8, INK) for c in range(0, len(row) - 1, 2)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 1 * mm), table])
