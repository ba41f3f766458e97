"""Type and spacing: large and plain, because people read these notices in distress and some
read with difficulty. Body text is 12.5 pt, answers 12.5-13.5 pt, labels 11 pt, the warning 13.5 pt bold in a box."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from app.printing import fonts

INK = colors.black
GREY = colors.HexColor("#444444")
RULE = colors.HexColor("#777777")
SHADE = colors.HexColor("#EEEEEE")
MARGIN = 16 * mm
TOP_MARGIN = 19 * mm  # room for the copy label and the REPRINT band
BOTTOM_MARGIN = 19 * mm  # room for the footer


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    value_strong: ParagraphStyle
    warning: ParagraphStyle
    small: ParagraphStyle
    cover: ParagraphStyle
    cover_sub: ParagraphStyle


@cache
def styles() -> Styles:
    fonts.register()
    regular, bold = fonts.REGULAR, fonts.BOLD

    def style(name: str, size: float, font: str = regular, **kw: object) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        kw.setdefault("leading", size * 1.3)
        return ParagraphStyle(name, fontName=font, fontSize=size, **kw)

    return Styles(
        title=style("title", 17, bold, leading=21, spaceAfter=3 * mm),
        subtitle=style("subtitle", 11, textColor=GREY, spaceAfter=2 * mm),
        heading=style("heading", 13.5, bold, spaceBefore=2.5 * mm, spaceAfter=1 * mm),
        body=style("body", 12.5, leading=16, spaceAfter=2 * mm),
        label=style("label", 11, textColor=GREY),
        value=style("value", 12.5, leading=15.5),
        value_strong=style("value_strong", 13.5, bold, leading=17),
        warning=style("warning", 13.5, bold, leading=17),
        small=style("small", 9, textColor=GREY),
        cover=style("cover", 28, bold, alignment=TA_CENTER, leading=34),
        cover_sub=style("cover_sub", 20, bold, alignment=TA_CENTER, leading=26),
    )
