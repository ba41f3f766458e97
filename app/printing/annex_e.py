"""The Annex E appointment letter, for the person (004 §4.8, §4.9).

After identification by proactive engagement the police arrange an appointment with the CJIT;
there is no legal sanction for not attending (004 §4.8), so the letter says so in plain words
and carries no warning. One copy, for the person: the record stays on the Annex E form.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.printing import parts
from app.printing.blocks import field_rows, heading, para, rows_table
from app.printing.content import NoticeData
from app.printing.page import CopyLabel, build

APPOINTMENT_KEYS = ("appointment_at", "assessing_cjit", "place")


def render_annex_e(data: NoticeData) -> bytes:
    return build(letter(data), parts.furniture(data))


def letter(
    data: NoticeData,
    keys: tuple[str, ...] = APPOINTMENT_KEYS,
    wording: str = "annex_e",  # the follow-up's letter (annex_e_fu) has its own heading and body
) -> list[Flowable]:
    rows = field_rows(data.form, data.answers, data.reference, keys=keys)
    return [
        CopyLabel(data.text("annex_e.copy_label")),
        *parts.title(data, f"{wording}.heading"),
        *parts.person(data),
        parts.spacer(3),
        para(data.text(f"{wording}.body")),
        heading("Your appointment"),
        rows_table(rows, strong=True, columns=2, compact=True),
        parts.spacer(3),
        para(data.text("annex_e.no_sanction"), "warning"),
        parts.spacer(),
        para(parts.issued_line(data), "small"),
    ]
