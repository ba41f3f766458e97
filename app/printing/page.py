"""The page around every document: copy label, REPRINT band, footer with "page x of y".

The furniture is drawn when the canvas saves (the "numbered canvas" recipe), so the total page
count is known without laying the document out twice: one pass keeps a three-copy RA1 fast.
Everything is written to an in-memory buffer: a notice never touches the disk.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from app.printing import fonts
from app.printing.styles import BOTTOM_MARGIN, GREY, MARGIN, TOP_MARGIN, styles

PAGE_W, PAGE_H = A4
# The REPRINT band sits below the header's notice number (never over it): its top edge is
# 9 mm below the header line, 3 mm clear of the number's descenders.
REPRINT_BAND = 12 * mm
REPRINT_TOP = 9 * mm


@dataclass(frozen=True)
class Furniture:
    title: str
    number: str  # the notice reference, on every page
    wording_version: str
    not_official: str
    reprint: tuple[str, str] | None = None  # the REPRINT band: marker, then when


class CopyLabel(Flowable):
    """Invisible marker: the pages from here on belong to this copy (drawn in the header)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.copy_label = self.label  # type: ignore[attr-defined]


def build(story: list[Flowable], furniture: Furniture) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP_MARGIN + (REPRINT_BAND + 4 * mm if furniture.reprint else 0),
        bottomMargin=BOTTOM_MARGIN,
        title=furniture.title,
        author="CJIT Desk",
        creator="CJIT Desk",
        subject=furniture.number,
    )
    doc.build(story, canvasmaker=_canvas_class(furniture))
    return buffer.getvalue()


def _canvas_class(furniture: Furniture) -> type[Canvas]:
    class NoticeCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.copy_label: str | None = None

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _draw_furniture(self, furniture, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NoticeCanvas


def _draw_furniture(c: Canvas, f: Furniture, number: int, total: int) -> None:
    c.saveState()
    top = PAGE_H - 10 * mm
    c.setFillColor(GREY)
    c.setFont(fonts.REGULAR, 9)
    c.drawString(MARGIN, top, "CJIT Desk · Criminal Justice Intervention Team")
    c.setFont(fonts.BOLD, 11)
    c.setFillColor(colors.black)
    c.drawString(MARGIN, top - 5 * mm, f"Notice number {f.number}")
    label = getattr(c, "copy_label", None)
    if label:
        _copy_label(c, label, top)
    if f.reprint:
        _reprint(c, f.reprint, top - REPRINT_TOP - REPRINT_BAND)
    _footer(c, f, number, total)
    c.restoreState()


def _copy_label(c: Canvas, label: str, top: float) -> None:
    size = 14
    width = c.stringWidth(label, fonts.BOLD, size) + 8 * mm
    x, y = PAGE_W - MARGIN - width, top - 3 * mm
    c.setFillColor(colors.black)
    c.rect(x, y, width, 9 * mm, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(fonts.BOLD, size)
    c.drawCentredString(x + width / 2, y + 2.6 * mm, label)


def _reprint(c: Canvas, text: tuple[str, str], y: float) -> None:
    c.setStrokeColor(colors.black)
    c.setLineWidth(1.5)
    c.rect(MARGIN, y, PAGE_W - 2 * MARGIN, REPRINT_BAND, stroke=1, fill=0)
    c.setFillColor(colors.black)
    c.setFont(fonts.BOLD, 12)
    c.drawCentredString(PAGE_W / 2, y + 6.8 * mm, text[0])
    c.setFont(fonts.REGULAR, 10)
    c.drawCentredString(PAGE_W / 2, y + 2.2 * mm, text[1])
    # A faint diagonal word as well, so a photocopy of part of the page still says REPRINT.
    c.saveState()
    c.setFillColor(colors.black, alpha=0.08)
    c.setFont(fonts.BOLD, 110)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(50)
    c.drawCentredString(0, -35, "REPRINT")
    c.restoreState()


def _footer(c: Canvas, f: Furniture, number: int, total: int) -> None:
    y = BOTTOM_MARGIN - 8 * mm
    c.setStrokeColor(GREY)
    c.setLineWidth(0.5)
    c.line(MARGIN, y + 5 * mm, PAGE_W - MARGIN, y + 5 * mm)
    c.setFillColor(colors.black)
    c.setFont(fonts.BOLD, 10)
    c.drawString(MARGIN, y, f"Notice {f.number}")
    c.drawRightString(PAGE_W - MARGIN, y, f"Page {number} of {total}")
    # The wording version goes on the small line below, so a long version never runs into
    # the notice number.
    text = f"CJIT Desk · wording {f.wording_version}. {f.not_official}"
    note = Paragraph(escape(text), styles().small)
    _, height = note.wrap(PAGE_W - 2 * MARGIN, 20 * mm)
    note.drawOn(c, MARGIN, y - 1.5 * mm - height)
