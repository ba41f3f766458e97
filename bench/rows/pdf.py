"""RA1 with its three copies to PDF bytes, against a minimal reportlab document with the same
text. Runs when ``app.printing.render_notice`` exists (being built on the printing branch);
reports "pending" otherwise.

The content is an RA1 from the generated store, frozen the way ``app.services.notices`` freezes
it (form document, the episode's custody_episode and dt1 answers, issued_at/by, reference). The
baseline takes the text of each page of our PDF (pypdf) and sets it as plain Helvetica
paragraphs, one page per copy, with reportlab's SimpleDocTemplate: the floor for "the same words
on three pages".
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import select

from bench.common import Row, ms, pending, summary
from bench.datagen import WORKER

TARGET_MS, TARGET_RATIO = 100.0, 3.0
KEY, WHAT = "pdf", "RA1 with three copies to PDF bytes"
TARGET = f"< {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x minimal reportlab page"


def _content(data_dir: Path) -> dict:
    from app.config import Settings
    from app.forms.registry import FORMS
    from app.services import reference
    from app.services import workspace as wsm
    from app.storage.models import FormRecord, Notice

    ws = wsm.unlock(Settings(data_dir=data_dir), WORKER[0], WORKER[2])
    try:
        with ws.store.session() as s:
            notice = s.scalars(select(Notice).where(Notice.kind == "ra1").limit(1)).one()
            forms = {r.form_key: dict(r.answers) for r in s.scalars(
                select(FormRecord).where(FormRecord.episode_id == notice.episode_id))}  # fmt: skip
        answers = {**forms["ra1"], "copies": ["detainee", "custody_record", "cjit"]}
        return {
            "kind": "ra1",
            "form": {"form": "ra1", "version": FORMS["ra1"].version, "answers": answers},
            "episode": forms.get("custody_episode", {}),
            "dt1": forms.get("dt1", {}),
            "reference_versions": reference.reference_data(ws).versions(),
            "issued_at": notice.issued_at.isoformat(),
            "issued_by": "Sam Patel",
            "reference": notice.reference,
        }
    finally:
        ws.close()


def minimal(pages_text: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    story = []
    for text in pages_text:
        story += [Paragraph(escape(line), style) for line in text.splitlines() if line.strip()]
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story[:-1])
    return buffer.getvalue()


def run(data_dir: Path, runs: int = 21) -> Row:
    try:
        from app.printing import render_notice
    except ImportError:
        return pending(KEY, WHAT, TARGET, "app.printing not present")
    from pypdf import PdfReader

    row = Row(KEY, WHAT, TARGET)
    content = _content(data_dir)
    start = time.perf_counter()
    pdf = render_notice(content)  # first call: fonts registered, reference data loaded
    first = ms(time.perf_counter() - start)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    minimal(texts)
    ours, base = [], []
    for i in range(runs):
        pair = [(lambda: render_notice(content), ours), (lambda: minimal(texts), base)]
        for fn, samples in pair if i % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            fn()
            samples.append(ms(time.perf_counter() - start))
    o, b = summary(ours), summary(base)
    row.ours, row.baseline = o["median"], b["median"]
    row.detail = {"ours_ms": o, "minimal_ms": b, "first_call_ms": first, "pages": len(texts),
                  "pdf_bytes": len(pdf), "runs": runs, "statistic": "median"}  # fmt: skip
    return row.finish(o["median"] < TARGET_MS and o["median"] <= TARGET_RATIO * b["median"])
