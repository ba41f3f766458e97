"""Micro-benchmark: an RA1 with its three copies to PDF bytes, against a minimal reportlab
document with the same text (issue 5: under 100 ms, at most 3x the minimal page).

Run: python bench/bench_printing.py   (prints timings; not a test)
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from app.printing import render_notice
from app.printing.content import bundled_reference
from app.printing.samples import sample_content

RUNS = 20


def median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def minimal(pages_text: list[str]) -> bytes:
    """The same words as plain Helvetica paragraphs, one page per copy: the floor."""
    style = getSampleStyleSheet()["BodyText"]
    story = []
    for text in pages_text:
        story += [Paragraph(line, style) for line in text.splitlines() if line.strip()]
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story[:-1])
    return buffer.getvalue()


def main() -> None:
    from xml.sax.saxutils import escape

    from pypdf import PdfReader

    content = sample_content("ra1")
    first = time.perf_counter()
    pdf = render_notice(content)  # includes registering the fonts and loading reference data
    cold = (time.perf_counter() - first) * 1000
    ref = bundled_reference()
    texts = [escape(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    ra1 = median_ms(lambda: render_notice(content, ref))
    floor = median_ms(lambda: minimal(texts))
    print(
        f"RA1, 3 copies ({len(pdf) // 1024} KB): first call {cold:.1f} ms (fonts, reference data)"
    )
    print(f"RA1, 3 copies: median of {RUNS}: {ra1:.1f} ms")
    print(f"minimal reportlab, same text, 3 pages: median of {RUNS}: {floor:.1f} ms")
    print(
        f"ratio {ra1 / floor:.2f}x; target < 100 ms and <= 3x: "
        f"{'met' if ra1 < 100 and ra1 <= 3 * floor else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
