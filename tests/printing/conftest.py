"""Helpers for the printing tests: render a fictional notice and read its text back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.printing import render_notice
from app.printing.samples import sample_content


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with whitespace collapsed (wrapped lines read as one sentence)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def render():
    """render(kind, episode=..., **answers) -> list of page texts; content=... for raw content."""

    def _render(kind: str, *, content: dict | None = None, **overrides) -> list[str]:
        return page_texts(render_notice(content or sample_content(kind, **overrides)))

    return _render
