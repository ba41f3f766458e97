"""The typeface every document uses, registered once per process from files we ship.

DejaVu Sans is bundled in ``app/printing/fonts/`` (Bitstream Vera licence, see
LICENSE-DejaVu.txt) because reportlab's own Vera lacks the letters of many names written in
a Bridewell custody record: Polish ą ę ś ż ń, Romanian ș ț ă, Czech ř ě ů print as black boxes.
A name on a legal notice must come out right. If the bundled files are missing (a build that
forgot them), reportlab's Vera is used so printing still works. No system font is ever read:
a frozen app cannot rely on them.
"""

from __future__ import annotations

import threading
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "NoticeSans"
BOLD = "NoticeSans-Bold"

_BUNDLED = Path(__file__).resolve().parent / "fonts"
_REPORTLAB = Path(reportlab.__file__).resolve().parent / "fonts"
_CANDIDATES = (
    (_BUNDLED / "DejaVuSans.ttf", _BUNDLED / "DejaVuSans-Bold.ttf"),
    (_REPORTLAB / "Vera.ttf", _REPORTLAB / "VeraBd.ttf"),
)


_REGISTERING = threading.Lock()
_REGISTERED: list[str] = []  # the regular face's file name, once registered


def register() -> str:
    """Register the notice fonts (once) and return the file name of the regular face used.
    Under a lock: the warm-up (a pool thread) and a first notice (the store's) may both come
    here first, and fonts registered twice would be replaced under a notice being laid out."""
    with _REGISTERING:
        if not _REGISTERED:
            _REGISTERED.append(_register())
        return _REGISTERED[0]


def _register() -> str:
    for regular, bold in _CANDIDATES:
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
            return regular.name
    raise RuntimeError("No notice font found: the printing fonts are missing from this build.")
